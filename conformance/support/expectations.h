// Target expectations: conformance/expectations/<target>.txt lists the
// assertions known to fail on a target, one per line, "ID  reason" (blank
// lines and lines starting with # are ignored).
//
// With PROCSIG_TARGET=<target>, a listed test whose body fails is reported
// as skipped, message "expected failure: <reason>", property
// outcome=expected-fail; a listed test that passes fails with "unexpected
// pass: <reason>", property outcome=unexpected-pass. Unlisted tests and runs
// without PROCSIG_TARGET are unaffected.
//
// A row whose reason starts with the word "intermittent", then the measured
// rate, is a divergence the target shows in only some runs:
//   ID  intermittent (failed 7 of 20 runs): reason
// Its test reports property outcome=intermittent and this_run=fail or pass:
// when the body fails it is skipped with "intermittent failure: <reason>",
// when it passes it passes. Neither is counted as a pass or a failure. Such a
// row needs a probe that showed it both failing and passing on the target
// (0 < failed < runs), and the test must still pass natively.
#pragma once

#include <optional>
#include <string>

namespace procsig::test {

struct Expectation {
  std::string reason;  // for an intermittent row, the text after the rate
  std::string rate;    // "failed 7 of 20 runs" for an intermittent row, else ""

  bool intermittent() const { return !rate.empty(); }
};

// Loads the expectations of `target` from `directory`. Returns an error
// message (for example an unknown target, or "file:line: ..." for a
// malformed row) or nullopt on success. An empty target loads nothing.
std::optional<std::string> LoadExpectations(const std::string& directory,
                                            const std::string& target);

// The expectation listed for an assertion on the loaded target, or nullptr
// when it is not listed.
const Expectation* FindExpectation(const std::string& id);

// The loaded target's name ("" when none).
const std::string& ExpectationsTarget();

}  // namespace procsig::test
