#include "epcfleet/crypto/tls_certificate.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <memory>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace epcfleet::crypto {
namespace {

struct Deleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
  void operator()(BIO* p) const { BIO_free_all(p); }
};
template <typename T>
using Owned = std::unique_ptr<T, Deleter>;

Status add_extension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  Owned<X509_EXTENSION> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return fail(ErrorCode::kInternal, "cannot add X.509 extension " + value);
  }
  return ok();
}

Status write_pem(const std::string& path, mode_t mode, const std::string& pem) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0)
    return fail(ErrorCode::kConflict, "cannot create " + path + " (exists already?)");
  const ssize_t n = ::write(fd, pem.data(), pem.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (n != static_cast<ssize_t>(pem.size()) || !synced) {
    return fail(ErrorCode::kUnavailable, "cannot write " + path);
  }
  return ok();
}

std::string bio_to_string(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(len));
}

}  // namespace

Status write_self_signed_certificate(const CertificateRequest& request,
                                     const std::string& cert_path, const std::string& key_path) {
  Owned<EVP_PKEY> key(EVP_EC_gen("P-256"));
  if (!key)
    return fail(ErrorCode::kInternal, "cannot generate a P-256 key");
  Owned<X509> cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set_int64(X509_get_serialNumber(cert.get()),
                         static_cast<std::int64_t>(::time(nullptr)) ^ 0x5eed);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 60L * 60 * 24 * request.valid_days);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("epcfleet"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(request.common_name.c_str()),
                             -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  std::string san;
  for (const auto& d : request.dns_names)
    san += (san.empty() ? "DNS:" : ",DNS:") + d;
  for (const auto& ip : request.ip_addresses)
    san += (san.empty() ? "IP:" : ",IP:") + ip;
  if (!san.empty()) {
    if (auto s = add_extension(cert.get(), NID_subject_alt_name, san); !s)
      return s;
  }
  if (auto s = add_extension(cert.get(), NID_basic_constraints, "critical,CA:FALSE"); !s)
    return s;
  if (auto s = add_extension(cert.get(), NID_ext_key_usage, "serverAuth"); !s)
    return s;
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    return fail(ErrorCode::kInternal, "cannot sign the certificate");
  }
  Owned<BIO> key_bio(BIO_new(BIO_s_mem()));
  Owned<BIO> cert_bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
          1 ||
      PEM_write_bio_X509(cert_bio.get(), cert.get()) != 1) {
    return fail(ErrorCode::kInternal, "cannot encode the certificate as PEM");
  }
  if (auto s = write_pem(key_path, 0600, bio_to_string(key_bio.get())); !s)
    return s;
  return write_pem(cert_path, 0644, bio_to_string(cert_bio.get()));
}

}  // namespace epcfleet::crypto
