// RAII ownership of file descriptors, so a failing ASSERT never leaks one
// into the next test (the fixture's leak check would then blame the wrong
// test).
#pragma once

#include <fcntl.h>
#include <unistd.h>

namespace procsig::test {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { reset(); }

  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      reset(other.release());
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  explicit operator bool() const { return valid(); }

  // Gives up ownership without closing.
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

  // Closes the held descriptor (errors ignored: there is nothing useful to do
  // with them in a destructor) and takes ownership of fd.
  void reset(int fd = -1) {
    if (fd_ >= 0) {
      ::close(fd_);
    }
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

// A pipe whose ends close themselves. The descriptors are O_CLOEXEC by
// default so a test that execs does not hand them on by accident.
// Check ok() (or the ends) before use: construction records no gtest failure
// on its own because children may build pipes too.
struct Pipe {
  explicit Pipe(int flags = O_CLOEXEC) {
    int fds[2];
    if (::pipe2(fds, flags) == 0) {
      read_end.reset(fds[0]);
      write_end.reset(fds[1]);
    }
  }
  bool ok() const { return read_end.valid() && write_end.valid(); }

  UniqueFd read_end;
  UniqueFd write_end;
};

}  // namespace procsig::test
