#pragma once
// Failed-login rate limits, per username and per source address, over a sliding window. Only
// failures count; a success clears the username's count. In memory: a restart forgets, which is
// acceptable (the window is minutes long).

#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace epcfleet::auth {

struct ThrottleLimits {
  int per_user = 5;
  int per_source = 20;
  std::chrono::seconds window{15 * 60};
};

class LoginThrottle {
public:
  explicit LoginThrottle(ThrottleLimits limits = {}) : limits_(limits) {}
  // Seconds until another attempt is allowed, or 0 if allowed now.
  std::int64_t retry_after(const std::string& username, const std::string& source);
  void record_failure(const std::string& username, const std::string& source);
  void record_success(const std::string& username);

private:
  using Clock = std::chrono::steady_clock;
  using Attempts = std::deque<Clock::time_point>;
  std::int64_t wait_for(Attempts& attempts, int limit, Clock::time_point now);

  ThrottleLimits limits_;
  std::mutex mutex_;
  std::unordered_map<std::string, Attempts> by_user_;
  std::unordered_map<std::string, Attempts> by_source_;
  std::size_t prune_user_at_ = 1024;
  std::size_t prune_source_at_ = 1024;
};

}  // namespace epcfleet::auth
