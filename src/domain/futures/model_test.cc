#include "domain/futures/model.h"

#include <gtest/gtest.h>

namespace waymark::futures {
namespace {

TEST(FuturesModel, PhasesMoveOneStepForward) {
  EXPECT_TRUE(PhaseTransitionAllowed(Phase::kStatements, Phase::kRating));
  EXPECT_TRUE(PhaseTransitionAllowed(Phase::kRating, Phase::kVoting));
  EXPECT_TRUE(PhaseTransitionAllowed(Phase::kVoting, Phase::kClosed));
  EXPECT_FALSE(PhaseTransitionAllowed(Phase::kStatements, Phase::kVoting));
  EXPECT_FALSE(PhaseTransitionAllowed(Phase::kClosed, Phase::kStatements));
  EXPECT_FALSE(PhaseTransitionAllowed(Phase::kRating, Phase::kRating));
  for (Phase p : kPhases) EXPECT_EQ(ParsePhase(ToString(p)), p);
  EXPECT_FALSE(ParsePhase("open").has_value());
}

TEST(FuturesModel, MeanAndSampleSd) {
  auto [m, sd] = MeanSd({1, 2, 3, 4, 5});
  EXPECT_DOUBLE_EQ(m, 3.0);
  EXPECT_NEAR(sd, 1.5811, 1e-4);
  EXPECT_EQ(MeanSd({4}).second, 0.0);
}

TEST(FuturesModel, SmallGroupsAreHidden) {
  Workshop w;
  w.areas = {"technology"};
  w.groups = {"A", "B"};
  std::vector<Statement> st = {{1, 1, "technology", "A", Kind::kPredicted, "a", "", "", 1, "", {}, 0},
                               {2, 1, "technology", "B", Kind::kPreferred, "b", "", "", 1, "", {}, 0}};
  std::vector<Rating> ratings;
  std::vector<Vote> votes;
  for (Id u = 1; u <= 5; ++u) {
    ratings.push_back({1, u, 4, 5, 0});
    votes.push_back({u, 1, 1, u, 0});
  }
  for (Id u = 1; u <= 4; ++u) {
    ratings.push_back({2, u, 2, 2, 0});
    votes.push_back({10 + u, 1, 2, u, 0});
  }
  Results r = ComputeResults(w, st, ratings, votes);
  ASSERT_EQ(r.areas.size(), 1u);
  const auto& a = r.areas[0].predicted.at(0);
  EXPECT_TRUE(a.ratings_shown);
  EXPECT_EQ(a.raters, 5);
  EXPECT_DOUBLE_EQ(a.likelihood, 4.0);
  EXPECT_EQ(a.votes, 5);
  const auto& b = r.areas[0].preferred.at(0);
  EXPECT_FALSE(b.ratings_shown);
  EXPECT_FALSE(b.votes_shown);
  EXPECT_EQ(b.raters, 0);
  EXPECT_EQ(b.votes, 0);
  EXPECT_EQ(b.likelihood, 0.0);
  ASSERT_EQ(r.act_now.size(), 1u);
  EXPECT_EQ(r.act_now[0].statement.id, 1);
  EXPECT_EQ(r.plotted.size(), 1u);
  EXPECT_TRUE(r.raters_shown);
  EXPECT_EQ(r.raters, 5);
}

}  // namespace
}  // namespace waymark::futures
