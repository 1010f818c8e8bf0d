#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/clock.h"
#include "crypto/crypto.h"
#include "storage/accounts/account_stores.h"
#include "storage/migrations.h"
#include "storage/open.h"

namespace waymark::storage {
namespace {

class UnitOfWorkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::Init().ok());
    dir_ = std::filesystem::temp_directory_path() /
           ("wm-unit-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto db = OpenDatabase("sqlite:" + (dir_ / "u.db").string(), PoolOptions{});
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(db).value();
    ASSERT_TRUE(Migrate(*db_, clock_).ok());
    stores_ = std::make_unique<AccountStores>(*db_);
  }
  void TearDown() override {
    stores_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  accounts::Organisation Org(const std::string& slug) {
    accounts::Organisation o;
    o.slug = slug;
    o.name = "Org " + slug;
    return o;
  }

  std::filesystem::path dir_;
  FakeClock clock_;
  std::unique_ptr<sql::Database> db_;
  std::unique_ptr<AccountStores> stores_;
};

// A change and its audit entry commit together: when the unit fails after
// the change, the change is gone too.
TEST_F(UnitOfWorkTest, FailureRollsBackEveryStoreCallInTheUnit) {
  accounts::Stores s = stores_->stores();
  Status st = s.unit->Run([&]() -> Status {
    WM_RETURN_IF_ERROR(s.organisations->Create(Org("gone")).status());
    accounts::AuditEntry e;
    e.actor_label = "test";
    e.action = "organisation.create";
    e.entity_type = "organisation";
    e.entity_id = "gone";
    WM_RETURN_IF_ERROR(s.audit->Record(e));
    return Status::Conflict("something after the writes failed");
  });
  EXPECT_EQ(st.kind(), Status::Kind::kConflict);
  EXPECT_TRUE(s.organisations->FindBySlug("gone").status().IsNotFound());
  auto audit = s.audit->List(10, "organisation", "gone");
  ASSERT_TRUE(audit.ok());
  EXPECT_TRUE(audit->empty());
}

TEST_F(UnitOfWorkTest, SuccessCommitsAndNestedUnitsJoin) {
  accounts::Stores s = stores_->stores();
  Status st = s.unit->Run([&]() -> Status {
    WM_RETURN_IF_ERROR(s.organisations->Create(Org("kept")).status());
    // Reads inside the unit see its own writes; a nested unit joins it.
    return s.unit->Run([&]() -> Status {
      WM_RETURN_IF_ERROR(s.organisations->FindBySlug("kept").status());
      return s.organisations->Create(Org("kept-too")).status();
    });
  });
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_TRUE(s.organisations->FindBySlug("kept").ok());
  EXPECT_TRUE(s.organisations->FindBySlug("kept-too").ok());
  // A failing nested unit fails the whole outer unit.
  st = s.unit->Run([&]() -> Status {
    WM_RETURN_IF_ERROR(s.organisations->Create(Org("outer")).status());
    return s.unit->Run([&]() -> Status { return s.organisations->Create(Org("kept")).status(); });
  });
  EXPECT_EQ(st.kind(), Status::Kind::kConflict);
  EXPECT_TRUE(s.organisations->FindBySlug("outer").status().IsNotFound());
}

}  // namespace
}  // namespace waymark::storage
