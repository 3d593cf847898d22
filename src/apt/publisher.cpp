#include "epcfleet/apt/publisher.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "epcfleet/apt/digests.hpp"
#include "epcfleet/core/time.hpp"

namespace epcfleet::apt {
namespace fs = std::filesystem;
namespace {

Status write_file_synced(const fs::path& path, std::string_view content) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return fail(ErrorCode::kUnavailable, "cannot create " + path.string());
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      ::close(fd);
      return fail(ErrorCode::kUnavailable, "cannot write " + path.string());
    }
    done += static_cast<std::size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced)
    return fail(ErrorCode::kUnavailable, "fsync failed on " + path.string());
  return ok();
}

void fsync_dir(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

// All generation directories of a suite, oldest first (names start with a zero-padded time).
std::vector<fs::path> generations(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return out;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_directory() && e.path().filename().string().front() != '.')
      out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

Result<PublishResult> publish_suite(const PublishRequest& req) {
  if (req.signers.empty())
    return fail(ErrorCode::kConflict, "no signing key: create one before publishing");
  const fs::path root(req.repo_root);
  const fs::path gens_dir = root / "dists" / ".generations" / req.release.suite;
  char stamp[32];
  std::snprintf(stamp, sizeof stamp, "%015lld", static_cast<long long>(now_ms()));
  PublishResult result;
  result.generation = std::string(stamp) + "-" + std::to_string(::getpid());
  const fs::path gen = gens_dir / result.generation;
  std::error_code ec;
  fs::create_directories(gen, ec);
  if (ec)
    return fail(ErrorCode::kUnavailable, "cannot create " + gen.string() + ": " + ec.message());
  auto abandon = [&](Error e) -> Result<PublishResult> {
    fs::remove_all(gen, ec);
    return fail(std::move(e));
  };

  for (const auto& f : req.files) {
    if (auto s = write_file_synced(gen / f.path, f.content); !s)
      return abandon(s.error());
    // by-hash copies beside each index, under every digest the Release file lists that apt uses.
    DigestStream ds;
    ds.update(f.content);
    const auto d = ds.finish();
    const fs::path dir = (gen / f.path).parent_path() / "by-hash";
    for (const auto& [algo, hash] :
         {std::pair{"SHA256", d.sha256}, std::pair{"SHA512", d.sha512}}) {
      fs::create_directories(dir / algo, ec);
      fs::create_hard_link(gen / f.path, dir / algo / hash, ec);
      if (ec && ec != std::errc::file_exists)
        return abandon(Error{ErrorCode::kUnavailable, "by-hash link: " + ec.message()});
    }
  }
  // Carry over the by-hash files of the generations still kept.
  auto previous = generations(gens_dir);
  previous.erase(std::remove(previous.begin(), previous.end(), gen), previous.end());
  const auto keep = static_cast<std::size_t>(std::max(1, req.keep_generations));
  const std::size_t first_kept = previous.size() > keep - 1 ? previous.size() - (keep - 1) : 0;
  for (std::size_t i = first_kept; i < previous.size(); ++i) {
    for (auto it = fs::recursive_directory_iterator(previous[i], ec);
         it != fs::recursive_directory_iterator(); ++it) {
      const auto rel = fs::relative(it->path(), previous[i], ec);
      if (!it->is_regular_file() || rel.string().find("/by-hash/") == std::string::npos)
        continue;
      if (!fs::exists(gen / rel, ec)) {
        fs::create_directories((gen / rel).parent_path(), ec);
        fs::create_hard_link(it->path(), gen / rel, ec);
      }
    }
  }

  result.release_text = release_file(req.release, req.files);
  if (auto s = write_file_synced(gen / "Release", result.release_text); !s)
    return abandon(s.error());
  // InRelease and Release.gpg carry one signature per key that signs now.
  auto detached = detached_signature_all(req.signers, result.release_text);
  if (!detached)
    return abandon(detached.error());
  auto inrelease = clearsign_all(req.signers, result.release_text);
  if (!inrelease)
    return abandon(inrelease.error());
  if (auto s = write_file_synced(gen / "Release.gpg", *detached); !s)
    return abandon(s.error());
  if (auto s = write_file_synced(gen / "InRelease", *inrelease); !s)
    return abandon(s.error());
  for (auto it = fs::recursive_directory_iterator(gen, ec);
       it != fs::recursive_directory_iterator(); ++it) {
    if (it->is_directory())
      fsync_dir(it->path());
  }
  fsync_dir(gen);

  // The flip: a new symlink renamed over the old one is atomic for every reader.
  const fs::path link = root / "dists" / req.release.suite;
  const fs::path tmp_link = root / "dists" / ("." + req.release.suite + ".new");
  fs::remove(tmp_link, ec);
  fs::create_directory_symlink(fs::path(".generations") / req.release.suite / result.generation,
                               tmp_link, ec);
  if (ec)
    return abandon(Error{ErrorCode::kUnavailable, "cannot create symlink: " + ec.message()});
  if (::rename(tmp_link.c_str(), link.c_str()) != 0) {
    fs::remove(tmp_link, ec);
    return abandon(Error{ErrorCode::kUnavailable,
                         "cannot switch " + link.string() + " to the new generation"});
  }
  fsync_dir(root / "dists");

  // Generations beyond the kept ones are no longer linked: remove them.
  auto all = generations(gens_dir);
  if (all.size() > keep) {
    for (std::size_t i = 0; i + keep < all.size(); ++i)
      fs::remove_all(all[i], ec);
  }
  return result;
}

}  // namespace epcfleet::apt
