#include "epcfleet/apt/pool_gc.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <vector>

namespace epcfleet::apt {
namespace fs = std::filesystem;

std::set<std::string> filenames_in_generations(const std::string& repo_root) {
  std::set<std::string> names;
  std::error_code ec;
  const fs::path gens = fs::path(repo_root) / "dists" / ".generations";
  for (fs::recursive_directory_iterator it(gens, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename() != "Packages" || !it->is_regular_file(ec))
      continue;
    std::ifstream lines(it->path());
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("Filename: ", 0) == 0)
        names.insert(line.substr(10));
    }
  }
  return names;
}

Result<PoolGcResult> collect_pool_garbage(const std::string& repo_root,
                                          const std::set<std::string>& referenced,
                                          TimestampMs not_after) {
  PoolGcResult result;
  const auto in_generations = filenames_in_generations(repo_root);
  const fs::path root(repo_root);
  const fs::path pool = root / "pool";
  std::error_code ec;
  std::vector<fs::path> dirs;
  for (fs::recursive_directory_iterator it(pool, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec)) {
      dirs.push_back(it->path());
      continue;
    }
    const std::string rel = it->path().lexically_relative(root).generic_string();
    if (referenced.count(rel) != 0 || in_generations.count(rel) != 0)
      continue;
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0)
      continue;
    const TimestampMs changed =
        static_cast<TimestampMs>(st.st_ctim.tv_sec) * 1000 + st.st_ctim.tv_nsec / 1'000'000;
    if (changed > not_after)
      continue;
    std::error_code rm;
    if (fs::remove(it->path(), rm)) {
      ++result.files_removed;
      result.bytes_removed += static_cast<std::uint64_t>(st.st_size);
    }
  }
  if (ec && ec != std::errc::no_such_file_or_directory)
    return fail(ErrorCode::kInternal, "cannot walk the pool: " + ec.message());
  // Deepest first: emptied directories go too (remove() leaves non-empty ones alone).
  for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) {
    std::error_code rm;
    fs::remove(*it, rm);
  }
  return result;
}

}  // namespace epcfleet::apt
