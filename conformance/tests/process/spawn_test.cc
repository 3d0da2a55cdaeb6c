// posix_spawn() and posix_spawnp(): the attributes, the file actions, how
// failures reach the caller, and the child as the parent waits for it.
// Libcs build posix_spawn on vfork or CLONE_VM, so it has failure modes of
// its own; the spawned image is procsig-process-probe, which reports what it
// got.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>

#include "assertion.h"
#include "checkpoint.h"
#include "child.h"
#include "helper_path.h"
#include "probe_run.h"
#include "process_helpers.h"
#include "scoped_signal.h"
#include "syscall_matchers.h"
#include "unique_fd.h"
#include "wait_status.h"

#ifndef POSIX_SPAWN_SETSID
#define POSIX_SPAWN_SETSID 0x80  // glibc's value; POSIX.1-2024 names it
#endif

namespace procsig::test {
namespace {

class SpawnAttr {
 public:
  SpawnAttr() { ::posix_spawnattr_init(&attr_); }
  ~SpawnAttr() { ::posix_spawnattr_destroy(&attr_); }
  SpawnAttr(const SpawnAttr&) = delete;
  SpawnAttr& operator=(const SpawnAttr&) = delete;
  posix_spawnattr_t* get() { return &attr_; }

 private:
  posix_spawnattr_t attr_{};
};

class FileActions {
 public:
  FileActions() { ::posix_spawn_file_actions_init(&actions_); }
  ~FileActions() { ::posix_spawn_file_actions_destroy(&actions_); }
  FileActions(const FileActions&) = delete;
  FileActions& operator=(const FileActions&) = delete;
  posix_spawn_file_actions_t* get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_{};
};

// Sets an environment variable for the test and puts the old value back.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) {
      old_ = old;
      had_ = true;
    }
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (had_) {
      ::setenv(name_, old_.c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::string old_;
  bool had_ = false;
};

enum class Search { kPath, kSpawnp };

// Spawns the probe with its stdout on a pipe (a dup2 file action appended to
// `actions`), waits for it and returns its report; *pid gets its pid.
ProbeReport SpawnProbe(SpawnAttr* attr, FileActions* actions, pid_t* pid = nullptr,
                       Search search = Search::kPath, char* const* envp = ::environ) {
  FileActions own;
  if (actions == nullptr) {
    actions = &own;
  }
  Pipe out;
  if (!out.ok()) {
    ADD_FAILURE() << "pipe2 failed";
    return {};
  }
  ::posix_spawn_file_actions_adddup2(actions->get(), out.write_end.get(), STDOUT_FILENO);
  std::string path = ProcessProbePath();
  const std::string file = path.substr(path.rfind('/') + 1);
  char* const argv[] = {path.data(), nullptr};
  pid_t child_pid = -1;
  const int error = search == Search::kPath
                        ? ::posix_spawn(&child_pid, path.c_str(), actions->get(),
                                        attr == nullptr ? nullptr : attr->get(), argv, envp)
                        : ::posix_spawnp(&child_pid, file.c_str(), actions->get(),
                                         attr == nullptr ? nullptr : attr->get(), argv, envp);
  if (error != 0) {
    ADD_FAILURE() << "posix_spawn" << (search == Search::kSpawnp ? "p" : "") << " failed with "
                  << DescribeErrno(error);
    return {};
  }
  if (pid != nullptr) {
    *pid = child_pid;
  }
  ScopedChild child(child_pid);
  out.write_end.reset();
  return CollectProbe(child, std::move(out.read_end));
}

sigset_t Only(int sig) { return ScopedSignalMask::Only(sig); }

PROCSIG_TEST(Spawn, ReturnsChildPid, "SPAWN.RETURNS_PID", "XSH posix_spawn",
             "posix_spawn() stores the new process's ID, and that process's parent is the "
             "caller") {
  pid_t pid = -1;
  const ProbeReport report = SpawnProbe(nullptr, nullptr, &pid);
  ASSERT_FALSE(report.empty());
  EXPECT_EQ(ProbeNumber(report, "pid"), pid);
  EXPECT_EQ(ProbeNumber(report, "ppid"), ::getpid());
}

PROCSIG_TEST(Spawn, SpawnpSearchesPath, "SPAWN.SPAWNP_SEARCHES_PATH", "XSH posix_spawn",
             "posix_spawnp() finds a file name without a slash through PATH") {
  const std::string path = ProcessProbePath();
  ScopedEnv env("PATH", "/nonexistent-procsig:" + path.substr(0, path.rfind('/')));
  const ProbeReport report = SpawnProbe(nullptr, nullptr, nullptr, Search::kSpawnp);
  EXPECT_FALSE(report.empty());
}

PROCSIG_TEST(Spawn, EnvironmentPassed, "SPAWN.ENVP_PASSED", "XSH posix_spawn",
             "the envp given to posix_spawn() is the new process's environment") {
  char variable[] = "PROCSIG_PROBE=spawned";
  char* const envp[] = {variable, nullptr};
  const ProbeReport report = SpawnProbe(nullptr, nullptr, nullptr, Search::kPath, envp);
  ASSERT_FALSE(report.empty());
  EXPECT_EQ(report.at("env"), "spawned");
}

PROCSIG_TEST(Spawn, SetSigmask, "SPAWN.SETSIGMASK", "XSH posix_spawn",
             "with POSIX_SPAWN_SETSIGMASK the child starts with the attribute's signal mask, "
             "and the caller's mask is unchanged") {
  SpawnAttr attr;
  const sigset_t mask = Only(SIGUSR1);
  ASSERT_EQ(::posix_spawnattr_setsigmask(attr.get(), &mask), 0);
  ASSERT_EQ(::posix_spawnattr_setflags(attr.get(), POSIX_SPAWN_SETSIGMASK), 0);
  const ProbeReport report = SpawnProbe(&attr, nullptr);
  ASSERT_FALSE(report.empty());
  EXPECT_EQ(ProbeMask(report, "blocked") & (SignalBit(SIGUSR1) | SignalBit(SIGUSR2)),
            SignalBit(SIGUSR1));
  sigset_t now;
  ASSERT_THAT(::sigprocmask(SIG_BLOCK, nullptr, &now), SyscallSucceeds());
  EXPECT_EQ(sigismember(&now, SIGUSR1), 0);
}

PROCSIG_TEST(Spawn, MaskInherited, "SPAWN.SIGMASK_INHERITED", "XSH posix_spawn",
             "without POSIX_SPAWN_SETSIGMASK the child inherits the caller's signal mask") {
  ScopedSignalMask blocked(SIG_BLOCK, Only(SIGUSR2));
  ASSERT_TRUE(blocked.ok());
  const ProbeReport report = SpawnProbe(nullptr, nullptr);
  ASSERT_FALSE(report.empty());
  EXPECT_NE(ProbeMask(report, "blocked") & SignalBit(SIGUSR2), 0u);
}

PROCSIG_TEST(Spawn, SetSigdefault, "SPAWN.SETSIGDEF", "XSH posix_spawn",
             "with POSIX_SPAWN_SETSIGDEF the signals of the attribute's set start at SIG_DFL "
             "even when the caller ignores them") {
  ScopedSigaction ignored(SIGUSR2, SIG_IGN);
  ScopedSigaction also_ignored(SIGHUP, SIG_IGN);
  ASSERT_TRUE(ignored.ok() && also_ignored.ok());
  SpawnAttr attr;
  const sigset_t defaults = Only(SIGUSR2);
  ASSERT_EQ(::posix_spawnattr_setsigdefault(attr.get(), &defaults), 0);
  ASSERT_EQ(::posix_spawnattr_setflags(attr.get(), POSIX_SPAWN_SETSIGDEF), 0);
  const ProbeReport report = SpawnProbe(&attr, nullptr);
  ASSERT_FALSE(report.empty());
  EXPECT_EQ(ProbeMask(report, "ignored") & SignalBit(SIGUSR2), 0u) << "SIGUSR2 still ignored";
  EXPECT_NE(ProbeMask(report, "ignored") & SignalBit(SIGHUP), 0u)
      << "SIGHUP, not in the set, lost its SIG_IGN";
}

void Handler(int /*sig*/) {}

PROCSIG_TEST(Spawn, CaughtReset, "SPAWN.CAUGHT_RESET", "XSH posix_spawn",
             "signals the caller catches start at SIG_DFL in the spawned process, as after "
             "exec") {
  ScopedSigaction caught(SIGUSR1, Handler);
  ASSERT_TRUE(caught.ok());
  const ProbeReport report = SpawnProbe(nullptr, nullptr);
  ASSERT_FALSE(report.empty());
  EXPECT_EQ(ProbeMask(report, "caught") & SignalBit(SIGUSR1), 0u);
  EXPECT_EQ(ProbeMask(report, "ignored") & SignalBit(SIGUSR1), 0u);
}

PROCSIG_TEST(Spawn, SetPgroupNew, "SPAWN.SETPGROUP_NEW", "XSH posix_spawn",
             "POSIX_SPAWN_SETPGROUP with pgroup 0 puts the child in a new process group whose "
             "ID is its pid") {
  SpawnAttr attr;
  ASSERT_EQ(::posix_spawnattr_setpgroup(attr.get(), 0), 0);
  ASSERT_EQ(::posix_spawnattr_setflags(attr.get(), POSIX_SPAWN_SETPGROUP), 0);
  const ProbeReport report = SpawnProbe(&attr, nullptr);
  ASSERT_FALSE(report.empty());
  EXPECT_EQ(ProbeNumber(report, "pgrp"), ProbeNumber(report, "pid"));
}

PROCSIG_TEST(Spawn, SetPgroupExisting, "SPAWN.SETPGROUP_EXISTING", "XSH posix_spawn",
             "POSIX_SPAWN_SETPGROUP with an existing group of the session puts the child in "
             "that group") {
  Checkpoint release;
  ScopedChild leader = ForkHeldChild(release, 0);
  ASSERT_TRUE(leader);
  ASSERT_THAT(::setpgid(leader.pid(), leader.pid()), SyscallSucceeds());
  const pid_t group = leader.pid();
  SpawnAttr attr;
  ASSERT_EQ(::posix_spawnattr_setpgroup(attr.get(), leader.pid()), 0);
  ASSERT_EQ(::posix_spawnattr_setflags(attr.get(), POSIX_SPAWN_SETPGROUP), 0);
  const ProbeReport report = SpawnProbe(&attr, nullptr);
  ASSERT_TRUE(release.Wake());
  EXPECT_THAT(WaitForExit(leader), ExitedWithStatus(0));
  ASSERT_FALSE(report.empty());
  EXPECT_EQ(ProbeNumber(report, "pgrp"), group);
}

PROCSIG_TEST(Spawn, SetSid, "SPAWN.SETSID", "XSH posix_spawn",
             "POSIX_SPAWN_SETSID makes the child the leader of a new session") {
  SpawnAttr attr;
  if (::posix_spawnattr_setflags(attr.get(), POSIX_SPAWN_SETSID) != 0) {
    GTEST_SKIP() << "not supported: the C library refuses POSIX_SPAWN_SETSID";
  }
  const ProbeReport report = SpawnProbe(&attr, nullptr);
  ASSERT_FALSE(report.empty());
  EXPECT_EQ(ProbeNumber(report, "sid"), ProbeNumber(report, "pid"));
  EXPECT_EQ(ProbeNumber(report, "pgrp"), ProbeNumber(report, "pid"));
}

// The caller's effective group is 65534 while this lives (root only).
// Changing credentials clears the dumpable flag, which later tests' core
// dumps need, so it is restored with the group.
class ScopedEffectiveGroup {
 public:
  ScopedEffectiveGroup()
      : dumpable_(::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0)), ok_(::setegid(kUnprivilegedId) == 0) {}
  ~ScopedEffectiveGroup() {
    if (ok_) {
      (void)::setegid(::getgid());
      (void)::prctl(PR_SET_DUMPABLE, dumpable_, 0, 0, 0);
    }
  }
  ScopedEffectiveGroup(const ScopedEffectiveGroup&) = delete;
  ScopedEffectiveGroup& operator=(const ScopedEffectiveGroup&) = delete;
  bool ok() const { return ok_; }

 private:
  int dumpable_;
  bool ok_;
};

PROCSIG_TEST(Spawn, ResetIds, "SPAWN.RESETIDS", "XSH posix_spawn",
             "POSIX_SPAWN_RESETIDS gives the child the caller's real group ID as its effective "
             "group ID; without it the effective ID is inherited") {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "needs root, to give the test a different effective group";
  }
  ScopedEffectiveGroup group;
  ASSERT_TRUE(group.ok());
  SpawnAttr reset;
  ASSERT_EQ(::posix_spawnattr_setflags(reset.get(), POSIX_SPAWN_RESETIDS), 0);
  const ProbeReport with_flag = SpawnProbe(&reset, nullptr);
  const ProbeReport without = SpawnProbe(nullptr, nullptr);
  ASSERT_FALSE(with_flag.empty() || without.empty());
  EXPECT_EQ(ProbeNumber(with_flag, "egid"), static_cast<long>(::getgid()));
  EXPECT_EQ(ProbeNumber(without, "egid"), static_cast<long>(kUnprivilegedId));
}

