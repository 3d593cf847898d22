#pragma once
// Private: the JSON shape of packages, shared by the repository and snapshot handlers.

#include <vector>

#include "epcfleet/store/records.hpp"
#include "json_io.hpp"

namespace epcfleet::api {

json package_json(const store::AptPackage& p);
// The page of packages the query asks for: ?q= (name substring), ?name=, ?version=,
// ?architecture=, with ?cursor= and ?limit= like every list ({"items","next_cursor"}).
Result<json> filtered_packages(const http::Request& request,
                               const std::vector<store::AptPackage>& packages);

inline constexpr const char* kPackageSchema =
    R"({"type":"object","properties":{"name":{"type":"string"},
"version":{"type":"string"},"architecture":{"type":"string"},"component":{"type":"string"},
"filename":{"type":"string"},"size":{"type":"integer"},"sha256":{"type":"string"},
"uploaded_by":{"type":"string"},"uploaded_at":{"type":"string","format":"date-time"}}})";

}  // namespace epcfleet::api
