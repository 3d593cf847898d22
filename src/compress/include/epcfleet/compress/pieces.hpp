#pragma once
// Compressed files assembled from independently compressed pieces, so that a large text of which
// only a small part changed is recompressed only there (repository indexes: one new package
// touches one piece). The result is an ordinary single .xz stream of several blocks, one per
// piece, with its index: what `xz -T` writes, and what every xz reader takes.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace epcfleet::compress {

struct XzPiece {
  std::string bytes;  // a whole block: header, data, padding, check
  std::uint64_t unpadded_size = 0;
  std::uint64_t uncompressed_size = 0;
};

std::optional<XzPiece> xz_piece(std::string_view data, unsigned preset = 6);
std::optional<std::string> xz_from_pieces(const std::vector<const XzPiece*>& pieces);

}  // namespace epcfleet::compress
