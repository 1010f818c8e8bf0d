// The practices module's pure parts: dates, e-mail addresses, file types,
// vocabularies and what the public sees of a sensitive practice.
#include <gtest/gtest.h>

#include <set>

#include "domain/practices/practice_service.h"

namespace waymark::practices {
namespace {

using namespace std::string_literals;

TEST(PracticesModel, PartialDates) {
  EXPECT_TRUE(IsPartialDate("2015"));
  EXPECT_TRUE(IsPartialDate("2015-04"));
  EXPECT_TRUE(IsPartialDate("2016-02-29"));
  EXPECT_FALSE(IsPartialDate("2015-02-29"));
  EXPECT_FALSE(IsPartialDate("2015-13"));
  EXPECT_FALSE(IsPartialDate("15"));
  EXPECT_FALSE(IsPartialDate("2015/04"));
  EXPECT_FALSE(IsPartialDate(""));
}

TEST(PracticesModel, EmailAddresses) {
  EXPECT_TRUE(IsEmail("ana@example.org"));
  EXPECT_TRUE(IsEmail("a.b+c@sub.example.org"));
  EXPECT_FALSE(IsEmail("ana"));
  EXPECT_FALSE(IsEmail("ana@"));
  EXPECT_FALSE(IsEmail("@example.org"));
  EXPECT_FALSE(IsEmail("ana@example"));
  EXPECT_FALSE(IsEmail("ana@@example.org"));
  EXPECT_FALSE(IsEmail("ana @example.org"));
  EXPECT_FALSE(IsEmail("ana@example.org\r\nBcc: x@y.z"));
}

TEST(PracticesModel, FilesAreKnownByTheirBytes) {
  EXPECT_EQ(SniffFileType("%PDF-1.7\n"), "application/pdf");
  EXPECT_EQ(SniffFileType("\x89PNG\r\n\x1a\n\0\0"s), "image/png");
  EXPECT_EQ(SniffFileType("\xff\xd8\xff\xe0"s), "image/jpeg");
  EXPECT_EQ(SniffFileType("GIF89a...."), "");  // an image, but not one we take
  EXPECT_EQ(SniffFileType("MZ\x90\0"s), "");
  EXPECT_EQ(SniffFileType(""), "");
}

TEST(PracticesModel, EnumsRoundTrip) {
  for (auto s : {Lifecycle::kDraft, Lifecycle::kSubmitted, Lifecycle::kReturned, Lifecycle::kPublished,
                 Lifecycle::kArchived, Lifecycle::kMerged, Lifecycle::kRejected}) {
    EXPECT_EQ(ParseLifecycle(ToString(s)), s);
  }
  for (auto s : {Sensitivity::kNormal, Sensitivity::kSensitive, Sensitivity::kRestricted}) {
    EXPECT_EQ(ParseSensitivity(ToString(s)), s);
  }
  for (auto r : {PlaceRole::kCrisis, PlaceRole::kOrigin, PlaceRole::kTransit, PlaceRole::kDestination}) {
    EXPECT_EQ(ParsePlaceRole(ToString(r)), r);
  }
  EXPECT_FALSE(ParseLifecycle("deleted"));
  EXPECT_FALSE(ParseSensitivity("secret"));
}

TEST(PracticesVocabularies, SeedHasEveryVocabularyInThreeLanguages) {
  std::set<std::string> vocabularies;
  std::set<std::pair<std::string, std::string>> codes;
  std::set<std::string> phases;
  for (const auto& t : SeedTerms()) {
    EXPECT_TRUE(IsVocabulary(t.vocabulary)) << t.vocabulary;
    EXPECT_TRUE(codes.emplace(t.vocabulary, t.code).second) << "duplicate " << t.vocabulary << ":" << t.code;
    for (const char* lang : kLanguages) {
      ASSERT_TRUE(t.labels.count(lang)) << t.code << " has no " << lang << " label";
      EXPECT_FALSE(t.labels.at(lang).empty()) << t.code << " " << lang;
    }
    vocabularies.insert(t.vocabulary);
    if (t.vocabulary == "phase") phases.insert(t.code);
  }
  EXPECT_EQ(vocabularies.size(), std::size(kVocabularies));
  EXPECT_EQ(phases.size(), 3u);
  int themes = 0;
  for (const auto& t : SeedTerms()) {
    if (t.vocabulary != "theme") continue;
    ++themes;
    EXPECT_TRUE(phases.count(t.parent)) << "theme " << t.code << " is not under a phase";
  }
  EXPECT_EQ(themes, 15);
  EXPECT_TRUE(codes.count({"crisis", "other"}));
}

Practice Sensitive() {
  Practice p;
  p.id = 7;
  p.texts["en"] = LocalText{"Safe houses", "A summary", "The problem", "What was done",
                            "Results",     "Lessons",   "Cost",        "Transfer"};
  p.places = {Place{"LBY", PlaceRole::kCrisis}};
  p.partners = {Party{std::nullopt, "", "A partner", "civil-society"}};
  p.contacts = "ana@example.org";
  p.contributor = Contributor{std::nullopt, "Ana", "ana@example.org", "en"};
  p.status_token_hash = "abc";
  p.lifecycle = Lifecycle::kPublished;
  p.generalised_location = "North Africa";
  return p;
}

TEST(PracticesRedaction, PublicSeesNoContributorAndNoPrivateContacts) {
  Practice p = Sensitive();
  p.contacts_private = true;
  bool redacted = true;
  Practice shown = PracticeService::RedactFor(accounts::Actor::Anonymous(""), p, &redacted);
  EXPECT_FALSE(redacted);
  EXPECT_TRUE(shown.contributor.email.empty());
  EXPECT_TRUE(shown.contributor.name.empty());
  EXPECT_TRUE(shown.status_token_hash.empty());
  EXPECT_TRUE(shown.contacts.empty());
  EXPECT_EQ(shown.texts.at("en").description, "What was done");
  EXPECT_EQ(shown.places.size(), 1u);
}

TEST(PracticesRedaction, SummaryOnlyKeepsTitleSummaryAndGeneralisedLocation) {
  Practice p = Sensitive();
  p.sensitivity = Sensitivity::kRestricted;
  bool redacted = false;
  Practice shown = PracticeService::RedactFor(accounts::Actor::Anonymous(""), p, &redacted);
  EXPECT_TRUE(redacted);
  EXPECT_EQ(shown.texts.at("en").title, "Safe houses");
  EXPECT_EQ(shown.texts.at("en").summary, "A summary");
  EXPECT_TRUE(shown.texts.at("en").description.empty());
  EXPECT_TRUE(shown.texts.at("en").problem.empty());
  EXPECT_TRUE(shown.places.empty());
  EXPECT_TRUE(shown.partners.empty());
  EXPECT_TRUE(shown.contacts.empty());
  EXPECT_EQ(shown.generalised_location, "North Africa");
  // Administrators see everything.
  Practice full = PracticeService::RedactFor(accounts::Actor::System(), p, &redacted);
  EXPECT_FALSE(redacted);
  EXPECT_EQ(full.texts.at("en").description, "What was done");
}

TEST(PracticesPermissions, OpenContributionsAreModeratedByAdministrators) {
  Practice p = Sensitive();
  p.lifecycle = Lifecycle::kSubmitted;
  accounts::User moderator;
  moderator.id = 3;
  moderator.memberships = {accounts::Membership{9, "ngo", "NGO", accounts::Role::kModerator}};
  auto actor = accounts::Actor::ForUser(moderator, "");
  EXPECT_FALSE(PracticeService::CanModerate(actor, p));
  EXPECT_FALSE(PracticeService::CanSee(actor, p));
  p.lead.org_id = 9;
  EXPECT_TRUE(PracticeService::CanModerate(actor, p));
  EXPECT_TRUE(PracticeService::CanSee(actor, p));
  EXPECT_TRUE(PracticeService::CanModerate(accounts::Actor::System(), p));
  EXPECT_FALSE(PracticeService::CanSee(accounts::Actor::Anonymous(""), p));
}

}  // namespace
}  // namespace waymark::practices
