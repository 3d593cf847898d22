#include <thread>

#include <gtest/gtest.h>

#include "epcfleet/store/migrations.hpp"
#include "epcfleet/store/tenant_repository.hpp"
#include "epcfleet/store/token_repository.hpp"
#include "epcfleet/store/user_repository.hpp"
#include "store_fixture.hpp"

namespace epcfleet::store {
namespace {

using testing::StoreTest;

TEST_P(StoreTest, MigrationsApplyOnceAndRecordTheirVersion) {
  EXPECT_EQ(db_->schema_version(), migrations().back().version);
  EXPECT_TRUE(db_->migrate()) << "a second run must be a no-op";
  EXPECT_EQ(db_->schema_version(), migrations().back().version);
}

TEST_P(StoreTest, DuplicateKeysAreConflictsNotCrashes) {
  auto first = db_->write([](Connection& c) {
    return TenantRepository(c).insert({"acme", "Acme", 1});
  });
  ASSERT_TRUE(first) << first.error().message;
  auto second = db_->write([](Connection& c) {
    return TenantRepository(c).insert({"acme", "Other", 2});
  });
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::kConflict);
  auto t = db_->read([](Connection& c) { return TenantRepository(c).find("acme"); });
  ASSERT_TRUE(t && *t);
  EXPECT_EQ((*t)->name, "Acme") << "the failed insert changed nothing";
}

TEST_P(StoreTest, FailedTransactionRollsBackEverything) {
  auto r = db_->write([](Connection& c) -> Status {
    if (auto s = TenantRepository(c).insert({"t1", "One", 1}); !s)
      return s;
    return fail(ErrorCode::kInvalidArgument, "changed my mind");
  });
  ASSERT_FALSE(r);
  auto t = db_->read([](Connection& c) { return TenantRepository(c).find("t1"); });
  ASSERT_TRUE(t);
  EXPECT_FALSE(t->has_value());
}

TEST_P(StoreTest, ExceptionInsideTransactionRollsBack) {
  EXPECT_THROW(db_->write([](Connection& c) -> Status {
    (void)TenantRepository(c).insert({"t2", "Two", 1});
    throw std::runtime_error("bug");
  }),
               std::runtime_error);
  auto t = db_->read([](Connection& c) { return TenantRepository(c).find("t2"); });
  ASSERT_TRUE(t);
  EXPECT_FALSE(t->has_value());
}

TEST_P(StoreTest, ListsPageByKeyWithoutGapsOrRepeats) {
  ASSERT_TRUE(db_->write([](Connection& c) -> Status {
    for (int i = 0; i < 25; ++i) {
      char id[8];
      std::snprintf(id, sizeof id, "t%02d", i);
      if (auto s = TenantRepository(c).insert({id, "n", 1}); !s)
        return s;
    }
    return ok();
  }));
  std::vector<std::string> seen;
  std::string after;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = db_->read([&](Connection& c) { return TenantRepository(c).list(after, 10); });
    ASSERT_TRUE(page);
    for (const auto& t : page->items)
      seen.push_back(t.id);
    if (!page->next_cursor)
      break;
    after = *page->next_cursor;
  }
  ASSERT_EQ(seen.size(), 25u);
  EXPECT_EQ(seen.front(), "t00");
  EXPECT_EQ(seen.back(), "t24");
}

TEST_P(StoreTest, QuestionMarksInsideLiteralsAreNotPlaceholders) {
  auto r = db_->read([](Connection& c) { return c.query_one("SELECT 'what?', ?", {"value"}); });
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ((*r)->text(0), "what?");
  EXPECT_EQ((*r)->text(1), "value");
}

TEST_P(StoreTest, DeletingATenantCascadesToMembershipsAndTokens) {
  ASSERT_TRUE(db_->write([](Connection& c) -> Status {
    if (auto s = TenantRepository(c).insert({"gone", "Gone", 1}); !s)
      return s;
    UserRepository users(c);
    if (auto s = users.insert({"u1", "bob", "hash", false, 1, std::nullopt}); !s)
      return s;
    if (auto s = users.add_membership("gone", "u1", Role::kOperator, 1); !s)
      return s;
    ApiToken t{"k1", "gone", "ci", Role::kViewer, "h1", "bob", 1, 99, std::nullopt, std::nullopt};
    return TokenRepository(c).insert(t);
  }));
  ASSERT_TRUE(db_->write([](Connection& c) -> Status {
    auto r = TenantRepository(c).remove("gone", 2);
    if (!r)
      return fail(r.error());
    auto orphans = UserRepository(c).remove_orphans();
    if (!orphans)
      return fail(orphans.error());
    return ok();
  }));
  auto state = db_->read([](Connection& c) -> Result<std::pair<bool, bool>> {
    auto token = TokenRepository(c).find_by_hash("h1");
    auto user = UserRepository(c).find_by_username("bob");
    if (!token || !user)
      return fail(ErrorCode::kInternal, "query failed");
    return std::pair<bool, bool>{token->has_value(), user->has_value()};
  });
  ASSERT_TRUE(state);
  EXPECT_FALSE(state->first) << "token survived its tenant";
  auto tomb = db_->read([](Connection& c) { return TenantRepository(c).was_deleted("gone"); });
  ASSERT_TRUE(tomb);
  EXPECT_TRUE(*tomb);
  EXPECT_FALSE(state->second) << "user without any tenant survived";
}

TEST_P(StoreTest, ConcurrentWritersAllCommit) {
  constexpr int kThreads = 4;
  constexpr int kEach = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const std::string id = "c" + std::to_string(t) + "-" + std::to_string(i);
        auto r = db_->write([&](Connection& c) {
          return TenantRepository(c).insert({id, "n", 1});
        });
        if (!r)
          ++failures;
      }
    });
  }
  for (auto& th : threads)
    th.join();
  EXPECT_EQ(failures.load(), 0);
  auto n = db_->read([](Connection& c) -> Result<std::int64_t> {
    auto r = c.query_one("SELECT COUNT(*) FROM tenants");
    if (!r)
      return fail(r.error());
    return (*r)->integer(0);
  });
  EXPECT_EQ(*n, kThreads * kEach);
}

EPCFLEET_INSTANTIATE_STORE_TESTS(StoreTest);

TEST(StoreUrl, ParsesTheSupportedFormsAndMasksPasswords) {
  EXPECT_EQ(parse_store_url("sqlite", "/d")->sqlite_path, "/d/epcfleet.db");
  EXPECT_EQ(parse_store_url("sqlite:/x/y.db", "/d")->sqlite_path, "/x/y.db");
  auto pg = parse_store_url("postgresql://ef:hunter2@127.0.0.1:5432/ef", "/d");
  ASSERT_TRUE(pg);
  EXPECT_EQ(pg->dialect, Dialect::kPostgres);
  EXPECT_EQ(pg->display().find("hunter2"), std::string::npos);
  EXPECT_NE(pg->display().find("****"), std::string::npos);
  EXPECT_FALSE(parse_store_url("mysql://x", "/d"));
}

TEST(StoreOpen, UnreachablePostgresFailsClearlyAtStart) {
  auto loc = parse_store_url("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2", "/tmp");
  auto db = Database::open(*loc);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(db.error().message.find("PostgreSQL"), std::string::npos);
}

}  // namespace
}  // namespace epcfleet::store
