#include "epcfleet/apt/piece_cache.hpp"

namespace epcfleet::apt {
namespace {

std::size_t size_of(const CompressedPiece& p) {
  return p.gz.bytes.size() + p.xz.bytes.size() + 128;
}

}  // namespace

std::shared_ptr<const CompressedPiece> PieceCache::find(const std::string& key) const {
  std::lock_guard lock(mutex_);
  const auto it = pieces_.find(key);
  return it == pieces_.end() ? nullptr : it->second;
}

void PieceCache::put(const std::string& key, std::shared_ptr<const CompressedPiece> piece) {
  std::lock_guard lock(mutex_);
  if (pieces_.count(key) != 0)
    return;
  bytes_ += size_of(*piece);
  pieces_.emplace(key, std::move(piece));
  order_.push_back(key);
  while (bytes_ > max_bytes_ && order_.size() > 1) {
    const auto it = pieces_.find(order_.front());
    bytes_ -= size_of(*it->second);
    pieces_.erase(it);
    order_.pop_front();
  }
}

std::shared_ptr<const std::string> PieceCache::find_paragraph(const std::string& key) const {
  std::lock_guard lock(mutex_);
  const auto it = paragraphs_.find(key);
  return it == paragraphs_.end() ? nullptr : it->second;
}

void PieceCache::put_paragraph(const std::string& key,
                               std::shared_ptr<const std::string> paragraph) {
  std::lock_guard lock(mutex_);
  if (paragraphs_.size() >= kMaxParagraphs)
    paragraphs_.clear();  // rare (a huge tenant); starting over is simpler than an LRU here
  paragraphs_.emplace(key, std::move(paragraph));
}

std::size_t PieceCache::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

}  // namespace epcfleet::apt
