"""report.md and index.html say what report.json says."""

import re
import unittest

from support import CATALOGUE, SOURCE_ROOT, fixture

from reporting import catalogue, merge, render_html, render_md, run

META = {"name": "r<1>", "machine": {"hostname": "h", "nproc": 2}, "kernel": "6.1",
        "distro": "D", "libc": "glibc", "impl": "", "target": "", "date": "2024-01-01"}


def report():
    one = run.build(fixture("meson-1.0"), [fixture("meson-1.0", "meson-logs", "testlog.json")],
                    dict(META), SOURCE_ROOT,
                    conformance_catalogue=catalogue.conformance_assertions(CATALOGUE))
    return merge.as_matrix(one)


class HtmlTest(unittest.TestCase):
    def setUp(self):
        self.html = render_html.render(report())

    def test_self_contained(self):
        self.assertNotRegex(self.html, r"<script|<link|src=|@import|https?://")
        self.assertIn("<style>", self.html)

    def test_cells_say_their_outcome_in_words(self):
        def cell(rid):
            m = re.search(r"<tr><td class='id'><a href='#rule-" + re.escape(rid) + "'>"
                          + re.escape(rid) + r"</a></td><td>[^<]*</td>.*?<td class='cell ([a-z-]+)'"
                          r"[^>]*>(?:<a [^>]*>)?([^<]*)", self.html, re.S)
            self.assertIsNotNone(m, rid)
            return m.groups()

        self.assertEqual(cell("WAIT.REAPS_ZOMBIE"), ("fail", "FAIL"))
        self.assertEqual(cell("ALARM.KNOWN"), ("expected-fail", "expected fail"))
        self.assertEqual(cell("ALARM.UNEXP"), ("unexpected-pass", "UNEXPECTED PASS"))
        self.assertEqual(cell("SIGNAL.RESTART"), ("observed", "SA_RESTART set"))
        self.assertEqual(cell("KILL.SKIPPED"), ("skip", "skip"))
        self.assertEqual(cell("FORK.RETURNS_ZERO_IN_CHILD"), ("pass", "pass"))
        self.assertEqual(cell("FORK.CHILD_HAS_NEW_PID"), ("not-run", "not run"))

    def test_text_is_escaped_and_messages_follow_the_table(self):
        self.assertIn("signal() restarts &amp; &lt;syscalls&gt;", self.html)
        self.assertIn("r&lt;1&gt;", self.html)
        self.assertNotIn("<syscalls>", self.html)
        messages = self.html[self.html.index("<h2>Messages</h2>"):self.html.index("id='rules'")]
        self.assertIn("zombie still present", messages)
        self.assertIn("needs a pty", messages)

    def test_failures_come_first_each_linked_to_its_rule_text(self):
        failures = self.html.index("id='failures'")
        self.assertLess(failures, self.html.index("<h2>Totals</h2>"))
        self.assertLess(failures, self.html.index("<table class='matrix'>"))
        top = self.html[failures:self.html.index("<h2>Totals</h2>")]
        self.assertIn("<h3>r&lt;1&gt; · conformance · platform (2)</h3>", top)
        linked = re.findall(r"<td class='id'><a href='#(rule-[^']+)'>", top)
        self.assertIn("rule-WAIT.REAPS_ZOMBIE", linked)
        self.assertIn("rule-C.FORK.LINES", linked)
        for anchor in linked:
            self.assertIn(f"<dt id='{anchor}'>", self.html)
        # The rule's own text, from the contract, is in the page.
        rules = self.html[self.html.index("id='rules'"):]
        self.assertIn("<dt id='rule-C.FORK.LINES'>", rules)
        self.assertIn("zombie still present", top)  # the cause

    def test_observed_is_explained_and_areas_collapse(self):
        self.assertIn("what the platform did where POSIX leaves a choice", self.html)
        self.assertRegex(self.html, r"<details class='area' open><summary><b>WAIT</b>")
        self.assertRegex(self.html, r"<details class='area'><summary><b>FORK</b>")

    def test_a_passing_run_says_so_at_the_top(self):
        view = report()
        for r in view["runs"]:
            r["results"] = [res for res in r["results"] if res["outcome"] not in
                            ("fail", "unexpected-pass")]
        html = render_html.render(view)
        self.assertIn("<p id='failures' class='all-good pass'>No unexpected result", html)


class MarkdownTest(unittest.TestCase):
    def test_tables_and_escaping(self):
        md = render_md.render(report())
        top = md[:md.index("## Runs")]
        self.assertIn("- **FAIL** `WAIT.REAPS_ZOMBIE` [conformance, platform] in r<1>: "
                      "Expected equality of these values: 1 2 zombie still present", top)
        self.assertIn("| `WAIT.REAPS_ZOMBIE` | conformance | XSH wait | wait() reaps a zombie | "
                      "**FAIL** |", md)
        self.assertIn("| `FORK.CHILD_HAS_NEW_PID` |", md)
        self.assertIn("not run |", md)
        for line in md.splitlines():
            if line.startswith("| `C.ALL.LINES`"):
                self.assertEqual(line.count(" | "), 4)  # no stray cell separators


if __name__ == "__main__":
    unittest.main()
