// PID 1 of the kernel-matrix guest: mounts the pseudo file systems, brings
// up the loopback interface, runs the command listed in /procsig/argv (one
// argument a line, environment in /procsig/env) with a deadline, reaps every
// process, then writes the results to the second serial port between marker
// lines and powers the machine off.
//
// The results go to ttyS1 rather than the console so that kernel messages
// can never interleave with them; procsig.port=<device> on the kernel
// command line names another (an arm64 virt machine has one PL011 UART,
// ttyAMA0, shared with the quiet console). Built statically by ci/kernel-matrix; no
// library but libc, so that the initramfs holds nothing else.

#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {

constexpr const char* kArgvFile = "/procsig/argv";
constexpr const char* kEnvFile = "/procsig/env";
constexpr const char* kDefaultDataPort = "/dev/ttyS1";
constexpr const char* kMarker = "@@PROCSIG";

void Say(const std::string& line) {
  std::string out = "guest-init: " + line + "\n";
  (void)!write(STDERR_FILENO, out.data(), out.size());
}

void Mount(const char* source, const char* target, const char* type, const char* options) {
  mkdir(target, 0755);
  if (mount(source, target, type, 0, options) != 0) {
    Say(std::string("cannot mount ") + type + " on " + target + ": " + std::strerror(errno));
  }
}

// Without this, every test that talks over 127.0.0.1 fails with
// "Network is unreachable": nothing configures the guest's network.
void LoopbackUp() {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ifreq req{};
  std::strncpy(req.ifr_name, "lo", IFNAMSIZ - 1);
  if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &req) != 0) {
    Say(std::string("cannot read lo flags: ") + std::strerror(errno));
  } else {
    req.ifr_flags = static_cast<short>(req.ifr_flags | IFF_UP | IFF_RUNNING);
    if (ioctl(fd, SIOCSIFFLAGS, &req) != 0) {
      Say(std::string("cannot bring lo up: ") + std::strerror(errno));
    }
  }
  if (fd >= 0) {
    close(fd);
  }
}

std::vector<std::string> ReadLines(const char* path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) {
      lines.push_back(line);
    }
  }
  return lines;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) {
    out.push_back(s.data());
  }
  out.push_back(nullptr);
  return out;
}

// The value of word `key`=<value> on the kernel command line, or "".
std::string CmdlineValue(const std::string& key) {
  std::ifstream in("/proc/cmdline");
  std::string word;
  while (in >> word) {
    if (word.rfind(key + "=", 0) == 0) {
      return word.substr(key.size() + 1);
    }
  }
  return "";
}

// Reads procsig.timeout=<seconds> from the kernel command line.
unsigned Deadline() {
  std::ifstream in("/proc/cmdline");
  std::string word;
  while (in >> word) {
    if (word.rfind("procsig.timeout=", 0) == 0) {
      return static_cast<unsigned>(std::strtoul(word.c_str() + 16, nullptr, 10));
    }
  }
  return 600;
}

volatile sig_atomic_t timed_out = 0;
void OnAlarm(int /*signo*/) { timed_out = 1; }

// Runs the command and returns its wait status (or -1); every other process
// that ends meanwhile is reaped too, since orphans come to PID 1.
int RunSuite(unsigned seconds) {
  auto args = ReadLines(kArgvFile);
  auto env = ReadLines(kEnvFile);
  // One initramfs serves every kernel of an architecture; what a kernel
  // lacks is named per kernel (procsig.target=<expectations file name>).
  const std::string target = CmdlineValue("procsig.target");
  if (!target.empty()) {
    env.push_back("PROCSIG_TARGET=" + target);
  }
  if (args.empty()) {
    Say(std::string(kArgvFile) + " is empty or missing");
    return -1;
  }
  auto argv = CStrings(args);
  auto envp = CStrings(env);
  pid_t pid = fork();
  if (pid == 0) {
    setsid();
    execve(argv[0], argv.data(), envp.data());
    Say(std::string("cannot run ") + argv[0] + ": " + std::strerror(errno));
    _exit(127);
  }
  if (pid < 0) {
    Say(std::string("fork: ") + std::strerror(errno));
    return -1;
  }
  struct sigaction sa {};
  sa.sa_handler = OnAlarm;  // no SA_RESTART: the alarm must interrupt wait()
  sigaction(SIGALRM, &sa, nullptr);
  alarm(seconds);
  int result = -1;
  for (;;) {
    int status = 0;
    pid_t done = wait(&status);
    if (done == pid) {
      result = status;
      break;
    }
    if (done < 0 && errno == EINTR && timed_out) {
      Say("the suite ran past its deadline of " + std::to_string(seconds) + " s: killing it");
      kill(-pid, SIGKILL);
      timed_out = 0;
    } else if (done < 0 && errno == ECHILD) {
      break;
    }
  }
  alarm(0);
  // Whatever the suite left behind goes too: nothing may outlive the run.
  kill(-1, SIGKILL);
  while (wait(nullptr) > 0 || errno == EINTR) {
  }
  return result;
}

