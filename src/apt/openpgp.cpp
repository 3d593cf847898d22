#include "epcfleet/apt/openpgp.hpp"

#include <memory>

#include <rnp/rnp.h>
#include <rnp/rnp_err.h>

namespace epcfleet::apt {
namespace {

struct FfiDeleter {
  void operator()(rnp_ffi_st* p) const { rnp_ffi_destroy(p); }
};
struct InputDeleter {
  void operator()(rnp_input_st* p) const { rnp_input_destroy(p); }
};
struct OutputDeleter {
  void operator()(rnp_output_st* p) const { rnp_output_destroy(p); }
};
struct KeyDeleter {
  void operator()(rnp_key_handle_st* p) const { rnp_key_handle_destroy(p); }
};
struct GenerateDeleter {
  void operator()(rnp_op_generate_st* p) const { rnp_op_generate_destroy(p); }
};
struct SignDeleter {
  void operator()(rnp_op_sign_st* p) const { rnp_op_sign_destroy(p); }
};
using Ffi = std::unique_ptr<rnp_ffi_st, FfiDeleter>;
using Input = std::unique_ptr<rnp_input_st, InputDeleter>;
using Output = std::unique_ptr<rnp_output_st, OutputDeleter>;
using Key = std::unique_ptr<rnp_key_handle_st, KeyDeleter>;

Error rnp_error(const char* what, rnp_result_t rc) {
  return Error{ErrorCode::kInternal,
               std::string("OpenPGP ") + what + " failed: " + rnp_result_to_string(rc)};
}

Result<Ffi> new_ffi() {
  rnp_ffi_t raw = nullptr;
  if (auto rc = rnp_ffi_create(&raw, "GPG", "GPG"); rc != RNP_SUCCESS)
    return fail(rnp_error("context", rc));
  return Ffi(raw);
}

Result<Output> memory_output() {
  rnp_output_t raw = nullptr;
  if (auto rc = rnp_output_to_memory(&raw, 0); rc != RNP_SUCCESS)
    return fail(rnp_error("output", rc));
  return Output(raw);
}

std::string output_bytes(rnp_output_t out) {
  uint8_t* buf = nullptr;
  size_t len = 0;
  if (rnp_output_memory_get_buf(out, &buf, &len, false) != RNP_SUCCESS)
    return {};
  return std::string(reinterpret_cast<const char*>(buf), len);
}

Result<std::string> export_key(rnp_key_handle_t key, uint32_t flags) {
  auto out = memory_output();
  if (!out)
    return fail(out.error());
  if (auto rc = rnp_key_export(key, out->get(), flags); rc != RNP_SUCCESS)
    return fail(rnp_error("key export", rc));
  return output_bytes(out->get());
}

Result<std::string> fingerprint_of(rnp_key_handle_t key) {
  char* fp = nullptr;
  if (auto rc = rnp_key_get_fprint(key, &fp); rc != RNP_SUCCESS)
    return fail(rnp_error("fingerprint", rc));
  std::string out(fp);
  rnp_buffer_destroy(fp);
  return out;
}

Result<Input> memory_input(std::string_view bytes) {
  rnp_input_t raw = nullptr;
  if (auto rc = rnp_input_from_memory(&raw, reinterpret_cast<const uint8_t*>(bytes.data()),
                                      bytes.size(), false);
      rc != RNP_SUCCESS) {
    return fail(rnp_error("input", rc));
  }
  return Input(raw);
}

// Loads a transferable (secret) key into a context.
Status import_key(rnp_ffi_t ffi, std::string_view key_bytes) {
  auto in = memory_input(key_bytes);
  if (!in)
    return fail(in.error());
  if (auto rc = rnp_import_keys(ffi, in->get(),
                                RNP_LOAD_SAVE_SECRET_KEYS | RNP_LOAD_SAVE_PUBLIC_KEYS, nullptr);
      rc != RNP_SUCCESS) {
    return fail(rnp_error("key import", rc));
  }
  return ok();
}

}  // namespace

Result<SigningKey> generate_signing_key(KeyAlgorithm algorithm, const std::string& user_id) {
  auto ffi = new_ffi();
  if (!ffi)
    return fail(ffi.error());
  rnp_op_generate_t raw_op = nullptr;
  const char* alg = algorithm == KeyAlgorithm::kEd25519 ? "EDDSA" : "RSA";
  if (auto rc = rnp_op_generate_create(&raw_op, ffi->get(), alg); rc != RNP_SUCCESS) {
    return fail(rnp_error("key generation", rc));
  }
  std::unique_ptr<rnp_op_generate_st, GenerateDeleter> op(raw_op);
  if (algorithm == KeyAlgorithm::kRsa4096)
    rnp_op_generate_set_bits(op.get(), 4096);
  rnp_op_generate_set_userid(op.get(), user_id.c_str());
  rnp_op_generate_set_hash(op.get(), "SHA512");
  rnp_op_generate_add_usage(op.get(), "sign");
  rnp_op_generate_set_expiration(op.get(), 0);
  if (auto rc = rnp_op_generate_execute(op.get()); rc != RNP_SUCCESS)
    return fail(rnp_error("key generation", rc));
  rnp_key_handle_t raw_key = nullptr;
  if (auto rc = rnp_op_generate_get_key(op.get(), &raw_key); rc != RNP_SUCCESS) {
    return fail(rnp_error("key generation", rc));
  }
  Key key(raw_key);
  SigningKey out;
  auto fp = fingerprint_of(key.get());
  auto secret = export_key(key.get(), RNP_KEY_EXPORT_SECRET | RNP_KEY_EXPORT_SUBKEYS);
  auto pub_armored = export_key(
      key.get(), RNP_KEY_EXPORT_PUBLIC | RNP_KEY_EXPORT_SUBKEYS | RNP_KEY_EXPORT_ARMORED);
  auto pub_binary = export_key(key.get(), RNP_KEY_EXPORT_PUBLIC | RNP_KEY_EXPORT_SUBKEYS);
  for (const auto* r : {&fp, &secret, &pub_armored, &pub_binary}) {
    if (!*r)
      return fail(r->error());
  }
  out.fingerprint = *fp;
  out.secret_key = std::move(*secret);
  out.public_armored = std::move(*pub_armored);
  out.public_binary = std::move(*pub_binary);
  return out;
}

Result<Signer> Signer::load(std::string_view secret_key) {
  auto ffi = new_ffi();
  if (!ffi)
    return fail(ffi.error());
  if (auto s = import_key(ffi->get(), secret_key); !s)
    return fail(s.error());
  // Find the primary key's fingerprint by iterating the imported keys.
  rnp_identifier_iterator_t it = nullptr;
  if (auto rc = rnp_identifier_iterator_create(ffi->get(), &it, "fingerprint"); rc != RNP_SUCCESS) {
    return fail(rnp_error("key import", rc));
  }
  const char* id = nullptr;
  std::string fingerprint;
  if (rnp_identifier_iterator_next(it, &id) == RNP_SUCCESS && id != nullptr)
    fingerprint = id;
  rnp_identifier_iterator_destroy(it);
  if (fingerprint.empty())
    return fail(ErrorCode::kInvalidArgument, "no OpenPGP key in the given bytes");
  return Signer(std::string(secret_key), fingerprint);
}

namespace {

Result<std::string> sign_with(const std::vector<const Signer*>& signers, std::string_view text,
                              bool cleartext) {
  if (signers.empty())
    return fail(ErrorCode::kInvalidArgument, "no signing key");
  auto ffi = new_ffi();
  if (!ffi)
    return fail(ffi.error());
  std::vector<Key> keys;
  for (const auto* signer : signers) {
    if (auto s = import_key(ffi->get(), signer->secret_key()); !s)
      return fail(s.error());
    rnp_key_handle_t raw_key = nullptr;
    if (auto rc =
            rnp_locate_key(ffi->get(), "fingerprint", signer->fingerprint().c_str(), &raw_key);
        rc != RNP_SUCCESS || raw_key == nullptr) {
      return fail(rnp_error("key lookup", rc));
    }
    keys.emplace_back(raw_key);
  }
  auto in = memory_input(text);
  if (!in)
    return fail(in.error());
  auto out = memory_output();
  if (!out)
    return fail(out.error());
  rnp_op_sign_t raw_op = nullptr;
  const auto rc_create =
      cleartext ? rnp_op_sign_cleartext_create(&raw_op, ffi->get(), in->get(), out->get())
                : rnp_op_sign_detached_create(&raw_op, ffi->get(), in->get(), out->get());
  if (rc_create != RNP_SUCCESS)
    return fail(rnp_error("signing", rc_create));
  std::unique_ptr<rnp_op_sign_st, SignDeleter> op(raw_op);
  if (!cleartext)
    rnp_op_sign_set_armor(op.get(), true);
  rnp_op_sign_set_hash(op.get(), "SHA512");
  for (const auto& key : keys) {
    if (auto rc = rnp_op_sign_add_signature(op.get(), key.get(), nullptr); rc != RNP_SUCCESS) {
      return fail(rnp_error("signing", rc));
    }
  }
  if (auto rc = rnp_op_sign_execute(op.get()); rc != RNP_SUCCESS)
    return fail(rnp_error("signing", rc));
  return output_bytes(out->get());
}

std::vector<const Signer*> pointers(const std::vector<Signer>& signers) {
  std::vector<const Signer*> out;
  for (const auto& s : signers)
    out.push_back(&s);
  return out;
}

}  // namespace

Result<std::string> Signer::sign(std::string_view text, bool cleartext) const {
  return sign_with({this}, text, cleartext);
}

Result<std::string> clearsign_all(const std::vector<Signer>& signers, std::string_view text) {
  return sign_with(pointers(signers), text, true);
}

Result<std::string> detached_signature_all(const std::vector<Signer>& signers,
                                           std::string_view text) {
  return sign_with(pointers(signers), text, false);
}

Result<std::string> Signer::clearsign(std::string_view text) const {
  return sign(text, true);
}
Result<std::string> Signer::detached_signature(std::string_view text) const {
  return sign(text, false);
}

}  // namespace epcfleet::apt
