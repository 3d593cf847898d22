#include "epcfleet/compress/pieces.hpp"

#include <lzma.h>

#include <algorithm>

namespace epcfleet::compress {
namespace {

constexpr lzma_check kCheck = LZMA_CHECK_CRC64;

}  // namespace

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
