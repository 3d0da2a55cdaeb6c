// An LD_PRELOAD shim for C.ALL.SHORT_WRITES: every write(), send(),
// sendto() and sendmsg() on a socket transfers at most 1,000 bytes and
// returns that short count, as POSIX allows a socket to at any time. A
// program that takes a short count for the whole write loses the rest.
#include <dlfcn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cstddef>

namespace {

constexpr size_t kCap = 1000;

bool IsSocket(int fd) {
  struct stat st {};
  return fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

size_t Capped(int fd, size_t n) { return n > kCap && IsSocket(fd) ? kCap : n; }

// The next definition of NAME (libc's), looked up once.
template <typename F>
F Next(F& cache, const char* name) {
  if (cache == nullptr) cache = reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
  return cache;
}

}  // namespace

extern "C" ssize_t write(int fd, const void* buf, size_t n) {
  static ssize_t (*real)(int, const void*, size_t);
  return Next(real, "write")(fd, buf, Capped(fd, n));
}

extern "C" ssize_t send(int fd, const void* buf, size_t n, int flags) {
  static ssize_t (*real)(int, const void*, size_t, int);
  return Next(real, "send")(fd, buf, Capped(fd, n), flags);
}

extern "C" ssize_t sendto(int fd, const void* buf, size_t n, int flags, const sockaddr* to,
                          socklen_t len) {
  static ssize_t (*real)(int, const void*, size_t, int, const sockaddr*, socklen_t);
  return Next(real, "sendto")(fd, buf, Capped(fd, n), flags, to, len);
}

// sendmsg: the first iovec only, at most kCap bytes of it.
extern "C" ssize_t sendmsg(int fd, const msghdr* msg, int flags) {
  static ssize_t (*real)(int, const msghdr*, int);
  if (msg->msg_iovlen == 0 || !IsSocket(fd)) return Next(real, "sendmsg")(fd, msg, flags);
  iovec one = msg->msg_iov[0];
  if (one.iov_len > kCap) one.iov_len = kCap;
  msghdr capped = *msg;
  capped.msg_iov = &one;
  capped.msg_iovlen = 1;
  return Next(real, "sendmsg")(fd, &capped, flags);
}
