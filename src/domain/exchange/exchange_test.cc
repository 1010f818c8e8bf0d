// Unit tests for the exchange's model and validation helpers. The services
// run against real databases in tests/conformance/exchange_service_conformance.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/strings.h"
#include "domain/exchange/internal.h"
#include "domain/exchange/model.h"

namespace waymark::exchange {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(ModelTest, ThreadKindsRoundTrip) {
  for (ThreadKind k : {ThreadKind::kCampaign, ThreadKind::kIdea, ThreadKind::kGroup}) {
    EXPECT_EQ(ParseThreadKind(ToString(k)), k);
  }
  EXPECT_EQ(ParseThreadKind("Idea"), std::nullopt);
  EXPECT_EQ(ParseThreadKind(""), std::nullopt);
}

TEST(ModelTest, DigestFrequenciesRoundTrip) {
  for (DigestFrequency f : {DigestFrequency::kNone, DigestFrequency::kDaily, DigestFrequency::kWeekly}) {
    EXPECT_EQ(ParseDigestFrequency(ToString(f)), f);
  }
  EXPECT_EQ(ParseDigestFrequency("monthly"), std::nullopt);
}

TEST(ModelTest, MemberStatesHaveNames) {
  EXPECT_EQ(ToString(MemberState::kInvited), "invited");
  EXPECT_EQ(ToString(MemberState::kRequested), "requested");
  EXPECT_EQ(ToString(MemberState::kMember), "member");
}

TEST(ModelTest, PathForEachKind) {
  EXPECT_EQ(PathFor(Target{"campaign", 12}), "/campaigns/12");
  EXPECT_EQ(PathFor(Target{"thread", 3}), "/threads/3");
  EXPECT_EQ(PathFor(Target{"group", 5}), "/groups/5");
  EXPECT_EQ(PathFor(Target{"post", 9}, 3), "/threads/3#post-9");
}

TEST(ModelTest, TargetsOrderByKindThenId) {
  EXPECT_LT((Target{"campaign", 9}), (Target{"post", 1}));
  EXPECT_LT((Target{"post", 1}), (Target{"post", 2}));
  EXPECT_EQ((Target{"post", 1}), (Target{"post", 1}));
}

TEST(TagsTest, NormalizesCaseSpacesAndDuplicates) {
  FieldErrors errors;
  auto tags =
      internal::NormalizeTags({"  Climate ", "public  perception", "climate", "", "labour_rights"}, errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_THAT(tags, ElementsAre("climate", "labour-rights", "public-perception"));
}

TEST(TagsTest, RejectsCharactersOutsideTheAlphabet) {
  FieldErrors errors;
  auto tags = internal::NormalizeTags({"ok", "migración"}, errors);
  EXPECT_THAT(tags, IsEmpty());
  Status s = errors.ToStatus();
  ASSERT_EQ(s.field_codes().count("tags"), 1u);
  EXPECT_EQ(s.field_codes().at("tags").code, "invalid");
  EXPECT_EQ(s.field_codes().at("tags").args.at("value"), "migración");
}

TEST(TagsTest, RejectsTooLongTag) {
  FieldErrors errors;
  internal::NormalizeTags({std::string(41, 'a')}, errors);
  Status s = errors.ToStatus();
  ASSERT_EQ(s.field_codes().count("tags"), 1u);
  EXPECT_EQ(s.field_codes().at("tags").code, "too_long");
  EXPECT_EQ(s.field_codes().at("tags").args.at("max"), "40");

  FieldErrors fine;
  EXPECT_THAT(internal::NormalizeTags({std::string(40, 'a')}, fine), ElementsAre(std::string(40, 'a')));
  EXPECT_TRUE(fine.empty());
}

TEST(TagsTest, RejectsMoreThanTen) {
  std::vector<std::string> many;
  many.reserve(11);
  for (int i = 0; i < 11; ++i) many.push_back("t" + std::to_string(i));
  FieldErrors errors;
  internal::NormalizeTags(many, errors);
  Status s = errors.ToStatus();
  ASSERT_EQ(s.field_codes().count("tags"), 1u);
  EXPECT_EQ(s.field_codes().at("tags").code, "too_many");
  EXPECT_EQ(s.field_codes().at("tags").args.at("max"), "10");

  // Duplicates count once.
  std::vector<std::string> repeated(20, "same");
  FieldErrors fine;
  EXPECT_THAT(internal::NormalizeTags(repeated, fine), ElementsAre("same"));
  EXPECT_TRUE(fine.empty());
}

TEST(TagsTest, SingleTagFolding) {
  EXPECT_EQ(internal::NormalizeTag(" -Civic  Participation- "), "civic-participation");
  EXPECT_EQ(internal::NormalizeTag("---"), std::nullopt);
  EXPECT_EQ(internal::NormalizeTag("a/b"), std::nullopt);
}

TEST(ValidationTest, TextLimitsAndCodes) {
  FieldErrors errors;
  internal::CheckText(errors, "title", std::string(201, 'x'), 200, true, false);
  internal::CheckText(errors, "body", "   ", 20000, true, true);
  internal::CheckText(errors, "ok", "é", 1, true, false);  // one code point, two bytes
  internal::CheckText(errors, "bad", "a\x01", 10, false, false);
  internal::CheckText(errors, "lines", "a\r\nb", 10, false, true);
  Status s = errors.ToStatus();
  EXPECT_EQ(s.field_codes().at("title").code, "too_long");
  EXPECT_EQ(s.field_codes().at("title").args.at("max"), "200");
  EXPECT_EQ(s.field_codes().at("body").code, "required");
  EXPECT_EQ(s.field_codes().count("ok"), 0u);
  EXPECT_EQ(s.field_codes().at("bad").code, "control_characters");
  EXPECT_EQ(s.field_codes().count("lines"), 0u);
}

TEST(ValidationTest, Languages) {
  FieldErrors errors;
  EXPECT_EQ(internal::CheckLang(errors, "lang", ""), "en");
  EXPECT_EQ(internal::CheckLang(errors, "lang", "FR"), "fr");
  EXPECT_EQ(internal::CheckLang(errors, "lang", "es"), "es");
  EXPECT_TRUE(errors.empty());
  internal::CheckLang(errors, "lang", "de");
  EXPECT_EQ(errors.ToStatus().field_codes().at("lang").code, "invalid");
}

TEST(ExcerptTest, CutsOnCodePoints) {
  EXPECT_EQ(internal::Excerpt("  short  ", 300), "short");
  EXPECT_EQ(internal::Excerpt("ééééé", 3), "ééé…");
  EXPECT_EQ(internal::Excerpt("abc def", 4), "abc…");  // no dangling space before the ellipsis
  std::string long_body(1000, 'x');
  EXPECT_EQ(Utf8Length(internal::Excerpt(long_body, 300)), 301u);
}

}  // namespace
}  // namespace waymark::exchange
