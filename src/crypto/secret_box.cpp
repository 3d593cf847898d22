#include "epcfleet/crypto/secret_box.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "epcfleet/crypto/primitives.hpp"

namespace epcfleet::crypto {
namespace {

constexpr std::string_view kPrefix = "efs1.";

Status write_all(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0)
      return fail(ErrorCode::kUnavailable, "cannot write the master key file");
    done += static_cast<std::size_t>(n);
  }
  return ok();
}

}  // namespace

MasterKey SecretBox::generate_key() {
  return MasterKey{random_hex(4), random_bytes(crypto_aead_xchacha20poly1305_ietf_KEYBYTES)};
}

SecretBox SecretBox::from_keys(std::vector<MasterKey> keys) {
  return SecretBox(std::move(keys));
}

Status SecretBox::write_key_file(const std::string& path, const std::vector<MasterKey>& keys) {
  std::string body =
      "# epcfleet master key file: the first key seals, every key opens. Keep it secret and "
      "back it up:\n# without it, sealed secrets in the store cannot be read.\n";
  for (const auto& k : keys)
    body += "key " + k.id + " " + hex_encode(k.key) + "\n";
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return fail(ErrorCode::kUnavailable, "cannot create " + tmp);
  ::fchmod(fd, 0600);
  auto written = write_all(fd, body);
  if (written && ::fsync(fd) != 0)
    written = fail(ErrorCode::kUnavailable, "fsync failed on " + tmp);
  ::close(fd);
  sodium_memzero(body.data(), body.size());
  if (!written)
    return written;
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return fail(ErrorCode::kUnavailable, "cannot rename " + tmp + " to " + path);
  }
  return ok();
}

Result<SecretBox> SecretBox::create(const std::string& path) {
  initialize();
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    return fail(ErrorCode::kConflict, "master key file " + path + " exists already");
  }
  std::vector<MasterKey> keys{generate_key()};
  if (auto s = write_key_file(path, keys); !s)
    return fail(s.error());
  return SecretBox(std::move(keys));
}

Result<SecretBox> SecretBox::load(const std::string& path) {
  initialize();
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return fail(ErrorCode::kNotFound, "master key file " + path + " not found");
  }
  if ((st.st_mode & 0077) != 0) {
    return fail(ErrorCode::kForbidden,
                "master key file " + path + " is readable by group or others; run chmod 600 on it");
  }
  std::ifstream in(path);
  if (!in)
    return fail(ErrorCode::kUnavailable, "cannot read master key file " + path);
  std::vector<MasterKey> keys;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line.front() == '#')
      continue;
    std::istringstream fields(line);
    std::string word;
    std::string id;
    std::string hex;
    fields >> word >> id >> hex;
    auto raw = hex_decode(hex);
    if (word != "key" || id.size() != 8 || !raw ||
        raw->size() != crypto_aead_xchacha20poly1305_ietf_KEYBYTES) {
      return fail(ErrorCode::kInvalidArgument, "master key file " + path + ": line " +
                                                   std::to_string(line_no) + " is malformed");
    }
    keys.push_back(MasterKey{id, std::move(*raw)});
  }
  if (keys.empty())
    return fail(ErrorCode::kInvalidArgument, "master key file " + path + " holds no key");
  return SecretBox(std::move(keys));
}

std::string SecretBox::seal(std::string_view plaintext, std::string_view associated_data) const {
  const auto& key = keys_.front();
  std::string buf(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + plaintext.size() +
                      crypto_aead_xchacha20poly1305_ietf_ABYTES,
                  '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(buf.data());
  randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &clen,
      reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
      reinterpret_cast<const unsigned char*>(associated_data.data()), associated_data.size(),
      nullptr, nonce, reinterpret_cast<const unsigned char*>(key.key.data()));
  return std::string(kPrefix) + key.id + "." + base64_encode(buf);
}

Result<std::string> SecretBox::open(std::string_view sealed,
                                    std::string_view associated_data) const {
  if (sealed.substr(0, kPrefix.size()) != kPrefix || sealed.size() < kPrefix.size() + 10 ||
      sealed[kPrefix.size() + 8] != '.') {
    return fail(ErrorCode::kInternal, "sealed secret has an unknown format");
  }
  const auto id = sealed.substr(kPrefix.size(), 8);
  const MasterKey* key = nullptr;
  for (const auto& k : keys_) {
    if (k.id == id)
      key = &k;
  }
  if (key == nullptr) {
    return fail(ErrorCode::kInternal, "sealed secret uses master key " + std::string(id) +
                                          ", which is not in the key file");
  }
  auto raw = base64_decode(sealed.substr(kPrefix.size() + 9));
  if (!raw || raw->size() < crypto_aead_xchacha20poly1305_ietf_NPUBBYTES +
                                crypto_aead_xchacha20poly1305_ietf_ABYTES) {
    return fail(ErrorCode::kInternal, "sealed secret is truncated");
  }
  const auto* nonce = reinterpret_cast<const unsigned char*>(raw->data());
  const std::size_t clen = raw->size() - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  std::string out(clen - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long mlen = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(out.data()), &mlen, nullptr,
          nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, clen,
          reinterpret_cast<const unsigned char*>(associated_data.data()), associated_data.size(),
          nonce, reinterpret_cast<const unsigned char*>(key->key.data())) != 0) {
    return fail(ErrorCode::kInternal, "sealed secret failed authentication (tampered or moved)");
  }
  out.resize(static_cast<std::size_t>(mlen));
  return out;
}

bool SecretBox::needs_reseal(std::string_view sealed) const {
  return sealed.substr(kPrefix.size(), 8) != keys_.front().id;
}

}  // namespace epcfleet::crypto
