#pragma once
// The in-memory chunk of one series for one block window: samples appended in time order and
// kept encoded (about 3-6 bytes a sample instead of 16), so that the head of a large fleet fits
// in memory. Integers (what SNMP gives) are zigzag deltas; the chunk switches to XOR-ed float64
// the first time a value is not an integer.

#include <cstdint>
#include <string>
#include <vector>

#include "epcfleet/tsdb/types.hpp"

namespace epcfleet::tsdb {

class HeadChunk {
public:
  // Callers keep time order (t > last_t()); the engine checks it before appending.
  void append(std::int64_t t, double v);
  void decode(std::vector<Sample>& out) const;

  std::size_t count() const { return count_; }
  std::int64_t first_t() const { return first_t_; }
  std::int64_t last_t() const { return last_t_; }
  double last_v() const { return last_v_; }
  std::size_t bytes() const { return ts_.capacity() + values_.capacity() + sizeof(*this); }

private:
  void switch_to_xor();

  std::string ts_;
  std::string values_;
  std::size_t count_ = 0;
  std::int64_t first_t_ = 0;
  std::int64_t last_t_ = 0;
  std::int64_t last_delta_ = 0;
  std::int64_t last_int_ = 0;
  double last_v_ = 0.0;
  bool xor_ = false;
};

}  // namespace epcfleet::tsdb
