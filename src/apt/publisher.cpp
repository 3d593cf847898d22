#include "epcfleet/apt/publisher.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "epcfleet/apt/digests.hpp"

namespace epcfleet::apt {
namespace fs = std::filesystem;
namespace {

// Lists the by-hash files a generation produced itself (not the ones it carried over), so that
// carrying over stops after keep_generations and does not grow with the repository's history.
constexpr const char* kManifest = ".by-hash-manifest";

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

// Generation directories are named by a zero-padded sequence number, so name order is publish
// order whatever the clocks do.
std::vector<fs::path> generations(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const auto name = e.path().filename().string();
    if (e.is_directory(ec) && !name.empty() && name.front() >= '0' && name.front() <= '9') {
      out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Serializes publishes of one suite (threads and processes, and nodes on a shared file system
// with working flock).
class SuiteLock {
public:
  explicit SuiteLock(const fs::path& file)
      : fd_(::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)) {
    if (fd_ >= 0 && ::flock(fd_, LOCK_EX) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~SuiteLock() {
    if (fd_ >= 0)
      ::close(fd_);  // closing releases the lock
  }
  SuiteLock(const SuiteLock&) = delete;
  SuiteLock& operator=(const SuiteLock&) = delete;
  bool held() const { return fd_ >= 0; }

private:
  int fd_;
};

bool safe_word(std::string_view s) {
  if (s.empty() || s.size() > 64 || s.front() == '.')
    return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

bool one_line(std::string_view s) {
  return s.find_first_of("\r\n") == std::string_view::npos;
}

Status validate(const PublishRequest& req) {
  const auto& r = req.release;
  if (!safe_word(r.suite))
    return fail(ErrorCode::kInvalidArgument,
                "suite must be 1-64 of [A-Za-z0-9._-], not starting with '.'");
  if (!r.codename.empty() && !safe_word(r.codename))
    return fail(ErrorCode::kInvalidArgument, "codename must be 1-64 of [A-Za-z0-9._-]");
  for (const auto& v : r.components) {
    if (!safe_word(v))
      return fail(ErrorCode::kInvalidArgument, "invalid component '" + v + "'");
  }
  for (const auto& v : r.architectures) {
    if (!safe_word(v))
      return fail(ErrorCode::kInvalidArgument, "invalid architecture '" + v + "'");
  }
  if (!one_line(r.label) || !one_line(r.description) || !one_line(r.origin))
    return fail(ErrorCode::kInvalidArgument, "origin, label and description must be one line");
  for (const auto& f : req.files) {
    if (f.path.empty() || f.path.front() == '/' || f.path.find("..") != std::string::npos)
      return fail(ErrorCode::kInvalidArgument,
                  "index path '" + f.path + "' is not inside the suite");
  }
  if (req.signers.empty())
    return fail(ErrorCode::kConflict, "no signing key: create one before publishing");
  return ok();
}

}  // namespace

Result<PublishResult> publish_suite(const PublishRequest& req) {
  if (auto v = validate(req); !v)
    return fail(v.error());
  const fs::path root(req.repo_root);
  const fs::path gens_dir = root / "dists" / ".generations" / req.release.suite;
  std::error_code ec;
  fs::create_directories(gens_dir, ec);
  if (ec)
    return fail(ErrorCode::kUnavailable,
                "cannot create " + gens_dir.string() + ": " + ec.message());
  SuiteLock lock(gens_dir / ".lock");
  if (!lock.held())
    return fail(ErrorCode::kUnavailable, "cannot lock " + gens_dir.string());

  auto previous = generations(gens_dir);
  unsigned long long next = 1;
  if (!previous.empty())
    next = std::stoull(previous.back().filename().string()) + 1;
  char name[32];
  std::snprintf(name, sizeof name, "%012llu", next);
  PublishResult result;
  result.generation = name;
  const fs::path gen = gens_dir / result.generation;
  fs::create_directory(gen, ec);
  if (ec)
    return fail(ErrorCode::kUnavailable, "cannot create " + gen.string() + ": " + ec.message());
  fsync_dir(gens_dir);
  auto abandon = [&](Error e) -> Result<PublishResult> {
    fs::remove_all(gen, ec);
    return fail(std::move(e));
  };

  std::string manifest;
  const auto digests = digests_of(req.files);
  for (std::size_t i = 0; i < req.files.size(); ++i) {
    const auto& f = req.files[i];
    if (auto s = write_file_synced(gen / f.path, f.content); !s)
      return abandon(s.error());
    // by-hash copies beside each index, under the digests apt looks them up by.
    const auto& d = digests[i];
    const fs::path rel_dir = fs::path(f.path).parent_path() / "by-hash";
    for (const auto& [algo, hash] :
         {std::pair{"SHA256", d.sha256}, std::pair{"SHA512", d.sha512}}) {
      const fs::path rel = rel_dir / algo / hash;
      fs::create_directories((gen / rel).parent_path(), ec);
      fs::create_hard_link(gen / f.path, gen / rel, ec);
      if (ec && ec != std::errc::file_exists)
        return abandon(Error{ErrorCode::kUnavailable, "by-hash link: " + ec.message()});
      manifest += rel.string() + "\n";
    }
  }
  if (auto s = write_file_synced(gen / kManifest, manifest); !s)
    return abandon(s.error());
  // Carry over what the last few generations produced, for clients whose update overlaps this.
  const auto keep = static_cast<std::size_t>(std::max(1, req.keep_generations));
  const std::size_t first = previous.size() >= keep ? previous.size() - (keep - 1) : 0;
  for (std::size_t i = first; i < previous.size(); ++i) {
    std::ifstream in(previous[i] / kManifest);
    for (std::string rel; std::getline(in, rel);) {
      if (rel.empty() || rel.find("..") != std::string::npos || fs::exists(gen / rel, ec))
        continue;
      fs::create_directories((gen / rel).parent_path(), ec);
      fs::create_hard_link(previous[i] / rel, gen / rel, ec);
    }
  }

  result.release_text = release_file(req.release, req.files, digests);
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
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec))
      fsync_dir(it->path());
  }
  fsync_dir(gen);

  // The flip: a new symlink renamed over the old one is atomic for every reader.
  const fs::path link = root / "dists" / req.release.suite;
  const fs::path tmp_link =
      root / "dists" / ("." + req.release.suite + ".new-" + result.generation);
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

  // Older generations beyond the kept ones are no longer reachable. The new generation has the
  // highest number and the lock is held, so it is never among them.
  auto all = generations(gens_dir);
  for (std::size_t i = 0; i + keep < all.size(); ++i) {
    if (all[i] != gen)
      fs::remove_all(all[i], ec);
  }
  return result;
}

}  // namespace epcfleet::apt
