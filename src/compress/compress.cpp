#include "epcfleet/compress/compress.hpp"

#include <lzma.h>
#include <zlib.h>

namespace epcfleet::compress {

std::optional<std::string> gzip(std::string_view data, int level) {
  z_stream zs{};
  // windowBits 15 + 16: gzip framing, with a header that has no name and no time.
  if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return std::nullopt;
  std::string out(deflateBound(&zs, static_cast<uLong>(data.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  const auto produced = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END)
    return std::nullopt;
  out.resize(produced);
  return out;
}

std::optional<std::string> gunzip(std::string_view data, std::size_t max_output) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK)
    return std::nullopt;
  std::string out;
  char buf[65536];
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END)
      break;
    out.append(buf, sizeof buf - zs.avail_out);
    if (out.size() > max_output || (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0))
      break;
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END)
    return std::nullopt;
  return out;
}

std::optional<std::string> xz(std::string_view data, unsigned preset) {
  std::string out(lzma_stream_buffer_bound(data.size()), '\0');
  std::size_t pos = 0;
  if (lzma_easy_buffer_encode(
          preset, LZMA_CHECK_CRC64, nullptr, reinterpret_cast<const uint8_t*>(data.data()),
          data.size(), reinterpret_cast<uint8_t*>(out.data()), &pos, out.size()) != LZMA_OK) {
    return std::nullopt;
  }
  out.resize(pos);
  return out;
}

std::optional<std::string> unxz(std::string_view data, std::size_t max_output) {
  lzma_stream strm = LZMA_STREAM_INIT;
  if (lzma_stream_decoder(&strm, UINT64_MAX, 0) != LZMA_OK)
    return std::nullopt;
  std::string out;
  uint8_t buf[65536];
  strm.next_in = reinterpret_cast<const uint8_t*>(data.data());
  strm.avail_in = data.size();
  lzma_ret rc = LZMA_OK;
  while (rc == LZMA_OK) {
    strm.next_out = buf;
    strm.avail_out = sizeof buf;
    rc = lzma_code(&strm, LZMA_FINISH);
    out.append(reinterpret_cast<const char*>(buf), sizeof buf - strm.avail_out);
    if (out.size() > max_output)
      rc = LZMA_MEM_ERROR;
  }
  lzma_end(&strm);
  if (rc != LZMA_STREAM_END)
    return std::nullopt;
  return out;
}

}  // namespace epcfleet::compress
