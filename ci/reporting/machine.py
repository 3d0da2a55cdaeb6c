"""What a run records about where it ran."""

import datetime
import os
import platform
import re
import socket
import subprocess


def _distro():
    for path in ("/etc/os-release", "/usr/lib/os-release"):
        try:
            with open(path, encoding="utf-8") as f:
                for line in f:
                    if line.startswith("PRETTY_NAME="):
                        return line.split("=", 1)[1].strip().strip("\"'")
        except OSError:
            continue
    return platform.system()


def _libc():
    try:
        return os.confstr("CS_GNU_LIBC_VERSION") or ""  # "glibc 2.36"
    except (ValueError, OSError, AttributeError):
        pass
    # musl has no confstr name for its version; its loader prints it.
    try:
        out = subprocess.run(["ldd", "--version"], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, universal_newlines=True, timeout=10).stdout
        m = re.search(r"(musl|GLIBC|GNU libc)\D*(\d+\.\d+(\.\d+)?)", out, re.IGNORECASE)
        if m:
            return f"{m.group(1).lower()} {m.group(2)}"
    except (OSError, subprocess.SubprocessError):
        pass
    name, version = platform.libc_ver()
    return f"{name} {version}".strip()


def _tested_platform():
    """The kernel and layer the conformance binary saw, from the file it wrote
    at PROCSIG_PLATFORM_FILE (ci/validate sets it): under user-mode Linux the
    tests ran on UML's kernel, not this machine's. {} when there is none."""
    path = os.environ.get("PROCSIG_PLATFORM_FILE", "")
    seen = {}
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                key, _, value = line.rstrip("\n").partition(" ")
                seen[key] = value
    except OSError:
        return {}
    return seen


def describe():
    """The run fields that describe this machine."""
    tested = _tested_platform()
    kernel = tested.get("kernel", "").split(" ", 1)[0] or platform.release()
    return {
        "machine": {"hostname": socket.gethostname(), "nproc": os.cpu_count() or 0},
        "kernel": kernel,
        "kernel_host": platform.release(),
        "layer": tested.get("layer", ""),
        "distro": _distro(),
        "libc": _libc(),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
