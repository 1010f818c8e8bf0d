#include "web/consultations/ical.h"

#include <gtest/gtest.h>

namespace waymark::web::ical {
namespace {

TEST(Ical, LocalTimesBecomeUtcWithTheZonesOffset) {
  auto zurich = Zone::Load("Europe/Zurich");
  ASSERT_TRUE(zurich.ok()) << zurich.status().message();
  // Summer time in September 2015 (UTC+2), winter time in January (UTC+1).
  EXPECT_EQ(UtcStamp(*zurich->LocalToUtc("2015-09-18T09:15")), "20150918T071500Z");
  EXPECT_EQ(UtcStamp(*zurich->LocalToUtc("2016-01-20T17:30")), "20160120T163000Z");
  // The hour that does not exist on 29 March 2015 keeps the earlier offset.
  EXPECT_EQ(UtcStamp(*zurich->LocalToUtc("2015-03-29T02:30")), "20150329T013000Z");
  auto utc = Zone::Load("UTC");
  ASSERT_TRUE(utc.ok());
  EXPECT_EQ(UtcStamp(*utc->LocalToUtc("2015-09-18T09:15")), "20150918T091500Z");
  auto ny = Zone::Load("America/New_York");
  ASSERT_TRUE(ny.ok());
  EXPECT_EQ(UtcStamp(*ny->LocalToUtc("2016-06-14T09:00")), "20160614T130000Z");
  EXPECT_FALSE(Zone::Load("Nowhere/Atlantis").ok());
  EXPECT_FALSE(Zone::Load("../etc/passwd").ok());
}

TEST(Ical, FoldsAt75OctetsWithoutSplittingCharacters) {
  std::string line = "SUMMARY:" + std::string(100, 'a');
  std::string folded = Fold(line);
  EXPECT_EQ(folded.substr(0, 75), line.substr(0, 75));
  EXPECT_EQ(folded.substr(75, 3), "\r\n ");
  EXPECT_EQ(folded.size(), line.size() + 3 + 2);
  std::string accents = "SUMMARY:";
  for (int i = 0; i < 60; ++i) accents += "é";
  for (std::size_t start = 0;;) {
    std::size_t end = Fold(accents).find("\r\n", start);
    if (end == std::string::npos) break;
    EXPECT_LE(end - start, 75u);
    start = end + 2;
  }
  std::string unfolded;
  std::string f = Fold(accents);
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f.compare(i, 3, "\r\n ") == 0) {
      i += 2;
      continue;
    }
    if (f.compare(i, 2, "\r\n") == 0) break;
    unfolded += f[i];
  }
  EXPECT_EQ(unfolded, accents);
}

TEST(Ical, EscapesText) { EXPECT_EQ(EscapeText("a,b;c\\d\ne\r"), "a\\,b\\;c\\\\d\\ne"); }

}  // namespace
}  // namespace waymark::web::ical
