#pragma once
// argon2id hashing and verification behind a small number of slots. Each hash costs ~64 MiB and
// ~0.3 s of a core; unbounded, a burst of logins would take the machine's memory or park every
// worker thread. A caller that cannot get a slot within the wait is told to try again (503).

#include <chrono>
#include <memory>
#include <semaphore>
#include <string>
#include <string_view>

#include "epcfleet/core/error.hpp"

namespace epcfleet::auth {

class PasswordHasher {
public:
  explicit PasswordHasher(int slots = 2, std::chrono::milliseconds wait = std::chrono::seconds(5));
  Result<std::string> hash(std::string_view password);
  // kUnavailable when busy; otherwise whether it matches.
  Result<bool> verify(std::string_view stored_hash, std::string_view password);

private:
  std::unique_ptr<std::counting_semaphore<64>> slots_;
  std::chrono::milliseconds wait_;
};

}  // namespace epcfleet::auth
