// EPC-FLEET-MIB is lint-clean with libsmi's smilint (scripts/install-deps installs smitools).
#include <gtest/gtest.h>

#include "epcfleet/testing/temp_dir.hpp"
#include "mib_fixture.hpp"

namespace epcfleet::mib {
namespace {

testing::CommandResult smilint(const std::string& file, int level) {
  // SMIPATH holds epcfleet's mibs/ only, so that smilint reads our SNMPv2-SMI/TC/CONF.
  return testing::run_command({"smilint", "-l", std::to_string(level), file},
                              {{"SMIPATH", EPCFLEET_TEST_MIB_DIR}});
}

TEST(EpcFleetMib, IsLintCleanAtLevelThree) {
  const auto result = smilint(test::mib_file("EPC-FLEET-MIB.txt"), 3);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  // smilint exits 0 even when it complains: the output is the verdict.
  EXPECT_EQ(result.output, "");
}

TEST(EpcFleetMib, SmilintCatchesWhatItShould) {
  // The lint test above could not fail if smilint found nothing or read no imports.
  std::string text = testing::read_file(test::mib_file("EPC-FLEET-MIB.txt"));
  const std::string from = "epcNfUptime     TimeTicks";
  text.replace(text.find(from), from.size(), "epcNfUptime     Counter32");
  const testing::TempDir dir;
  testing::write_file(dir.file("EPC-FLEET-MIB.txt"), text);
  const auto result = smilint(dir.file("EPC-FLEET-MIB.txt"), 3);
  EXPECT_NE(result.output.find("do not match"), std::string::npos) << result.output;
}

TEST(EpcFleetMib, ServesTheSimulatorsScalarsWithTheirTypes) {
  // fastsim (shared/acceptance/snmp-fleet) serves 1.3.6.1.4.1.32473.1.1.{1..10}.0 with these
  // types; the MIB must describe them the same way.
  const auto translator = test::base();
  ASSERT_NE(translator, nullptr);
  const char* types[] = {"Gauge32",   "Gauge32",   "Gauge32",   "Gauge32", "Counter32",
                         "Counter32", "Counter64", "Counter64", "Gauge32", "Gauge32"};
  for (int i = 1; i <= 10; ++i) {
    const auto oid = snmp::Oid::parse("1.3.6.1.4.1.32473.1.1." + std::to_string(i));
    const ObjectInfo* object = translator->find(*oid);
    ASSERT_NE(object, nullptr) << i;
    EXPECT_EQ(object->module, "EPC-FLEET-MIB");
    EXPECT_EQ(object->kind, ObjectKind::kScalar) << object->label;
    EXPECT_EQ(object->syntax, types[i - 1]) << object->label;
  }
}

}  // namespace
}  // namespace epcfleet::mib
