#pragma once
// Puts a suite's indexes on disk so that no client ever sees a half-written repository:
// each publish writes a complete new generation directory (indexes, by-hash copies, Release,
// InRelease, Release.gpg, all fsynced), then flips the symlink dists/<suite> to it with one
// rename(2). By-hash files of the previous generations are carried over (hard links), so a client
// whose `apt-get update` overlaps a publish still finds every index its InRelease promised.

#include <string>
#include <vector>

#include "epcfleet/apt/index_writer.hpp"
#include "epcfleet/apt/openpgp.hpp"
#include "epcfleet/core/error.hpp"

namespace epcfleet::apt {

struct PublishRequest {
  std::string repo_root;  // holds dists/ and pool/
  ReleaseInfo release;
  std::vector<IndexFile> files;
  std::vector<Signer> signers;  // every key that signs now (rotation overlap: two)
  int keep_generations = 3;     // older generations are removed once nothing links to them
};

struct PublishResult {
  std::string generation;
  std::string release_text;
};

Result<PublishResult> publish_suite(const PublishRequest& request);

}  // namespace epcfleet::apt
