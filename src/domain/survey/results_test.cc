// The survey's small-numbers rule (results.h), case by case.
#include "domain/survey/results.h"

#include <gtest/gtest.h>

namespace waymark::survey {
namespace {

Table Partition(std::vector<std::pair<std::string, std::int64_t>> counts, bool partition = true) {
  Table t;
  t.name = "t";
  t.partition = partition;
  for (auto& [k, n] : counts) t.cells.push_back({k, n, false});
  return t;
}

std::string Shown(const Table& t) {
  std::string out;
  for (const auto& c : t.cells) out += c.key + "=" + (c.suppressed ? "<" : std::to_string(c.count)) + " ";
  return out;
}

Answer MakeAnswer(const std::string& origin, const std::string& env_reason, int year = 2020) {
  Answer a;
  a.org_id = 1;
  a.lang = "en";
  a.origin = origin;
  a.destination = "ESP";
  a.year_left = year;
  a.age_band = "18-29";
  a.gender = "woman";
  a.env_reason = env_reason;
  a.reasons = {"work"};
  if (env_reason == "main" || env_reason == "one_of") {
    a.reasons.push_back("environment");
    a.env_factors = {"drought"};
    a.env_how = "slow";
  }
  return a;
}

Results AggregateAll(const std::vector<Answer>& answers, int k) {
  return Aggregate(
      answers, k, [](Id) { return std::string("jed"); },
      [](const std::string&) { return std::string("202"); });
}

const Table& Named(const Results& r, const std::string& name) {
  for (const auto& t : r.tables) {
    if (t.name == name) return t;
  }
  throw std::runtime_error("no table " + name);
}

TEST(SuppressTest, CountsBelowTheMinimumAreHiddenZerosAndLargeCountsShown) {
  Table t = Partition({{"a", 0}, {"b", 3}, {"c", 5}, {"d", 9}, {"e", 2}});
  Suppress(t, 5);
  EXPECT_EQ(Shown(t), "a=0 b=< c=5 d=9 e=< ");
}

TEST(SuppressTest, ALoneSuppressedCellInAPartitionTakesTheSmallestOtherWithIt) {
  // Total 17 is published: 3 would be 17 - 5 - 9 without the second cell.
  Table t = Partition({{"a", 0}, {"b", 3}, {"c", 5}, {"d", 9}});
  Suppress(t, 5);
  EXPECT_EQ(Shown(t), "a=0 b=< c=< d=9 ");
}

TEST(SuppressTest, TwoCellsInAPartitionHideEachOther) {
  Table t = Partition({{"a", 12}, {"b", 1}});
  Suppress(t, 5);
  EXPECT_EQ(Shown(t), "a=< b=< ");
}

TEST(SuppressTest, MultiValuedTablesAreSuppressedCellByCellOnly) {
  Table t = Partition({{"a", 3}, {"b", 5}, {"c", 9}}, /*partition=*/false);
  Suppress(t, 5);
  EXPECT_EQ(Shown(t), "a=< b=5 c=9 ");
}

TEST(SuppressTest, MinimumOfOneHidesNothing) {
  Table t = Partition({{"a", 1}, {"b", 2}});
  Suppress(t, 1);
  EXPECT_EQ(Shown(t), "a=1 b=2 ");
}

TEST(SuppressTest, ASuppressedCellNeverCarriesItsTrueCount) {
  Table t = Partition({{"a", 4}, {"b", 4}, {"c", 40}});
  Suppress(t, 5);
  for (const auto& c : t.cells) {
    if (c.suppressed) {
      EXPECT_EQ(c.count, 0);
    }
  }
}

TEST(AggregateTest, FewerAnswersThanTheMinimumPublishNothingButThat) {
  std::vector<Answer> four(4, MakeAnswer("NER", "main"));
  Results r = AggregateAll(four, 5);
  EXPECT_TRUE(r.total_suppressed);
  EXPECT_EQ(r.total, 0);
  EXPECT_TRUE(r.tables.empty());
}

TEST(AggregateTest, NoAnswersIsAnHonestZero) {
  Results r = AggregateAll({}, 5);
  EXPECT_FALSE(r.total_suppressed);
  EXPECT_EQ(r.total, 0);
}

TEST(AggregateTest, CountsEveryTableAndSuppressesSmallCells) {
  std::vector<Answer> answers(7, MakeAnswer("NER", "main"));
  for (int i = 0; i < 6; ++i) answers.push_back(MakeAnswer("MLI", "no"));
  answers.push_back(MakeAnswer("SEN", "one_of"));  // one from Senegal: never shown alone
  Results r = AggregateAll(answers, 5);
  ASSERT_FALSE(r.total_suppressed);
  EXPECT_EQ(r.total, 14);
  EXPECT_EQ(r.tables.size(), std::size(kTableNames));
  // SEN=1 is suppressed, and so is the smallest other (MLI=6), so that
  // 14 - 7 does not give SEN back.
  EXPECT_EQ(Shown(Named(r, "origin")), "MLI=< NER=7 SEN=< ");
  EXPECT_EQ(Shown(Named(r, "env_reason")), "main=7 one_of=< no=< dont_know=0 ");
  // Multi-valued: the environment counted for 8 answers, work for all 14.
  const Table& reasons = Named(r, "reason");
  EXPECT_EQ(Shown(reasons), "work=14 family=0 conflict=0 education=0 environment=8 other=0 ");
  EXPECT_EQ(Shown(Named(r, "env_factor")),
            "drought=8 floods=0 storms=0 sea_level=0 land=0 heat=0 crops=0 other=0 ");
  EXPECT_EQ(Shown(Named(r, "env_how")), "sudden=0 slow=8 both=0 dont_know=0 not_asked=6 ");
}

}  // namespace
}  // namespace waymark::survey
