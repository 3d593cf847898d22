// MD5 and SHA-1 are in APT's indexes for old clients; apt itself trusts SHA-256 and SHA-512.
// OpenSSL's EVP has all four (libsodium lacks MD5 and SHA-1).
#include "epcfleet/apt/digests.hpp"

#include <array>
#include <fstream>
#include <stdexcept>

#include <openssl/evp.h>

namespace epcfleet::apt {
namespace {

struct MdDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Md = std::unique_ptr<EVP_MD_CTX, MdDeleter>;

std::string hex(const unsigned char* d, unsigned n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (unsigned i = 0; i < n; ++i) {
    out.push_back(kHex[d[i] >> 4]);
    out.push_back(kHex[d[i] & 0xf]);
  }
  return out;
}

}  // namespace

struct DigestStream::Impl {
  std::array<Md, 4> ctx;
  std::uint64_t size = 0;
};

DigestStream::DigestStream() : impl_(std::make_unique<Impl>()) {
  const std::array<const EVP_MD*, 4> algos{EVP_md5(), EVP_sha1(), EVP_sha256(), EVP_sha512()};
  for (std::size_t i = 0; i < algos.size(); ++i) {
    impl_->ctx[i].reset(EVP_MD_CTX_new());
    if (!impl_->ctx[i] || EVP_DigestInit_ex(impl_->ctx[i].get(), algos[i], nullptr) != 1) {
      throw std::runtime_error("OpenSSL digest initialisation failed");
    }
  }
}

DigestStream::~DigestStream() = default;

void DigestStream::update(std::string_view chunk) {
  for (auto& c : impl_->ctx)
    EVP_DigestUpdate(c.get(), chunk.data(), chunk.size());
  impl_->size += chunk.size();
}

Digests DigestStream::finish() {
  Digests d;
  d.size = impl_->size;
  std::array<std::string*, 4> out{&d.md5, &d.sha1, &d.sha256, &d.sha512};
  for (std::size_t i = 0; i < out.size(); ++i) {
    unsigned char buf[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    EVP_DigestFinal_ex(impl_->ctx[i].get(), buf, &n);
    *out[i] = hex(buf, n);
  }
  return d;
}

Result<Digests> digest_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return fail(ErrorCode::kNotFound, "cannot open " + path);
  DigestStream stream;
  std::string buf(1 << 20, '\0');
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto n = in.gcount();
    if (n > 0)
      stream.update(std::string_view(buf.data(), static_cast<std::size_t>(n)));
  }
  if (in.bad())
    return fail(ErrorCode::kUnavailable, "read error on " + path);
  return stream.finish();
}

}  // namespace epcfleet::apt
