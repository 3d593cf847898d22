#include "epcfleet/mib/translator.hpp"

#include <gtest/gtest.h>

#include "mib_fixture.hpp"

namespace epcfleet::mib {
namespace {

using snmp::Oid;

class TranslatorTest : public ::testing::Test {
protected:
  void SetUp() override {
    translator_ = test::base();
    ASSERT_NE(translator_, nullptr);
  }
  std::string name(std::string_view numeric) const {
    return translator_->name(*Oid::parse(numeric));
  }
  std::shared_ptr<const Translator> translator_;
};

TEST_F(TranslatorTest, NamesStandardObjectsWithTheirInstance) {
  EXPECT_EQ(name("1.3.6.1.2.1.1.1.0"), "SNMPv2-MIB::sysDescr.0");
  EXPECT_EQ(name("1.3.6.1.2.1.1.3.0"), "SNMPv2-MIB::sysUpTime.0");
  EXPECT_EQ(name("1.3.6.1.2.1.2.2.1.10.3"), "IF-MIB::ifInOctets.3");
  EXPECT_EQ(name("1.3.6.1.2.1.31.1.1.1.6.3"), "IF-MIB::ifHCInOctets.3");
  EXPECT_EQ(name("1.3.6.1.2.1.25.3.3.1.2.196608"), "HOST-RESOURCES-MIB::hrProcessorLoad.196608");
  EXPECT_EQ(name("1.3.6.1.6.3.1.1.5.3"), "IF-MIB::linkDown");
  EXPECT_EQ(name("1.3.6.1.6.3.1.1.4.1.0"), "SNMPv2-MIB::snmpTrapOID.0");
  EXPECT_EQ(name("1.3.6.1.6.3.10.2.1.3.0"), "SNMP-FRAMEWORK-MIB::snmpEngineTime.0");
}

TEST_F(TranslatorTest, NamesNetSnmpsOwnModules) {
  // Debian's libsnmp-base ships these; they parse because mibs/ has what they import.
  EXPECT_EQ(name("1.3.6.1.4.1.2021.10.1.3.1"), "UCD-SNMP-MIB::laLoad.1");
  EXPECT_EQ(name("1.3.6.1.4.1.8072.3.2.10"), "NET-SNMP-TC::linux");
}

TEST_F(TranslatorTest, NamesEpcFleetObjects) {
  EXPECT_EQ(name("1.3.6.1.4.1.32473.1.1.1.0"), "EPC-FLEET-MIB::epcAttachedUEs.0");
  EXPECT_EQ(name("1.3.6.1.4.1.32473.1.1.7.0"), "EPC-FLEET-MIB::epcUserPlaneInOctets.0");
  EXPECT_EQ(name("1.3.6.1.4.1.32473.1.1.10.0"), "EPC-FLEET-MIB::epcMemoryUsed.0");
  EXPECT_EQ(name("1.3.6.1.4.1.32473.1.3.1.1.4.2"), "EPC-FLEET-MIB::epcNfState.2");
  EXPECT_EQ(name("1.3.6.1.4.1.32473.3.0.1"), "EPC-FLEET-MIB::epcNfDown");
  EXPECT_EQ(name("1.3.6.1.4.1.32473.2.1"), "EPC-FLEET-MIB::epcFleetEpc");
  EXPECT_EQ(name("1.3.6.1.4.1.32473"), "EPC-FLEET-MIB::epcFleetMIB");
}

TEST_F(TranslatorTest, DescribesObjects) {
  const ObjectInfo* column = translator_->find(*Oid::parse("1.3.6.1.2.1.2.2.1.8"));
  ASSERT_NE(column, nullptr);
  EXPECT_EQ(column->label, "ifOperStatus");
  EXPECT_EQ(column->kind, ObjectKind::kColumn);
  EXPECT_EQ(column->syntax, "INTEGER");
  EXPECT_EQ(column->access, "read-only");
  ASSERT_FALSE(column->enums.empty());
  EXPECT_EQ(column->enums.front(), (std::pair<std::int64_t, std::string>{1, "up"}));

  const ObjectInfo* row = translator_->find(*Oid::parse("1.3.6.1.2.1.31.1.1.1"));
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->kind, ObjectKind::kRow);
  EXPECT_EQ(row->indexes, std::vector<std::string>{"ifEntry"});  // AUGMENTS { ifEntry }

  const ObjectInfo* octets = translator_->find(*Oid::parse("1.3.6.1.4.1.32473.1.1.8"));
  ASSERT_NE(octets, nullptr);
  EXPECT_EQ(octets->kind, ObjectKind::kScalar);
  EXPECT_EQ(octets->syntax, "Counter64");
  EXPECT_EQ(octets->units, "octets");

  const ObjectInfo* descr = translator_->find(*Oid::parse("1.3.6.1.2.1.1.1"));
  ASSERT_NE(descr, nullptr);
  EXPECT_EQ(descr->textual_convention, "DisplayString");
  EXPECT_EQ(descr->syntax, "OCTET STRING");

