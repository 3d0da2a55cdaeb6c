// What a new process image keeps and loses across exec beyond the signal
// state (conformance/tests/signals/exec_test.cc has that): descriptors by
// FD_CLOEXEC, identity, timers, the environment, the alternate signal stack,
// and exec from a thread that is not the process's first.
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ctime>

#include "assertion.h"
#include "child.h"
#include "probe_run.h"
#include "syscall_matchers.h"
#include "unique_fd.h"
#include "wait_status.h"

namespace procsig::test {
namespace {

constexpr int kCloexecFd = 40;
constexpr int kInheritedFd = 41;

alignas(16) char g_altstack[64 * 1024];

PROCSIG_TEST(Exec, AltStackReset, "EXEC.ALTSTACK_RESET", "XSH exec",
             "an alternate signal stack set before exec is not set in the new image") {
  const ProbeReport report = RunProbeAfter([] {
    stack_t stack{};
    stack.ss_sp = g_altstack;
    stack.ss_size = sizeof g_altstack;
    return ::sigaltstack(&stack, nullptr) == 0;
  });
  ASSERT_FALSE(report.empty());
  EXPECT_EQ(report.at("altstack"), "off");
}

PROCSIG_TEST(Exec, CloexecClosed, "EXEC.CLOEXEC_CLOSED", "XSH exec",
             "a descriptor with FD_CLOEXEC set is closed in the new image") {
  Pipe pipe;
  ASSERT_TRUE(pipe.ok());
  const int fd = pipe.read_end.get();
  const ProbeReport report =
      RunProbeAfter([fd] { return ::dup3(fd, kCloexecFd, O_CLOEXEC) == kCloexecFd; });
  ASSERT_FALSE(report.empty());
  EXPECT_EQ(ProbeFds(report, "fds").count(kCloexecFd), 0u) << report.at("fds");
}

PROCSIG_TEST(Exec, InheritedFdKept, "EXEC.NO_CLOEXEC_KEPT", "XSH exec",
             "a descriptor without FD_CLOEXEC stays open in the new image, still without it") {
  Pipe pipe;
  ASSERT_TRUE(pipe.ok());
  const int fd = pipe.read_end.get();
  const ProbeReport report =
      RunProbeAfter([fd] { return ::dup2(fd, kInheritedFd) == kInheritedFd; });
  ASSERT_FALSE(report.empty());
  EXPECT_EQ(ProbeFds(report, "fds").count(kInheritedFd), 1u) << report.at("fds");
  EXPECT_EQ(ProbeFds(report, "cloexec").count(kInheritedFd), 0u) << report.at("cloexec");
}

PROCSIG_TEST(Exec, PidKept, "EXEC.PID_KEPT", "XSH exec",
             "the new image has the process ID of the process that called exec") {
  Pipe out;
  ASSERT_TRUE(out.ok());
  const ProbeCommand command;
  const int out_fd = out.write_end.get();
  auto child = ForkChild([&] {
    if (::dup2(out_fd, STDOUT_FILENO) < 0) {
      return 126;
    }
    command.Exec();
    return 127;
  });
  ASSERT_TRUE(child);
  const pid_t pid = child.pid();
  out.write_end.reset();
  const ProbeReport report = CollectProbe(child, std::move(out.read_end));
  ASSERT_FALSE(report.empty());
  EXPECT_EQ(ProbeNumber(report, "pid"), pid);
}

PROCSIG_TEST(Exec, ParentKept, "EXEC.PPID_KEPT", "XSH exec",
             "the new image has the parent process ID of the process that called exec") {
  const ProbeReport report = RunProbeAfter([] { return true; });
  ASSERT_FALSE(report.empty());
  EXPECT_EQ(ProbeNumber(report, "ppid"), ::getpid());
}

PROCSIG_TEST(Exec, GroupAndSessionKept, "EXEC.PGRP_SID_KEPT", "XSH exec",
             "the new image keeps the process group and session of the caller") {
  const ProbeReport report = RunProbeAfter([] { return ::setpgid(0, 0) == 0; });
  ASSERT_FALSE(report.empty());
  EXPECT_EQ(ProbeNumber(report, "pgrp"), ProbeNumber(report, "pid"));
  EXPECT_EQ(ProbeNumber(report, "sid"), ::getsid(0));
}

PROCSIG_TEST(Exec, IntervalTimerKept, "EXEC.ITIMER_KEPT", "XSH exec",
             "the time left on ITIMER_REAL is inherited by the new image") {
  const ProbeReport report = RunProbeAfter([] {
    struct itimerval timer {};
    timer.it_value.tv_sec = 100;
    return ::setitimer(ITIMER_REAL, &timer, nullptr) == 0;
  });
  ASSERT_FALSE(report.empty());
  EXPECT_GT(ProbeNumber(report, "itimer_ms"), 90000);
  EXPECT_LE(ProbeNumber(report, "itimer_ms"), 100000);
}

PROCSIG_TEST(Exec, PerProcessTimerDeleted, "EXEC.TIMER_CREATE_DELETED", "XSH exec",
             "timers made with timer_create() are deleted by exec") {
  // The kernel's timer id is known only in the child, which writes it over
  // the zeros of the argument before exec.
  ProbeCommand command({"--timer=0000000000"});
  char* digits = command.args()[0].data() + 8;
  Pipe out;
  ASSERT_TRUE(out.ok());
  const int out_fd = out.write_end.get();
  auto child = ForkChild([&] {
    struct sigevent event {};
    event.sigev_notify = SIGEV_NONE;
    int id = -1;
    if (::syscall(SYS_timer_create, CLOCK_MONOTONIC, &event, &id) != 0 || id < 0) {
      return 125;
    }
    struct itimerspec value {};
    value.it_value.tv_sec = 100;
    if (::syscall(SYS_timer_settime, id, 0, &value, nullptr) != 0) {
      return 125;
    }
    for (int i = 9; i >= 0; --i, id /= 10) {
      digits[i] = static_cast<char>('0' + id % 10);
    }
    if (::dup2(out_fd, STDOUT_FILENO) < 0) {
      return 126;
    }
    command.Exec();
    return 127;
  });
  ASSERT_TRUE(child);
  out.write_end.reset();
  const ProbeReport report = CollectProbe(child, std::move(out.read_end));
  ASSERT_FALSE(report.empty());
  EXPECT_EQ(ProbeNumber(report, "timer"), EINVAL)
      << "timer_gettime on the old image's timer: 0 means it still exists";
}

PROCSIG_TEST(Exec, EnvironmentPassed, "EXEC.ENVIRON_PASSED", "XSH exec",
             "execve()'s envp is the new image's environment") {
  char variable[] = "PROCSIG_PROBE=from-envp";
  char* const envp[] = {variable, nullptr};
  const ProbeCommand command;
  const ProbeReport report = RunProbeAfter([] { return true; }, command, envp);
  ASSERT_FALSE(report.empty());
  EXPECT_EQ(report.at("env"), "from-envp");
}

PROCSIG_TEST(Exec, EnvironInherited, "EXEC.ENVIRON_INHERITED", "XSH exec",
             "execv() passes the caller's environ, including changes made just before it") {
  static char variable[] = "PROCSIG_PROBE=from-environ";
  static char* environment[] = {variable, nullptr};
  const ProbeReport report = RunProbeAfter([] {
    ::environ = environment;
    return true;
  });
  ASSERT_FALSE(report.empty());
  EXPECT_EQ(report.at("env"), "from-environ");
}

// Exec from a second thread: the process keeps its pid and ends up with
// one thread, and its parent still waits for it as before.
struct ThreadExec {
  const ProbeCommand* command;
  int out_fd;
};

void* ExecFromThread(void* arg) {
  const auto* exec = static_cast<ThreadExec*>(arg);
  if (::dup2(exec->out_fd, STDOUT_FILENO) >= 0) {
    exec->command->Exec();
  }
  ::_exit(127);
}

ProbeReport RunProbeFromThread(pid_t* pid) {
  Pipe out;
  if (!out.ok()) {
    ADD_FAILURE() << "pipe2 failed";
    return {};
  }
  const ProbeCommand command;
  ThreadExec exec{&command, out.write_end.get()};
  auto child = ForkChild([&] {
    pthread_t thread;
    if (::pthread_create(&thread, nullptr, ExecFromThread, &exec) != 0) {
      return 125;
    }
    // The exec ends this thread; join only returns if it failed.
    ::pthread_join(thread, nullptr);
    return 124;
  });
  if (!child) {
    return {};
  }
  *pid = child.pid();
  out.write_end.reset();
  return CollectProbe(child, std::move(out.read_end));
}

PROCSIG_TEST(Exec, FromThreadKeepsPid, "EXEC.THREAD_EXEC_KEEPS_PID", "XSH exec",
             "exec from a thread other than the first keeps the process ID, and the parent "
             "still waits for the process") {
  pid_t pid = -1;
  const ProbeReport report = RunProbeFromThread(&pid);
  ASSERT_FALSE(report.empty());
  EXPECT_EQ(ProbeNumber(report, "pid"), pid);
  EXPECT_EQ(ProbeNumber(report, "ppid"), ::getpid());
}

PROCSIG_TEST(Exec, FromThreadOneThreadLeft, "EXEC.THREAD_EXEC_ONE_THREAD", "XSH exec",
             "after exec from one thread of a multithreaded process the new image has one "
             "thread") {
  pid_t pid = -1;
  const ProbeReport report = RunProbeFromThread(&pid);
  ASSERT_FALSE(report.empty());
  EXPECT_EQ(ProbeNumber(report, "threads"), 1);
}

}  // namespace
}  // namespace procsig::test
