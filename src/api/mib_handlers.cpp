// MIB modules per tenant (upload, list, delete) and OID ↔ name translation.
#include "epcfleet/collector/mib_service.hpp"
#include "epcfleet/core/time.hpp"
#include "epcfleet/mib/validate.hpp"
#include "json_io.hpp"
#include "routes.hpp"

namespace epcfleet::api {

void register_mib_routes(http::Router& router, const Services& s) {
  using http::Access;
  using http::Method;
  auto* mibs = s.mibs;

  http::RouteSpec list{Method::kGet,
                       "/api/v1/tenants/{t}/mibs",
                       "MIB modules: the standard ones everyone has and the tenant's uploads.",
                       "snmp",
                       Access::kTenant,
                       Role::kViewer};
  router.add(list, [mibs](http::Context& ctx) {
    auto uploaded = mibs->list(ctx.tenant());
    if (!uploaded)
      return reply_error(ctx, uploaded.error());
    json items = json::array();
    for (const auto& m : *uploaded) {
      items.push_back({{"module", m.module},
                       {"filename", m.filename},
                       {"uploaded_by", m.uploaded_by},
                       {"uploaded_at", format_iso8601(m.uploaded_at)},
                       {"bytes", m.content.size()}});
    }
    return reply(200, {{"items", items}, {"standard", mibs->base().modules()}});
  });

  http::RouteSpec upload{Method::kPost,
                         "/api/v1/tenants/{t}/mibs",
                         "Upload a MIB module (the file as the body; ?filename=). Checked by "
                         "net-snmp's parser; refused with its messages when broken.",
                         "snmp",
                         Access::kTenant,
                         Role::kOperator,
                         "mib.upload"};
  upload.success_status = 201;
  upload.max_body_bytes = mib::kMaxModuleBytes;
  upload.query_params = {"filename"};
  router.add(upload, [mibs](http::Context& ctx) {
    const auto filename = ctx.request.query("filename").value_or("upload.mib");
    if (filename.size() > 200)
      return reply_error(ctx,
                         Error{ErrorCode::kInvalidArgument, "filename has at most 200 characters"});
    auto m = mibs->upload(ctx.tenant(), filename, ctx.request.body, ctx.actor);
    if (!m)
      return reply_error(ctx, m.error());
    return reply(201, {{"module", m->module},
                       {"filename", m->filename},
                       {"objects", m->objects},
                       {"warnings", m->warnings},
                       {"uploaded_by", m->uploaded_by},
                       {"uploaded_at", format_iso8601(m->uploaded_at)}});
  });

  http::RouteSpec remove{Method::kDelete,
                         "/api/v1/tenants/{t}/mibs/{module}",
                         "Delete an uploaded MIB module.",
                         "snmp",
                         Access::kTenant,
                         Role::kOperator,
                         "mib.delete"};
  remove.success_status = 204;
  router.add(remove, [mibs](http::Context& ctx) {
    if (auto st = mibs->remove(ctx.tenant(), ctx.param("module"), ctx.actor); !st)
      return reply_error(ctx, st.error());
    return http::Response::no_content();
  });

  http::RouteSpec translate{Method::kGet,
                            "/api/v1/tenants/{t}/mibs/translate",
                            "OID ↔ name with the tenant's MIBs: ?oid=1.3.6.1.2.1.2.2.1.10.3 or "
                            "?oid=IF-MIB::ifInOctets.3.",
                            "snmp",
                            Access::kTenant,
                            Role::kViewer};
  translate.query_params = {"oid"};
  router.add(translate, [mibs](http::Context& ctx) {
    const auto text = ctx.request.query("oid").value_or("");
    if (text.empty())
      return reply_error(ctx, Error{ErrorCode::kInvalidArgument, "oid is required"});
    auto translator = mibs->translator(ctx.tenant());
    auto oid = translator->resolve(text);
    if (!oid)
      return reply_error(ctx, Error{ErrorCode::kNotFound, "no MIB defines " + text});
    json body = {{"oid", oid->to_string()}, {"name", translator->name(*oid)}};
    std::size_t matched = 0;
    if (const auto* info = translator->lookup(*oid, &matched)) {
      json enums = json::object();
      for (const auto& [value, label] : info->enums)
        enums[std::to_string(value)] = label;
      body["object"] = {{"label", info->label},
                        {"module", info->module},
                        {"kind", std::string(mib::to_string(info->kind))},
                        {"syntax", info->syntax},
                        {"units", info->units},
                        {"enums", enums}};
    }
    return reply(200, body);
  });
}

}  // namespace epcfleet::api
