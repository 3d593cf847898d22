#include "epcfleet/api/apt_files.hpp"

#include <strings.h>

#include <climits>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "epcfleet/core/identifiers.hpp"
#include "epcfleet/crypto/primitives.hpp"
#include "epcfleet/http/file_response.hpp"
#include "epcfleet/logging/log.hpp"

namespace epcfleet::api {
namespace {

struct AptPath {
  std::string tenant;
  std::string repo;
  std::string rest;  // dists/… or pool/…
};

// Splits and checks /apt/<tenant>/<repo>/<rest>; nullopt for anything that could leave the
// repository (dot segments, empty segments, backslashes) or is not under dists/ or pool/.
std::optional<AptPath> parse_path(const std::string& raw) {
  auto decoded = http::percent_decode(raw, false);
  if (!decoded || decoded->rfind(kAptPrefix, 0) != 0)
    return std::nullopt;
  std::vector<std::string> parts;
  std::string_view rest = std::string_view(*decoded).substr(std::string_view(kAptPrefix).size());
  while (true) {
    const auto slash = rest.find('/');
    parts.emplace_back(rest.substr(0, slash));
    if (slash == std::string_view::npos)
      break;
    rest.remove_prefix(slash + 1);
  }
  const bool keyring =
      parts.size() == 3 && (parts[2] == "archive-keyring.gpg" || parts[2] == "archive-keyring.asc");
  if (parts.size() < 4 && !keyring)
    return std::nullopt;
  for (const auto& p : parts) {
    if (p.empty() || p == "." || p == ".." || p.front() == '.' || p.find('\\') != std::string::npos)
      return std::nullopt;
  }
  if (!keyring && parts[2] != "dists" && parts[2] != "pool")
    return std::nullopt;
  if (!validate_tenant_id(parts[0]) || !validate_tenant_id(parts[1]))
    return std::nullopt;
  AptPath out{parts[0], parts[1], {}};
  for (std::size_t i = 2; i < parts.size(); ++i)
    out.rest += (i > 2 ? "/" : "") + parts[i];
  return out;
}

std::optional<std::pair<std::string, std::string>> basic_credentials(const http::Request& r) {
  auto header = r.header("authorization");
  if (!header || header->size() < 6 || strncasecmp(header->c_str(), "basic ", 6) != 0)
    return std::nullopt;
  auto decoded = crypto::base64_decode(header->substr(6));
  if (!decoded)
    return std::nullopt;
  const auto colon = decoded->find(':');
  if (colon == std::string::npos)
    return std::nullopt;
  return std::make_pair(decoded->substr(0, colon), decoded->substr(colon + 1));
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string content_type(const std::string& path) {
  if (ends_with(path, ".deb"))
    return "application/vnd.debian.binary-package";
  if (ends_with(path, ".gz"))
    return "application/gzip";
  if (ends_with(path, ".xz"))
    return "application/x-xz";
  if (ends_with(path, ".gpg"))
    return "application/pgp-signature";
  if (path.find("/by-hash/") != std::string::npos)
    return "application/octet-stream";
  return "text/plain; charset=utf-8";
}

http::Response unauthorized(const http::Request& request) {
  auto r = http::Response::error(401, "unauthenticated",
                                 "a credential of this repository is required", request.request_id);
  r.set_header("www-authenticate", "Basic realm=\"epcfleet\"");
  return r;
}

// The real path, if it is inside root (dists/<suite> is a symlink to a generation directory).
std::optional<std::string> resolve_inside(const std::string& root, const std::string& rel) {
  char resolved_root[PATH_MAX];
  char resolved[PATH_MAX];
  if (::realpath(root.c_str(), resolved_root) == nullptr ||
      ::realpath((root + "/" + rel).c_str(), resolved) == nullptr)
    return std::nullopt;
  const std::string r(resolved);
  const std::string base = std::string(resolved_root) + "/";
  if (r.rfind(base, 0) != 0)
    return std::nullopt;
  return r;
}

}  // namespace

http::Response AptFiles::keyring(const http::Request& request, const std::string& tenant,
                                 bool armored) const {
  auto key = keys_.current(tenant);
  if (!key) {
    return http::Response::error(404, "not_found", "the tenant has no signing key yet",
                                 request.request_id);
  }
  if (armored)
    return http::Response::text(200, key->public_armored, "application/pgp-keys");
  auto bytes = crypto::base64_decode(key->public_binary_b64);
  if (!bytes) {
    return http::Response::error(500, "internal", "stored public key is not base64",
                                 request.request_id);
  }
  return http::Response::text(200, std::move(*bytes), "application/octet-stream");
}

http::Response AptFiles::serve(http::Request& request) const {
  if (request.method != http::Method::kGet && request.method != http::Method::kHead) {
    auto r = http::Response::error(405, "method_not_allowed", "repositories are read-only here",
                                   request.request_id);
    r.set_header("allow", "GET, HEAD");
    return r;
  }
  auto path = parse_path(request.path);
  auto login = basic_credentials(request);
  if (!login)
    return unauthorized(request);
  if (!path) {
    return http::Response::error(404, "not_found", "no such repository file", request.request_id);
  }
  auto allowed = credentials_.allows(path->tenant, path->repo, login->first, login->second);
  if (!allowed) {
    log::error("apt.credential_check",
               {{"rid", request.request_id}, {"error", allowed.error().message}});
    return http::Response::error(503, "unavailable", "the store is unavailable",
                                 request.request_id);
  }
  if (!*allowed)
    return unauthorized(request);
  if (path->rest.rfind("archive-keyring.", 0) == 0)
    return keyring(request, path->tenant, path->rest == "archive-keyring.asc");
  const std::string root = repositories_.repo_root(path->tenant, path->repo);
  auto file = resolve_inside(root, path->rest);
  const bool pool = path->rest.rfind("pool/", 0) == 0;
  std::optional<http::Response> answer;
  if (file) {
    answer = http::file_response(request, *file, content_type(path->rest),
                                 pool ? "private, max-age=3600" : "private, no-cache");
  }
  if (!answer) {
    return http::Response::error(404, "not_found", "no such repository file", request.request_id);
  }
  return std::move(*answer);
}

}  // namespace epcfleet::api
