#include "compression.hpp"

#include "epcfleet/compress/compress.hpp"

namespace epcfleet::http::detail {
namespace {

constexpr std::size_t kMinCompressBytes = 1024;

bool accepts_gzip(const Request& request) {
  const auto ae = request.header("accept-encoding");
  return ae && ae->find("gzip") != std::string::npos;
}

bool compressible(const Response& response) {
  const auto type = response.header("content-type").value_or("");
  return type.rfind("application/json", 0) == 0 || type.rfind("text/", 0) == 0;
}

}  // namespace

void maybe_compress(const Request& request, Response& response) {
  if (response.file_path || response.body.size() < kMinCompressBytes || !compressible(response)) {
    return;
  }
  response.set_header("vary", "Accept-Encoding");
  if (!accepts_gzip(request) || response.header("content-encoding"))
    return;
  if (auto z = compress::gzip(response.body); z && z->size() < response.body.size()) {
    response.body = std::move(*z);
    response.set_header("content-encoding", "gzip");
  }
}

}  // namespace epcfleet::http::detail
