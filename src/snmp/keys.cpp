#include "keys.hpp"

#include <array>
#include <memory>

#include <openssl/evp.h>

namespace epcfleet::snmp::detail {

std::vector<std::uint8_t> derive_master_key(AuthProtocol auth, std::string_view password) {
  const EVP_MD* md = nullptr;
  switch (auth) {
    case AuthProtocol::kNone: return {};
    case AuthProtocol::kMD5: md = EVP_md5(); break;
    case AuthProtocol::kSHA: md = EVP_sha1(); break;
    case AuthProtocol::kSHA224: md = EVP_sha224(); break;
    case AuthProtocol::kSHA256: md = EVP_sha256(); break;
    case AuthProtocol::kSHA384: md = EVP_sha384(); break;
    case AuthProtocol::kSHA512: md = EVP_sha512(); break;
  }
  if (md == nullptr || password.empty())
    return {};
  const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                    &EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1)
    return {};
  // 1,048,576 bytes of the password repeated, hashed in 64-byte blocks (RFC 3414 A.2.1).
  constexpr std::size_t kTotal = 1048576;
  std::array<unsigned char, 64> block{};
  std::size_t index = 0;
  for (std::size_t count = 0; count < kTotal; count += block.size()) {
    for (auto& byte : block)
      byte = static_cast<unsigned char>(password[index++ % password.size()]);
    if (EVP_DigestUpdate(ctx.get(), block.data(), block.size()) != 1)
      return {};
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(ctx.get(), digest.data(), &length) != 1)
    return {};
  return {digest.begin(), digest.begin() + length};
}

}  // namespace epcfleet::snmp::detail
