// The thesaurus's store and ThesaurusService over the real stores, run
// against each backend: sqlite/Thesaurus...Test and postgres/Thesaurus...Test
// (PostgreSQL needs WAYMARK_TEST_PG_URL). See backend.h.
//
// People: mo (moderator of jed), ben (member of jed), sam (signed in, no
// organisation), root (a platform administrator).
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backend.h"
#include "domain/thesaurus/thesaurus_service.h"
#include "people.h"
#include "storage/thesaurus/thesaurus_stores.h"

namespace waymark::conformance {
namespace {

using accounts::Actor;
using thesaurus::Concept;
using thesaurus::ConceptInput;
using thesaurus::ConceptStatus;
using Terms = std::map<std::string, std::vector<std::string>>;
using Kind = Status::Kind;

class ThesaurusTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    people_ = std::make_unique<People>(db(), clock_);
    stores_ = std::make_unique<storage::ThesaurusStores>(db());
    service_ = std::make_unique<thesaurus::ThesaurusService>(people_->stores(), stores_->concepts(), clock_);
    service_->SetOnChange([this] { ++changes_; });
    people_->AddOrg("jed");
    mo_ = people_->AddUser("mo@example.org");
    people_->Join(mo_, "jed", "moderator");
    ben_ = people_->AddUser("ben@example.org");
    people_->Join(ben_, "jed", "member");
    sam_ = people_->AddUser("sam@example.org");
    root_ = people_->AddUser("root@example.org", true);
  }

  static ConceptInput Input(Terms terms, std::string slug = "") {
    ConceptInput in;
    in.terms = std::move(terms);
    if (!slug.empty()) in.slug = std::move(slug);
    return in;
  }

  Concept Proposed(const accounts::User& who, Terms terms) {
    auto c = service_->Propose(people_->As(who), Input(std::move(terms)));
    EXPECT_TRUE(IsOk(c));
    return c.ok() ? *c : Concept{};
  }

  std::unique_ptr<People> people_;
  std::unique_ptr<storage::ThesaurusStores> stores_;
  std::unique_ptr<thesaurus::ThesaurusService> service_;
  int changes_ = 0;
  accounts::User mo_, ben_, sam_, root_;
};

TEST_F(ThesaurusTest, StoreKeepsTermsInOrderAndChecksVersionsAndSlugs) {
  thesaurus::ConceptStore& store = stores_->concepts();
  Concept c;
  c.slug = "refugee";
  c.terms = {{"en", {"refugee"}}, {"fr", {"réfugié", "réfugiée"}}, {"es", {"refugiado"}}};
  c.created_at = c.updated_at = 1000;
  c.proposed_by = ben_.id;
  auto made = store.Create(c);
  ASSERT_TRUE(IsOk(made));
  EXPECT_EQ(made->version, 1);
  EXPECT_EQ(made->status, ConceptStatus::kProposed);
  EXPECT_EQ(made->terms, c.terms);
  EXPECT_EQ(made->proposed_by, ben_.id);
  EXPECT_EQ(store.Create(c).status().kind(), Kind::kConflict);

  std::string before = *store.Stamp();
  Concept changed = *made;
  changed.status = ConceptStatus::kApproved;
  changed.updated_at = 1000;  // the same millisecond: the stamp moves all the same
  auto updated = store.Update(changed, 1);
  ASSERT_TRUE(IsOk(updated));
  EXPECT_EQ(updated->version, 2);
  EXPECT_NE(*store.Stamp(), before);
  EXPECT_EQ(store.Update(changed, 1).status().kind(), Kind::kConflict);
  Concept missing = changed;
  missing.id = 999999;
  EXPECT_EQ(store.Update(missing, 1).status().kind(), Kind::kNotFound);

  EXPECT_EQ(store.FindBySlug("refugee")->id, made->id);
  EXPECT_EQ(store.List(ConceptStatus::kApproved)->size(), 1u);
  EXPECT_EQ(store.List(ConceptStatus::kProposed)->size(), 0u);
  EXPECT_EQ(store.List(std::nullopt)->size(), 1u);
}