class DataPort {
 public:
  explicit DataPort(const std::string& path)
      : fd_(open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC)) {
    if (fd_ < 0) {
      Say("cannot open " + path + ": " + std::strerror(errno));
      fd_ = STDOUT_FILENO;
    }
    termios t{};
    if (tcgetattr(fd_, &t) == 0) {
      cfmakeraw(&t);  // no \n -> \r\n translation: the host gets the bytes as written
      tcsetattr(fd_, TCSANOW, &t);
    }
  }
  DataPort(const DataPort&) = delete;
  DataPort& operator=(const DataPort&) = delete;
  ~DataPort() {
    tcdrain(fd_);
    if (fd_ != STDOUT_FILENO) {
      close(fd_);
    }
  }

  void Line(const std::string& text) { Write(text + "\n"); }

  void File(const std::string& name, const char* path) {
    Line(std::string(kMarker) + " begin " + name);
    std::ifstream in(path, std::ios::binary);
    std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Write(body);
    if (!body.empty() && body.back() != '\n') {
      Write("\n");
    }
    Line(std::string(kMarker) + " end " + name);
  }

 private:
  void Write(const std::string& s) {
    for (size_t off = 0; off < s.size();) {
      ssize_t n = write(fd_, s.data() + off, s.size() - off);
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        return;
      }
      off += static_cast<size_t>(n);
    }
  }

  int fd_;
};

}  // namespace

int main() {
  Mount("proc", "/proc", "proc", nullptr);
  Mount("sysfs", "/sys", "sysfs", nullptr);
  Mount("devtmpfs", "/dev", "devtmpfs", nullptr);
  Mount("devpts", "/dev/pts", "devpts", "gid=5,mode=620,ptmxmode=666");
  Mount("tmpfs", "/dev/shm", "tmpfs", "mode=1777");
  Mount("tmpfs", "/tmp", "tmpfs", "mode=1777");
  // Quiet console: printk lines would otherwise land amid the suite's output.
  if (std::FILE* f = std::fopen("/proc/sys/kernel/printk", "w")) {
    std::fputs("1", f);
    std::fclose(f);
  }
  LoopbackUp();

  int status = RunSuite(Deadline());

  {
    const std::string named = CmdlineValue("procsig.port");
    DataPort port(named.empty() ? kDefaultDataPort : named);
    utsname u{};
    uname(&u);
    port.Line(std::string(kMarker) + " uname " + u.release);
    port.Line(std::string(kMarker) + " machine " + u.machine);
    std::string exit_text = status < 0            ? "none"
                            : WIFEXITED(status)   ? std::to_string(WEXITSTATUS(status))
                            : WIFSIGNALED(status) ? "signal " + std::to_string(WTERMSIG(status))
                                                  : "unknown";
    port.Line(std::string(kMarker) + " exit " + exit_text);
    for (const auto& line : ReadLines("/procsig/results")) {
      // "name path": each file the suite wrote that the host wants back.
      auto space = line.find(' ');
      if (space != std::string::npos) {
        port.File(line.substr(0, space), line.c_str() + space + 1);
      }
    }
    port.Line(std::string(kMarker) + " done");
  }
  sync();
  reboot(RB_POWER_OFF);
  return 0;
}
