#pragma once
// The files of one published suite: Packages (+ .gz, .xz) per component and architecture, and the
// Release file that lists them with their sizes and MD5/SHA-1/SHA-256/SHA-512 digests. Signing
// and placing them on disk is the publisher's job.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "epcfleet/apt/control.hpp"
#include "epcfleet/apt/digests.hpp"
#include "epcfleet/apt/piece_cache.hpp"
#include "epcfleet/apt/version.hpp"
#include "epcfleet/core/error.hpp"
#include "epcfleet/core/time.hpp"

namespace epcfleet::apt {

// One package as an index entry.
struct IndexEntry {
  PackageControl control;
  std::string filename;  // pool/… path relative to the repository root
  Digests digests;
};

// The Packages paragraph: the control fields, then Filename, Size and the digests.
std::string packages_paragraph(const IndexEntry& entry);

struct IndexFile {
  std::string path;  // relative to dists/<suite>/, e.g. main/binary-amd64/Packages.xz
  std::string content;
};

// Packages, Packages.gz and (for indexes up to 1 MiB) Packages.xz for one component/architecture,
// entries sorted by name then version (newest last) so that the output is stable. The compressed
// files are assembled from pieces (see piece_cache.hpp); with a cache, only pieces whose text
// changed are compressed.
Result<std::vector<IndexFile>> packages_files(const std::string& component,
                                              const std::string& architecture,
                                              const std::vector<IndexEntry>& entries,
                                              PieceCache* cache = nullptr);

// A package as it goes into an index: what orders it, and its finished paragraph (callers that
// publish often keep paragraphs between publishes instead of rebuilding them from control text).
struct IndexItem {
  std::string name;
  Version version;
  std::string version_text;
  std::shared_ptr<const std::string> paragraph;
};
IndexItem index_item(const IndexEntry& entry);
Result<std::vector<IndexFile>> packages_files(const std::string& component,
                                              const std::string& architecture,
                                              std::vector<IndexItem> items,
                                              PieceCache* cache = nullptr);

struct ReleaseInfo {
  std::string origin = "epcfleet";
  std::string label;
  std::string suite;
  std::string codename;
  std::vector<std::string> architectures;
  std::vector<std::string> components;
  std::string description;
  TimestampMs date = 0;
  std::optional<TimestampMs> valid_until;
};

// The digests of each file (computed in parallel), in the files' order.
std::vector<Digests> digests_of(const std::vector<IndexFile>& files);
std::string release_file(const ReleaseInfo& info, const std::vector<IndexFile>& files,
                         const std::vector<Digests>& digests);
// RFC 2822 date as apt wants it: "Fri, 27 Nov 2026 09:14:03 UTC".
std::string release_date(TimestampMs t);

}  // namespace epcfleet::apt
