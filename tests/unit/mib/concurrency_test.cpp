// Lookups take no lock: many threads translate while others parse (which holds net-snmp's lock
// and must not disturb them). Run under TSan (the tsan preset) to check the claim.
#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "epcfleet/mib/tenant_mibs.hpp"
#include "epcfleet/mib/validate.hpp"
#include "mib_fixture.hpp"

namespace epcfleet::mib {
namespace {

using snmp::Oid;

TEST(MibConcurrency, LookupsFromManyThreadsWhileParsing) {
  const auto base = test::base();
  ASSERT_NE(base, nullptr);
  TenantMibs tenants(base);
  std::atomic<bool> stop{false};
  std::atomic<int> wrong{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&, t] {
      const Oid oid = *Oid::parse("1.3.6.1.2.1.2.2.1.10." + std::to_string(t + 1));
      const std::string expected = "IF-MIB::ifInOctets." + std::to_string(t + 1);
      int rounds = 0;
      while (!stop.load() || rounds < 1000) {
        if (base->name(oid) != expected || base->resolve(expected) != oid)
          wrong.fetch_add(1);
        auto view = tenants.view("t-" + std::to_string(t % 2), {});
        if (!view || (*view)->name(oid) != expected)
          wrong.fetch_add(1);
        ++rounds;
      }
    });
  }
  // Meanwhile: parses on two threads (they serialize on net-snmp's lock).
  std::thread parser_a([&] {
    for (int i = 0; i < 3; ++i)
      (void)validate_module("X-MIB DEFINITIONS ::= BEGIN\nbroken", *base);
  });
  std::thread parser_b([&] {
    const std::vector<ModuleText> uploads{
        {"EPC-FLEET-MIB", testing::read_file(test::mib_file("EPC-FLEET-MIB.txt"))}};
    for (int i = 0; i < 2; ++i) {
      tenants.forget("t-x");
      const auto view = tenants.view("t-x", uploads);
      if (!view || (*view)->resolve("epcBearers.0") != Oid::parse("1.3.6.1.4.1.32473.1.1.3.0"))
        wrong.fetch_add(1);
    }
  });
  parser_a.join();
  parser_b.join();
  stop.store(true);
  for (auto& reader : readers)
    reader.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace epcfleet::mib
