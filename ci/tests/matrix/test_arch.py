"""ci/arch-matrix and ci/cross/*: usage and bad input (answered before
anything is installed or built), the cross files, the arch section of
update-doc, kernel-fetch --arch arm64, and run-emulated running an aarch64
program that execs another (skipped without an aarch64 compiler, qemu-user
or a kernel that gives a user namespace its own binfmt_misc)."""

import configparser
import json
import os
import shutil

from matrix_support import ROOT, TempDirTest, run, tool

ARCH_MATRIX = os.path.join(ROOT, "ci", "arch-matrix")
CROSS = os.path.join(ROOT, "ci", "cross")


def cross(name):
    return os.path.join(CROSS, name)


class Usage(TempDirTest):
    def test_help_prints_usage_and_does_nothing(self):
        for script in (ARCH_MATRIX, cross("build-gtest"), cross("run-emulated"),
                       cross("setup-build")):
            for flag in ("--help", "-h"):
                status, out, err = run([script, flag], cwd=self.tmp)
                self.assertEqual(status, 0, err)
                self.assertIn("Usage:", out, script)
                self.assertEqual(err, "", script)
        self.assertEqual(os.listdir(self.tmp), [])

    def test_bad_arguments_are_refused_with_one_line(self):
        cases = [
            ([ARCH_MATRIX, "--arch", "sparc"], "unknown architecture 'sparc'"),
            ([ARCH_MATRIX, "--arch", ""], "--arch is empty"),
            ([ARCH_MATRIX, "--arch"], "--arch needs a value"),
            ([ARCH_MATRIX, "--frobnicate"], "unknown argument '--frobnicate'"),
            ([cross("run-emulated"), "sparc", "true"], "unknown ARCH 'sparc'"),
            ([cross("run-emulated"), "aarch64"], "expected ARCH COMMAND"),
            ([cross("build-gtest"), "aarch64-linux-gnu"], "expected TRIPLET PREFIX"),
            ([cross("build-gtest"), "../x", self.tmp], "invalid triplet"),
            ([cross("setup-build"), "sparc", self.tmp], "unknown ARCH 'sparc'"),
        ]
        for args, message in cases:
            status, out, err = run(args, cwd=self.tmp)
            self.assertEqual(status, 2, (args, err))
            self.assertEqual(out, "")
            self.assertIn(message, err)
            self.assertEqual(len(err.strip().splitlines()), 1, err)

    def test_arch_matrix_checks_every_architecture_before_any_work(self):
        # A good one first, then a bad one: refused, and no build folder made.
        env = dict(os.environ, BUILD_PREFIX=os.path.join(self.tmp, "b-"))
        status, _, err = run([ARCH_MATRIX, "--arch", "i386,mips", "--out",
                              os.path.join(self.tmp, "out")], env=env)
        self.assertEqual(status, 2, err)
        self.assertEqual(os.listdir(self.tmp), [])


class CrossFiles(TempDirTest):
    def test_each_names_a_compiler_and_its_machine(self):
        expected = {"aarch64": ("aarch64", "aarch64-linux-gnu-g++"),
                    "riscv64": ("riscv64", "riscv64-linux-gnu-g++"),
                    "i386": ("x86", "i686-linux-gnu-g++")}
        for arch, (family, cxx) in expected.items():
            ini = configparser.ConfigParser()
            ini.read(cross(arch + ".ini"))
            self.assertEqual(ini["host_machine"]["cpu_family"], f"'{family}'")
            self.assertEqual(ini["binaries"]["cpp"], f"'{cxx}'")
            # Meson 1.0 (Debian 12) reads only this spelling.
            self.assertIn("pkgconfig", ini["binaries"])
            self.assertNotIn("pkg-config", ini["binaries"])
            # Emulated targets name their QEMU; i386 runs natively.
            self.assertEqual("exe_wrapper" in ini["binaries"], arch != "i386")


class UpdateDocArch(TempDirTest):
    def test_arch_section_names_each_architecture_and_its_emulator(self):
        runs = []
        for name, emulator in (("qemu-aarch64", "qemu-aarch64 version 7.2"),
                               ("i386", "none: native i386")):
            folder = os.path.join(self.tmp, name)
            os.makedirs(folder)
            with open(os.path.join(folder, "run.json"), "w", encoding="utf-8") as f:
                json.dump({"name": name, "label": name, "kind": "arch", "status": 0,
                           "seconds": 9, "emulator": emulator}, f)
            with open(os.path.join(folder, "conformance.xml"), "w", encoding="utf-8") as f:
                f.write('<testsuites><testsuite name="A"><testcase name="B" classname="A">'
                        '<properties><property name="assertion" value="ARCH.X"/></properties>'
                        '</testcase></testsuite></testsuites>')
            runs.append(folder)
        doc = self.write("matrix.md", "# M\n\n<!-- BEGIN kernel matrix -->\nkept\n"
                                      "<!-- END kernel matrix -->\n")
        status, _, err = run([tool("update-doc"), "--section", "arch", "--out",
                              os.path.join(self.tmp, "out"), "--doc", doc] + runs)
        self.assertEqual(status, 0, err)
        with open(doc, encoding="utf-8") as f:
            text = f.read()
        self.assertIn("<!-- BEGIN kernel matrix -->\nkept\n", text)
        section = text.split("<!-- BEGIN arch matrix -->")[1].split("<!-- END arch matrix -->")[0]
        self.assertIn("## Architectures", section)
        self.assertIn("emulator: qemu-aarch64 version 7.2", section)
        self.assertIn("| ID | suite | qemu-aarch64 | i386 |", section)


