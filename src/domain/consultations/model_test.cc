#include "domain/consultations/model.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace waymark::consultations {
namespace {

ActionPoint Point(Id id, std::optional<Id> parent, int progress, int weight = 1,
                  PointStatus status = PointStatus::kInProgress) {
  ActionPoint p;
  p.id = id;
  p.parent_id = parent;
  p.progress = progress;
  p.weight = weight;
  p.status = status;
  return p;
}

TEST(ConsultationModel, CodesRoundTrip) {
  for (PointStatus s : kPointStatuses) EXPECT_EQ(ParsePointStatus(ToString(s)), s);
  EXPECT_EQ(ParseSessionType("breakout"), SessionType::kBreakout);
  EXPECT_EQ(ParseOwnerKind("all_csos"), OwnerKind::kAllCsos);
  EXPECT_EQ(ParseLinkKind("working_group"), LinkKind::kWorkingGroup);
  EXPECT_EQ(ParseConsultationStatus("report_published"), ConsultationStatus::kReportPublished);
  EXPECT_FALSE(ParsePointStatus("finished"));
}

TEST(ConsultationModel, Transitions) {
  using enum PointStatus;
  EXPECT_TRUE(TransitionAllowed(kOpen, kInProgress));
  EXPECT_TRUE(TransitionAllowed(kInProgress, kDone));
  EXPECT_TRUE(TransitionAllowed(kDone, kInProgress));
  EXPECT_TRUE(TransitionAllowed(kDropped, kOpen));
  EXPECT_FALSE(TransitionAllowed(kDone, kDropped));
  EXPECT_FALSE(TransitionAllowed(kOpen, kOpen));
  EXPECT_FALSE(TransitionAllowed(kOpen, kCarriedOver));
  EXPECT_FALSE(TransitionAllowed(kCarriedOver, kOpen));
}

TEST(ConsultationModel, WeightedProgressAddsUpSubPoints) {
  std::map<Id, std::vector<ActionPoint>> children;
  children[1] = {Point(2, 1, 100, 3), Point(3, 1, 0, 1), Point(4, 1, 50, 5, PointStatus::kDropped)};
  EXPECT_EQ(WeightedProgress(Point(1, std::nullopt, 10), children), 75);
  EXPECT_EQ(WeightedProgress(Point(5, std::nullopt, 40), children), 40);
  EXPECT_EQ(WeightedProgress(Point(1, std::nullopt, 10, 1, PointStatus::kDone), children), 100);
  // Nested: a sub-point with sub-points of its own.
  children[3] = {Point(6, 3, 100, 1, PointStatus::kDone)};
  EXPECT_EQ(WeightedProgress(Point(1, std::nullopt, 10), children), 100);
}

TEST(ConsultationModel, OverdueAndSummary) {
  ActionPoint late = Point(1, std::nullopt, 0);
  late.target_date = "2016-12-31";
  late.consultation_year = 2015;
  EXPECT_TRUE(IsOverdue(late, "2017-01-01"));
  EXPECT_FALSE(IsOverdue(late, "2016-12-31"));
  ActionPoint done = late;
  done.status = PointStatus::kDone;
  EXPECT_FALSE(IsOverdue(done, "2020-01-01"));
  ActionPoint sub = Point(3, 1, 0);
  ActionPoint later = Point(4, std::nullopt, 0, 1, PointStatus::kOpen);
  later.consultation_year = 2016;
  auto s = Summarise({late, done, sub, later}, "2020-01-01");
  EXPECT_EQ(s.total, 3);
  EXPECT_EQ(s.since_year, 2015);
  EXPECT_EQ(s.by_status[PointStatus::kDone], 1);
  EXPECT_EQ(s.by_status[PointStatus::kInProgress], 1);
  EXPECT_EQ(s.overdue, 1);
}

TEST(ConsultationModel, DatesAndZones) {
  EXPECT_TRUE(IsDate("2015-09-18"));
  EXPECT_FALSE(IsDate("2015-02-30"));
  EXPECT_FALSE(IsDate("2015-9-18"));
  EXPECT_TRUE(IsLocalDateTime("2015-09-18T09:15"));
  EXPECT_FALSE(IsLocalDateTime("2015-09-18T24:00"));
  EXPECT_FALSE(IsLocalDateTime("2015-09-18 09:15"));
  EXPECT_TRUE(IsZoneName("Europe/Zurich"));
  EXPECT_TRUE(IsZoneName("America/Port-au-Prince"));
  EXPECT_FALSE(IsZoneName("../etc/passwd"));
  EXPECT_FALSE(IsZoneName("Europe/Zurich\n"));
}

TEST(ConsultationModel, PointNumbersSortNaturally) {
  std::vector<std::string> v = {"10", "4.2", "2", "4", "4.10", "4.1", "b", "a"};
  std::sort(v.begin(), v.end(), [](const std::string& x, const std::string& y) { return NumberLess(x, y); });
  EXPECT_EQ(v, (std::vector<std::string>{"2", "4", "4.1", "4.2", "4.10", "10", "a", "b"}));
}

TEST(ConsultationModel, PickFallsBackToEnglish) {
  Localized t{{"en", "Hello"}, {"fr", "Bonjour"}, {"es", ""}};
  EXPECT_EQ(Pick(t, "fr"), "Bonjour");
  EXPECT_EQ(Pick(t, "es"), "Hello");
  EXPECT_EQ(Pick(Localized{}, "es"), "");
}

}  // namespace
}  // namespace waymark::consultations
