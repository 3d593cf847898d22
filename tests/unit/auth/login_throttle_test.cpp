#include "epcfleet/auth/login_throttle.hpp"

#include <thread>

#include <gtest/gtest.h>

namespace epcfleet::auth {
namespace {

TEST(LoginThrottle, BlocksAUserAfterTooManyFailures) {
  LoginThrottle t({3, 100, std::chrono::seconds(60)});
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(t.retry_after("alice", "10.0.0.1"), 0);
    t.record_failure("alice", "10.0.0.1");
  }
  EXPECT_GT(t.retry_after("alice", "10.0.0.2"), 0) << "per user, whatever the address";
  EXPECT_EQ(t.retry_after("bob", "10.0.0.1"), 0);
}

TEST(LoginThrottle, BlocksASourceSprayingManyUsernames) {
  LoginThrottle t({100, 5, std::chrono::seconds(60)});
  for (int i = 0; i < 5; ++i)
    t.record_failure("user" + std::to_string(i), "203.0.113.9");
  EXPECT_GT(t.retry_after("someone-new", "203.0.113.9"), 0);
  EXPECT_EQ(t.retry_after("someone-new", "203.0.113.10"), 0);
}

TEST(LoginThrottle, SuccessClearsTheUsersCount) {
  LoginThrottle t({2, 100, std::chrono::seconds(60)});
  t.record_failure("alice", "a");
  t.record_success("alice");
  t.record_failure("alice", "a");
  EXPECT_EQ(t.retry_after("alice", "a"), 0);
}

TEST(LoginThrottle, WindowExpires) {
  LoginThrottle t({1, 100, std::chrono::seconds(1)});
  t.record_failure("alice", "a");
  EXPECT_GT(t.retry_after("alice", "a"), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(t.retry_after("alice", "a"), 0);
}

}  // namespace
}  // namespace epcfleet::auth
