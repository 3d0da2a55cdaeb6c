// Reading process state from /proc (Linux procfs). Used where POSIX gives no
// portable way to observe a state (a zombie, a pending signal in another
// process). Polling /proc is always bounded by a deadline.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <set>

#include "deadline.h"

namespace procsig::test {

struct ProcStat {
  char state = '?';  // R, S, D, T, t, Z, X, ...
  pid_t ppid = 0;
  pid_t pgrp = 0;
};

// Fields of /proc/PID/stat; nullopt when the process does not exist (or the
// file cannot be parsed).
std::optional<ProcStat> ReadProcStat(pid_t pid);

// Signal masks from /proc/PID/status, bit (sig - 1) set for signal sig.
// The blocked mask and the thread-directed pending set are the main
// thread's.
struct ProcSignals {
  std::uint64_t pending = 0;         // SigPnd: pending for the thread
  std::uint64_t shared_pending = 0;  // ShdPnd: pending for the process
  std::uint64_t blocked = 0;         // SigBlk
  std::uint64_t ignored = 0;         // SigIgn
  std::uint64_t caught = 0;          // SigCgt
};

std::optional<ProcSignals> ReadProcStatus(pid_t pid);

// The bit for signal sig in a ProcSignals mask.
constexpr std::uint64_t SignalBit(int sig) { return std::uint64_t{1} << (sig - 1); }

// Child-safe. The short pause between two polls of /proc. Not a way to
// synchronise: callers loop until what they wait for holds or their
// deadline passes.
void PollPause();

// Polls /proc/PID/stat until the process is in `state`. Returns false if the
// deadline passes first or the process disappears.
bool WaitForProcState(pid_t pid, char state, Deadline deadline = DeadlineIn());

// Polls until /proc/PID is gone. Returns false at the deadline.
bool WaitForProcGone(pid_t pid, Deadline deadline = DeadlineIn());

// True when this process can read its own /proc/PID/stat. A test whose
// assertion is an observation of /proc skips without it (a layer may have
// no procfs, or a partial one) rather than blame the platform.
bool HasProcStat();
inline constexpr const char* kNoProcStat = "no /proc/PID/stat here: nothing to observe";

// True while /proc/PID exists (including as a zombie).
bool ProcExists(pid_t pid);

// Children of pid (all threads), from /proc/PID/task/*/children; empty when
// the kernel does not provide the file.
std::set<pid_t> ProcChildren(pid_t pid);

// Open descriptors of the calling process, from /proc/self/fd.
std::set<int> OpenDescriptors();

}  // namespace procsig::test
