// Breaks: poll() never reports POLLRDHUP (it is cleared from every revents),
//   as a poll emulated on top of select() would.
// Caught-by: SOCKET.POLLRDHUP_PEER_SHUT_WR SOCKET.UNIX_POLLRDHUP_PEER_SHUT_WR
//
// A platform mutant for ci/selfcheck/shim: preloaded into the conformance
// binary, it must make at least one Caught-by assertion fail.
#include <dlfcn.h>
#include <poll.h>

extern "C" int poll(struct pollfd* fds, nfds_t count, int timeout) {
  using Poll = int (*)(struct pollfd*, nfds_t, int);
  static const auto real = reinterpret_cast<Poll>(::dlsym(RTLD_NEXT, "poll"));
  const int ready = real(fds, count, timeout);
  for (nfds_t i = 0; ready > 0 && i < count; ++i) {
    fds[i].revents = static_cast<short>(fds[i].revents & ~POLLRDHUP);
  }
  return ready;
}
