#pragma once
// Compressed index pieces kept between publishes, keyed by the SHA-256 of their text: a publish
// after one upload finds every piece but one here and recompresses only that one. Bounded by
// bytes; the oldest pieces go first. Shared by all repositories of the process (same packages in
// two repositories share pieces too).

#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "epcfleet/compress/pieces.hpp"

namespace epcfleet::apt {

struct CompressedPiece {
  compress::DeflatePiece gz;
  compress::XzPiece xz;  // empty when the index was too large for xz
};

class PieceCache {
public:
  explicit PieceCache(std::size_t max_bytes = 256u << 20) : max_bytes_(max_bytes) {}
  std::shared_ptr<const CompressedPiece> find(const std::string& key) const;
  void put(const std::string& key, std::shared_ptr<const CompressedPiece> piece);
  std::size_t bytes() const;

  // Finished Packages paragraphs, keyed by what determines them (file digest, pool path).
  std::shared_ptr<const std::string> find_paragraph(const std::string& key) const;
  void put_paragraph(const std::string& key, std::shared_ptr<const std::string> paragraph);

private:
  mutable std::mutex mutex_;
  std::size_t max_bytes_;
  std::size_t bytes_ = 0;
  std::map<std::string, std::shared_ptr<const CompressedPiece>> pieces_;
  std::deque<std::string> order_;  // insertion order, for eviction
  // Bounded by count: paragraphs are ~1 KB each; a repository larger than this rebuilds some.
  static constexpr std::size_t kMaxParagraphs = 200'000;
  std::map<std::string, std::shared_ptr<const std::string>> paragraphs_;
};

}  // namespace epcfleet::apt
