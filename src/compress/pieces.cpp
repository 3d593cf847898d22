#include "epcfleet/compress/pieces.hpp"

#include <lzma.h>
#include <zlib.h>

#include <algorithm>

namespace epcfleet::compress {
namespace {

constexpr lzma_check kCheck = LZMA_CHECK_CRC64;

void put_le32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i)
    out.push_back(static_cast<char>((v >> (8 * i)) & 0xffu));
}

}  // namespace

std::optional<DeflatePiece> deflate_piece(std::string_view data, int level) {
  z_stream zs{};
  // Raw deflate (negative window bits): the gzip framing is written once, around all pieces.
  if (deflateInit2(&zs, level, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK)
    return std::nullopt;
  DeflatePiece piece;
  piece.bytes.resize(deflateBound(&zs, static_cast<uLong>(data.size())) + 64);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(piece.bytes.data());
  zs.avail_out = static_cast<uInt>(piece.bytes.size());
  // A sync flush ends the piece on a byte boundary with a non-final block, so the next piece's
  // blocks can follow it directly.
  const int rc = deflate(&zs, Z_SYNC_FLUSH);
  const bool complete = rc == Z_OK && zs.avail_in == 0 && zs.avail_out > 0;
  const auto produced = zs.total_out;
  deflateEnd(&zs);
  if (!complete)
    return std::nullopt;
  piece.bytes.resize(produced);
  piece.crc = static_cast<std::uint32_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
  piece.size = data.size();
  return piece;
}

std::string gzip_from_pieces(const std::vector<const DeflatePiece*>& pieces) {
  std::size_t total = 20;
  for (const auto* p : pieces)
    total += p->bytes.size();
  std::string out;
  out.reserve(total);
  // Header without name or time (deterministic), XFL 0, OS 3 (Unix).
  out.append("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);
  uLong crc = crc32(0L, Z_NULL, 0);
  std::uint64_t size = 0;
  for (const auto* p : pieces) {
    out += p->bytes;
    crc = crc32_combine(crc, p->crc, static_cast<z_off_t>(p->size));
    size += p->size;
  }
  out.append("\x03\x00", 2);  // an empty final block with fixed codes
  put_le32(out, static_cast<std::uint32_t>(crc));
  put_le32(out, static_cast<std::uint32_t>(size & 0xffffffffu));
  return out;
}

std::optional<XzPiece> xz_piece(std::string_view data, unsigned preset) {
  lzma_options_lzma options{};
  if (lzma_lzma_preset(&options, preset))
    return std::nullopt;
  // A dictionary larger than the piece buys nothing and costs memory in encoder and decoder.
  const auto needed = static_cast<std::uint32_t>(std::max<std::size_t>(data.size(), 4096));
  options.dict_size =
      std::min(options.dict_size, std::max<std::uint32_t>(needed, LZMA_DICT_SIZE_MIN));
  lzma_filter filters[2] = {{LZMA_FILTER_LZMA2, &options}, {LZMA_VLI_UNKNOWN, nullptr}};
  lzma_block block{};
  block.version = 0;
  block.check = kCheck;
  block.filters = filters;
  XzPiece piece;
  piece.bytes.resize(lzma_block_buffer_bound(data.size()));
  std::size_t pos = 0;
  if (lzma_block_buffer_encode(&block, nullptr, reinterpret_cast<const uint8_t*>(data.data()),
                               data.size(), reinterpret_cast<uint8_t*>(piece.bytes.data()), &pos,
                               piece.bytes.size()) != LZMA_OK) {
    return std::nullopt;
  }
  piece.bytes.resize(pos);
  piece.unpadded_size = lzma_block_unpadded_size(&block);
  piece.uncompressed_size = block.uncompressed_size;
  if (piece.unpadded_size == 0)
    return std::nullopt;
  return piece;
}

std::optional<std::string> xz_from_pieces(const std::vector<const XzPiece*>& pieces) {
  lzma_stream_flags flags{};
  flags.version = 0;
  flags.check = kCheck;
  std::string out(LZMA_STREAM_HEADER_SIZE, '\0');
  if (lzma_stream_header_encode(&flags, reinterpret_cast<uint8_t*>(out.data())) != LZMA_OK)
    return std::nullopt;
  lzma_index* index = lzma_index_init(nullptr);
  if (index == nullptr)
    return std::nullopt;
  bool good = true;
  for (const auto* p : pieces) {
    out += p->bytes;
    good = good &&
           lzma_index_append(index, nullptr, p->unpadded_size, p->uncompressed_size) == LZMA_OK;
  }
  const std::size_t index_size = static_cast<std::size_t>(lzma_index_size(index));
  const std::size_t at = out.size();
  out.resize(at + index_size + LZMA_STREAM_HEADER_SIZE);
  std::size_t pos = at;
  good = good && lzma_index_buffer_encode(index, reinterpret_cast<uint8_t*>(out.data()), &pos,
                                          at + index_size) == LZMA_OK;
  flags.backward_size = lzma_index_size(index);
  lzma_index_end(index, nullptr);
  good = good && lzma_stream_footer_encode(
                     &flags, reinterpret_cast<uint8_t*>(out.data() + at + index_size)) == LZMA_OK;
  if (!good)
    return std::nullopt;
  return out;
}

}  // namespace epcfleet::compress
