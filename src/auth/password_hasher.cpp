#include "epcfleet/auth/password_hasher.hpp"

#include <algorithm>

#include "epcfleet/crypto/password.hpp"

namespace epcfleet::auth {
namespace {

class Slot {
public:
  Slot(std::counting_semaphore<64>& s, std::chrono::milliseconds wait)
      : s_(s), held_(s.try_acquire_for(wait)) {}
  ~Slot() {
    if (held_)
      s_.release();
  }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;
  bool held() const { return held_; }

private:
  std::counting_semaphore<64>& s_;
  bool held_;
};

Error busy() {
  return Error{ErrorCode::kUnavailable, "too many password checks at once; try again in a moment"};
}

}  // namespace

PasswordHasher::PasswordHasher(int slots, std::chrono::milliseconds wait)
    : slots_(std::make_unique<std::counting_semaphore<64>>(std::clamp(slots, 1, 64))), wait_(wait) {
}

Result<std::string> PasswordHasher::hash(std::string_view password) {
  Slot slot(*slots_, wait_);
  if (!slot.held())
    return fail(busy());
  return crypto::hash_password(password);
}

Result<bool> PasswordHasher::verify(std::string_view stored_hash, std::string_view password) {
  Slot slot(*slots_, wait_);
  if (!slot.held())
    return fail(busy());
  return crypto::verify_password(stored_hash, password);
}

}  // namespace epcfleet::auth