PROCSIG_TEST(Spawn, FileActionOpen, "SPAWN.FILE_ACTION_OPEN",
             "XSH posix_spawn_file_actions_addopen",
             "an open file action opens the file at the given descriptor in the child") {
  FileActions actions;
  ASSERT_EQ(::posix_spawn_file_actions_addopen(actions.get(), 42, "/dev/null", O_RDONLY, 0), 0);
  const ProbeReport report = SpawnProbe(nullptr, &actions);
  ASSERT_FALSE(report.empty());
  EXPECT_EQ(ProbeFds(report, "fds").count(42), 1u) << report.at("fds");
}

PROCSIG_TEST(Spawn, FileActionClose, "SPAWN.FILE_ACTION_CLOSE",
             "XSH posix_spawn_file_actions_addclose",
             "a close file action closes an inherited descriptor before the new image starts") {
  Pipe pipe(0);  // inheritable
  ASSERT_TRUE(pipe.ok());
  FileActions actions;
  ASSERT_EQ(::posix_spawn_file_actions_addclose(actions.get(), pipe.read_end.get()), 0);
  const ProbeReport report = SpawnProbe(nullptr, &actions);
  ASSERT_FALSE(report.empty());
  const std::set<int> fds = ProbeFds(report, "fds");
  EXPECT_EQ(fds.count(pipe.read_end.get()), 0u) << "closed by the action: " << report.at("fds");
  EXPECT_EQ(fds.count(pipe.write_end.get()), 1u) << "no action, inherited: " << report.at("fds");
}

