// The audit log: per tenant for its operators and owners, platform-wide for platform admins.
#include "epcfleet/audit/audit_log.hpp"
#include "epcfleet/core/time.hpp"
#include "epcfleet/store/audit_repository.hpp"
#include "json_io.hpp"
#include "routes.hpp"

namespace epcfleet::api {
namespace {

// An export is built in memory: bounded so that one request cannot take the server's memory.
constexpr std::size_t kCsvMaxRecords = 100'000;

Result<store::AuditFilter> filter_from(const http::Request& req) {
  store::AuditFilter f;
  f.action = req.query("action");
  f.actor = req.query("actor");
  f.outcome = req.query("outcome");
  for (auto* opt : {&f.action, &f.actor, &f.outcome}) {
    if (*opt && (*opt)->empty())
      opt->reset();
  }
  for (const auto& [name, slot] : {std::pair{"since", &f.since}, std::pair{"until", &f.until}}) {
    if (auto v = req.query(name); v && !v->empty()) {
      auto t = parse_iso8601(*v);
      if (!t) {
        return fail(
            ErrorCode::kInvalidArgument,
            std::string(name) + " must be an ISO-8601 UTC time such as 2026-11-27T09:00:00Z");
      }
      *slot = *t;
    }
  }
  return f;
}

http::Response list_audit(http::Context& ctx, store::Database& db,
                          std::optional<std::string> tenant) {
  auto filter = filter_from(ctx.request);
  if (!filter)
    return reply_error(ctx, filter.error());
  filter->tenant_id = std::move(tenant);
  auto page = page_request(ctx.request);
  if (!page)
    return reply_error(ctx, page.error());
  if (!page->after.empty()) {
    char* end = nullptr;
    const long long seq = std::strtoll(page->after.c_str(), &end, 10);
    if (*end != '\0')
      return reply_error(ctx, Error{ErrorCode::kInvalidArgument, "bad cursor"});
    filter->before_seq = seq;
  }
  const auto format = ctx.request.query("format").value_or("json");
  if (format == "csv") {
    std::string out = audit::csv_header();
    std::size_t total = 0;
    for (;;) {
      auto batch = db.read(
          [&](store::Connection& c) { return store::AuditRepository(c).list(*filter, 1000); });
      if (!batch)
        return reply_error(ctx, batch.error());
      for (const auto& r : batch->items)
        out += audit::to_csv(r);
      total += batch->items.size();
      if (!batch->next_cursor || total >= kCsvMaxRecords)
        break;
      filter->before_seq = batch->items.back().seq;
    }
    auto r = http::Response::text(200, std::move(out), "text/csv; charset=utf-8");
    r.set_header("content-disposition", "attachment; filename=\"audit.csv\"");
    return r;
  }
  if (format != "json") {
    return reply_error(ctx, Error{ErrorCode::kInvalidArgument, "format must be json or csv"});
  }
  auto result = db.read(
      [&](store::Connection& c) { return store::AuditRepository(c).list(*filter, page->limit); });
  if (!result)
    return reply_error(ctx, result.error());
  // Records are serialized by the audit module (the same text the event stream carries).
  std::string items = "[";
  for (std::size_t i = 0; i < result->items.size(); ++i) {
    if (i > 0)
      items += ",";
    items += audit::to_json(result->items[i]);
  }
  items += "]";
  return http::Response::json(
      200, "{\"items\":" + items + ",\"next_cursor\":" +
               page_body(json::array(), result->next_cursor)["next_cursor"].dump() + "}");
}

constexpr const char* kRecordSchema = R"({"type":"object","properties":{"seq":{"type":"integer"},
"time":{"type":"string","format":"date-time"},"actor":{"type":"string"},"tenant":{"type":["string","null"]},
"action":{"type":"string"},"target":{"type":"string"},"outcome":{"type":"string","enum":["success","denied","failure"]},
"source":{"type":"string"},"request_id":{"type":"string"},"detail":{"type":"object"}}})";

}  // namespace

void register_audit_routes(http::Router& router, const Services& s) {
  using http::Access;
  using http::Method;
  auto db = s.db;

  http::RouteSpec tenant_log{Method::kGet,
                             "/api/v1/tenants/{t}/audit",
                             "The tenant's audit log, newest first (format=csv to export).",
                             "audit",
                             Access::kTenant,
                             Role::kOperator};
  tenant_log.query_params = {"limit",   "cursor", "action", "actor",
                             "outcome", "since",  "until",  "format"};
  tenant_log.response_schema = kRecordSchema;
  router.add(tenant_log, [db](http::Context& ctx) { return list_audit(ctx, *db, ctx.tenant()); });

  http::RouteSpec platform_log{Method::kGet, "/api/v1/audit",
                               "The whole audit log, every tenant and platform actions.", "audit",
                               Access::kPlatformAdmin};
  platform_log.query_params = tenant_log.query_params;
  platform_log.response_schema = kRecordSchema;
  router.add(platform_log, [db](http::Context& ctx) { return list_audit(ctx, *db, std::nullopt); });
}

}  // namespace epcfleet::api
