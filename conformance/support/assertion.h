// Declaring conformance assertions.
//
//   PROCSIG_TEST(Fork, ReturnsZeroInChild, "FORK.RETURNS_ZERO_IN_CHILD", "XSH fork",
//                "fork() returns 0 in the child process") {
//     ...gtest/gmock assertions...
//   }
//
// expands to a gtest test Fork.ReturnsZeroInChild on the fixture
// procsig::test::ConformanceTest. The body is a static function of a class
// derived from the fixture, so it can call RecordObserved() and the helpers
// of this library unqualified, and gtest macros work as in any TEST_F.
//
// PROCSIG_CHARACTERISE declares a test of behaviour POSIX leaves open: it
// records property kind=characterisation, the body records what it saw with
// RecordObserved(), and it passes unless no reading of POSIX allows the
// result.
//
// conformance/tools/gen_assertions.py parses these macros, so keep each
// invocation's five arguments as plain identifiers and string literals.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>

#include "proc.h"

namespace procsig::test {

struct AssertionInfo {
  const char* id;
  const char* clause;
  const char* description;
  bool characterisation;
};

// Records that part of the suite's safety net is missing on this platform
// (for example no subreaper, so an orphan of a broken test is not caught by
// the leak check). Every test then carries the property safety_net=<what>,
// so the report, not only the log, says what the suite could not check.
void NoteSafetyNetMissing(const std::string& what);

class ConformanceTest : public ::testing::Test {
 protected:
  // SetUp records the descriptors, signal state and working directory;
  // TearDown fails the test if it left a child process (running or zombie),
  // an extra open descriptor or changed signal/timer state, and cleans the
  // leftovers up (kill and reap, close, restore) so one leak does not
  // cascade into the next test.
  void SetUp() override;
  void TearDown() override;

  // Records the property `observed` (characterisation tests).
  static void RecordObserved(const std::string& value);

  // Records the assertion's properties and runs body under the target's
  // expectations (see expectations.h).
  static void RunAssertion(const AssertionInfo& info, void (*body)());

 private:
  // Runs body under its deadline (test_deadline.h); a cut-off is a failure
  // naming the assertion.
  static void RunBounded(const AssertionInfo& info, void (*body)());

  struct SignalState;
  void CheckChildren();
  void CheckDescriptors();
  void CheckSignals();
  void CheckProcessState();

  std::set<int> fds_at_start_;
  std::string cwd_at_start_;
  pid_t pgrp_at_start_ = 0;
  uid_t euid_at_start_ = 0;
  gid_t egid_at_start_ = 0;
  int dumpable_at_start_ = 1;
  std::shared_ptr<SignalState> signals_at_start_;
};

}  // namespace procsig::test

#define PROCSIG_ASSERTION_IMPL_(suite, name, id, clause, description, characterisation)     \
  struct suite##_##name##_ProcsigBody : ::procsig::test::ConformanceTest {                  \
    static void Body();                                                                     \
  };                                                                                        \
  /* NOLINTNEXTLINE(bugprone-macro-parentheses): suite names a type */                      \
  using suite = ::procsig::test::ConformanceTest;                                           \
  TEST_F(suite, name) {                                                                     \
    RunAssertion(::procsig::test::AssertionInfo{id, clause, description, characterisation}, \
                 &suite##_##name##_ProcsigBody::Body);                                      \
  }                                                                                         \
  void suite##_##name##_ProcsigBody::Body()

#define PROCSIG_TEST(suite, name, id, clause, description) \
  PROCSIG_ASSERTION_IMPL_(suite, name, id, clause, description, false)

#define PROCSIG_CHARACTERISE(suite, name, id, clause, description) \
  PROCSIG_ASSERTION_IMPL_(suite, name, id, clause, description, true)
