#pragma once
// Runs a test suite against both stores: SQLite in a temp dir and a database on the test
// PostgreSQL server (started once per test binary).

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "epcfleet/store/database.hpp"
#include "epcfleet/testing/temp_dir.hpp"

namespace epcfleet::testing {

class StoreTest : public ::testing::TestWithParam<std::string> {
protected:
  void SetUp() override;
  std::shared_ptr<store::Database> db_;
  TempDir dir_;
};

std::string store_param_name(const ::testing::TestParamInfo<std::string>& info);

#define EPCFLEET_INSTANTIATE_STORE_TESTS(suite)                                    \
  INSTANTIATE_TEST_SUITE_P(Stores, suite, ::testing::Values("sqlite", "postgres"), \
                           ::epcfleet::testing::store_param_name)

}  // namespace epcfleet::testing
