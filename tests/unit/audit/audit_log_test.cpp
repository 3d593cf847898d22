#include "epcfleet/audit/audit_log.hpp"

#include <thread>

#include <gtest/gtest.h>

#include "../store/store_fixture.hpp"

namespace epcfleet::audit {
namespace {

class AuditLogTest : public testing::StoreTest {
protected:
  void append_n(int n) {
    for (int i = 0; i < n; ++i) {
      auto r = append_alone(*db_, Actor{"alice", "127.0.0.1", "rid" + std::to_string(i)},
                            {std::string("acme"), "user.create", "u" + std::to_string(i), "success",
                             "{\"role\":\"viewer\"}"});
      ASSERT_TRUE(r) << r.error().message;
    }
  }
  void exec(const std::string& sql) {
    auto r = db_->write([&](store::Connection& c) { return c.execute(sql); });
    ASSERT_TRUE(r) << r.error().message;
  }
};

TEST_P(AuditLogTest, AnIntactChainVerifies) {
  append_n(20);
  auto report = verify(*db_);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->intact) << report->problem;
  EXPECT_EQ(report->records, 20);
}

TEST_P(AuditLogTest, AnEditedRecordIsDetected) {
  append_n(10);
  exec("UPDATE audit_log SET target = 'mallory' WHERE seq = 4");
  auto report = verify(*db_);
  ASSERT_TRUE(report);
  EXPECT_FALSE(report->intact);
  EXPECT_EQ(report->first_bad_seq, 4);
  EXPECT_NE(report->problem.find("modified"), std::string::npos) << report->problem;
}

TEST_P(AuditLogTest, ADeletedRecordIsDetected) {
  append_n(10);
  exec("DELETE FROM audit_log WHERE seq = 7");
  auto report = verify(*db_);
  ASSERT_TRUE(report);
  EXPECT_FALSE(report->intact);
  EXPECT_NE(report->problem.find("missing"), std::string::npos) << report->problem;
}

TEST_P(AuditLogTest, ARecomputedHashStillBreaksTheLinkToTheNextRecord) {
  append_n(5);
  // An attacker who edits a record and fixes up its own hash still breaks the next link.
  auto rec = db_->read([](store::Connection& c) -> Result<store::AuditRecord> {
    store::AuditFilter f;
    f.before_seq = 4;
    auto page = store::AuditRepository(c).list(f, 1);
    if (!page)
      return fail(page.error());
    return page->items.front();
  });
  ASSERT_TRUE(rec);
  auto edited = *rec;
  edited.outcome = "denied";
  const auto new_hash = compute_hash(edited);
  exec("UPDATE audit_log SET outcome = 'denied', hash = '" + new_hash + "' WHERE seq = 3");
  auto report = verify(*db_);
  ASSERT_TRUE(report);
  EXPECT_FALSE(report->intact);
  EXPECT_EQ(report->first_bad_seq, 4);
}

TEST_P(AuditLogTest, ConcurrentAppendsKeepOneUnbrokenChain) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < 15; ++i) {
        auto r = append_alone(*db_, Actor{"t" + std::to_string(t), "-", "-"},
                              {std::nullopt, "auth.login", "x", "success", "{}"});
        EXPECT_TRUE(r) << r.error().message;
      }
    });
  }
  for (auto& th : threads)
    th.join();
  auto report = verify(*db_);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->intact) << report->problem;
  EXPECT_EQ(report->records, 60);
}

TEST_P(AuditLogTest, FiltersByTenantActionPrefixAndPagesNewestFirst) {
  append_n(5);
  ASSERT_TRUE(append_alone(*db_, Actor{"bob", "-", "-"},
                           {std::string("other"), "token.create", "k", "success", "{}"}));
  auto page = db_->read([](store::Connection& c) {
    store::AuditFilter f;
    f.tenant_id = "acme";
    f.action = "user.";
    return store::AuditRepository(c).list(f, 3);
  });
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 3u);
  EXPECT_EQ(page->items[0].target, "u4");
  ASSERT_TRUE(page->next_cursor.has_value());
  for (const auto& r : page->items)
    EXPECT_EQ(r.tenant_id, "acme");
}

TEST(AuditCsv, QuotesCellsAndDefusesSpreadsheetFormulas) {
  store::AuditRecord r;
  r.seq = 1;
  r.actor = "=cmd|' /C calc'!A0";
  r.target = "say \"hi\", then go";
  const auto line = to_csv(r);
  EXPECT_NE(line.find("\"'=cmd"), std::string::npos) << line;
  EXPECT_NE(line.find("\"say \"\"hi\"\", then go\""), std::string::npos) << line;
}

EPCFLEET_INSTANTIATE_STORE_TESTS(AuditLogTest);

}  // namespace
}  // namespace epcfleet::audit
