#include "epcfleet/collector/device_input.hpp"

#include <gtest/gtest.h>

#include "epcfleet/collector/profile.hpp"

namespace epcfleet::collector {
namespace {

std::string error_of(std::string_view json) {
  auto in = parse_device_input(json);
  if (!in)
    return in.error().message;
  auto s = validate(*in);
  return s ? "" : s.error().message;
}

TEST(DeviceInput, AcceptsAFullV3Device) {
  EXPECT_EQ(error_of(R"({"name":"epc-1","address":"10.0.0.5","port":161,
    "snmp":{"version":"3","user":"mon","auth_protocol":"SHA-256","auth_password":"12345678",
    "priv_protocol":"AES-256","priv_password":"abcdefgh","context":""},
    "profile":"epc-default","interval_s":60,"timeout_ms":1500,"retries":2,
    "tags":{"site":"north"},"custom_oids":[{"oid":"1.3.6.1.4.1.1.0","name":"x","type":"counter"}]})"),
            "");
  EXPECT_EQ(error_of(R"({"address":"::1","snmp":{"version":"2c","community":"c"}})"), "");
}

TEST(DeviceInput, RefusesWithMessagesNamingTheField) {
  EXPECT_NE(error_of(R"({"address":"host.example"})").find("not an IPv4 or IPv6"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"port":0})").find("port must be"), std::string::npos);
  EXPECT_NE(
      error_of(
          R"({"snmp":{"version":"3","user":"u","auth_protocol":"SHA","auth_password":"1234567"}})")
          .find("at least 8"),
      std::string::npos);
  EXPECT_NE(
      error_of(
          R"({"snmp":{"version":"3","user":"u","priv_protocol":"AES","priv_password":"12345678"}})")
          .find("needs an auth_protocol"),
      std::string::npos);
  EXPECT_NE(error_of(R"({"snmp":{"version":"2c","community":"c","user":"u"}})").find("version 3"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"snmp":{"version":"3","community":"c","user":"u"}})").find("uses a user"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"tags":{"1bad":"x"}})").find("tag"), std::string::npos);
  EXPECT_NE(error_of(R"({"nmae":"x"})").find("nmae is not a device field"), std::string::npos);
  EXPECT_NE(error_of("[1]").find("JSON object"), std::string::npos);
  EXPECT_NE(error_of(R"({"port":"161"})").find("port must be an integer"), std::string::npos);
}

TEST(DeviceInput, TagsRoundTripCanonicallyAndFilterFragmentsMatch) {
  const std::map<std::string, std::string> tags = {{"site", "north"}, {"rack", "4 \"b\""}};
  const auto text = tags_to_json(tags);
  EXPECT_EQ(tags_from_json(text), tags);
  EXPECT_NE(text.find(tag_fragment("site", "north")), std::string::npos);
  EXPECT_NE(text.find(tag_fragment("rack", "4 \"b\"")), std::string::npos);
  EXPECT_EQ(text.find(tag_fragment("site", "nor")), std::string::npos);
}

TEST(DeviceCsv, ReadsQuotedFieldsTagsAndReportsEveryBadLine) {
  const auto ok = parse_device_csv(
      "\xEF\xBB\xBFname,address,version,community,tags\r\n"
      "\"a, \"\"quoted\"\"\",10.0.0.1,2c,pub,site=n;rack=2\r\n"
      "b,10.0.0.2,v1,pub,\r\n");
  ASSERT_TRUE(ok.errors.empty()) << ok.errors.front().error;
  ASSERT_EQ(ok.devices.size(), 2U);
  EXPECT_EQ(*ok.devices[0].name, "a, \"quoted\"");
  EXPECT_EQ(ok.devices[0].tags->at("rack"), "2");
  EXPECT_EQ(ok.devices[1].snmp->version, "1");

  const auto bad = parse_device_csv("name,address,version,community,colour\n");
  ASSERT_EQ(bad.errors.size(), 1U);
  EXPECT_NE(bad.errors[0].error.find("unknown column \"colour\""), std::string::npos);

  const auto lines = parse_device_csv(
      "name,address,version,community,port\n"
      "a,10.0.0.1,2c,pub,161\n"
      "b,10.0.0.2,2c,,161\n"
      "c,10.0.0.3,2c,pub,x\n"
      "d,10.0.0.4,2c,pub\n");
  ASSERT_EQ(lines.errors.size(), 3U);
  EXPECT_EQ(lines.errors[0].line, 3U);
  EXPECT_NE(lines.errors[0].error.find("community is required"), std::string::npos);
  EXPECT_EQ(lines.errors[1].line, 4U);
  EXPECT_NE(lines.errors[1].error.find("not a whole number"), std::string::npos);
  EXPECT_EQ(lines.errors[2].line, 5U);
}

TEST(Profiles, BuiltinsResolveAndCustomDefinitionsAreChecked) {
  const Profile* epc = find_builtin("epc-default");
  ASSERT_NE(epc, nullptr);
  auto resolved = resolve(*epc, [](std::string_view n) { return find_builtin(n); });
  ASSERT_TRUE(resolved);
  EXPECT_GE((*resolved)->tables.size(), 3U);
  EXPECT_GE((*resolved)->scalars.size(), 14U);

  auto p = parse_profile("mine", R"({"includes":["system"],"tables":[{"name":"t",
    "index_label":"idx","labels":{"descr":"1.3.6.1.2.1.2.2.1.2"},
    "columns":[{"oid":"1.3.6.1.2.1.2.2.1.10","metric":"in_rate","type":"counter","scale":8}]}]})");
  ASSERT_TRUE(p) << p.error().message;
  auto again = parse_profile("mine", profile_json(*p));
  ASSERT_TRUE(again);
  EXPECT_EQ(profile_json(*again), profile_json(*p));

  EXPECT_FALSE(parse_profile("x", R"({"scalars":[{"oid":"1.3","metric":"9bad"}]})"));
  EXPECT_FALSE(parse_profile("x", R"({"scalars":[{"oid":"1.3.6","metric":"m","type":"float"}]})"));
  EXPECT_FALSE(parse_profile("x", "{}"));
  EXPECT_FALSE(parse_profile("bad name", R"({"includes":["system"]})"));

  Profile loop;
  loop.name = "a";
  loop.includes = {"a"};
  EXPECT_FALSE(resolve(loop, [&](std::string_view) { return &loop; }));
}

}  // namespace
}  // namespace epcfleet::collector
