// The OpenAPI 3 document, generated from the routes' metadata so that it cannot drift from the
// router (a test checks that every route is documented and every documented path is routed).
#include <algorithm>

#include "json_io.hpp"
#include "routes.hpp"

namespace epcfleet::api {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string operation_id(const http::RouteSpec& spec) {
  std::string id = lower(to_string(spec.method));
  bool upper = true;
  for (char c : spec.pattern) {
    if (c == '/' || c == '{' || c == '}' || c == '.' || c == '_') {
      upper = true;
      continue;
    }
    id.push_back(upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
    upper = false;
  }
  return id;
}

json schema_or_object(const std::string& text) {
  if (text.empty())
    return json{{"type", "object"}};
  return json::parse(text);
}

json error_response(const char* description) {
  return {
      {"description", description},
      {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
}

}  // namespace

std::string openapi_document(const http::Router& router, const std::string& version) {
  json paths = json::object();
  for (const auto& route : router.routes()) {
    const auto& spec = route.spec;
    json op;
    op["summary"] = spec.summary;
    op["operationId"] = operation_id(spec);
    op["tags"] = json::array({spec.tag});
    json params = json::array();
    for (const auto& seg : route.segments) {
      if (seg.size() > 2 && seg.front() == '{') {
        const auto name = seg.substr(1, seg.size() - 2);
        params.push_back({{"name", name},
                          {"in", "path"},
                          {"required", true},
                          {"schema", {{"type", "string"}}},
                          {"description", name == "t" ? "Tenant id" : name}});
      }
    }
    for (const auto& q : spec.query_params) {
      params.push_back(
          {{"name", q}, {"in", "query"}, {"required", false}, {"schema", {{"type", "string"}}}});
    }
    if (!params.empty())
      op["parameters"] = params;
    if (!spec.request_schema.empty()) {
      op["requestBody"] = {
          {"required", true},
          {"content", {{"application/json", {{"schema", schema_or_object(spec.request_schema)}}}}}};
    }
    json responses;
    json ok{{"description", "Success"}};
    if (spec.success_status != 204) {
      ok["content"] = {{"application/json", {{"schema", schema_or_object(spec.response_schema)}}}};
    }
    responses[std::to_string(spec.success_status)] = ok;
    if (!spec.request_schema.empty())
      responses["400"] = error_response("Invalid input");
    if (spec.access != http::Access::kPublic) {
      responses["401"] = error_response("Not authenticated");
      op["security"] =
          json::array({{{"bearerAuth", json::array()}}, {{"cookieAuth", json::array()}}});
    } else {
      op["security"] = json::array();
    }
    if (spec.access == http::Access::kPlatformAdmin ||
        (spec.access == http::Access::kTenant && spec.min_role != Role::kViewer)) {
      responses["403"] = error_response("Role too weak");
    }
    if (spec.access == http::Access::kTenant || route.segments.size() > 4) {
      responses["404"] = error_response("Not found (or another tenant's)");
    }
    op["responses"] = responses;
    op["x-epcfleet-access"] = spec.access == http::Access::kPublic          ? "public"
                              : spec.access == http::Access::kAuthenticated ? "authenticated"
                              : spec.access == http::Access::kPlatformAdmin ? "platform_admin"
                                                                            : "tenant";
    if (spec.access == http::Access::kTenant)
      op["x-epcfleet-min-role"] = to_string(spec.min_role);
    paths[spec.pattern][lower(to_string(spec.method))] = op;
  }
  json doc = {
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "epcfleet API"},
        {"version", version},
        {"description",
         "Multi-tenant management of LTE packet cores: APT repositories, updates, "
         "SNMP monitoring. Errors are {\"error\":{\"code\",\"message\",\"request_id\"}}; "
         "lists are {\"items\",\"next_cursor\"}."}}},
      {"servers", json::array({{{"url", "/"}}})},
      {"paths", paths},
      {"components",
       {{"securitySchemes",
         {{"bearerAuth", {{"type", "http"}, {"scheme", "bearer"}}},
          {"cookieAuth", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "efsession"}}}}},
        {"schemas",
         {{"Error",
           {{"type", "object"},
            {"properties",
             {{"error",
               {{"type", "object"},
                {"properties",
                 {{"code", {{"type", "string"}}},
                  {"message", {{"type", "string"}}},
                  {"request_id", {{"type", "string"}}}}}}}}}}}}}}},
  };
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace epcfleet::api
