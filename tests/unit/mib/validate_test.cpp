#include "epcfleet/mib/validate.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include "mib_fixture.hpp"

namespace epcfleet::mib {
namespace {

// A small vendor module importing from the base.
constexpr std::string_view kAcmeMib = R"(ACME-MIB DEFINITIONS ::= BEGIN
IMPORTS
    MODULE-IDENTITY, OBJECT-TYPE, Gauge32, enterprises FROM SNMPv2-SMI
    DisplayString FROM SNMPv2-TC;

acmeMIB MODULE-IDENTITY
    LAST-UPDATED "202601010000Z"
    ORGANIZATION "Acme"
    CONTACT-INFO "noc@acme.example"
    DESCRIPTION  "Acme's widgets."
    ::= { enterprises 99999 }

acmeWidgets OBJECT-TYPE
    SYNTAX      Gauge32
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "Widgets in stock."
    ::= { acmeMIB 1 }

acmeName OBJECT-TYPE
    SYNTAX      DisplayString
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "The widget maker's name."
    ::= { acmeMIB 2 }
END
)";

std::shared_ptr<const Translator> base() {
  auto translator = test::base();
  EXPECT_NE(translator, nullptr);
  return translator;
}

TEST(ValidateModule, AcceptsEpcFleetMib) {
  const std::string text = testing::read_file(test::mib_file("EPC-FLEET-MIB.txt"));
  const auto info = validate_module(text, *base());
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->name, "EPC-FLEET-MIB");
  EXPECT_GE(info->objects, 30u);
  // net-snmp records imports of the definitions it keeps (not of SNMPv2-CONF's macros).
  EXPECT_EQ(info->imports, (std::vector<std::string>{"SNMPv2-SMI", "SNMPv2-TC"}));
}

TEST(ValidateModule, AcceptsAVendorModule) {
  const auto info = validate_module(kAcmeMib, *base());
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->name, "ACME-MIB");
  EXPECT_EQ(info->objects, 3u);
}

TEST(ValidateModule, RefusesBrokenTextWithTheParsersMessage) {
  std::string broken(kAcmeMib);
  broken.replace(broken.find("::= { acmeMIB 1 }"), 17, "::= { acmeMIB 1");
  const auto info = validate_module(broken, *base());
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().code, ErrorCode::kInvalidArgument);
  // net-snmp's own words, pointing at the uploaded file by name (not at a temporary path).
  EXPECT_NE(info.error().message.find("ACME-MIB.txt"), std::string::npos) << info.error().message;
  EXPECT_NE(info.error().message.find("At line"), std::string::npos) << info.error().message;
  EXPECT_EQ(info.error().message.find("/tmp"), std::string::npos) << info.error().message;
}

TEST(ValidateModule, RefusesAMissingImport) {
  std::string text(kAcmeMib);
  text.replace(text.find("DisplayString FROM SNMPv2-TC"), 28, "DisplayString FROM ACME-TC");
  const auto info = validate_module(text, *base());
  ASSERT_FALSE(info);
  EXPECT_NE(info.error().message.find("Cannot find module (ACME-TC)"), std::string::npos)
      << info.error().message;
}

