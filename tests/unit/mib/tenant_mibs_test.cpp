#include "epcfleet/mib/tenant_mibs.hpp"

#include <gtest/gtest.h>

#include "mib_fixture.hpp"

namespace epcfleet::mib {
namespace {

using snmp::Oid;

std::string acme_mib(int widgets_arc) {
  return R"(ACME-MIB DEFINITIONS ::= BEGIN
IMPORTS MODULE-IDENTITY, OBJECT-TYPE, Gauge32, enterprises FROM SNMPv2-SMI;
acmeMIB MODULE-IDENTITY
    LAST-UPDATED "202601010000Z" ORGANIZATION "Acme" CONTACT-INFO "x" DESCRIPTION "x"
    ::= { enterprises 99999 }
acmeWidgets OBJECT-TYPE
    SYNTAX Gauge32 MAX-ACCESS read-only STATUS current DESCRIPTION "x"
    ::= { acmeMIB )" +
         std::to_string(widgets_arc) + R"( }
END
)";
}

TEST(TenantMibs, AddsATenantsModulesOnTopOfTheBase) {
  TenantMibs mibs(test::base());
  const std::vector<ModuleText> uploads{{"ACME-MIB", acme_mib(1)}};
  const auto view = mibs.view("t-1", uploads);
  ASSERT_TRUE(view) << view.error().message;
  EXPECT_EQ((*view)->name(*Oid::parse("1.3.6.1.4.1.99999.1.0")), "ACME-MIB::acmeWidgets.0");
  EXPECT_EQ((*view)->resolve("ACME-MIB::acmeWidgets.0"), Oid::parse("1.3.6.1.4.1.99999.1.0"));
  // The base still answers for everything else.
  EXPECT_EQ((*view)->name(*Oid::parse("1.3.6.1.2.1.2.2.1.10.3")), "IF-MIB::ifInOctets.3");
  EXPECT_TRUE((*view)->messages().empty());

  // Another tenant, and the base itself, do not see it.
  const auto other = mibs.view("t-2", {});
  ASSERT_TRUE(other);
  EXPECT_EQ(*other, test::base());
  EXPECT_EQ((*other)->name(*Oid::parse("1.3.6.1.4.1.99999.1.0")),
            "SNMPv2-SMI::enterprises.99999.1.0");
  EXPECT_EQ(test::base()->resolve("acmeWidgets"), std::nullopt);
}

TEST(TenantMibs, KeepsAViewUntilTheModulesChange) {
  TenantMibs mibs(test::base());
  std::vector<ModuleText> uploads{{"ACME-MIB", acme_mib(1)}};
  const auto first = mibs.view("t-1", uploads);
  const auto again = mibs.view("t-1", uploads);
  ASSERT_TRUE(first && again);
  EXPECT_EQ(*first, *again);
  EXPECT_EQ(mibs.cached(), 1u);

  uploads[0].text = acme_mib(2);
  const auto changed = mibs.view("t-1", uploads);
  ASSERT_TRUE(changed);
  EXPECT_NE(*changed, *first);
  EXPECT_EQ((*changed)->resolve("acmeWidgets"), Oid::parse("1.3.6.1.4.1.99999.2"));
  // The old view still works for whoever holds it.
  EXPECT_EQ((*first)->resolve("acmeWidgets"), Oid::parse("1.3.6.1.4.1.99999.1"));

  // All uploads deleted: back to the base, nothing cached.
  const auto none = mibs.view("t-1", {});
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, test::base());
  EXPECT_EQ(mibs.cached(), 0u);
}

TEST(TenantMibs, AnUploadReplacesTheBaseModuleOfTheSameName) {
  // An operator's own EPC-FLEET-MIB revision renames an object: the tenant sees the new name.
  std::string text = testing::read_file(test::mib_file("EPC-FLEET-MIB.txt"));
  const std::string old_name = "epcConnectedENodeBs";
  for (auto at = text.find(old_name); at != std::string::npos; at = text.find(old_name, at))
    text.replace(at, old_name.size(), "epcEnbCount");
  TenantMibs mibs(test::base());
  const std::vector<ModuleText> uploads{{"EPC-FLEET-MIB", text}};
  const auto view = mibs.view("t-1", uploads);
  ASSERT_TRUE(view) << view.error().message;
  EXPECT_EQ((*view)->name(*Oid::parse("1.3.6.1.4.1.32473.1.1.4.0")),
            "EPC-FLEET-MIB::epcEnbCount.0");
  EXPECT_EQ((*view)->resolve("epcEnbCount"), Oid::parse("1.3.6.1.4.1.32473.1.1.4"));
  EXPECT_EQ(test::base()->name(*Oid::parse("1.3.6.1.4.1.32473.1.1.4.0")),
            "EPC-FLEET-MIB::epcConnectedENodeBs.0");
}

TEST(TenantMibs, RefusesAnUploadNameThatIsNoModuleName) {
  TenantMibs mibs(test::base());
  const std::vector<ModuleText> uploads{{"../evil", acme_mib(1)}};
  const auto view = mibs.view("t-1", uploads);
  ASSERT_FALSE(view);
  EXPECT_EQ(view.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(mibs.cached(), 0u);
}

}  // namespace
}  // namespace epcfleet::mib
