// Making a signal arrive while the test process is blocked in a call.
//
// A process cannot announce that it has started blocking, so a child that
// must interrupt its parent's read(), accept(), pause()... waits for the
// parent's checkpoint, then watches /proc/<parent>/stat until the parent is
// in interruptible sleep (state S), sends the signal, and waits for the
// handler's acknowledgement byte before doing anything else. Every wait has
// a deadline.
//
// State S only times the send: the parent may be asleep somewhere else
// just before the call (a lock inside an emulator's translator), and then
// the signal comes too early. Where the call returns when interrupted,
// InterruptUntilReturned() therefore sends again until the parent says that
// the call has returned, so the parent's own report, not /proc, proves it.
//
// Functions marked "child side" use only async-signal-safe calls (open, read,
// write, poll, kill, nanosleep, clock_gettime), so forked children may call
// them.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include "deadline.h"

namespace procsig::test::signals {

// What CountAndAck() saw. Reset it at the start of every test that uses it.
struct HandlerLog {
  volatile sig_atomic_t count;
  volatile sig_atomic_t last_signal;
  // When >= 0, the handler writes one byte here per delivery.
  volatile sig_atomic_t ack_fd;
};
extern HandlerLog g_handler_log;

void ResetHandlerLog(int ack_fd = -1);

// A signal handler: counts the delivery and acknowledges it on ack_fd.
// Keeps errno intact.
void CountAndAck(int sig);

// Child side: polls /proc/<pid>/stat until the process is in state S.
bool WaitUntilSleeping(pid_t pid, Deadline deadline);

// Child side: reads one byte from fd, giving up at the deadline or on EOF.
bool ReadByte(int fd, Deadline deadline);

// Child side: writes one byte to fd.
bool WriteByte(int fd);

// Child side: once pid sleeps in a call, sends it sig and waits until its
// handler acknowledged the delivery on ack_fd (the read end of the pipe the
// handler writes to). False if any step missed the deadline. For a call
// that a caught signal does not end (SA_RESTART's read()).
bool InterruptWhenBlocked(pid_t pid, int sig, int ack_fd, Deadline deadline);

// Child side: InterruptWhenBlocked(), repeated until pid writes a byte to
// the pipe whose read end is returned_fd, which it does once the call it
// blocks in has returned. Returns how many signals were sent, or 0 if a
// step missed the deadline.
int InterruptUntilReturned(pid_t pid, int sig, int ack_fd, int returned_fd, Deadline deadline);

// Child side: the rest of InterruptUntilReturned(), for a first signal that
// came some other way (a child's exit, for SIGCHLD) and was acknowledged:
// waits a moment for pid's byte on returned_fd, and while it does not
// come, InterruptWhenBlocked() again. Returns how many signals it sent, or
// -1 if a step missed the deadline.
int ResendUntilReturned(pid_t pid, int sig, int ack_fd, int returned_fd, Deadline deadline);

}  // namespace procsig::test::signals
