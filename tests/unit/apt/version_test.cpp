#include "epcfleet/apt/version.hpp"

#include <random>
#include <sstream>

#include <gtest/gtest.h>

#include "epcfleet/testing/temp_dir.hpp"

namespace epcfleet::apt {
namespace {

int sign(int v) {
  return (v > 0) - (v < 0);
}

TEST(DebianVersion, OrdersLikeDpkgOnTheClassicCases) {
  struct Case {
    const char* a;
    const char* b;
    int expected;
  };
  for (const auto& c : std::vector<Case>{{"1.0", "1.0", 0},
                                         {"1.0", "1.1", -1},
                                         {"1.0~rc1", "1.0", -1},
                                         {"1.0", "1.0+b1", -1},
                                         {"1:0.1", "2.0", 1},
                                         {"1.0-1", "1.0-2", -1},
                                         {"1.0-1", "1.0", 1},
                                         {"1.0", "1.0-0", 0},
                                         {"1.10", "1.9", 1},
                                         {"1.0a", "1.0", 1},
                                         {"1.0~~", "1.0~", -1},
                                         {"1.0~", "1.0", -1},
                                         {"1.001", "1.1", 0},
                                         {"0:1.0", "1.0", 0},
                                         {"2.30-1ubuntu1", "2.30-1", 1},
                                         {"1.0.0", "1.0", 1},
                                         {"1.0+dfsg", "1.0.1", -1},
                                         {"7.6p2-4", "7.6-0", 1}}) {
    EXPECT_EQ(sign(compare_versions(c.a, c.b)), c.expected) << c.a << " vs " << c.b;
    EXPECT_EQ(sign(compare_versions(c.b, c.a)), -c.expected) << c.b << " vs " << c.a;
  }
}

TEST(DebianVersion, RefusesWhatDpkgRefusesOrWarnsAbout) {
  for (const char* bad : {"", "a1.0", "1.0 beta", ":1.0", "x:1.0", "1:", "1.0-", "1.0_1", "1.0-a_b",
                          "1.0/../x", "-1"}) {
    EXPECT_FALSE(parse_version(bad)) << bad;
  }
  auto v = parse_version("3:2.1-4~bpo12+1");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->epoch, 3u);
  EXPECT_EQ(v->upstream, "2.1");
  EXPECT_EQ(v->revision, "4~bpo12+1");
  EXPECT_EQ(version_for_filename(*v), "2.1-4~bpo12+1");
}

// The oracle: dpkg itself, on random versions built from the characters that matter.
TEST(DebianVersion, AgreesWithDpkgCompareVersionsOnRandomPairs) {
  std::mt19937 rng(20261127);
  const std::string alphabet = "0123456789..~~++aAzZ-";
  auto random_part = [&](bool first_digit) {
    std::string s;
    const int len = 1 + static_cast<int>(rng() % 7);
    for (int i = 0; i < len; ++i)
      s.push_back(alphabet[rng() % alphabet.size()]);
    if (first_digit)
      s[0] = static_cast<char>('0' + rng() % 10);
    return s;
  };
  auto random_version = [&] {
    std::string v;
    if (rng() % 4 == 0)
      v += std::to_string(rng() % 3) + ":";
    std::string up = random_part(true);
    for (auto& c : up) {
      if (c == '-')
        c = '.';
    }
    v += up;
    if (rng() % 2 == 0) {
      std::string rev = random_part(false);
      for (auto& c : rev) {
        if (c == '-')
          c = '+';
      }
      v += "-" + rev;
    }
    return v;
  };
  constexpr int kPairs = 1500;
  std::vector<std::pair<std::string, std::string>> pairs;
  std::ostringstream input;
  while (static_cast<int>(pairs.size()) < kPairs) {
    auto a = random_version();
    auto b = rng() % 5 == 0 ? a : random_version();
    if (!parse_version(a) || !parse_version(b))
      continue;
    pairs.emplace_back(a, b);
    input << a << ' ' << b << '\n';
  }
  testing::TempDir dir;
  testing::write_file(dir.file("pairs"), input.str());
  auto r = testing::run_command(
      {"sh", "-c",
       "while read a b; do if dpkg --compare-versions \"$a\" lt \"$b\"; then echo -1; elif "
       "dpkg --compare-versions \"$a\" eq \"$b\"; then echo 0; else echo 1; fi; done < " +
           dir.file("pairs")});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::istringstream answers(r.output);
  int disagreements = 0;
  for (const auto& [a, b] : pairs) {
    int expected = 0;
    answers >> expected;
    if (sign(compare_versions(a, b)) != expected) {
      ++disagreements;
      ADD_FAILURE() << a << " vs " << b << ": dpkg says " << expected;
      if (disagreements > 10)
        break;
    }
  }
  EXPECT_EQ(disagreements, 0);
}

}  // namespace
}  // namespace epcfleet::apt
