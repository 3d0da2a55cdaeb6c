// Target expectations: conformance/expectations/<target>.txt lists the
// assertions known to fail on a target, one per line, "ID  reason" (blank
// lines and lines starting with # are ignored).
//
// With PROCSIG_TARGET=<target>, a listed test whose body fails is reported
// as skipped, message "expected failure: <reason>", property
// outcome=expected-fail; a listed test that passes fails with "unexpected
// pass: <reason>", property outcome=unexpected-pass. Unlisted tests and runs
// without PROCSIG_TARGET are unaffected.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace procsig::test {

// Loads the expectations of `target` from `directory`. Returns an error
// message (for example an unknown target) or nullopt on success. An empty
// target loads nothing.
std::optional<std::string> LoadExpectations(const std::string& directory,
                                            const std::string& target);

// The reason an assertion is expected to fail on the loaded target, or
// nullptr when it is not listed.
const std::string* ExpectedFailureReason(const std::string& id);

// The loaded target's name ("" when none).
const std::string& ExpectationsTarget();

}  // namespace procsig::test
