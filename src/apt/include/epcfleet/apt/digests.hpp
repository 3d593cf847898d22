#pragma once
// The four digests APT indexes carry, computed in one pass (streamed: feed chunks as they arrive).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "epcfleet/core/error.hpp"

namespace epcfleet::apt {

struct Digests {
  std::uint64_t size = 0;
  std::string md5;  // lowercase hex
  std::string sha1;
  std::string sha256;
  std::string sha512;
};

class DigestStream {
public:
  DigestStream();
  ~DigestStream();
  DigestStream(const DigestStream&) = delete;
  DigestStream& operator=(const DigestStream&) = delete;
  void update(std::string_view chunk);
  Digests finish();

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

Result<Digests> digest_file(const std::string& path);

}  // namespace epcfleet::apt
