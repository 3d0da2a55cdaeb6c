// The shape most terminal tests share: the test process opens a fresh
// pseudo-terminal and keeps its master; a forked child runs the test's
// checks with the master's descriptor and the slave's path; meanwhile the
// test may act on the master (type on it, close it); and the test fails,
// quoting the child's failed CHILD_CHECK, unless the child exits 0.
//
//   RunPtyChild(AsSessionLeader([&](const ChildReport& report, int tty) {
//     CHILD_CHECK(report, ::tcgetsid(tty) == ::getpid());
//     return 0;
//   }));
#pragma once

#include <gtest/gtest.h>

#include "child.h"
#include "child_check.h"
#include "pty.h"

namespace procsig::test::terminal {

// What the child is given of the pty.
struct PtyEnds {
  int master;         // the test process's master; the child closes its copy
  const char* slave;  // the slave's path
};

// Forks a child that runs child(report, ends) and _exits with its result;
// then runs meanwhile(pty) here, and waits for the child. A fatal failure
// in `meanwhile` ends the test at once (the child is killed and reaped).
template <typename ChildFn, typename Meanwhile>
void RunPtyChild(ChildFn child, Meanwhile meanwhile) {
  Pty pty = OpenPty();
  ASSERT_TRUE(pty.ok());
  const PtyEnds ends{pty.master.get(), pty.slave.c_str()};
  ChildReport report;
  auto forked = ForkChild([&] { return child(report, ends); });
  ASSERT_TRUE(forked);
  meanwhile(pty);
  if (::testing::Test::HasFatalFailure()) {
    return;
  }
  EXPECT_TRUE(ChildSucceeded(forked, report));
}

template <typename ChildFn>
void RunPtyChild(ChildFn child) {
  RunPtyChild(child, [](Pty& /*pty*/) {});
}

// Child-side: the child first becomes a session leader with the slave as
// its controlling terminal (BecomeSessionLeaderWithTty), then runs
// body(report, tty) with the slave's descriptor. Child-safe as body is.
template <typename Body>
auto AsSessionLeader(Body body) {
  return [body](const ChildReport& report, PtyEnds ends) {
    const int tty = BecomeSessionLeaderWithTty(ends.master, ends.slave);
    CHILD_CHECK(report, tty >= 0);
    return body(report, tty);
  };
}

}  // namespace procsig::test::terminal
