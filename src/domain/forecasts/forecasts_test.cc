// The forecasts module's rules that need no database: the zip reader's
// refusals and the what-if changes applied to a scenario.
#include <gtest/gtest.h>

#include "domain/forecasts/forecast_service.h"
#include "domain/forecasts/zip_input.h"

namespace waymark::forecasts {
namespace {

TEST(ReadZip, RefusesWhatIsNoZip) {
  ZipLimits limits;
  auto empty = ReadZip("", limits);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().fields().count("file"), 1u);
  auto junk = ReadZip("this is not a zip archive at all", limits);
  ASSERT_FALSE(junk.ok());
  EXPECT_NE(junk.status().message().find("not a zip"), std::string::npos);
  limits.max_archive_bytes = 4;
  auto big = ReadZip("12345", limits);
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.status().message().find("larger than"), std::string::npos);
}

forecast::Scenario Tiny() {
  forecast::Scenario s;
  s.length = 10;
  forecast::Location a;
  a.name = "A";
  a.country = "X";
  a.kind = forecast::LocationKind::kConflictZone;
  forecast::Location b;
  b.name = "B";
  b.country = "Y";
  b.kind = forecast::LocationKind::kCamp;
  b.capacity = 100;
  s.locations = {a, b};
  s.routes = {{0, 1, 50, 0, 1}};
  forecast::ConflictTable t;
  t.locations = {0};
  t.names = {"A"};
  for (int d = 0; d < 10; ++d) t.days.push_back({d >= 2 ? 1.0 : 0.0});
  s.conflicts = t;
  return s;
}

TEST(ApplyChanges, ClosesMovesOnsetAndChangesCapacity) {
  forecast::Scenario s = Tiny();
  std::vector<Change> changes = {{ChangeKind::kCloseCountry, "X", "Y", 3, 0},
                                 {ChangeKind::kConflictOnset, "A", "", 5, 0},
                                 {ChangeKind::kCampCapacity, "B", "", 0, 7}};
  ASSERT_TRUE(ApplyChanges(changes, s).ok());
  ASSERT_EQ(s.closures.size(), 1u);
  EXPECT_EQ(s.closures[0].start, 3);
  EXPECT_EQ(s.locations[1].capacity, 7);
  EXPECT_EQ(s.conflicts->days[4][0], 0.0);
  EXPECT_EQ(s.conflicts->days[5][0], 1.0);
}

TEST(ApplyChanges, NamesTheBadChange) {
  forecast::Scenario s = Tiny();
  Status st = ApplyChanges({{ChangeKind::kCloseLocation, "Nowhere", "", 1, 0}}, s);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.fields().count("changes"), 1u);
  EXPECT_NE(st.message().find("Nowhere"), std::string::npos);
  st = ApplyChanges({{ChangeKind::kCampCapacity, "A", "", 1, 5}}, s);
  EXPECT_FALSE(st.ok());
  st = ApplyChanges({{ChangeKind::kCloseLocation, "A", "", 99, 0}}, s);
  EXPECT_FALSE(st.ok());
}

}  // namespace
}  // namespace waymark::forecasts
