#include "scoped_signal.h"

#include <pthread.h>
#include <unistd.h>  // alarm(): libstdc++ 10 does not pull it in

#include <cerrno>

namespace procsig::test {

ScopedSigaction::ScopedSigaction(int sig, const struct sigaction& action) : sig_(sig) {
  if (::sigaction(sig, &action, &old_) != 0) {
    error_ = errno;
  }
}

namespace {
struct sigaction MakeAction(void (*handler)(int), int flags) {
  struct sigaction sa {};
  sa.sa_handler = handler;
  sa.sa_flags = flags;
  sigemptyset(&sa.sa_mask);
  return sa;
}
struct sigaction MakeAction(void (*action)(int, siginfo_t*, void*), int flags) {
  struct sigaction sa {};
  sa.sa_sigaction = action;
  sa.sa_flags = flags | SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  return sa;
}
}  // namespace

ScopedSigaction::ScopedSigaction(int sig, void (*handler)(int), int flags)
    : ScopedSigaction(sig, MakeAction(handler, flags)) {}

ScopedSigaction::ScopedSigaction(int sig, void (*action)(int, siginfo_t*, void*), int flags)
    : ScopedSigaction(sig, MakeAction(action, flags)) {}

ScopedSigaction::~ScopedSigaction() {
  if (error_ == 0) {
    ::sigaction(sig_, &old_, nullptr);
  }
}

ScopedSignalMask::ScopedSignalMask(int how, const sigset_t& set) {
  error_ = ::pthread_sigmask(how, &set, &old_);
}

ScopedSignalMask::~ScopedSignalMask() {
  if (error_ == 0) {
    ::pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
}

sigset_t ScopedSignalMask::Only(int sig) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  return set;
}

ScopedAlarm::ScopedAlarm(unsigned int seconds) : previous_(::alarm(seconds)) {}

ScopedAlarm::~ScopedAlarm() { ::alarm(0); }

ScopedRealTimer::ScopedRealTimer(long first_usec, long interval_usec) {
  struct itimerval it {};
  it.it_value.tv_sec = first_usec / 1000000;
  it.it_value.tv_usec = first_usec % 1000000;
  it.it_interval.tv_sec = interval_usec / 1000000;
  it.it_interval.tv_usec = interval_usec % 1000000;
  if (::setitimer(ITIMER_REAL, &it, nullptr) != 0) {
    error_ = errno;
  }
}

ScopedRealTimer::~ScopedRealTimer() {
  struct itimerval off {};
  ::setitimer(ITIMER_REAL, &off, nullptr);
}

}  // namespace procsig::test
