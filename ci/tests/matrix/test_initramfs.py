"""ci/matrix/make-initramfs: the archive the kernel unpacks must be a valid
newc cpio; read back here with an independent reader."""

import os
import stat

from matrix_support import TempDirTest, run, tool


def read_newc(data):
    """[(name, mode, rdev_major, rdev_minor, body)] of a newc archive."""
    entries, off = [], 0
    while True:
        assert data[off:off + 6] == b"070701", f"bad magic at {off}"
        fields = [int(data[off + 6 + 8 * i: off + 14 + 8 * i], 16) for i in range(13)]
        mode, size, rmaj, rmin, namesize = fields[1], fields[6], fields[9], fields[10], fields[11]
        name = data[off + 110: off + 110 + namesize - 1].decode()
        off += 110 + namesize
        off += -off % 4
        body = data[off: off + size]
        off += size
        off += -off % 4
        if name == "TRAILER!!!":
            return entries, off
        entries.append((name, mode, rmaj, rmin, body))


class MakeInitramfs(TempDirTest):
    def test_files_folders_and_console_round_trip(self):
        init = self.write("init-bin", "#!/bin/sh\necho hi\n", 0o755)
        args = self.write("argv", "/bin/x\n--flag\n")
        out = os.path.join(self.tmp, "initrd")
        status, _, err = run([tool("make-initramfs"), out, f"/init={init}",
                              f"/procsig/argv={args}", f"procsig/bin/x={init}"])
        self.assertEqual(status, 0, err)
        with open(out, "rb") as f:
            data = f.read()
        entries, end = read_newc(data)
        self.assertEqual(end, len(data), "bytes after the trailer")
        self.assertEqual(len(data) % 4, 0)
        by_name = {e[0]: e for e in entries}
        self.assertEqual(set(by_name), {"dev", "procsig", "procsig/bin", "dev/console", "init",
                                        "procsig/argv", "procsig/bin/x"})
        # Folders come before what they hold, or the kernel cannot create it.
        names = [e[0] for e in entries]
        self.assertLess(names.index("procsig/bin"), names.index("procsig/bin/x"))
        self.assertTrue(stat.S_ISDIR(by_name["procsig/bin"][1]))
        console = by_name["dev/console"]
        self.assertTrue(stat.S_ISCHR(console[1]))
        self.assertEqual((console[2], console[3]), (5, 1))
        self.assertEqual(by_name["init"][4], b"#!/bin/sh\necho hi\n")
        self.assertEqual(stat.S_IMODE(by_name["init"][1]), 0o755)
        self.assertEqual(stat.S_IMODE(by_name["procsig/argv"][1]), 0o644)
        self.assertEqual(by_name["procsig/argv"][4], b"/bin/x\n--flag\n")

    def test_missing_source_is_bad_usage(self):
        status, _, err = run([tool("make-initramfs"), os.path.join(self.tmp, "o"),
                              "/init=/nonexistent/file"])
        self.assertEqual(status, 2)
        self.assertIn("no such file: /nonexistent/file", err)
        self.assertEqual(len(err.strip().splitlines()), 1)

    def test_argument_without_destination_is_bad_usage(self):
        status, _, err = run([tool("make-initramfs"), os.path.join(self.tmp, "o"), "init"])
        self.assertEqual(status, 2)
        self.assertIn("usage", err)
