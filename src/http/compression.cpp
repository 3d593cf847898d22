#include "compression.hpp"

#include <zlib.h>

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

std::optional<std::string> gzip(std::string_view data) {
  z_stream zs{};
  // windowBits 15 + 16: gzip framing; level 6 is zlib's default trade-off.
  if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return std::nullopt;
  std::string out(deflateBound(&zs, static_cast<uLong>(data.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  const auto produced = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return std::nullopt;
  out.resize(produced);
  return out;
}

void maybe_compress(const Request& request, Response& response) {
  if (response.file_path || response.body.size() < kMinCompressBytes || !compressible(response)) {
    return;
  }
  response.set_header("vary", "Accept-Encoding");
  if (!accepts_gzip(request) || response.header("content-encoding")) return;
  if (auto z = gzip(response.body); z && z->size() < response.body.size()) {
    response.body = std::move(*z);
    response.set_header("content-encoding", "gzip");
  }
}

}  // namespace epcfleet::http::detail
