#pragma once
// Compressed files assembled from independently compressed pieces, so that a large text of which
// only a small part changed is recompressed only there (repository indexes: one new package
// touches one piece). Both results are ordinary single streams that any reader takes:
// - gzip: one member whose deflate data is the pieces back to back, each a raw deflate segment
//   with a fresh dictionary ended by a sync flush (what pigz writes), then an empty final block
//   and the CRC-32 combined from the pieces' CRCs;
// - xz: one stream of several blocks, one per piece (what `xz -T` writes), with its index.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace epcfleet::compress {

struct DeflatePiece {
  std::string bytes;
  std::uint32_t crc = 0;   // CRC-32 of the uncompressed piece
  std::uint64_t size = 0;  // uncompressed bytes
};

struct XzPiece {
  std::string bytes;  // a whole block: header, data, padding, check
  std::uint64_t unpadded_size = 0;
  std::uint64_t uncompressed_size = 0;
};

std::optional<DeflatePiece> deflate_piece(std::string_view data, int level = 6);
std::string gzip_from_pieces(const std::vector<const DeflatePiece*>& pieces);

std::optional<XzPiece> xz_piece(std::string_view data, unsigned preset = 6);
std::optional<std::string> xz_from_pieces(const std::vector<const XzPiece*>& pieces);

}  // namespace epcfleet::compress
