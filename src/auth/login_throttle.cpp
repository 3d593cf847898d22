#include "epcfleet/auth/login_throttle.hpp"

namespace epcfleet::auth {

std::int64_t LoginThrottle::wait_for(Attempts& attempts, int limit, Clock::time_point now) {
  while (!attempts.empty() && now - attempts.front() >= limits_.window)
    attempts.pop_front();
  if (static_cast<int>(attempts.size()) < limit)
    return 0;
  const auto free_at = attempts[attempts.size() - static_cast<std::size_t>(limit)] + limits_.window;
  return std::max<std::int64_t>(
      1, std::chrono::duration_cast<std::chrono::seconds>(free_at - now).count());
}

std::int64_t LoginThrottle::retry_after(const std::string& username, const std::string& source) {
  std::lock_guard lock(mutex_);
  const auto now = Clock::now();
  return std::max(wait_for(by_user_[username], limits_.per_user, now),
                  wait_for(by_source_[source], limits_.per_source, now));
}

void LoginThrottle::record_failure(const std::string& username, const std::string& source) {
  std::lock_guard lock(mutex_);
  const auto now = Clock::now();
  by_user_[username].push_back(now);
  by_source_[source].push_back(now);
  // Bound memory under a spray of random usernames: forget idle entries now and then.
  const auto idle = [&](auto& kv) {
    return kv.second.empty() || now - kv.second.back() >= limits_.window;
  };
  // Amortized: prune only when a map has doubled since the last pruning.
  if (by_user_.size() > prune_user_at_) {
    std::erase_if(by_user_, idle);
    prune_user_at_ = std::max<std::size_t>(1024, by_user_.size() * 2);
  }
  if (by_source_.size() > prune_source_at_) {
    std::erase_if(by_source_, idle);
    prune_source_at_ = std::max<std::size_t>(1024, by_source_.size() * 2);
  }
}

void LoginThrottle::record_success(const std::string& username) {
  std::lock_guard lock(mutex_);
  by_user_.erase(username);
}

}  // namespace epcfleet::auth
