// SNMP devices: CRUD, enable/disable, CSV import and connection tests (docs/snmp.md).
#include "epcfleet/collector/connection_test.hpp"
#include "epcfleet/collector/device_service.hpp"
#include "epcfleet/collector/poller.hpp"
#include "epcfleet/core/time.hpp"
#include "json_io.hpp"
#include "routes.hpp"

namespace epcfleet::api {
namespace {

json snmp_error_json(const snmp::Error& e) {
  json j = {{"code", std::string(snmp::to_string(e.code))}, {"message", e.message}};
  if (e.code == snmp::ErrorCode::kErrorStatus)
    j["status"] = std::string(snmp::error_status_name(e.status));
  return j;
}

json device_json(const store::SnmpDevice& d, const std::optional<collector::DeviceRuntime>& rt) {
  json snmp = {{"version", d.version}};
  if (d.version == "3") {
    snmp["user"] = d.v3_user;
    snmp["auth_protocol"] = d.auth_protocol;
    snmp["priv_protocol"] = d.priv_protocol;
    snmp["context"] = d.context;
    snmp["auth_password_set"] = d.auth_secret.has_value();
    snmp["priv_password_set"] = d.priv_secret.has_value();
  } else {
    snmp["community_set"] = d.community_secret.has_value();
  }
  json custom = json::array();
  for (const auto& c : collector::custom_oids_from_json(d.custom_oids_json)) {
    custom.push_back({{"oid", c.oid},
                      {"name", c.metric},
                      {"type", c.type},
                      {"unit", c.unit},
                      {"scale", c.scale}});
  }
  json j = {{"id", d.id},
            {"name", d.name},
            {"address", d.address},
            {"port", d.port},
            {"snmp", snmp},
            {"profile", d.profile},
            {"interval_s", d.interval_s},
            {"timeout_ms", d.timeout_ms},
            {"retries", d.retries},
            {"max_repetitions", d.max_repetitions},
            {"tags", collector::tags_from_json(d.tags_json)},
            {"custom_oids", custom},
            {"enabled", d.enabled},
            {"status", d.enabled ? d.status : "unknown"},
            {"status_since", iso_or_null(d.status_since)},
            {"last_poll_at", nullptr},
            {"last_latency_ms", nullptr},
            {"last_error", nullptr},
            {"sys_uptime_s", nullptr},
            {"values", json::object()},
            {"created_at", format_iso8601(d.created_at)},
            {"updated_at", format_iso8601(d.updated_at)}};
  if (rt) {
    j["status"] = std::string(collector::to_string(rt->status));
    j["status_since"] = iso_or_null(rt->status_since);
    j["last_poll_at"] = iso_or_null(rt->last_poll_at);
    if (rt->last_latency_ms)
      j["last_latency_ms"] = *rt->last_latency_ms;
    if (rt->last_error)
      j["last_error"] = snmp_error_json(*rt->last_error);
    if (rt->sys_uptime_s)
      j["sys_uptime_s"] = *rt->sys_uptime_s;
    j["values"] = rt->text;
    j["polls"] = {{"ok", rt->polls_ok}, {"failed", rt->polls_failed}};
  }
  return j;
}

json test_json(const collector::ConnectionTestResult& r) {
  if (!r.ok)
    return {{"ok", false}, {"error", snmp_error_json(*r.error)}, {"elapsed_ms", r.elapsed_ms}};
  json values = r.values;
  if (r.sys_uptime_ticks)
    values["sysUpTime"] = *r.sys_uptime_ticks;
  return {{"ok", true}, {"rtt_ms", r.rtt_ms}, {"values", values}};
}

Result<collector::DeviceInput> input_from(const http::Request& request) {
  const auto type = request.header("content-type").value_or("");
  if (type.rfind("application/json", 0) != 0)
    return fail(ErrorCode::kInvalidArgument, "send the body as Content-Type: application/json");
  return collector::parse_device_input(request.body);
}

// `tag=site:north` (repeatable) as the store's JSON fragments.
Result<std::vector<std::string>> tag_filters(const http::Request& request) {
  std::vector<std::string> out;
  std::string_view q = request.query_string;
  while (!q.empty()) {
    auto amp = q.find('&');
    auto part = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
    if (!part.starts_with("tag="))
      continue;
    auto value = http::percent_decode(part.substr(4), true);
    if (!value)
      return fail(ErrorCode::kInvalidArgument, "tag is not percent-encoded correctly");
    auto sep = value->find_first_of(":=");
    if (sep == std::string::npos)
      return fail(ErrorCode::kInvalidArgument, "tag must be key:value, e.g. tag=site:north");
    out.push_back(collector::tag_fragment(value->substr(0, sep), value->substr(sep + 1)));
  }
  return out;
}

constexpr const char* kDeviceSchema = R"({"type":"object","properties":{
"id":{"type":"string"},"name":{"type":"string"},"address":{"type":"string"},"port":{"type":"integer"},
"snmp":{"type":"object","description":"version; v1/v2c: community_set; v3: user, auth_protocol, priv_protocol, context, auth_password_set, priv_password_set"},
"profile":{"type":"string"},"interval_s":{"type":"integer"},"timeout_ms":{"type":"integer"},
"retries":{"type":"integer"},"max_repetitions":{"type":"integer"},"tags":{"type":"object"},
"custom_oids":{"type":"array"},"enabled":{"type":"boolean"},
"status":{"type":"string","enum":["unknown","up","down"]},"status_since":{"type":["string","null"]},
"last_poll_at":{"type":["string","null"]},"last_latency_ms":{"type":["number","null"]},
"last_error":{"type":["object","null"]},"sys_uptime_s":{"type":["number","null"]}}})";
constexpr const char* kDeviceInputSchema = R"({"type":"object","required":["name","address","snmp"],
"properties":{"name":{"type":"string","maxLength":100},"address":{"type":"string","description":"IPv4 or IPv6 literal"},
"port":{"type":"integer","minimum":1,"maximum":65535,"default":161},
"snmp":{"type":"object","properties":{"version":{"type":"string","enum":["1","2c","3"]},
"community":{"type":"string"},"user":{"type":"string"},
"auth_protocol":{"type":"string","enum":["none","MD5","SHA","SHA-224","SHA-256","SHA-384","SHA-512"]},
"auth_password":{"type":"string","minLength":8},
"priv_protocol":{"type":"string","enum":["none","DES","AES","AES-192","AES-256"]},
"priv_password":{"type":"string","minLength":8},"context":{"type":"string"}}},
"profile":{"type":"string","default":"epc-default"},"interval_s":{"type":"integer","minimum":10,"maximum":86400,"default":60},
"timeout_ms":{"type":"integer","minimum":100,"maximum":60000,"default":1500},
"retries":{"type":"integer","minimum":0,"maximum":10,"default":2},
"max_repetitions":{"type":"integer","minimum":1,"maximum":200,"default":25},
"tags":{"type":"object","additionalProperties":{"type":"string"}},
"custom_oids":{"type":"array","items":{"type":"object","properties":{"oid":{"type":"string"},
"name":{"type":"string"},"type":{"type":"string","enum":["gauge","counter","text"]},"unit":{"type":"string"},"scale":{"type":"number"}}}},
"enabled":{"type":"boolean","default":true}}})";
constexpr const char* kTestSchema = R"({"type":"object","properties":{"ok":{"type":"boolean"},
"rtt_ms":{"type":"number"},"values":{"type":"object"},"error":{"type":"object","properties":{
"code":{"type":"string","enum":["timeout","unknown_user_name","wrong_digest","decryption_error","not_in_time_window",
"unknown_engine_id","unsupported_security_level","unknown_context","authorization_error","no_such_object",
"error_status","invalid_target","send_failed"]},"message":{"type":"string"}}}}})";

}  // namespace