PROCSIG_TEST(Spawn, FileActionDup2, "SPAWN.FILE_ACTION_DUP2",
             "XSH posix_spawn_file_actions_adddup2",
             "a dup2 file action gives the child a copy at the new number, without "
             "FD_CLOEXEC even when the source has it") {
  Pipe pipe;  // close-on-exec
  ASSERT_TRUE(pipe.ok());
  FileActions actions;
  ASSERT_EQ(::posix_spawn_file_actions_adddup2(actions.get(), pipe.read_end.get(), 43), 0);
  const ProbeReport report = SpawnProbe(nullptr, &actions);
  ASSERT_FALSE(report.empty());
  EXPECT_EQ(ProbeFds(report, "fds").count(43), 1u) << report.at("fds");
  EXPECT_EQ(ProbeFds(report, "fds").count(pipe.read_end.get()), 0u) << "the FD_CLOEXEC source";
}

PROCSIG_TEST(Spawn, FileActionsInOrder, "SPAWN.FILE_ACTIONS_ORDER", "XSH posix_spawn",
             "file actions run in the order they were added: open 44, dup2 44 to 45, close 44 "
             "leaves only 45") {
  FileActions actions;
  ASSERT_EQ(::posix_spawn_file_actions_addopen(actions.get(), 44, "/dev/null", O_RDONLY, 0), 0);
  ASSERT_EQ(::posix_spawn_file_actions_adddup2(actions.get(), 44, 45), 0);
  ASSERT_EQ(::posix_spawn_file_actions_addclose(actions.get(), 44), 0);
  const ProbeReport report = SpawnProbe(nullptr, &actions);
  ASSERT_FALSE(report.empty());
  const std::set<int> fds = ProbeFds(report, "fds");
  EXPECT_EQ(fds.count(44), 0u) << report.at("fds");
  EXPECT_EQ(fds.count(45), 1u) << report.at("fds");
}

