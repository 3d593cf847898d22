#pragma once
// core: the vocabulary every module shares — errors as values, roles, identifiers, time.
// No I/O and no third-party headers beyond tl::expected (a header-only vocabulary type).

#include <string>
#include <string_view>
#include <utility>

#include <tl/expected.hpp>

namespace epcfleet {

// Stable error codes. The API layer maps each to one HTTP status in one place (api/errors.cpp);
// the code's text form is what clients see in {"error":{"code":...}}.
enum class ErrorCode {
  kInvalidArgument,  // 400: the caller sent something malformed
  kUnauthenticated,  // 401
  kForbidden,        // 403: authenticated, role too weak
  kNotFound,         // 404: absent, or belongs to a tenant the caller cannot see
  kConflict,         // 409: exists already / state forbids it
  kPayloadTooLarge,  // 413
  kRateLimited,      // 429
  kUnavailable,      // 503: a dependency (store, peer) is down
  kInternal,         // 500: a bug
};

std::string_view to_string(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
};

template <typename T>
using Result = tl::expected<T, Error>;

// Shorthand for `return fail(ErrorCode::kNotFound, "...")` from any Result-returning function.
inline tl::unexpected<Error> fail(ErrorCode code, std::string message) {
  return tl::unexpected<Error>(Error{code, std::move(message)});
}
inline tl::unexpected<Error> fail(Error error) {
  return tl::unexpected<Error>(std::move(error));
}

using Status = Result<void>;
inline Status ok() {
  return {};
}

}  // namespace epcfleet
