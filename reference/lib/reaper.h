#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <vector>

namespace procsig {

// One ended child: its pid and its wait status.
struct Reaped {
  pid_t pid;
  int status;
};

// Reaps ended children with waitpid(-1, WNOHANG) until none is left or
// `capacity` records are filled, and returns the count stored in `out`.
// Standard signals do not queue, so one SIGCHLD may stand for several
// children: looping is what reaps them all. Async-signal-safe (waitpid
// only, errno preserved), so it may run inside a SIGCHLD handler.
size_t reap_ended(Reaped* out, size_t capacity) noexcept;

// reap_ended() until nothing is left, for main context.
std::vector<Reaped> reap_all_ended();

// Waits for `pid` to end, retrying after EINTR. Returns false (errno set)
// when there is no such child.
bool wait_for_child(pid_t pid, int* status);

// "exit status 3" or "killed by signal 9": for messages.
std::string describe_status(int status);

}  // namespace procsig
