"""ci/matrix/kernel-fetch: which image package a kernel spec names, read
from a Packages file (no network)."""

from matrix_support import TempDirTest, run, tool

PACKAGES = """\
Package: linux-image-amd64
Architecture: amd64
Version: 6.1.99-1
Depends: linux-image-6.1.0-22-amd64 (= 6.1.99-1)

Package: linux-image-6.1.0-22-amd64
Architecture: amd64
Version: 6.1.99-1
Filename: pool/main/l/linux-signed-amd64/linux-image-6.1.0-22-amd64_6.1.99-1_amd64.deb

Package: linux-image-6.1.0-21-amd64
Architecture: amd64
Version: 6.1.90-1
Filename: pool/main/l/linux-signed-amd64/linux-image-6.1.0-21-amd64_6.1.90-1_amd64.deb

Package: linux-image-6.1.0-22-amd64-dbg
Architecture: amd64
Version: 6.1.99-1

Package: linux-image-6.1.0-22-rt-amd64
Architecture: amd64
Version: 6.1.99-1
Filename: pool/main/l/linux-signed-amd64/linux-image-6.1.0-22-rt-amd64_6.1.99-1_amd64.deb

Package: linux-image-5.10.0-9-amd64
Architecture: amd64
Version: 5.10.70-1
Filename: pool/main/l/linux/linux-image-5.10.0-9-amd64_5.10.70-1_amd64.deb

Package: linux-image-5.10.0-11-amd64
Architecture: amd64
Version: 5.10.92-1
Filename: pool/main/l/linux/linux-image-5.10.0-11-amd64_5.10.92-1_amd64.deb
"""


class KernelFetch(TempDirTest):
    def fetch(self, spec):
        packages = self.write("Packages", PACKAGES)
        return run([tool("kernel-fetch"), "--cache", self.tmp, "--packages", packages, spec])

    def fields(self, spec):
        status, out, err = self.fetch(spec)
        self.assertEqual(status, 0, err)
        return out.rstrip("\n").split("\t")

    def test_series_follows_the_meta_package(self):
        path, package, version, suite = self.fields("6.1")
        self.assertEqual(package, "linux-image-6.1.0-22-amd64")
        self.assertEqual(version, "6.1.99-1")
        self.assertEqual(suite, "bookworm")
        self.assertTrue(path.endswith("linux-image-6.1.0-22-amd64_6.1.99-1/vmlinuz"))

    def test_series_without_meta_package_takes_the_newest_abi(self):
        _, package, _, suite = self.fields("5.10")
        # -11 is newer than -9 although it sorts before it as text.
        self.assertEqual(package, "linux-image-5.10.0-11-amd64")
        self.assertEqual(suite, "bullseye")

    def test_suite_takes_its_meta_package(self):
        _, package, _, suite = self.fields("bookworm-backports")
        self.assertEqual(package, "linux-image-6.1.0-22-amd64")
        self.assertEqual(suite, "bookworm-backports")

    def test_unknown_series(self):
        status, _, err = self.fetch("4.19")
        self.assertEqual(status, 2)
        self.assertIn("no linux-image for '4.19'", err)

    def test_invalid_spec(self):
        status, _, err = self.fetch("6.1; rm -rf /")
        self.assertEqual(status, 2)
        self.assertIn("invalid kernel", err)
