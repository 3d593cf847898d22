#pragma once
// Removes pool files that nothing refers to any more: not a package row of the repository, and
// not an index of a generation still kept on disk (a client mid-update may fetch those). Snapshots
// hold hard links of their own, so removing the repository's link never takes a snapshot's file.

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "epcfleet/core/error.hpp"
#include "epcfleet/core/time.hpp"

namespace epcfleet::apt {

struct PoolGcResult {
  std::uint64_t files_removed = 0;
  std::uint64_t bytes_removed = 0;
  // Unreferenced by rows, but a kept generation (or a racing upload) holds them.
  std::uint64_t files_held = 0;
};

// A marker in the repository root says that some pool file may have lost its last row (a delete,
// an expiry, a snapshot replacing the set). Publishes walk the pool only while it is there, so
// the common publish (after uploads) never pays for a walk over thousands of files.
inline constexpr const char* kGcMarker = ".pool-gc-pending";
void mark_pool_garbage(const std::string& repo_root);
bool pool_garbage_marked(const std::string& repo_root);
// Removes the pool files that neither `referenced` (the rows' pool/… paths) nor a kept
// generation's Packages lists, if the marker is there; nullopt if it was not. Files changed after
// not_after (linked by an upload racing this run) are left for the next run. The marker stays while
// files are held by kept generations, so later publishes finish the job.
Result<std::optional<PoolGcResult>> collect_marked_pool_garbage(
    const std::string& repo_root, const std::set<std::string>& referenced, TimestampMs not_after);

}  // namespace epcfleet::apt
