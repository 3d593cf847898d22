#pragma once
// Streams every sample the time-series store accepts to a Prometheus-compatible remote-write
// endpoint, when `remote_write_url` is set: the path for fleets that outgrow one machine.

#include <memory>

#include "config.hpp"
#include "epcfleet/remote_write/writer.hpp"
#include "epcfleet/tsdb/engine.hpp"

namespace epcfleet::app {

// Null (and no error) when remote write is not configured.
Result<std::unique_ptr<remote_write::Writer>> open_remote_write(const Config& config);
// Hooks the writer to the engine's accepted batches (with the configured per-tenant labels) and
// its figures to /metrics.
Status stream_to_remote(const Config& config, tsdb::Engine& engine, remote_write::Writer& writer);

}  // namespace epcfleet::app