void register_device_routes(http::Router& router, const Services& s) {
  using http::Access;
  using http::Method;
  auto* devices = s.devices;
  auto* poller = s.poller;
  auto* client = s.snmp_client;
  auto runtime = [poller](const store::SnmpDevice& d) -> std::optional<collector::DeviceRuntime> {
    if (poller == nullptr || !d.enabled)
      return std::nullopt;
    return poller->runtime(d.tenant_id, d.id);
  };

  http::RouteSpec list{Method::kGet,
                       "/api/v1/tenants/{t}/devices",
                       "SNMP devices, by name; filter by name substring, status and tags.",
                       "snmp",
                       Access::kTenant,
                       Role::kViewer};
  list.response_schema = kDeviceSchema;
  list.query_params = {"name", "status", "tag", "limit", "cursor"};
  router.add(list, [devices, runtime](http::Context& ctx) {
    auto page = page_request(ctx.request);
    if (!page)
      return reply_error(ctx, page.error());
    store::SnmpDeviceFilter f;
    f.name_contains = ctx.request.query("name").value_or("");
    f.status = ctx.request.query("status").value_or("");
    if (!f.status.empty() && f.status != "up" && f.status != "down" && f.status != "unknown")
      return reply_error(ctx,
                         Error{ErrorCode::kInvalidArgument, "status must be up, down or unknown"});
    auto tags = tag_filters(ctx.request);
    if (!tags)
      return reply_error(ctx, tags.error());
    f.tag_pairs = std::move(*tags);
    if (!page->after.empty())
      f.after_name = page->after;
    f.limit = page->limit;
    auto result = devices->list(ctx.tenant(), f);
    if (!result)
      return reply_error(ctx, result.error());
    json items = json::array();
    for (const auto& d : result->items)
      items.push_back(device_json(d, runtime(d)));
    return reply(200, page_body(std::move(items), result->next_cursor));
  });

  http::RouteSpec create{Method::kPost,
                         "/api/v1/tenants/{t}/devices",
                         "Add an SNMP device; it is polled within seconds.",
                         "snmp",
                         Access::kTenant,
                         Role::kOperator,
                         "device.create"};
  create.success_status = 201;
  create.request_schema = kDeviceInputSchema;
  create.response_schema = kDeviceSchema;
  router.add(create, [devices](http::Context& ctx) {
    auto input = input_from(ctx.request);
    if (!input)
      return reply_error(ctx, input.error());
    auto d = devices->create(ctx.tenant(), *input, ctx.actor);
    if (!d)
      return reply_error(ctx, d.error());
    return reply(201, device_json(*d, std::nullopt));
  });

  http::RouteSpec show{Method::kGet,
                       "/api/v1/tenants/{t}/devices/{id}",
                       "One device with its live status.",
                       "snmp",
                       Access::kTenant,
                       Role::kViewer};
  show.response_schema = kDeviceSchema;
  router.add(show, [devices, runtime](http::Context& ctx) {
    auto d = devices->get(ctx.tenant(), ctx.param("id"));
    if (!d)
      return reply_error(ctx, d.error());
    return reply(200, device_json(*d, runtime(*d)));
  });

  http::RouteSpec update{Method::kPatch,
                         "/api/v1/tenants/{t}/devices/{id}",
                         "Change a device; secrets left out are kept.",
                         "snmp",
                         Access::kTenant,
                         Role::kOperator,
                         "device.update"};
  update.request_schema = kDeviceInputSchema;
  update.response_schema = kDeviceSchema;
  router.add(update, [devices, runtime](http::Context& ctx) {
    auto input = input_from(ctx.request);
    if (!input)
      return reply_error(ctx, input.error());
    auto d = devices->update(ctx.tenant(), ctx.param("id"), *input, ctx.actor);
    if (!d)
      return reply_error(ctx, d.error());
    return reply(200, device_json(*d, runtime(*d)));
  });

  http::RouteSpec remove{Method::kDelete,
                         "/api/v1/tenants/{t}/devices/{id}",
                         "Delete a device (its time series stay until retention).",
                         "snmp",
                         Access::kTenant,
                         Role::kOperator,
                         "device.delete"};
  remove.success_status = 204;
  router.add(remove, [devices](http::Context& ctx) {
    if (auto st = devices->remove(ctx.tenant(), ctx.param("id"), ctx.actor); !st)
      return reply_error(ctx, st.error());
    return http::Response::no_content();
  });

  for (bool enable : {true, false}) {
    http::RouteSpec spec{Method::kPost,
                         enable ? "/api/v1/tenants/{t}/devices/{id}/enable"
                                : "/api/v1/tenants/{t}/devices/{id}/disable",
                         enable ? "Start polling a device." : "Stop polling a device.",
                         "snmp",
                         Access::kTenant,
                         Role::kOperator,
                         "device.update"};
    spec.response_schema = kDeviceSchema;
    router.add(spec, [devices, runtime, enable](http::Context& ctx) {
      auto d = devices->set_enabled(ctx.tenant(), ctx.param("id"), enable, ctx.actor);
      if (!d)
        return reply_error(ctx, d.error());
      return reply(200, device_json(*d, runtime(*d)));
    });
  }

  http::RouteSpec import{Method::kPost,
                         "/api/v1/tenants/{t}/devices/import",
                         "Create devices from CSV (text/csv); all or nothing.",
                         "snmp",
                         Access::kTenant,
                         Role::kOperator,
                         "device.create"};
  import.success_status = 201;
  import.max_body_bytes = 8 << 20;
  router.add(import, [devices](http::Context& ctx) {
    const auto type = ctx.request.header("content-type").value_or("");
    if (type.rfind("text/csv", 0) != 0 && type.rfind("text/plain", 0) != 0)
      return reply_error(
          ctx, Error{ErrorCode::kInvalidArgument, "send the file as Content-Type: text/csv"});
    auto result = devices->import_csv(ctx.tenant(), ctx.request.body, ctx.actor);
    if (!result)
      return reply_error(ctx, result.error());
    if (!result->errors.empty()) {
      json errors = json::array();
      for (const auto& e : result->errors)
        errors.push_back({{"line", e.line}, {"error", e.error}});
      return reply(422, {{"error",
                          {{"code", "invalid_argument"},
                           {"message", "the file has " + std::to_string(result->errors.size()) +
                                           " problem(s); nothing was imported"},
                           {"lines", errors}}}});
    }
    json ids = json::array();
    for (const auto& d : result->created)
      ids.push_back(d.id);
    return reply(201, {{"created", result->created.size()}, {"devices", ids}});
  });

  http::RouteSpec test_new{Method::kPost,
                           "/api/v1/tenants/{t}/devices/test",
                           "Test SNMP settings before saving: sysDescr, sysObjectID, sysUpTime, "
                           "sysName, or the precise error.",
                           "snmp",
                           Access::kTenant,
                           Role::kOperator};
  test_new.request_schema = kDeviceInputSchema;
  test_new.response_schema = kTestSchema;
  router.add(test_new, [devices, client](http::Context& ctx) {
    auto input = input_from(ctx.request);
    if (!input)
      return reply_error(ctx, input.error());
    if (!input->name)
      input->name = "connection test";
    auto target = devices->target_for(ctx.tenant(), *input);
    if (!target)
      return reply_error(ctx, target.error());
    auto result = collector::test_connection(*client, *target);
    if (!result)
      return reply_error(ctx, result.error());
    return reply(200, test_json(*result));
  });

  http::RouteSpec test_saved{Method::kPost,
                             "/api/v1/tenants/{t}/devices/{id}/test",
                             "Test a saved device's SNMP settings.",
                             "snmp",
                             Access::kTenant,
                             Role::kOperator};
  test_saved.response_schema = kTestSchema;
  router.add(test_saved, [devices, client](http::Context& ctx) {
    auto d = devices->get(ctx.tenant(), ctx.param("id"));
    if (!d)
      return reply_error(ctx, d.error());
    auto p = devices->poll_device(*d);
    if (!p)
      return reply_error(ctx, p.error());
    auto result = collector::test_connection(*client, p->target);
    if (!result)
      return reply_error(ctx, result.error());
    return reply(200, test_json(*result));
  });
}

}  // namespace epcfleet::api
