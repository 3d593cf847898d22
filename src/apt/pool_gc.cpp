#include "epcfleet/apt/pool_gc.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <vector>

namespace epcfleet::apt {
namespace fs = std::filesystem;
namespace {

// Filenames listed by the Packages indexes of every generation under dists/.generations.
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
  // Read the generations' indexes only if some file is not a row's: usually none is.
  std::optional<std::set<std::string>> in_generations;
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
    if (referenced.count(rel) != 0)
      continue;
    if (!in_generations)
      in_generations = filenames_in_generations(repo_root);
    if (in_generations->count(rel) != 0) {
      ++result.files_held;
      continue;
    }
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0)
      continue;
    const TimestampMs changed =
        static_cast<TimestampMs>(st.st_ctim.tv_sec) * 1000 + st.st_ctim.tv_nsec / 1'000'000;
    if (changed > not_after) {
      ++result.files_held;
      continue;
    }
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

}  // namespace

void mark_pool_garbage(const std::string& repo_root) {
  const int fd =
      ::open((repo_root + "/" + kGcMarker).c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd >= 0)
    ::close(fd);
}

bool pool_garbage_marked(const std::string& repo_root) {
  return ::access((repo_root + "/" + kGcMarker).c_str(), F_OK) == 0;
}

Result<std::optional<PoolGcResult>> collect_marked_pool_garbage(
    const std::string& repo_root, const std::set<std::string>& referenced, TimestampMs not_after) {
  const std::string marker = repo_root + "/" + kGcMarker;
  const std::string running = marker + ".running";
  // Renamed, not removed: a removal marked while this runs makes a new marker for the next run.
  if (::rename(marker.c_str(), running.c_str()) != 0)
    return std::optional<PoolGcResult>{};
  auto result = collect_pool_garbage(repo_root, referenced, not_after);
  if (!result || result->files_held > 0)
    mark_pool_garbage(repo_root);  // still work to do once the generations holding files go
  ::unlink(running.c_str());
  if (!result)
    return fail(result.error());
  return std::optional<PoolGcResult>(*result);
}

}  // namespace epcfleet::apt
