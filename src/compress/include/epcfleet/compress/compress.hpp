#pragma once
// compress: whole-buffer gzip and xz (zlib and liblzma), for HTTP answers and repository indexes.
// Output is deterministic (no timestamps or names in the gzip header), so the same input always
// gives the same bytes and the same index hashes.

#include <optional>
#include <string>
#include <string_view>

namespace epcfleet::compress {

std::optional<std::string> gzip(std::string_view data, int level = 6);
std::optional<std::string> xz(std::string_view data, unsigned preset = 6);
// For tests and for reading uploaded indexes.
std::optional<std::string> gunzip(std::string_view data, std::size_t max_output = 1u << 30);
std::optional<std::string> unxz(std::string_view data, std::size_t max_output = 1u << 30);

}  // namespace epcfleet::compress
