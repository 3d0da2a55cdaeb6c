// Pipe-based rendezvous between a test and the children it forks: the only
// way tests order events across processes (never sleep()).
//
//   Checkpoint c;                       // before fork()
//   auto child = ForkChild([&] {
//     if (!c.Wait()) return 99;         // blocks until the parent wakes it
//     ...; c.Wake(); return 0;          // tells the parent it got here
//   });
//   ASSERT_TRUE(c.Wake());
//   ASSERT_TRUE(c.Wait());
//
// A Checkpoint carries both directions. The process that constructed it is
// the "owner" side; every other process (a child, a grandchild) is the "peer"
// side. Wake() on one side releases one Wait() on the other. Each Wake()
// counts: two Wake()s release two Wait()s.
//
// Wait() gives up at a deadline (default kDefaultTimeout), so a broken peer
// fails the test instead of hanging it. In the owner process a failed Wake()/Wait() also records a
// gtest failure with the reason; in a peer it only returns false.
// Wake() and Wait() use only async-signal-safe calls (KernelPid, write, poll,
// read, clock_gettime), so children may use them.
#pragma once

#include <sys/types.h>

#include "deadline.h"
#include "unique_fd.h"

namespace procsig::test {

class Checkpoint {
 public:
  Checkpoint();

  Checkpoint(const Checkpoint&) = delete;
  Checkpoint& operator=(const Checkpoint&) = delete;

  [[nodiscard]] bool Wake();
  [[nodiscard]] bool Wait(Deadline deadline = DeadlineIn());

  // False if the pipes could not be created (a gtest failure is recorded).
  bool ok() const { return to_peer_.ok() && to_owner_.ok(); }

 private:
  bool IsOwner() const;

  pid_t owner_;
  Pipe to_peer_;
  Pipe to_owner_;
};

}  // namespace procsig::test
