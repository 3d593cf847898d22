// A tenant's repository signing keys: create/rotate (owners), list and download the public key.
#include "epcfleet/apt/signing_key_service.hpp"
#include "epcfleet/core/time.hpp"
#include "epcfleet/crypto/primitives.hpp"
#include "json_io.hpp"
#include "routes.hpp"

namespace epcfleet::api {
namespace {

json key_json(const store::SigningKeyRecord& k) {
  return {{"id", k.id},
          {"fingerprint", k.fingerprint},
          {"algorithm", k.algorithm},
          {"state", k.state},
          {"created_at", format_iso8601(k.created_at)},
          {"retire_at", iso_or_null(k.retire_at)}};
}

constexpr const char* kKeySchema = R"({"type":"object","properties":{"id":{"type":"string"},
"fingerprint":{"type":"string"},"algorithm":{"type":"string","enum":["ed25519","rsa4096"]},
"state":{"type":"string","enum":["current","retiring","retired"]},
"created_at":{"type":"string","format":"date-time"},"retire_at":{"type":["string","null"],"format":"date-time"}}})";
constexpr const char* kCreateSchema = R"({"type":"object","properties":{
"algorithm":{"type":"string","enum":["ed25519","rsa4096"],"default":"ed25519"},
"overlap_days":{"type":"integer","minimum":0,"maximum":365,"default":14,
"description":"How long the previous key keeps signing alongside the new one."}}})";

}  // namespace

void register_signing_key_routes(http::Router& router, const Services& s) {
  using http::Access;
  using http::Method;
  auto* keys = s.signing_keys;

  http::RouteSpec list{Method::kGet,
                       "/api/v1/tenants/{t}/signing-keys",
                       "The tenant's repository signing keys (public parts only).",
                       "repositories",
                       Access::kTenant,
                       Role::kViewer};
  list.response_schema = kKeySchema;
  router.add(list, [keys](http::Context& ctx) {
    auto all = keys->list(ctx.tenant());
    if (!all)
      return reply_error(ctx, all.error());
    json items = json::array();
    for (const auto& k : *all)
      items.push_back(key_json(k));
    return reply(200, page_body(std::move(items), std::nullopt));
  });

  http::RouteSpec create{Method::kPost,
                         "/api/v1/tenants/{t}/signing-keys",
                         "Generate a signing key; a previous one keeps signing for overlap_days.",
                         "repositories",
                         Access::kTenant,
                         Role::kOwner,
                         "signing_key.create"};
  create.success_status = 201;
  create.request_schema = kCreateSchema;
  create.response_schema = kKeySchema;
  router.add(create, [keys](http::Context& ctx) {
    auto body = parse_object(ctx.request, {"algorithm", "overlap_days"});
    if (!body)
      return reply_error(ctx, body.error());
    auto algorithm = optional_string(*body, "algorithm");
    if (!algorithm)
      return reply_error(ctx, algorithm.error());
    auto overlap = optional_integer(*body, "overlap_days");
    if (!overlap)
      return reply_error(ctx, overlap.error());
    apt::NewSigningKey request;
    request.algorithm = algorithm->value_or("ed25519");
    if (*overlap) {
      if (**overlap < 0 || **overlap > 365) {
        return reply_error(
            ctx, Error{ErrorCode::kInvalidArgument, "overlap_days must be between 0 and 365"});
      }
      request.overlap_days = static_cast<int>(**overlap);
    }
    auto key = keys->create(ctx.tenant(), request, ctx.actor);
    if (!key)
      return reply_error(ctx, key.error());
    return reply(201, key_json(*key));
  });

  http::RouteSpec armored{Method::kGet,
                          "/api/v1/tenants/{t}/signing-keys/current.asc",
                          "The current public key, ASCII-armored.",
                          "repositories",
                          Access::kTenant,
                          Role::kViewer};
  armored.success_status = 200;
  router.add(armored, [keys](http::Context& ctx) {
    auto key = keys->current(ctx.tenant());
    if (!key)
      return reply_error(ctx, key.error());
    auto r = http::Response::text(200, key->public_armored, "application/pgp-keys");
    r.set_header("content-disposition",
                 "attachment; filename=\"" + ctx.tenant() + "-archive-keyring.asc\"");
    return r;
  });

  http::RouteSpec binary{Method::kGet,
                         "/api/v1/tenants/{t}/signing-keys/current.gpg",
                         "The current public key as a binary keyring (for apt's Signed-By).",
                         "repositories",
                         Access::kTenant,
                         Role::kViewer};
  router.add(binary, [keys](http::Context& ctx) {
    auto key = keys->current(ctx.tenant());
    if (!key)
      return reply_error(ctx, key.error());
    auto bytes = crypto::base64_decode(key->public_binary_b64);
    if (!bytes)
      return reply_error(ctx, Error{ErrorCode::kInternal, "stored public key is not base64"});
    auto r = http::Response::text(200, std::move(*bytes), "application/octet-stream");
    r.set_header("content-disposition",
                 "attachment; filename=\"" + ctx.tenant() + "-archive-keyring.gpg\"");
    return r;
  });
}

}  // namespace epcfleet::api