PROCSIG_TEST(Spawn, FileActionChdir, "SPAWN.FILE_ACTION_CHDIR",
             "XSH posix_spawn_file_actions_addchdir",
             "a chdir file action sets the child's working directory, not the caller's") {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 29))
  FileActions actions;
  ASSERT_EQ(::posix_spawn_file_actions_addchdir_np(actions.get(), "/"), 0);
  const ProbeReport report = SpawnProbe(nullptr, &actions);
  ASSERT_FALSE(report.empty());
  EXPECT_EQ(report.at("cwd"), "/");
#else
  GTEST_SKIP() << "not supported: the C library has no posix_spawn_file_actions_addchdir_np";
#endif
}

// How a failure after the fork part reached the caller: POSIX allows the
// error as posix_spawn's result or an exit status of 127.
std::string SpawnFailure(const char* path, FileActions* actions) {
  char* const argv[] = {const_cast<char*>(path), nullptr};
  pid_t pid = -1;
  const int error = ::posix_spawn(&pid, path, actions == nullptr ? nullptr : actions->get(),
                                  nullptr, argv, ::environ);
  if (error != 0) {
    return "returned " + ErrnoName(error);
  }
  ScopedChild child(pid);
  const int status = WaitForExit(child);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
    return "child exited 127";
  }
  ADD_FAILURE() << "posix_spawn succeeded and the child ended with " << DescribeWaitStatus(status);
  return "child ended otherwise";
}

