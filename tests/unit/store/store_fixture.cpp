#include "store_fixture.hpp"

#include "epcfleet/testing/postgres_instance.hpp"

namespace epcfleet::testing {

void StoreTest::SetUp() {
  std::string url = "sqlite";
  if (GetParam() == "postgres") {
    std::string why;
    auto* pg = PostgresInstance::shared(&why);
    ASSERT_NE(pg, nullptr) << "PostgreSQL is needed for the postgres half of the store tests: "
                           << why;
    url = pg->create_database();
  }
  auto location = store::parse_store_url(url, dir_.path());
  ASSERT_TRUE(location);
  auto db = store::Database::open(*location, 4);
  ASSERT_TRUE(db) << db.error().message;
  ASSERT_TRUE((*db)->migrate());
  db_ = *db;
}

std::string store_param_name(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

}  // namespace epcfleet::testing
