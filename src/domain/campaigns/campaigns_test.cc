// The pure parts of the campaigns module: vocabularies, Diff, slugs, dates,
// media sniffing and file names. The service itself runs against real
// databases in tests/conformance/campaign_service_conformance.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "domain/campaigns/campaign_service.h"
#include "domain/campaigns/model.h"

namespace waymark::campaigns {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(Vocabulary, LifecycleRoundTrips) {
  for (Lifecycle l : {Lifecycle::kDraft, Lifecycle::kSubmitted, Lifecycle::kPublished, Lifecycle::kReturned,
                      Lifecycle::kArchived}) {
    EXPECT_EQ(ParseLifecycle(ToString(l)), l) << ToString(l);
  }
  EXPECT_EQ(ToString(Lifecycle::kSubmitted), "submitted");
  EXPECT_FALSE(ParseLifecycle("Published").has_value());
  EXPECT_FALSE(ParseLifecycle("").has_value());
}

TEST(Vocabulary, StageRoundTrips) {
  ASSERT_EQ(AllStages().size(), 4u);
  for (Stage s : AllStages()) EXPECT_EQ(ParseStage(ToString(s)), s) << ToString(s);
  EXPECT_EQ(ToString(Stage::kRunning), "running");
  EXPECT_FALSE(ParseStage("finished").has_value());
}

TEST(Vocabulary, VisibilityRoundTrips) {
  for (Visibility v : {Visibility::kPublic, Visibility::kMembers, Visibility::kOrganisation}) {
    EXPECT_EQ(ParseVisibility(ToString(v)), v) << ToString(v);
  }
  EXPECT_EQ(ToString(Visibility::kOrganisation), "organisation");
  EXPECT_FALSE(ParseVisibility("private").has_value());
}

TEST(Vocabulary, ChannelsAndLicences) {
  for (const char* c : {"posters", "video", "social_media", "events", "press", "crowdfunding"}) {
    EXPECT_TRUE(IsChannel(c)) << c;
  }
  EXPECT_FALSE(IsChannel("Posters"));
  EXPECT_FALSE(IsChannel("carrier_pigeon"));
  for (const char* l : {"cc-by", "cc-by-sa", "cc-by-nc", "cc0", "all-rights-reserved"})
    EXPECT_TRUE(IsLicence(l)) << l;
  EXPECT_FALSE(IsLicence("gpl"));
  EXPECT_TRUE(IsLicence(Campaign{}.licence));
}

TEST(Model, TextFallsBackToEnglishThenFirst) {
  Campaign c;
  EXPECT_EQ(c.Text("fr").title, "");
  c.texts["fr"] = {"Je suis un migrant", "", ""};
  c.texts["es"] = {"Soy migrante", "", ""};
  EXPECT_EQ(c.Text("fr").title, "Je suis un migrant");
  EXPECT_EQ(c.Text("en").title, "Soy migrante");  // no English: the first there is
  c.texts["en"] = {"I am a Migrant", "", ""};
  EXPECT_EQ(c.Text("de").title, "I am a Migrant");
  EXPECT_THAT(c.Languages(), ElementsAre("en", "es", "fr"));
}

TEST(Model, ThemeLabelFallsBack) {
  Theme t{"xenophobia", {{"en", "Xenophobia"}, {"fr", "Xénophobie"}, {"es", ""}}, true};
  EXPECT_EQ(t.Label("fr"), "Xénophobie");
  EXPECT_EQ(t.Label("es"), "Xenophobia");
  Theme bare{"children", {}, true};
  EXPECT_EQ(bare.Label("en"), "children");
}

Campaign Sample() {
  Campaign c;
  c.id = 7;
  c.slug = "i-am-an-immigrant";
  c.texts["en"] = {"I am an Immigrant", "Posters", "A poster campaign."};
  c.organisation = {1, "jcwi", "JCWI"};
  c.countries = {"GBR"};
  c.themes = {"xenophobia"};
  c.figures = {{"reach", 1200000}};
  c.version = 3;
  return c;
}

std::vector<std::string> Fields(const std::vector<FieldChange>& changes) {
  std::vector<std::string> out;
  out.reserve(changes.size());
  for (const auto& c : changes) out.push_back(c.field);
  return out;
}

TEST(Diff, NothingChanged) { EXPECT_THAT(Diff(Sample(), Sample()), IsEmpty()); }

TEST(Diff, IgnoresBookkeepingAndMedia) {
  Campaign a = Sample();
  Campaign b = Sample();
  b.id = 8;
  b.version = 9;
  b.updated_at = 123;
  b.published_at = 456;
  b.created_by = 4;
  b.hidden = true;
  b.media.push_back(Media{1, 7, "a.png", "image/png", 10, "ab", "", 0});
  EXPECT_THAT(Diff(a, b), IsEmpty());
}

TEST(Diff, NamesEachChangedFieldWithReadableValues) {
  Campaign a = Sample();
  Campaign b = Sample();
  b.texts["en"].title = "I am a Migrant";
  b.texts["fr"] = {"Je suis un migrant", "", ""};
  b.countries = {"GBR", "GRC"};
  b.stage = Stage::kRunning;
  b.lifecycle = Lifecycle::kPublished;
  b.figures = {{"reach", 1200000}, {"press", 12}};
  b.start_date = "2015-03-01";
  auto changes = Diff(a, b);
  EXPECT_THAT(Fields(changes), ElementsAre("title.en", "title.fr", "countries", "start_date", "stage",
                                           "lifecycle", "figures"));
  EXPECT_EQ(changes[0].before, "I am an Immigrant");
  EXPECT_EQ(changes[0].after, "I am a Migrant");
  EXPECT_EQ(changes[1].before, "");
  EXPECT_EQ(changes[2].after, "GBR, GRC");
  EXPECT_EQ(changes[3].before, "");
  EXPECT_EQ(changes[3].after, "2015-03-01");
  EXPECT_EQ(changes[4].after, "running");
  EXPECT_EQ(changes[6].after, "reach: 1200000, press: 12");
}

TEST(Diff, RemovedLanguageShowsEveryPart) {
  Campaign a = Sample();
  Campaign b = Sample();
  b.texts.clear();
  b.texts["fr"] = {"Je suis un immigré", "", ""};
  EXPECT_THAT(Fields(Diff(a, b)), ElementsAre("title.en", "title.fr", "summary.en", "body.en"));
}

TEST(Diff, FromNothingListsWhatIsSet) {
  auto fields = Fields(Diff(Campaign{}, Sample()));
  EXPECT_THAT(fields, ElementsAre("title.en", "summary.en", "body.en", "organisation", "countries", "themes",
                                  "figures"));
}

TEST(Diff, PartnersAdaptedFromAndReason) {
  Campaign a = Sample();
  Campaign b = Sample();
  b.partners = {{2, "iom", "IOM"}, {3, "unhcr", "UNHCR"}};
  b.adapted_from = 4;
  b.return_reason = "Add a French summary";
  auto changes = Diff(a, b);
  EXPECT_THAT(Fields(changes), ElementsAre("partners", "adapted_from", "return_reason"));
  EXPECT_EQ(changes[0].after, "iom, unhcr");
  EXPECT_EQ(changes[1].after, "4");
}

TEST(Slug, FoldsCaseAccentsAndPunctuation) {
  EXPECT_EQ(SlugFromTitle("I am an Immigrant"), "i-am-an-immigrant");
  EXPECT_EQ(SlugFromTitle("  Movimiento contra la Xenofobia!  "), "movimiento-contra-la-xenofobia");
  EXPECT_EQ(SlugFromTitle("Étrangers: ¿migración? Ça va — Œuvre Straße"),
            "etrangers-migracion-ca-va-oeuvre-strasse");
  EXPECT_EQ(SlugFromTitle("Łódź & Kraków 2015"), "lodz-krakow-2015");
  EXPECT_EQ(SlugFromTitle("a--b__c"), "a-b-c");
}

TEST(Slug, NothingUsableGivesCampaign) {
  EXPECT_EQ(SlugFromTitle(""), "campaign");
  EXPECT_EQ(SlugFromTitle("!!! ???"), "campaign");
  EXPECT_EQ(SlugFromTitle("Μετανάστης"), "campaign");  // Greek is not folded
  EXPECT_EQ(SlugFromTitle("\xff\xfe"), "campaign");    // invalid UTF-8 is no crash
}

TEST(Slug, AtMostSixtyCharactersWithoutTrailingDash) {
  std::string long_title;
  for (int i = 0; i < 30; ++i) long_title += "word ";
  std::string slug = SlugFromTitle(long_title);
  EXPECT_LE(slug.size(), kMaxSlug);
  EXPECT_NE(slug.back(), '-');
  EXPECT_EQ(slug.substr(0, 10), "word-word-");
  EXPECT_EQ(SlugFromTitle(std::string(100, 'x')), std::string(60, 'x'));
  // A word that would start right at the limit is left out with its dash.
  EXPECT_EQ(SlugFromTitle(std::string(59, 'a') + " b"), std::string(59, 'a'));
  EXPECT_EQ(SlugFromTitle(std::string(58, 'a') + " bcd"), std::string(58, 'a') + "-b");
}

TEST(Dates, AcceptsRealCalendarDatesOnly) {
  EXPECT_TRUE(IsValidDate("2015-03-01"));
  EXPECT_TRUE(IsValidDate("2016-02-29"));
  EXPECT_TRUE(IsValidDate("2000-02-29"));
  EXPECT_FALSE(IsValidDate("1900-02-29"));
  EXPECT_FALSE(IsValidDate("2015-02-29"));
  EXPECT_FALSE(IsValidDate("2015-04-31"));
  EXPECT_FALSE(IsValidDate("2015-13-01"));
  EXPECT_FALSE(IsValidDate("2015-00-10"));
  EXPECT_FALSE(IsValidDate("2015-1-01"));
  EXPECT_FALSE(IsValidDate("01/03/2015"));
  EXPECT_FALSE(IsValidDate("2015-03-01T00:00"));
  EXPECT_FALSE(IsValidDate(""));
}

TEST(Sniff, RecognisesEachTypeByItsMagicBytes) {
  using namespace std::string_literals;
  EXPECT_EQ(SniffMediaType("\x89PNG\r\n\x1a\n\0\0\0\rIHDR"s), "image/png");
  EXPECT_EQ(SniffMediaType("\xff\xd8\xff\xe0\0\x10JFIF"s), "image/jpeg");
  EXPECT_EQ(SniffMediaType("GIF87a...."), "image/gif");
  EXPECT_EQ(SniffMediaType("GIF89a...."), "image/gif");
  EXPECT_EQ(SniffMediaType("RIFF\x24\0\0\0WEBPVP8 "s), "image/webp");
  EXPECT_EQ(SniffMediaType("%PDF-1.7\n%..."), "application/pdf");
}

TEST(Sniff, RejectsLookalikesAndOtherFormats) {
  using namespace std::string_literals;
  EXPECT_EQ(SniffMediaType(""), "");
  EXPECT_EQ(SniffMediaType("\x89PNG\r\n\x1a"s), "");    // signature cut short
  EXPECT_EQ(SniffMediaType("\x89PNG\n\r\x1a\n"s), "");  // line endings mangled in transit
  EXPECT_EQ(SniffMediaType("\xff\xd8"s), "");           // too short for JPEG
  EXPECT_EQ(SniffMediaType("GIF88a"), "");
  EXPECT_EQ(SniffMediaType("RIFF\x24\0\0\0WAVEfmt "s), "");  // audio, not WebP
  EXPECT_EQ(SniffMediaType("RIFFWEBP"), "");
  EXPECT_EQ(SniffMediaType("%PDF"), "");
  EXPECT_EQ(SniffMediaType("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"), "");
  EXPECT_EQ(SniffMediaType("<html><body>%PDF-1.4</body></html>"), "");
  EXPECT_EQ(SniffMediaType("PK\x03\x04"), "");
}

TEST(Filename, DropsPathsControlCharactersAndLeadingDots) {
  EXPECT_EQ(SanitizeFilename("poster.png"), "poster.png");
  EXPECT_EQ(SanitizeFilename("../../etc/passwd"), "passwd");
  EXPECT_EQ(SanitizeFilename("C:\\Users\\ana\\Affiche été.pdf"), "Affiche été.pdf");
  EXPECT_EQ(SanitizeFilename("a\r\nb\x01\x7f.gif"), "ab.gif");
  EXPECT_EQ(SanitizeFilename("  .hidden.png "), "hidden.png");
  EXPECT_EQ(SanitizeFilename("bad\xff.png"), "bad?.png");
  EXPECT_EQ(SanitizeFilename(""), "file");
  EXPECT_EQ(SanitizeFilename("dir/"), "file");
  EXPECT_EQ(SanitizeFilename("\x01\x02"), "file");
}

TEST(Filename, LongNamesKeepTheirExtension) {
  std::string name = SanitizeFilename(std::string(300, 'x') + ".jpeg");
  EXPECT_EQ(name.size(), 120u);
  EXPECT_EQ(name.substr(name.size() - 5), ".jpeg");
  std::string accented;
  for (int i = 0; i < 200; ++i) accented += "é";
  std::string cut = SanitizeFilename(accented + ".pdf");
  EXPECT_EQ(cut.substr(cut.size() - 4), ".pdf");
  EXPECT_EQ(cut.size(), 116u * 2 + 4);  // 116 two-byte characters and ".pdf": 120 characters
}

// --- Who may moderate and see what (issue 8) ---

constexpr Id kLead = 1;
constexpr Id kOther = 2;

accounts::Actor Person(std::optional<accounts::Role> role, Id org = kLead, bool admin = false) {
  accounts::User u;
  u.id = 7;
  u.is_admin = admin;
  if (role) u.memberships.push_back(accounts::Membership{org, "org", "Org", *role});
  return accounts::Actor::ForUser(std::move(u), "");
}

Campaign Lead(Lifecycle lifecycle) {
  Campaign c;
  c.organisation.id = kLead;
  c.lifecycle = lifecycle;
  if (lifecycle == Lifecycle::kPublished) c.published_at = 1;
  return c;
}

TEST(Permissions, ModerationIsPerOrganisation) {
  using accounts::Role;
  EXPECT_TRUE(CampaignService::CanModerate(Person(Role::kModerator), kLead));
  EXPECT_FALSE(CampaignService::CanModerate(Person(Role::kModerator, kOther), kLead));
  EXPECT_FALSE(CampaignService::CanModerate(Person(Role::kEditor), kLead));
  EXPECT_TRUE(CampaignService::CanModerate(Person(std::nullopt, kLead, /*admin=*/true), kLead));
  EXPECT_TRUE(CampaignService::CanModerate(accounts::Actor::Cli(), kLead));
  EXPECT_FALSE(CampaignService::CanModerate(accounts::Actor::Anonymous(""), kLead));
  EXPECT_TRUE(CampaignService::ModeratesAnywhere(Person(Role::kModerator, kOther)));
  EXPECT_FALSE(CampaignService::ModeratesAnywhere(Person(Role::kEditor)));
  // A moderator elsewhere sees a draft no more than anyone else does.
  EXPECT_FALSE(CampaignService::CanSee(Person(Role::kModerator, kOther), Lead(Lifecycle::kSubmitted)));
  EXPECT_TRUE(CampaignService::CanSee(Person(Role::kModerator), Lead(Lifecycle::kSubmitted)));
  EXPECT_TRUE(CampaignService::CanSee(Person(Role::kModerator, kOther), Lead(Lifecycle::kPublished)));
}

std::vector<Revision> Story() {
  // create (with a passage to remove), submit, return (with a note), update,
  // submit, publish, update while published.
  std::vector<Revision> out;
  auto add = [&](const std::string& action, Lifecycle l, const std::string& body,
                 const std::string& reason = "") {
    Revision r;
    r.version = static_cast<std::int64_t>(out.size()) + 1;
    r.action = action;
    r.snapshot = Lead(l);
    r.snapshot.texts["en"] = LocalText{"Title", "", body};
    r.snapshot.return_reason = reason;
    r.changed = {"body.en"};
    out.push_back(r);
  };
  add("create", Lifecycle::kDraft, "Keep. REMOVE-ME");
  add("submit", Lifecycle::kSubmitted, "Keep. REMOVE-ME");
  add("return", Lifecycle::kReturned, "Keep. REMOVE-ME", "Take REMOVE-ME out");
  add("update", Lifecycle::kReturned, "Keep.", "Take REMOVE-ME out");
  add("submit", Lifecycle::kSubmitted, "Keep.");
  add("publish", Lifecycle::kPublished, "Keep.");
  add("update", Lifecycle::kPublished, "Keep. And more.");
  std::reverse(out.begin(), out.end());  // any order in
  return out;
}

TEST(Revisions, EditorsAndTheirModeratorsSeeEveryRevision) {
  using accounts::Role;
  for (const auto& actor :
       {Person(Role::kEditor), Person(Role::kModerator), Person(std::nullopt, kLead, /*admin=*/true)}) {
    auto all = CampaignService::RevisionsFor(actor, Lead(Lifecycle::kPublished), Story());
    ASSERT_EQ(all.size(), 7u);
    EXPECT_EQ(all.front().version, 1);  // oldest first
    EXPECT_EQ(all[2].snapshot.return_reason, "Take REMOVE-ME out");
  }
}

TEST(Revisions, OthersSeeOnlyPublishedOnesWithoutModeratorNotes) {
  using accounts::Role;
  for (const auto& actor : {accounts::Actor::Anonymous(""), Person(Role::kMember),
                            Person(Role::kModerator, kOther), Person(Role::kEditor, kOther)}) {
    auto seen = CampaignService::RevisionsFor(actor, Lead(Lifecycle::kPublished), Story());
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0].version, 6);
    EXPECT_THAT(seen[0].changed, IsEmpty()) << "the first one they see is where they start";
    EXPECT_EQ(seen[1].version, 7);
    EXPECT_THAT(seen[1].changed, ElementsAre("body.en"));
    for (const auto& r : seen) {
      EXPECT_EQ(r.snapshot.return_reason, "");
      EXPECT_EQ(r.snapshot.Text("en").body.find("REMOVE-ME"), std::string::npos);
    }
  }
  // A revision hidden by moderation, or for members only, is not shown to the public.
  std::vector<Revision> story = Story();
  story[0].snapshot.hidden = true;                      // version 7
  story[1].snapshot.visibility = Visibility::kMembers;  // version 6
  EXPECT_THAT(
      CampaignService::RevisionsFor(accounts::Actor::Anonymous(""), Lead(Lifecycle::kPublished), story),
      IsEmpty());
  EXPECT_EQ(
      CampaignService::RevisionsFor(Person(Role::kMember, kOther), Lead(Lifecycle::kPublished), story).size(),
      1u);
}

}  // namespace
}  // namespace waymark::campaigns
