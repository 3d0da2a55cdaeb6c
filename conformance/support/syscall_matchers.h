// gMock matchers for the "returns -1 and sets errno" convention:
//
//   ASSERT_THAT(waitpid(pid, &status, 0), SyscallSucceedsWithValue(pid));
//   EXPECT_THAT(waitpid(-1, nullptr, WNOHANG), SyscallFailsWithErrno(ECHILD));
//
// Failures print the errno by name and text: "failed with ECHILD (No child
// processes)".
//
// Capturing errno: gMock evaluates the call, then asks the matcher once
// without explanation (Matches) and, only on a mismatch, again with an
// explanation after building some strings. The matcher reads errno at the
// start of that first call, before any allocation of its own, and keeps the
// value for the explanation, so the errno printed and judged is the one the
// call left. Only gMock's conversion of the matcher to Matcher<const T&> runs
// between the call and the read; it allocates, which does not change errno
// on success in glibc or musl.
#pragma once

#include <gmock/gmock.h>

#include <cerrno>
#include <optional>
#include <ostream>
#include <string>
#include <type_traits>
#include <utility>

namespace procsig::test {

// "ECHILD" for ECHILD, or "errno 1234" when the number has no known name.
std::string ErrnoName(int error);
// "ECHILD (No child processes)".
std::string DescribeErrno(int error);

namespace internal {

// Remembers the errno seen on the deciding call for the explanation call.
class ErrnoCapture {
 public:
  int Take(const ::testing::MatchResultListener* listener) const {
    if (!listener->IsInterested()) {
      saved_ = errno;  // the deciding call: read errno before anything else
      return *saved_;
    }
    const int value = saved_.value_or(errno);
    saved_.reset();
    return value;
  }
  void Forget() const { saved_.reset(); }

 private:
  mutable std::optional<int> saved_;
};

template <typename T>
bool IsSyscallFailure(const T& value) {
  return value == static_cast<T>(-1);
}

template <typename ValueMatcher>
class SyscallSucceedsMatcher {
 public:
  explicit SyscallSucceedsMatcher(std::optional<ValueMatcher> value) : value_(std::move(value)) {}

  template <typename T>
  bool MatchAndExplain(const T& result, ::testing::MatchResultListener* listener) const {
    const int error = capture_.Take(listener);
    if (IsSyscallFailure(result)) {
      *listener << "failed with " << DescribeErrno(error);
      return false;
    }
    capture_.Forget();
    if (!value_) {
      return true;
    }
    const ::testing::Matcher<const T&> m = ::testing::SafeMatcherCast<const T&>(*value_);
    if (m.Matches(result)) {
      return true;
    }
    if (listener->IsInterested()) {
      // The value's type is only known here, so the expected value is
      // described here rather than in DescribeTo.
      *listener << "succeeded with " << ::testing::PrintToString(result)
                << ", expected a value that ";
      m.DescribeTo(listener->stream());
    }
    return false;
  }

  void DescribeTo(std::ostream* os) const {
    *os << "succeeds";
    if constexpr (std::is_arithmetic_v<ValueMatcher>) {
      *os << " with value " << *value_;
    } else if (value_) {
      *os << " with a matching value";
    }
  }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "fails";
    if (value_) {
      *os << " or returns a value that does not match";
    }
  }

 private:
  std::optional<ValueMatcher> value_;
  ErrnoCapture capture_;
};

class SyscallFailsMatcher {
 public:
  explicit SyscallFailsMatcher(int expected) : expected_(expected) {}

  template <typename T>
  bool MatchAndExplain(const T& result, ::testing::MatchResultListener* listener) const {
    const int error = capture_.Take(listener);
    if (!IsSyscallFailure(result)) {
      *listener << "succeeded with " << ::testing::PrintToString(result);
      capture_.Forget();
      return false;
    }
    if (error != expected_) {
      *listener << "failed with " << DescribeErrno(error);
      return false;
    }
    capture_.Forget();
    return true;
  }

  void DescribeTo(std::ostream* os) const { *os << "fails with " << DescribeErrno(expected_); }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "does not fail with " << DescribeErrno(expected_);
  }

 private:
  int expected_;
  ErrnoCapture capture_;
};

}  // namespace internal

// The call did not return -1.
inline auto SyscallSucceeds() {
  return ::testing::MakePolymorphicMatcher(
      internal::SyscallSucceedsMatcher<::testing::Matcher<long long>>(std::nullopt));
}

// The call did not return -1 and its result matches m (a value or a matcher).
template <typename M>
auto SyscallSucceedsWithValue(M m) {
  return ::testing::MakePolymorphicMatcher(internal::SyscallSucceedsMatcher<M>(std::move(m)));
}

// The call returned -1 with errno == error.
inline auto SyscallFailsWithErrno(int error) {
  return ::testing::MakePolymorphicMatcher(internal::SyscallFailsMatcher(error));
}

}  // namespace procsig::test