PACKAGES_ARM64 = """\
Package: linux-image-arm64
Architecture: arm64
Version: 6.1.99-1
Depends: linux-image-6.1.0-22-arm64 (= 6.1.99-1)

Package: linux-image-6.1.0-22-arm64
Architecture: arm64
Version: 6.1.99-1
Filename: pool/main/l/linux-signed-arm64/linux-image-6.1.0-22-arm64_6.1.99-1_arm64.deb

Package: linux-image-6.1.0-22-amd64
Architecture: amd64
Version: 6.1.99-1
Filename: pool/main/l/linux-signed-amd64/linux-image-6.1.0-22-amd64_6.1.99-1_amd64.deb
"""


class KernelFetchArm64(TempDirTest):
    def test_arm64_picks_the_arm64_image(self):
        packages = self.write("Packages", PACKAGES_ARM64)
        status, out, err = run([tool("kernel-fetch"), "--cache", self.tmp, "--packages",
                                packages, "--arch", "arm64", "6.1"])
        self.assertEqual(status, 0, err)
        self.assertEqual(out.split("\t")[1], "linux-image-6.1.0-22-arm64")

    def test_amd64_stays_the_default(self):
        packages = self.write("Packages", PACKAGES_ARM64)
        status, out, err = run([tool("kernel-fetch"), "--cache", self.tmp, "--packages",
                                packages, "6.1"])
        self.assertEqual(status, 0, err)
        self.assertEqual(out.split("\t")[1], "linux-image-6.1.0-22-amd64")

    def test_unknown_arch_is_bad_usage(self):
        packages = self.write("Packages", PACKAGES_ARM64)
        status, _, _ = run([tool("kernel-fetch"), "--packages", packages, "--arch", "mips", "6.1"])
        self.assertEqual(status, 2)


class KernelMatrixArm64Spec(TempDirTest):
    def test_a_bad_arm64_spec_is_refused(self):
        status, _, err = run([os.path.join(ROOT, "ci", "kernel-matrix"), "--kernels",
                              "arm64:6.1,arm64:Bad!"])
        self.assertEqual(status, 2, err)
        self.assertIn("invalid kernel 'arm64:Bad!'", err)


class RunEmulated(TempDirTest):
    """An aarch64 program that execs another aarch64 program: without the
    namespace's binfmt_misc, the execve fails with ENOEXEC."""

    PROGRAM = r"""
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
int main(int argc, char** argv) {
  struct utsname u;
  uname(&u);
  if (argc > 1) { printf("child %s\n", u.machine); return 0; }
  printf("parent %s\n", u.machine);
  fflush(stdout);
  execl(argv[0], argv[0], "again", (char*)0);  /* an absolute path: see below */
  perror("execl");
  return 1;
}
"""

    def test_a_helper_exec_runs_under_qemu_too(self):
        if not shutil.which("aarch64-linux-gnu-gcc") or not shutil.which("qemu-aarch64"):
            self.skipTest("no aarch64-linux-gnu-gcc or qemu-aarch64")
        source = self.write("p.c", self.PROGRAM)
        program = os.path.join(self.tmp, "p")
        status, _, err = run(["aarch64-linux-gnu-gcc", "-static", "-O1", "-o", program, source],
                             timeout=120)
        self.assertEqual(status, 0, err)
        status, out, err = run([cross("run-emulated"), "aarch64", program], timeout=120)
        if status == 3:
            self.skipTest(err.strip())
        self.assertEqual(status, 0, err)
        self.assertEqual(out.splitlines(), ["parent aarch64", "child aarch64"])

    SETUID_PROGRAM = r"""
#include <stdio.h>
#include <unistd.h>
int main(void) { printf("euid %d\n", (int)geteuid()); return 0; }
"""

    def test_a_set_user_id_program_runs_as_its_owner(self):
        # binfmt_misc's C flag: without it the credentials come from QEMU,
        # and the program would print euid 0.
        if not shutil.which("aarch64-linux-gnu-gcc") or not shutil.which("qemu-aarch64"):
            self.skipTest("no aarch64-linux-gnu-gcc or qemu-aarch64")
        if os.geteuid() != 0:
            self.skipTest("needs root to give the program to nobody")
        source = self.write("s.c", self.SETUID_PROGRAM)
        program = os.path.join(self.tmp, "s")
        status, _, err = run(["aarch64-linux-gnu-gcc", "-static", "-O1", "-o", program, source],
                             timeout=120)
        self.assertEqual(status, 0, err)
        os.chown(program, 65534, 65534)
        os.chmod(program, 0o4755)
        status, out, err = run([cross("run-emulated"), "aarch64", program], timeout=120)
        if status == 3:
            self.skipTest(err.strip())
        self.assertEqual(status, 0, err)
        self.assertEqual(out.splitlines(), ["euid 65534"])
