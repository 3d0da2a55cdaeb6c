#include "unique_fd.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace procsig {
namespace {

bool is_open(int fd) { return fcntl(fd, F_GETFD) != -1 || errno != EBADF; }

int new_fd() {
  const int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  EXPECT_GE(fd, 0);
  return fd;
}

TEST(UniqueFd, ClosesOnDestruction) {
  const int fd = new_fd();
  { UniqueFd owner(fd); }
  EXPECT_FALSE(is_open(fd));
}

TEST(UniqueFd, ReleaseGivesUpOwnershipWithoutClosing) {
  const int fd = new_fd();
  {
    UniqueFd owner(fd);
    EXPECT_EQ(owner.release(), fd);
    EXPECT_FALSE(owner.valid());
  }
  EXPECT_TRUE(is_open(fd));
  close(fd);
}

TEST(UniqueFd, MoveTransfersOwnershipOnce) {
  const int fd = new_fd();
  UniqueFd first(fd);
  UniqueFd second(std::move(first));
  // NOLINTNEXTLINE: reading the moved-from state is the point here
  EXPECT_FALSE(first.valid());
  EXPECT_EQ(second.get(), fd);
  UniqueFd third;
  third = std::move(second);
  EXPECT_EQ(third.get(), fd);
  EXPECT_TRUE(is_open(fd));
  third.reset();
  EXPECT_FALSE(is_open(fd));
}

TEST(UniqueFd, ResetClosesTheOldDescriptorAndKeepsTheNew) {
  const int old_fd = new_fd();
  const int new_one = new_fd();
  UniqueFd owner(old_fd);
  owner.reset(new_one);
  EXPECT_FALSE(is_open(old_fd));
  EXPECT_TRUE(is_open(new_one));
  EXPECT_EQ(owner.get(), new_one);
}

TEST(UniqueFd, MoveAssignmentClosesWhatItHeld) {
  const int a = new_fd();
  const int b = new_fd();
  UniqueFd holder(a);
  holder = UniqueFd(b);
  EXPECT_FALSE(is_open(a));
  EXPECT_TRUE(is_open(b));
}

}  // namespace
}  // namespace procsig