TEST(ValidateModule, RefusesTextThatIsNoModule) {
  for (std::string_view text :
       {std::string_view(""), std::string_view("hello world"),
        std::string_view("-- only a comment\n"), std::string_view("{ } ::= BEGIN END"),
        std::string_view("../../etc/passwd DEFINITIONS ::= BEGIN END")}) {
    const auto info = validate_module(text, *base());
    ASSERT_FALSE(info) << text;
    EXPECT_EQ(info.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(ValidateModule, RefusesAModuleWithoutObjects) {
  const auto info = validate_module("EMPTY-MIB DEFINITIONS ::= BEGIN\nEND\n", *base());
  ASSERT_FALSE(info);
  EXPECT_NE(info.error().message.find("defines no objects"), std::string::npos)
      << info.error().message;
}

TEST(ValidateModule, RefusesBinaryAndOversizedUploads) {
  const std::string binary("BIN-MIB DEFINITIONS ::= BEGIN\0END", 33);
  EXPECT_EQ(validate_module(binary, *base()).error().code, ErrorCode::kInvalidArgument);
  const std::string huge(kMaxModuleBytes + 1, ' ');
  EXPECT_EQ(validate_module(huge, *base()).error().code, ErrorCode::kPayloadTooLarge);
}

TEST(ValidateModule, MayImportFromTheTenantsOtherUploads) {
  constexpr std::string_view kUser = R"(ACME-EXTRA-MIB DEFINITIONS ::= BEGIN
IMPORTS MODULE-IDENTITY, OBJECT-TYPE, Integer32 FROM SNMPv2-SMI
        acmeMIB FROM ACME-MIB;
acmeExtra MODULE-IDENTITY
    LAST-UPDATED "202601010000Z" ORGANIZATION "Acme" CONTACT-INFO "x" DESCRIPTION "x"
    ::= { acmeMIB 10 }
acmeExtraValue OBJECT-TYPE
    SYNTAX Integer32 MAX-ACCESS read-only STATUS current DESCRIPTION "x"
    ::= { acmeExtra 1 }
END
)";
  EXPECT_FALSE(validate_module(kUser, *base()));
  const std::vector<ModuleText> others{{"ACME-MIB", std::string(kAcmeMib)}};
  const auto info = validate_module(kUser, *base(), others);
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->objects, 2u);
}

// net-snmp's parser keeps global state (the tree, the module list, the last missing module it
// complained about): a broken upload must not change what the next parse says or sees.
TEST(ValidateModule, ABrokenUploadLeavesLaterParsesUnchanged) {
  const std::vector<std::string> broken{
      "BAD-MIB DEFINITIONS ::= BEGIN\nIMPORTS foo FROM NOWHERE-MIB;\nbar OBJECT-TYPE",
      "BAD-MIB DEFINITIONS ::= BEGIN\n x ::= { { { { \"\n",
      "BAD-MIB DEFINITIONS ::= BEGIN\nIMPORTS enterprises FROM SNMPv2-SMI;\n"
      "a OBJECT IDENTIFIER ::= { enterprises 1 }\na OBJECT IDENTIFIER ::= { a 1 }\nEND\n",
      "BAD-MIB DEFINITIONS ::= BEGIN\nt ::= TEXTUAL-CONVENTION STATUS current SYNTAX INTEGER {\n",
      std::string("IF-MIB DEFINITIONS ::= BEGIN\nifInOctets OBJECT IDENTIFIER ::= { 1 3 }\nEND\n")};
  const auto first_missing =
      validate_module("M DEFINITIONS ::= BEGIN\nIMPORTS x FROM NOWHERE-MIB;\nEND\n", *base());
  ASSERT_FALSE(first_missing);
  for (int round = 0; round < 2; ++round) {
    for (const auto& text : broken)
      (void)validate_module(text, *base());
    const auto again =
        validate_module("M DEFINITIONS ::= BEGIN\nIMPORTS x FROM NOWHERE-MIB;\nEND\n", *base());
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().message, first_missing.error().message);
    const auto good = validate_module(kAcmeMib, *base());
    ASSERT_TRUE(good) << good.error().message;
    EXPECT_EQ(good->objects, 3u);
  }
  // A fresh load still sees exactly the base.
  const auto reloaded = Translator::load(test::base_options());
  ASSERT_TRUE(reloaded);
  EXPECT_EQ((*reloaded)->size(), base()->size());
  EXPECT_EQ((*reloaded)->resolve("acmeWidgets"), std::nullopt);
  EXPECT_EQ((*reloaded)->name(*snmp::Oid::parse("1.3.6.1.2.1.2.2.1.10.3")), "IF-MIB::ifInOctets.3");
}

// net-snmp does not repeat "Cannot find module (X)" for the module it last said it of; each parse
// (in this process or in a child that inherits its state) must still report its own.
TEST(ValidateModule, ReportsAMissingImportEveryTime) {
  const std::string text =
      "NEEDS-MIB DEFINITIONS ::= BEGIN\nIMPORTS MODULE-IDENTITY, enterprises FROM SNMPv2-SMI\n"
      "    thing FROM FOO-MIB;\nneeds MODULE-IDENTITY LAST-UPDATED \"202601010000Z\"\n"
      "    ORGANIZATION \"x\" CONTACT-INFO \"x\" DESCRIPTION \"x\" ::= { enterprises 99998 "
      "}\nEND\n";
  const std::vector<ModuleText> uploads{{"NEEDS-MIB", text}};
  for (int round = 0; round < 2; ++round) {
    const auto view = base()->with_modules(uploads);  // in this process
    ASSERT_TRUE(view);
    const auto& messages = (*view)->messages();
    EXPECT_TRUE(std::any_of(messages.begin(), messages.end(), [](const std::string& m) {
      return m.find("Cannot find module (FOO-MIB)") != std::string::npos;
    })) << round;
    const auto info = validate_module(text, *base());  // in a child that inherits the state
    ASSERT_FALSE(info);
    EXPECT_NE(info.error().message.find("Cannot find module (FOO-MIB)"), std::string::npos)
        << info.error().message;
  }
}

}  // namespace
}  // namespace epcfleet::mib
