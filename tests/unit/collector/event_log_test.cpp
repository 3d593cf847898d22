// The event log stores batches, publishes after commit, and one event the store refuses (its
// tenant was deleted while it was queued) does not cost the rest of its batch.
#include "epcfleet/collector/event_log.hpp"

#include <mutex>

#include <gtest/gtest.h>

#include "../store/store_fixture.hpp"
#include "epcfleet/store/tenant_repository.hpp"

namespace epcfleet::collector {
namespace {

using EventLogTest = testing::StoreTest;

class Recorder final : public EventPublisher {
public:
  void publish(const Event& e) override {
    std::lock_guard lock(mu);
    types.push_back(e.type + "@" + e.tenant_id.value_or(""));
  }
  std::mutex mu;
  std::vector<std::string> types;
};

TEST_P(EventLogTest, AnEventOfAGoneTenantDoesNotCostTheOthersOfItsBatch) {
  ASSERT_TRUE(db_->write([](store::Connection& c) {
    return store::TenantRepository(c).insert({"acme", "Acme", 1});
  }));
  Recorder published;
  EventLogOptions options;
  options.batch = 100;
  EventLog log(db_, published, options);
  const auto now = now_ms();  // (older events would be pruned by the retention)
  log.add("acme", "d1", "snmp.trap", now, "{\"n\":1}");
  log.add("gone", "d9", "snmp.trap", now + 1, "{\"n\":2}");  // no such tenant: the store refuses
  log.add("acme", "d1", "snmp.trap", now + 2, "{\"n\":3}");
  log.start();
  log.flush();
  log.stop();
  auto page = log.list("acme", {});
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].data_json, "{\"n\":3}");
  EXPECT_EQ(page->items[1].data_json, "{\"n\":1}");
  const auto stats = log.stats();
  EXPECT_EQ(stats.stored, 2u);
  EXPECT_EQ(stats.dropped, 1u);
  std::lock_guard lock(published.mu);
  EXPECT_EQ(published.types, (std::vector<std::string>{"snmp.trap@acme", "snmp.trap@acme"}));
}

EPCFLEET_INSTANTIATE_STORE_TESTS(EventLogTest);

}  // namespace
}  // namespace epcfleet::collector
