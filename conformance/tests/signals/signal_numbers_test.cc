// Every signal number the C library's sigaction() accepts can be sent with
// kill() and queued with sigqueue(), is pending while blocked and reaches its
// handler when unblocked. The per-signal rows (SIGCATCH.*, SIGRT.*) name the
// signals this platform is expected to have; these sweep 1..NSIG-1 as the
// platform itself declares them, so a layer whose sigaction() accepts a
// number that it cannot deliver (qemu-user 7.2 with 63 and 64) is caught.
//
// Each signal is tried in a forked child of its own: a layer that crashes on
// one (an earlier probe of qemu did) fails this ID, naming the signal, and
// the rest of the sweep and the shard go on.
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "assertion.h"
#include "child.h"
#include "child_check.h"
#include "wait_status.h"

namespace procsig::test {
namespace {

// What a child reports through its exit status.
enum SweepStep : int {
  kDelivered = 0,
  kNotAccepted = 10,  // sigaction() refused the number: not the platform's
  kSendFailed = 20,   // kill() or sigqueue() failed
  kSendEinval = 21,   // ... with EINVAL
  kNotPending = 30,   // sent while blocked, but not pending
  kNotHandled = 40,   // unblocked, but the handler did not run once
  kWrongSigno = 41,
  kWrongCode = 42,
  kWrongValue = 43,
};

volatile sig_atomic_t g_calls;
volatile sig_atomic_t g_signo;
volatile sig_atomic_t g_code;
volatile sig_atomic_t g_value;

void Record(int sig, siginfo_t* info, void*) {
  g_calls = g_calls + 1;
  g_signo = sig;
  g_code = info->si_code;
  g_value = info->si_value.sival_int;
}

// In a fresh child: install a handler for sig, block it, send it to the
// process itself (queued with a value when `queue`), check it is pending,
// unblock it and check the handler saw it. Async-signal-safe only.
int SendAndDeliver(int sig, bool queue) {
  struct sigaction action {};
  action.sa_sigaction = Record;
  action.sa_flags = SA_SIGINFO;
  sigemptyset(&action.sa_mask);
  if (::sigaction(sig, &action, nullptr) != 0) {
    return kNotAccepted;
  }
  sigset_t only;
  sigemptyset(&only);
  sigaddset(&only, sig);
  PROCSIG_CHILD_CHECK(::sigprocmask(SIG_BLOCK, &only, nullptr) == 0);
  const int value = 1000 + sig;
  int sent;
  if (queue) {
    union sigval payload {};
    payload.sival_int = value;
    sent = ::sigqueue(::getpid(), sig, payload);
  } else {
    sent = ::kill(::getpid(), sig);
  }
  if (sent != 0) {
    return errno == EINVAL ? kSendEinval : kSendFailed;
  }
  sigset_t pending;
  PROCSIG_CHILD_CHECK(::sigpending(&pending) == 0);
  if (sigismember(&pending, sig) != 1) {
    return kNotPending;
  }
  PROCSIG_CHILD_CHECK(::sigprocmask(SIG_UNBLOCK, &only, nullptr) == 0);
  if (g_calls != 1) {
    return kNotHandled;
  }
  if (g_signo != sig) {
    return kWrongSigno;
  }
  if (g_code != (queue ? SI_QUEUE : SI_USER)) {
    return kWrongCode;
  }
  if (queue && g_value != value) {
    return kWrongValue;
  }
  return kDelivered;
}

const char* Describe(int step) {
  switch (step) {
    case kSendEinval:
      return "sending failed with EINVAL";
    case kSendFailed:
      return "sending failed";
    case kNotPending:
      return "not pending while blocked";
    case kNotHandled:
      return "handler not run once on unblock";
    case kWrongSigno:
      return "handler saw another signal number";
    case kWrongCode:
      return "wrong si_code";
    case kWrongValue:
      return "wrong si_value";
    case kChildCheckFailed:
      return "the child's setup failed (its stderr says which call)";
    default:
      return nullptr;
  }
}

// Runs the sweep; returns the signals that went wrong, " N:what" each, and
// the number that sigaction() accepted in *accepted.
std::string Sweep(bool queue, int* accepted) {
  std::string wrong;
  *accepted = 0;
  for (int sig = 1; sig < NSIG; ++sig) {
    auto child = ForkChild([sig, queue] { return SendAndDeliver(sig, queue); });
    if (!child) {
      return wrong + " fork failed";
    }
    const int status = WaitForExit(child);
    if (WIFEXITED(status) && WEXITSTATUS(status) == kNotAccepted) {
      continue;
    }
    ++*accepted;
    if (WIFEXITED(status) && WEXITSTATUS(status) == kDelivered) {
      continue;
    }
    const char* what = WIFEXITED(status) ? Describe(WEXITSTATUS(status)) : nullptr;
    wrong +=
        " " + std::to_string(sig) + ":" + (what != nullptr ? what : DescribeWaitStatus(status));
  }
  return wrong;
}

PROCSIG_TEST(SignalNumbers, EveryAcceptedSent, "SIGNUM.EVERY_ACCEPTED_SENT", "XSH kill",
             "every signal number 1..NSIG-1 for which sigaction() installs a handler can be sent "
             "with kill() to the process itself: it is pending while blocked and its handler runs "
             "once, with si_code SI_USER, when it is unblocked") {
  int accepted = 0;
  const std::string wrong = Sweep(/*queue=*/false, &accepted);
  EXPECT_EQ(wrong, "") << "signal:what went wrong, of " << accepted
                       << " numbers sigaction() accepted";
  EXPECT_GT(accepted, 0) << "sigaction() accepted no signal number at all";
}

PROCSIG_TEST(SignalNumbers, EveryAcceptedQueued, "SIGNUM.EVERY_ACCEPTED_QUEUED", "XSH sigqueue",
             "every signal number 1..NSIG-1 for which sigaction() installs a handler can be "
             "queued with sigqueue() to the process itself: it is pending while blocked and its "
             "SA_SIGINFO handler runs once, with si_code SI_QUEUE and the value sent") {
  int accepted = 0;
  const std::string wrong = Sweep(/*queue=*/true, &accepted);
  EXPECT_EQ(wrong, "") << "signal:what went wrong, of " << accepted
                       << " numbers sigaction() accepted";
  EXPECT_GT(accepted, 0) << "sigaction() accepted no signal number at all";
}

}  // namespace
}  // namespace procsig::test
