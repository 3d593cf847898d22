// The SNMP tables on both dialects: filters (name substring, status, tag fragments with LIKE
// wildcards in them), keyset pages, events newest first with their cursor, pruning.
#include <gtest/gtest.h>

#include "epcfleet/store/snmp_device_store.hpp"
#include "epcfleet/store/tenant_repository.hpp"
#include "store_fixture.hpp"

namespace epcfleet::store {
namespace {

using testing::StoreTest;
using SnmpStoreTest = StoreTest;

SnmpDeviceFilter filter(std::string name, std::string status, std::vector<std::string> tags,
                        std::optional<std::string> after = std::nullopt, std::size_t limit = 100) {
  SnmpDeviceFilter f;
  f.name_contains = std::move(name);
  f.status = std::move(status);
  f.tag_pairs = std::move(tags);
  f.after_name = std::move(after);
  f.limit = limit;
  return f;
}

SnmpDevice device(const std::string& id, const std::string& name, const std::string& tags,
                  const std::string& status = "unknown") {
  SnmpDevice d;
  d.id = id;
  d.tenant_id = "acme";
  d.name = name;
  d.address = "10.0.0.1";
  d.profile = "epc-default";
  d.tags_json = tags;
  d.status = status;
  d.created_by = "amy";
  d.created_at = d.updated_at = 1;
  return d;
}

TEST_P(SnmpStoreTest, DevicesFilterAndPage) {
  auto s = db_->write([](Connection& c) -> Status {
    if (auto r = TenantRepository(c).insert({"acme", "Acme", 1}); !r)
      return r;
    SnmpDeviceStore devices(c);
    for (const auto& d : {device("d1", "North-1", R"({"site":"north"})", "up"),
                          device("d2", "north-2", R"({"site":"north","rack":"4"})", "down"),
                          device("d3", "south_1", R"({"site":"so%th"})", "up"),
                          device("d4", "southX1", R"({"site":"south"})")}) {
      if (auto r = devices.insert(d); !r)
        return r;
    }
    return ok();
  });
  ASSERT_TRUE(s) << s.error().message;
  auto names = [&](SnmpDeviceFilter f) {
    auto page = db_->read([&](Connection& c) { return SnmpDeviceStore(c).list("acme", f); });
    EXPECT_TRUE(page) << page.error().message;
    std::vector<std::string> out;
    for (const auto& d : page->items)
      out.push_back(d.name);
    return out;
  };
  EXPECT_EQ(names(filter("NORTH", "", {})), (std::vector<std::string>{"North-1", "north-2"}));
  EXPECT_EQ(names(filter("h_1", "", {})), std::vector<std::string>{"south_1"});  // _ literal
  EXPECT_EQ(names(filter("", "up", {})), (std::vector<std::string>{"North-1", "south_1"}));
  EXPECT_EQ(names(filter("", "", {R"("site":"north")", R"("rack":"4")"})),
            std::vector<std::string>{"north-2"});
  EXPECT_EQ(names(filter("", "", {R"("site":"so%th")"})), std::vector<std::string>{"south_1"});
  auto first = db_->read([](Connection& c) {
    return SnmpDeviceStore(c).list("acme", filter("", "", {}, std::nullopt, 3));
  });
  ASSERT_TRUE(first && first->next_cursor);
  // Byte order: 'X' < '_', so southX1 is on the first page.
  EXPECT_EQ(names(filter("", "", {}, *first->next_cursor, 3)), std::vector<std::string>{"south_1"});
}

TEST_P(SnmpStoreTest, EventsNewestFirstWithCursorAndPrune) {
  auto s = db_->write([](Connection& c) -> Status {
    if (auto r = TenantRepository(c).insert({"acme", "Acme", 1}); !r)
      return r;
    SnmpEventStore events(c);
    for (int i = 0; i < 5; ++i) {
      SnmpEvent e{
          "e" + std::to_string(i), "acme", std::string("d1"), "snmp.trap", 1000 + i / 2, "{}"};
      if (auto r = events.insert(e); !r)
        return r;
    }
    return ok();
  });
  ASSERT_TRUE(s) << s.error().message;
  std::vector<std::string> seen;
  SnmpEventFilter f;
  f.device_id = "d1";
  f.limit = 2;
  for (int pages = 0; pages < 5; ++pages) {
    auto page = db_->read([&](Connection& c) { return SnmpEventStore(c).list("acme", f); });
    ASSERT_TRUE(page) << page.error().message;
    for (const auto& e : page->items)
      seen.push_back(e.id);
    if (!page->next_cursor)
      break;
    const auto colon = page->next_cursor->find(':');
    f.before = std::pair{std::stoll(page->next_cursor->substr(0, colon)),
                         page->next_cursor->substr(colon + 1)};
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"e4", "e3", "e2", "e1", "e0"}));
  auto pruned = db_->write([](Connection& c) { return SnmpEventStore(c).prune_before(1002); });
  ASSERT_TRUE(pruned);
  EXPECT_EQ(*pruned, 4);
}

EPCFLEET_INSTANTIATE_STORE_TESTS(SnmpStoreTest);

}  // namespace
}  // namespace epcfleet::store