TEST_F(ThesaurusTest, MembersProposeModeratorsApproveAndTheSnapshotHasOnlyApproved) {
  EXPECT_EQ(service_->Propose(Actor::Anonymous("r"), Input({{"en", {"a", "b"}}})).status().kind(),
            Kind::kUnauthenticated);
  Concept c = Proposed(ben_, {{"en", {"xenophobia"}}, {"fr", {"xénophobie"}}, {"es", {"xenofobia"}}});
  EXPECT_EQ(c.slug, "xenophobia");
  EXPECT_EQ(c.status, ConceptStatus::kProposed);
  EXPECT_EQ(changes_, 1);

  // Who sees the proposal: its proposer and moderators.
  EXPECT_TRUE(IsOk(service_->Get(people_->As(ben_), c.id)));
  EXPECT_TRUE(IsOk(service_->Get(people_->As(mo_), c.id)));
  EXPECT_EQ(service_->Get(people_->As(sam_), c.id).status().kind(), Kind::kNotFound);
  EXPECT_EQ(service_->Proposals(people_->As(mo_))->size(), 1u);
  EXPECT_EQ(service_->Proposals(people_->As(ben_))->size(), 1u);
  EXPECT_EQ(service_->Proposals(people_->As(sam_))->size(), 0u);
  EXPECT_EQ(service_->Proposals(Actor::Anonymous("r"))->size(), 0u);

  // A member may not approve, not even their own proposal.
  EXPECT_EQ(service_->Approve(people_->As(ben_), c.id, c.version).status().kind(), Kind::kPermissionDenied);
  EXPECT_EQ(service_->Approve(people_->As(sam_), c.id, c.version).status().kind(), Kind::kNotFound);
  EXPECT_TRUE(service_->Snapshot().value()->concepts.empty());

  auto approved = service_->Approve(people_->As(mo_), c.id, c.version);
  ASSERT_TRUE(IsOk(approved));
  EXPECT_EQ(approved->status, ConceptStatus::kApproved);
  EXPECT_EQ(changes_, 2);
  auto snapshot = service_->Snapshot();
  ASSERT_TRUE(IsOk(snapshot));
  ASSERT_EQ((*snapshot)->concepts.size(), 1u);
  EXPECT_EQ((*snapshot)->concepts[0].at("fr"), std::vector<std::string>{"xénophobie"});
  EXPECT_TRUE(IsOk(service_->Get(Actor::Anonymous("r"), c.id)));

  // A stale version is a conflict; the proposer no longer edits it once approved.
  EXPECT_EQ(service_->Archive(people_->As(mo_), c.id, c.version).status().kind(), Kind::kConflict);
  ConceptInput edit = Input({{"es", {"xenofobia", "odio al extranjero"}}});
  EXPECT_EQ(service_->Edit(people_->As(ben_), c.id, edit).status().kind(), Kind::kPermissionDenied);
  edit.expected_version = approved->version;
  auto edited = service_->Edit(people_->As(mo_), c.id, edit);
  ASSERT_TRUE(IsOk(edited));
  EXPECT_EQ(edited->terms.at("es").size(), 2u);
  EXPECT_EQ(edited->terms.at("en"), std::vector<std::string>{"xenophobia"});
  auto archived = service_->Archive(people_->As(root_), c.id, edited->version);
  ASSERT_TRUE(IsOk(archived));
  EXPECT_TRUE(service_->Snapshot().value()->concepts.empty());
  EXPECT_EQ(service_->Get(people_->As(sam_), c.id).status().kind(), Kind::kNotFound);
}

TEST_F(ThesaurusTest, BadInputNamesTheField) {
  Actor ben = people_->As(ben_);
  EXPECT_TRUE(
      HasFieldCode(service_->Propose(ben, Input({{"en", {"lonely"}}})).status(), "terms", "required"));
  EXPECT_TRUE(HasFieldCode(service_->Propose(ben, ConceptInput{}).status(), "terms", "required"));
  EXPECT_TRUE(HasFieldCode(service_->Propose(ben, Input({{"de", {"a", "b"}}})).status(), "terms.de",
                           "language_unknown"));
  EXPECT_TRUE(HasFieldCode(service_->Propose(ben, Input({{"en", {"a", std::string(300, 'x')}}})).status(),
                           "terms.en", "too_long"));
  EXPECT_TRUE(HasFieldCode(service_->Propose(ben, Input({{"en", {"a\nb", "c"}}})).status(), "terms.en",
                           "control_characters"));
  std::vector<std::string> many;
  for (int i = 0; i < 11; ++i) many.push_back("term " + std::to_string(i));
  EXPECT_TRUE(HasFieldCode(service_->Propose(ben, Input({{"en", many}})).status(), "terms.en", "too_many"));
  Proposed(ben_, {{"en", {"migrant"}}, {"es", {"migrante"}}});
  EXPECT_TRUE(HasFieldCode(
      service_->Propose(ben, Input({{"en", {"migrants", "migrant people"}}}, "migrant")).status(), "slug",
      "th_slug_taken"));
  EXPECT_EQ(changes_, 1);
}

TEST_F(ThesaurusTest, ImportAddsProposalsAndSkipsWhatIsThere) {
  Proposed(ben_, {{"en", {"refugee"}}, {"fr", {"réfugié"}}});
  std::vector<ConceptInput> inputs = {
      Input({{"en", {"refugee", "refugees"}}}, "refugee"),                            // there already
      Input({{"en", {"resettlement"}}, {"fr", {"réinstallation"}}}, "resettlement"),  // new
      Input({{"en", {"alone"}}}, "alone"),  // one term: not a synonym
  };
  EXPECT_EQ(service_->ImportProposals(people_->As(mo_), inputs).status().kind(), Kind::kPermissionDenied);
  auto added = service_->ImportProposals(people_->As(root_), inputs);
  ASSERT_TRUE(IsOk(added));
  EXPECT_EQ(*added, 1);
  auto again = service_->ImportProposals(people_->As(root_), inputs);
  ASSERT_TRUE(IsOk(again));
  EXPECT_EQ(*again, 0);
  auto r = service_->FindBySlug("resettlement");
  ASSERT_TRUE(IsOk(r));
  EXPECT_EQ(r->status, ConceptStatus::kProposed);
  EXPECT_EQ(r->proposed_by, root_.id);
}

}  // namespace
}  // namespace waymark::conformance