  const ObjectInfo* table = translator_->find(*Oid::parse("1.3.6.1.4.1.32473.1.3.1"));
  ASSERT_NE(table, nullptr);
  EXPECT_EQ(table->kind, ObjectKind::kTable);
  const ObjectInfo* notification = translator_->find(*Oid::parse("1.3.6.1.4.1.32473.3.0.2"));
  ASSERT_NE(notification, nullptr);
  EXPECT_EQ(notification->kind, ObjectKind::kNotification);
}

TEST_F(TranslatorTest, UnknownOidsStayNumeric) {
  EXPECT_EQ(name("1.9.8.7"), "1.9.8.7");
  EXPECT_EQ(name("2.999.1"), "2.999.1");
  EXPECT_EQ(name("0.1.2"), "0.1.2");
  // Under a known node the name goes as deep as the MIBs do.
  EXPECT_EQ(name("1.3.6.1.4.1.99999.1.2"), "SNMPv2-SMI::enterprises.99999.1.2");
  EXPECT_EQ(translator_->lookup(*Oid::parse("1.9.8.7")), nullptr);
}

TEST_F(TranslatorTest, ResolvesQualifiedBareAndNumericNames) {
  const Oid in_octets = *Oid::parse("1.3.6.1.2.1.2.2.1.10.3");
  EXPECT_EQ(translator_->resolve("IF-MIB::ifInOctets.3"), in_octets);
  EXPECT_EQ(translator_->resolve("ifInOctets.3"), in_octets);
  EXPECT_EQ(translator_->resolve("1.3.6.1.2.1.2.2.1.10.3"), in_octets);
  EXPECT_EQ(translator_->resolve(".1.3.6.1.2.1.2.2.1.10.3"), in_octets);
  EXPECT_EQ(translator_->resolve("sysUpTime"), Oid::parse("1.3.6.1.2.1.1.3"));
  EXPECT_EQ(translator_->resolve("EPC-FLEET-MIB::epcSessions.0"),
            Oid::parse("1.3.6.1.4.1.32473.1.1.2.0"));
}

TEST_F(TranslatorTest, RefusesUnknownOrMalformedNames) {
  EXPECT_EQ(translator_->resolve(""), std::nullopt);
  EXPECT_EQ(translator_->resolve("noSuchObject.1"), std::nullopt);
  EXPECT_EQ(translator_->resolve("NO-SUCH-MIB::ifInOctets"), std::nullopt);
  EXPECT_EQ(translator_->resolve("SNMPv2-MIB::ifInOctets"), std::nullopt);  // wrong module
  EXPECT_EQ(translator_->resolve("ifInOctets.x"), std::nullopt);
  EXPECT_EQ(translator_->resolve("ifInOctets."), std::nullopt);
  EXPECT_EQ(translator_->resolve("1.3..6"), std::nullopt);
  EXPECT_EQ(translator_->resolve("ifInOctets.\"eth0\""), std::nullopt);
}

TEST_F(TranslatorTest, NamesAndResolvesRoundTrip) {
  for (const char* numeric :
       {"1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.2.2.1.2.17", "1.3.6.1.2.1.31.1.1.1.10.48",
        "1.3.6.1.2.1.25.2.3.1.6.1", "1.3.6.1.4.1.32473.1.3.1.1.3.7", "1.3.6.1.4.1.32473.1.2.1.0",
        "1.3.6.1.4.1.99999.5", "1.3.6.1.6.3.1.1.5.1", "1.9.8.7"}) {
    const Oid oid = *Oid::parse(numeric);
    const std::string text = translator_->name(oid);
    EXPECT_EQ(translator_->resolve(text), oid) << numeric << " named " << text;
  }
}

TEST_F(TranslatorTest, KeepsTheParsersComplaintsAndItsModules) {
  const auto modules = translator_->modules();
  for (const char* module : {"SNMPv2-SMI", "SNMPv2-MIB", "IF-MIB", "HOST-RESOURCES-MIB",
                             "EPC-FLEET-MIB", "NET-SNMP-MIB", "UCD-SNMP-MIB"})
    EXPECT_TRUE(std::find(modules.begin(), modules.end(), module) != modules.end()) << module;
  // Every module epcfleet loads by default parses cleanly.
  for (const auto& message : translator_->messages())
    ADD_FAILURE() << message;
}

TEST(TranslatorLoad, RefusesAMissingDirectory) {
  TranslatorOptions options = test::base_options();
  options.sources.dirs.push_back("/nonexistent/mibs");
  const auto loaded = Translator::load(options);
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(loaded.error().message.find("/nonexistent/mibs"), std::string::npos);
}

TEST(TranslatorLoad, LoadsSingleFilesAfterDirectories) {
  TranslatorOptions options;
  options.state_dir = test::state_dir();
  options.sources.files = {test::mib_file("SNMPv2-SMI.txt"), test::mib_file("SNMPv2-TC.txt"),
                           test::mib_file("SNMPv2-CONF.txt"), test::mib_file("EPC-FLEET-MIB.txt")};
  const auto loaded = Translator::load(options);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ((*loaded)->name(*Oid::parse("1.3.6.1.4.1.32473.1.1.4.0")),
            "EPC-FLEET-MIB::epcConnectedENodeBs.0");
  // Nothing else was loaded: IF-MIB is not among the files.
  EXPECT_EQ((*loaded)->resolve("ifInOctets"), std::nullopt);
}

}  // namespace
}  // namespace epcfleet::mib
