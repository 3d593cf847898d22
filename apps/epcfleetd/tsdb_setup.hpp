#pragma once
// The embedded time-series store as epcfleetd runs it: options from the configuration, and its
// figures on /metrics.

#include <memory>

#include "config.hpp"
#include "epcfleet/tsdb/engine.hpp"

namespace epcfleet::app {

Result<std::unique_ptr<tsdb::Engine>> open_tsdb(const Config& config);
void register_tsdb_metrics(const tsdb::Engine& engine);

}  // namespace epcfleet::app
