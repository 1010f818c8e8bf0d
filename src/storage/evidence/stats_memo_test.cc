#include "storage/evidence/stats_memo.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace waymark::storage {
namespace {

evidence::StatsTable Table(const std::string& key, std::int64_t value) {
  evidence::StatsTable t;
  t.rows.push_back(evidence::StatsRow{{key}, {value}});
  return t;
}

TEST(StatsMemoTest, KeepsAndFindsByKey) {
  StatsMemo memo(1u << 20);
  EXPECT_EQ(memo.Find("a"), nullptr);
  memo.Store("a", Table("x", 1));
  auto kept = memo.Find("a");
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(kept->rows, Table("x", 1).rows);
  EXPECT_EQ(memo.Find("b"), nullptr);
  // The same key stored again keeps the first (both are the same answer).
  memo.Store("a", Table("x", 1));
  EXPECT_EQ(memo.size(), 1u);
  EXPECT_EQ(memo.bytes(), StatsMemo::Cost("a", Table("x", 1)));
}

TEST(StatsMemoTest, LeastRecentlyUsedGoFirstWithinTheBudget) {
  const std::size_t one = StatsMemo::Cost("k1", Table("x", 1));
  StatsMemo memo(3 * one);
  memo.Store("k1", Table("x", 1));
  memo.Store("k2", Table("x", 2));
  memo.Store("k3", Table("x", 3));
  EXPECT_EQ(memo.size(), 3u);
  ASSERT_NE(memo.Find("k1"), nullptr);  // k1 used: k2 is now the oldest
  memo.Store("k4", Table("x", 4));
  EXPECT_EQ(memo.size(), 3u);
  EXPECT_LE(memo.bytes(), 3 * one);
  EXPECT_EQ(memo.Find("k2"), nullptr);
  EXPECT_NE(memo.Find("k1"), nullptr);
  EXPECT_NE(memo.Find("k3"), nullptr);
  EXPECT_NE(memo.Find("k4"), nullptr);
}

TEST(StatsMemoTest, ATableLargerThanTheBudgetIsNotKept) {
  evidence::StatsTable big;
  for (int i = 0; i < 1000; ++i) big.rows.push_back(evidence::StatsRow{{std::to_string(i)}, {i}});
  StatsMemo memo(StatsMemo::Cost("big", big) - 1);
  memo.Store("small", Table("x", 1));
  memo.Store("big", big);
  EXPECT_EQ(memo.Find("big"), nullptr);
  EXPECT_NE(memo.Find("small"), nullptr) << "a table that cannot be kept must not empty the memo";
  StatsMemo off(0);
  EXPECT_FALSE(off.enabled());
  off.Store("a", Table("x", 1));
  EXPECT_EQ(off.Find("a"), nullptr);
}

TEST(StatsMemoTest, ManyThreadsStoreAndFind) {
  StatsMemo memo(20 * StatsMemo::Cost("k00", Table("x", 1)));
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&memo, t] {
      for (int i = 0; i < 2000; ++i) {
        std::string key = "k" + std::to_string((i * 7 + t) % 40);
        if (auto kept = memo.Find(key)) {
          ASSERT_EQ(kept->rows.size(), 1u);
          ASSERT_EQ(kept->rows[0].keys[0], key);  // never another key's table
        } else {
          memo.Store(key, Table(key, i));
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_LE(memo.size(), 20u);
}

}  // namespace
}  // namespace waymark::storage
