"""ci/matrix/serial-extract: turns the guest's serial output back into the
suite's files and facts."""

import json
import os

from matrix_support import TempDirTest, run, tool

COMPLETE = (
    "@@PROCSIG uname 6.1.0-35-amd64\r\n"
    "some kernel noise\r\n"
    "@@PROCSIG machine x86_64\n"
    "@@PROCSIG exit 1\n"
    "@@PROCSIG begin conformance.xml\n"
    "<?xml version=\"1.0\"?>\r\n"
    "<testsuites>\n"
    "@@PROCSIG not-a-marker inside a file stays\n"
    "</testsuites>\n"
    "@@PROCSIG end conformance.xml\n"
    "@@PROCSIG done\n"
)


class SerialExtract(TempDirTest):
    def extract(self, text):
        log = self.write("serial.log", text)
        out = os.path.join(self.tmp, "out")
        status, _, err = run([tool("serial-extract"), log, out])
        guest = {}
        if os.path.exists(os.path.join(out, "guest.json")):
            with open(os.path.join(out, "guest.json"), encoding="utf-8") as f:
                guest = json.load(f)
        return status, err, out, guest

    def test_complete_log(self):
        status, err, out, guest = self.extract(COMPLETE)
        self.assertEqual(status, 0, err)
        self.assertEqual(guest["uname"], "6.1.0-35-amd64")
        self.assertEqual(guest["exit"], "1")
        self.assertTrue(guest["complete"])
        with open(os.path.join(out, "conformance.xml"), encoding="utf-8") as f:
            body = f.read()
        self.assertEqual(body, '<?xml version="1.0"?>\n<testsuites>\n'
                               "@@PROCSIG not-a-marker inside a file stays\n</testsuites>\n")

    def test_cut_short_log_still_gives_what_arrived(self):
        status, err, out, guest = self.extract(COMPLETE.split("@@PROCSIG begin")[0])
        self.assertEqual(status, 1)
        self.assertIn("ends before the guest's 'done' line", err)
        self.assertFalse(guest["complete"])
        self.assertEqual(guest["uname"], "6.1.0-35-amd64")
        self.assertFalse(os.path.exists(os.path.join(out, "conformance.xml")))

    def test_unsafe_file_name_is_not_written(self):
        text = "@@PROCSIG begin ../escape\nx\n@@PROCSIG end ../escape\n@@PROCSIG done\n"
        status, _, out, guest = self.extract(text)
        self.assertEqual(status, 0)
        self.assertEqual(guest["files"], [])
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "escape")))

    def test_missing_log_is_bad_usage(self):
        status, _, err = run([tool("serial-extract"), "/nonexistent/log", self.tmp])
        self.assertEqual(status, 2)
        self.assertIn("cannot read /nonexistent/log", err)
