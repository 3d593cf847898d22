#include "epcfleet/metrics/registry.hpp"

#include <gtest/gtest.h>

#include "epcfleet/testing/temp_dir.hpp"

namespace epcfleet::metrics {
namespace {

TEST(Registry, RendersPrometheusTextThatPromtoolAccepts) {
  Registry r;
  r.counter("epcfleet_things_total", "Things done.", {{"kind", "a\"b\\c"}}).inc(3);
  r.gauge("epcfleet_queue_length", "Items queued.").set(7);
  auto& h = r.histogram("epcfleet_op_seconds", "Operation latency.", {{"op", "x"}});
  h.observe(0.002);
  h.observe(3);
  const auto text = r.render();
  EXPECT_NE(text.find("epcfleet_things_total{kind=\"a\\\"b\\\\c\"} 3"), std::string::npos) << text;
  EXPECT_NE(text.find("epcfleet_op_seconds_bucket{op=\"x\",le=\"+Inf\"} 2"), std::string::npos)
      << text;
  EXPECT_NE(text.find("epcfleet_op_seconds_count{op=\"x\"} 2"), std::string::npos);

  testing::TempDir dir;
  testing::write_file(dir.file("metrics.txt"), text);
  auto check =
      testing::run_command({"sh", "-c", "promtool check metrics < " + dir.file("metrics.txt")});
  if (check.exit_code == 127)
    GTEST_SKIP() << "promtool missing (scripts/install-deps installs prometheus)";
  EXPECT_EQ(check.exit_code, 0) << check.output;
}

TEST(Registry, SameNameAndLabelsIsTheSameSeries) {
  Registry r;
  r.counter("epcfleet_x_total", "X.", {{"a", "1"}}).inc();
  r.counter("epcfleet_x_total", "X.", {{"a", "1"}}).inc();
  EXPECT_EQ(r.counter("epcfleet_x_total", "X.", {{"a", "1"}}).value(), 2.0);
}

}  // namespace
}  // namespace epcfleet::metrics
