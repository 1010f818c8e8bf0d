#include "storage/copy.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "core/clock.h"
#include "crypto/crypto.h"
#include "storage/migrations.h"
#include "storage/open.h"

namespace waymark::storage {
namespace {

class CopyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::Init().ok());
    dir_ = std::filesystem::temp_directory_path() /
           ("wm-copy-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<sql::Database> Open(const std::string& name) {
    auto db = OpenDatabase("sqlite:" + (dir_ / name).string(), PoolOptions{});
    EXPECT_TRUE(db.ok()) << db.status().message();
    auto m = Migrate(**db, clock_);
    EXPECT_TRUE(m.ok()) << m.status().message();
    return std::move(db).value();
  }

  std::filesystem::path dir_;
  FakeClock clock_;
};

TEST_F(CopyTest, ListsEveryTableTheMigrationsCreate) {
  auto db = Open("a.db");
  auto lease = db->Acquire();
  ASSERT_TRUE(lease.ok());
  auto rows = (*lease)->Query(
      "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
      "AND name <> 'schema_migrations' ORDER BY name",
      {});
  ASSERT_TRUE(rows.ok());
  std::vector<std::string> tables;
  for (const auto& r : *rows) tables.push_back(r.Text(0));
  std::vector<std::string> copied = CopiedTables();
  std::sort(copied.begin(), copied.end());
  EXPECT_EQ(tables, copied) << "a migration added a table that `waymark copy` would leave behind";
}

TEST_F(CopyTest, CopiesRowsKeepsIdsAndRefusesNonEmptyTarget) {
  auto from = Open("from.db");
  {
    auto lease = from->Acquire();
    ASSERT_TRUE(lease.ok());
    for (int i = 1; i <= 7; ++i) {
      auto r = (*lease)->Execute(
          "INSERT INTO organisations(slug, name, kind, acronym, created_at, updated_at) VALUES ($1, $2, "
          "'cso', $3, 1, 2)",
          {"org" + std::to_string(i), "Jeunesse en Détresse " + std::to_string(i),
           i % 2 ? sql::Value(sql::Null{}) : sql::Value(std::string("JED"))});
      ASSERT_TRUE(r.ok()) << r.status().message();
    }
    ASSERT_TRUE((*lease)->Execute("DELETE FROM organisations WHERE slug='org3'", {}).ok());
  }
  auto to = Open("to.db");
  std::vector<std::int64_t> progress;
  auto report =
      CopyDatabase(*from, *to, false, 2, [&](const std::string& table, std::int64_t done, std::int64_t) {
        if (table == "organisations") progress.push_back(done);
      });
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(progress, (std::vector<std::int64_t>{2, 4, 6}));
  auto lease = to->Acquire();
  ASSERT_TRUE(lease.ok());
  auto rows = (*lease)->Query("SELECT id, name, acronym FROM organisations ORDER BY id", {});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 6u);
  EXPECT_EQ((*rows)[2].Int(0), 4);  // ids kept across the gap
  EXPECT_EQ((*rows)[2].Text(1), "Jeunesse en Détresse 4");
  EXPECT_TRUE((*rows)[0].IsNull(2));
  // New rows continue after the copied ids.
  auto next = (*lease)->QueryOne(
      "INSERT INTO organisations(slug, name, kind, created_at, updated_at) VALUES ('new', 'N', 'cso', 1, 1) "
      "RETURNING id",
      {});
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->Int(0), 8);

  auto again = CopyDatabase(*from, *to, false, 100, nullptr);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().kind(), Status::Kind::kInvalidArgument);
  EXPECT_NE(again.status().message().find("not empty"), std::string::npos);
  auto replaced = CopyDatabase(*from, *to, true, 100, nullptr);
  ASSERT_TRUE(replaced.ok()) << replaced.status().message();
}

}  // namespace
}  // namespace waymark::storage
