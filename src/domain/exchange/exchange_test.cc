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

TEST(ValidationTest, BidiControlsAreRefusedInSingleLineText) {
  FieldErrors errors;
  internal::CheckText(errors, "title", "Invoice \u202Efdp.exe", 200, true, false);
  internal::CheckText(errors, "name", "Group \u2067x\u2069", 200, true, false);
  internal::CheckText(errors, "marks", "\u200Fok\u200E", 200, true, false);
  internal::CheckText(errors, "body", "Arabic and \u202Bembedded\u202C text", 200, true, true);
  Status s = errors.ToStatus();
  EXPECT_EQ(s.field_codes().at("title").code, "bidi_controls");
  EXPECT_EQ(s.field_codes().at("name").code, "bidi_controls");
  EXPECT_EQ(s.field_codes().count("marks"), 0u);
  EXPECT_EQ(s.field_codes().count("body"), 0u) << "bodies may carry them";
}

TEST(QuoteTest, APassageMustBeTheQuotedPostsWords) {
  const std::string body = "These original words\n\nare   mine, **really**.";
  EXPECT_TRUE(internal::QuoteMatches("original words are mine", body));
  EXPECT_TRUE(internal::QuoteMatches("  These original\twords  ", body));
  EXPECT_TRUE(internal::QuoteMatches("\u2026original words are mine, **rea\u2026", body));
  EXPECT_TRUE(internal::QuoteMatches("...are mine...", body));
  EXPECT_FALSE(internal::QuoteMatches("words never said", body));
  EXPECT_FALSE(internal::QuoteMatches("original words are yours", body));
  EXPECT_FALSE(internal::QuoteMatches("\u2026", body));
  EXPECT_FALSE(internal::QuoteMatches("", body));
}

Post MakePost(Id id, const std::string& body, bool hidden = false) {
  Post p;
  p.id = id;
  p.body = body;
  p.hidden = hidden;
  return p;
}

TEST(QuoteTest, QuotesShowOnlyWhatTheReaderMaySee) {
  Post quoted = MakePost(1, "Secret words here", /*hidden=*/true);
  Post visible = MakePost(2, "Open words here");
  Post a = MakePost(3, "Reply to the hidden one");
  a.quote_of = 1;
  a.quote_text = "Secret words";
  Post b = MakePost(4, "Reply to the open one");
  b.quote_of = 2;
  b.quote_text = "Open words";
  Post c = MakePost(5, "Reply with a stale passage");
  c.quote_of = 2;
  c.quote_text = "Words it no longer has";
  Post d = MakePost(6, "Reply to a post that is gone");
  d.quote_of = 99;
  d.quote_text = "Gone";
  std::vector<Post> all = {quoted, visible, a, b, c, d};

  std::vector<Post> shown = {visible, a, b, c, d};
  internal::ResolveQuotes(shown, all, /*sees_hidden=*/false);
  EXPECT_TRUE(shown[1].quote_removed);
  EXPECT_EQ(shown[1].quote_text, "");
  EXPECT_FALSE(shown[2].quote_removed);
  EXPECT_EQ(shown[2].quote_text, "Open words");
  EXPECT_EQ(shown[3].quote_text, "Open words here") << "from the quoted post's current text";
  EXPECT_TRUE(shown[4].quote_removed);

  std::vector<Post> for_moderator = {a};
  internal::ResolveQuotes(for_moderator, all, /*sees_hidden=*/true);
  EXPECT_FALSE(for_moderator[0].quote_removed);
  EXPECT_EQ(for_moderator[0].quote_text, "Secret words");
}

TEST(ModerationScopeTest, GroupsAreModeratedByTheirMemberOrganisations) {
  std::vector<GroupMember> members(2);
  members[0].organisation_id = 1;
  members[0].state = MemberState::kMember;
  members[1].organisation_id = 2;
  members[1].state = MemberState::kInvited;
  auto moderator_of = [](Id org) {
    accounts::User u;
    u.id = 5;
    u.memberships.push_back(accounts::Membership{org, "o", "O", accounts::Role::kModerator});
    return accounts::Actor::ForUser(std::move(u), "");
  };
  EXPECT_TRUE(internal::Core::ModeratesGroup(moderator_of(1), members));
  EXPECT_FALSE(internal::Core::ModeratesGroup(moderator_of(2), members)) << "invited is not a member";
  EXPECT_FALSE(internal::Core::ModeratesGroup(moderator_of(3), members));
  EXPECT_TRUE(internal::Core::ModeratesGroup(accounts::Actor::Cli(), members));
  Group closed;
  closed.members_only = true;
  EXPECT_FALSE(internal::Core::CanReadGroup(moderator_of(3), closed, members));
  EXPECT_TRUE(internal::Core::CanReadGroup(moderator_of(1), closed, members));
}

}  // namespace
}  // namespace waymark::exchange
