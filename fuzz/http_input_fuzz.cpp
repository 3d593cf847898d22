// Fuzzes the request parsing we wrote ourselves (Beast parses HTTP framing; nlohmann parses JSON):
// query strings, cookies, percent-decoding, route matching with parameters, ISO-8601 times.
// Input layout: the bytes are split at the first NUL into a target and a header value.
#include <cstddef>
#include <cstdint>
#include <string>

#include "epcfleet/core/time.hpp"
#include "epcfleet/http/router.hpp"

namespace {

const epcfleet::http::Router& router() {
  static const epcfleet::http::Router r = [] {
    epcfleet::http::Router rr;
    auto h = [](epcfleet::http::Context&) { return epcfleet::http::Response::no_content(); };
    rr.add({epcfleet::http::Method::kGet, "/api/v1/tenants/{t}/users/{username}", "s", "t"}, h);
    rr.add({epcfleet::http::Method::kGet, "/api/v1/tenants/{t}", "s", "t"}, h);
    rr.add({epcfleet::http::Method::kGet, "/healthz", "s", "t", epcfleet::http::Access::kPublic},
           h);
    return rr;
  }();
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const auto nul = input.find('\0');
  const std::string target = input.substr(0, nul);
  const std::string header = nul == std::string::npos ? std::string{} : input.substr(nul + 1);

  epcfleet::http::Request req;
  req.target = target;
  const auto q = target.find('?');
  req.path = target.substr(0, q);
  if (q != std::string::npos)
    req.query_string = target.substr(q + 1);
  req.headers = {{"cookie", header}};
  (void)req.query("limit");
  (void)req.query("cursor");
  (void)req.cookie("efsession");
  (void)epcfleet::http::percent_decode(target, true);
  auto m = router().match(epcfleet::http::Method::kGet, req.path);
  if (m.route != nullptr) {
    for (const auto& [k, v] : m.params) {
      if (v.find('/') != std::string::npos || v.empty())
        __builtin_trap();
    }
  }
  if (auto t = epcfleet::parse_iso8601(header)) {
    // What parses must format back to a time that parses to the same instant.
    if (epcfleet::parse_iso8601(epcfleet::format_iso8601(*t)) != t)
      __builtin_trap();
  }
  return 0;
}