PROCSIG_CHARACTERISE(Spawn, MissingFile, "SPAWN.MISSING_FILE", "XSH posix_spawn",
                     "how posix_spawn() of a file that does not exist fails: ENOENT returned, or "
                     "a child that exits 127") {
  const std::string how = SpawnFailure("/nonexistent-procsig/probe", nullptr);
  RecordObserved(how);
  EXPECT_TRUE(how == "returned ENOENT" || how == "child exited 127") << how;
}

PROCSIG_CHARACTERISE(Spawn, FailedFileAction, "SPAWN.FILE_ACTION_FAILS", "XSH posix_spawn",
                     "how a file action that fails (open of a missing file) is reported: the "
                     "error returned, or a child that exits 127") {
  FileActions actions;
  ASSERT_EQ(::posix_spawn_file_actions_addopen(actions.get(), 42, "/nonexistent-procsig/file",
                                               O_RDONLY, 0),
            0);
  const std::string path = ProcessProbePath();
  const std::string how = SpawnFailure(path.c_str(), &actions);
  RecordObserved(how);
  EXPECT_TRUE(how == "returned ENOENT" || how == "child exited 127") << how;
}

PROCSIG_TEST(Spawn, SigchldAndWait, "SPAWN.SIGCHLD_AND_WAIT", "XSH posix_spawn",
             "a spawned child's exit sends SIGCHLD with its pid and status, and waitpid() "
             "reaps it, as for fork()") {
  ScopedSignalMask mask(SIG_BLOCK, Only(SIGCHLD));
  ASSERT_TRUE(mask.ok());
  std::string path = HelperPath("procsig-return-status");
  char seven[] = "7";
  char* const argv[] = {path.data(), seven, nullptr};
  pid_t pid = -1;
  ASSERT_EQ(::posix_spawn(&pid, path.c_str(), nullptr, nullptr, argv, ::environ), 0);
  ScopedChild child(pid);
  const sigset_t set = Only(SIGCHLD);
  struct timespec limit {
    10, 0
  };
  siginfo_t info{};
  ASSERT_THAT(::sigtimedwait(&set, &info, &limit), SyscallSucceedsWithValue(SIGCHLD));
  EXPECT_EQ(info.si_pid, pid);
  EXPECT_EQ(info.si_status, 7);
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(7));
}

}  // namespace
}  // namespace procsig::test
