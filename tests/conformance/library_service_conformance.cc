// LibraryService over the real stores, run against each backend:
// sqlite/Library...Test and postgres/Library...Test (PostgreSQL needs
// WAYMARK_TEST_PG_URL). See backend.h. The service is wired as the runtime
// wires it (src/app/runtime.cc): the library stores, the accounts stores and
// their unit of work, the change feed of the campaigns stores, the ISO
// country list, a FakeClock and real randomness. Text extraction is a fake
// (no poppler); search is a real Xapian index in a temporary directory, fed
// from the change feed by the Indexer.
//
// The fixture has two organisations and people in each role:
//   jed: ana (editor), ben (member), mo (moderator)
//   ami: bea (editor), bmo (moderator)
//   dual: moderator of jed and member of ami;  sam: signed in, no organisation;
//   root: a platform administrator.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "backend.h"
#include "crypto/crypto.h"
#include "domain/accounts/account_service.h"
#include "domain/library/library_service.h"
#include "domain/search/search.h"
#include "i18n/countries.h"
#include "search/xapian_index.h"
#include "storage/accounts/account_stores.h"
#include "storage/campaigns/campaign_stores.h"
#include "storage/library/library_stores.h"

namespace waymark::library {

// Readable failure messages.
inline void PrintTo(TextStatus s, std::ostream* os) { *os << ToString(s); }
inline void PrintTo(Lifecycle s, std::ostream* os) { *os << ToString(s); }
inline void PrintTo(const LocalText& t, std::ostream* os) {
  *os << "{title \"" << t.title << "\", abstract \"" << t.abstract << "\"}";
}
inline void PrintTo(const Name& n, std::ostream* os) {
  *os << "{family \"" << n.family << "\", given \"" << n.given << "\", literal \"" << n.literal << "\"}";
}

}  // namespace waymark::library

namespace waymark::conformance {
namespace {

using accounts::AccountService;
using accounts::Actor;
using accounts::Id;
using accounts::Organisation;
using accounts::OrganisationInput;
using accounts::User;
using library::HarvestQuery;
using library::ImportReport;
using library::Item;
using library::ItemFile;
using library::ItemInput;
using library::LibraryOptions;
using library::LibraryService;
using library::Lifecycle;
using library::LocalText;
using library::Name;
using library::Revision;
using library::TextExtractor;
using library::TextStatus;
using Kind = Status::Kind;
using namespace std::string_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr TimestampMs kHourMs = 3600LL * 1000;

// EXPECT_TRUE(HasFieldCode(result, "reason", "required")).
template <typename T>
::testing::AssertionResult HasFieldCode(const T& status_or_result, const std::string& field,
                                        const std::string& code) {
  const Status& s = StatusOf(status_or_result);
  if (s.kind() != Kind::kValidation) {
    return ::testing::AssertionFailure() << "expected validation, got " << Describe(s);
  }
  auto it = s.field_codes().find(field);
  if (it == s.field_codes().end()) {
    std::string fields;
    for (const auto& [f, c] : s.field_codes()) fields += f + "=" + c.code + " ";
    return ::testing::AssertionFailure() << "no error for '" << field << "'; errors: " << fields;
  }
  if (it->second.code != code) {
    return ::testing::AssertionFailure() << field << ": expected " << code << ", got " << it->second.code;
  }
  return ::testing::AssertionSuccess();
}

// A PDF as far as the service can tell (it sniffs the first bytes); the
// marker tells the fake extractor which one it is.
std::string Pdf(const std::string& marker) { return "%PDF-1.4\n% " + marker + "\n%%EOF\n"; }
const std::string kPng = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR"s;

// A TextExtractor that answers by the marker in the bytes: pages of text, a
// scan without text, or an error. Thread-safe once set up.
class FakeExtractor final : public TextExtractor {
 public:
  void Text(const std::string& marker, std::vector<std::string> pages) {
    Output out;
    out.page_count = static_cast<int>(pages.size());
    out.has_text = true;
    out.pages = std::move(pages);
    outputs_[marker] = out;
  }
  void Scan(const std::string& marker, int page_count) {
    Output out;
    out.page_count = page_count;
    outputs_[marker] = out;
  }
  void Fail(const std::string& marker, Status error) { errors_.emplace(marker, std::move(error)); }

  Result<Output> Extract(const ByteSource& source) override {
    ++calls;
    WM_ASSIGN_OR_RETURN(std::string bytes, ReadAll(source));
    for (const auto& [marker, error] : errors_) {
      if (bytes.find("% " + marker + "\n") != std::string::npos) return error;
    }
    for (const auto& [marker, out] : outputs_) {
      if (bytes.find("% " + marker + "\n") != std::string::npos) return out;
    }
    return Status::InvalidArgument("not a PDF this test knows");
  }

  std::atomic<int> calls{0};

 private:
  std::map<std::string, Output> outputs_;
  std::map<std::string, Status> errors_;
};

class LibraryServiceTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(IsOk(crypto::Init()));
    auto countries = i18n::Countries::Load(i18n::kDefaultIsoCodesJsonPath, i18n::Countries::DefaultMoPaths());
    ASSERT_TRUE(IsOk(countries));
    countries_ = std::move(countries).value();
    account_stores_ = std::make_unique<storage::AccountStores>(db());
    stores_ = account_stores_->stores();
    accounts_ = std::make_unique<AccountService>(stores_, clock_, *countries_, crypto::PasswordPolicy{});
    campaign_stores_ = std::make_unique<storage::CampaignStores>(db(), clock_);
    library_stores_ = std::make_unique<storage::LibraryStores>(db());
    service_ = std::make_unique<LibraryService>(stores_, library_stores_->stores(), campaign_stores_->feed(),
                                                clock_, random_, *countries_, options_);
    ASSERT_TRUE(IsOk(service_->SeedVocabularies()));

    jed_ = AddOrg("jed", "Jeunesse en Détresse");
    ami_ = AddOrg("ami", "Aide aux Migrants");
    ana_ = AddUser("ana@example.org", "Ana");
    ben_ = AddUser("ben@example.org", "Ben");
    mo_ = AddUser("mo@example.org", "Mo");
    bea_ = AddUser("bea@example.org", "Bea");
    bmo_ = AddUser("bmo@example.org", "Bmo");
    dual_ = AddUser("dual@example.org", "Dual");
    sam_ = AddUser("sam@example.org", "Sam");
    root_ = AddUser("root@example.org", "Root", /*is_admin=*/true);
    Grant(ana_, "jed", "editor");
    Grant(ben_, "jed", "member");
    Grant(mo_, "jed", "moderator");
    Grant(bea_, "ami", "editor");
    Grant(bmo_, "ami", "moderator");
    Grant(dual_, "jed", "moderator");
    Grant(dual_, "ami", "member");
  }

  void TearDown() override {
    service_.reset();
    library_stores_.reset();
    campaign_stores_.reset();
    accounts_.reset();
    account_stores_.reset();
    BackendTest::TearDown();
  }

  User AddUser(const std::string& email, const std::string& name, bool is_admin = false) {
    accounts::NewUser nu;
    nu.email = email;
    nu.name = name;
    nu.password_hash = "not-a-hash";
    nu.is_admin = is_admin;
    nu.created_at = clock_.NowMs();
    auto created = stores_.users->Create(nu);
    EXPECT_TRUE(IsOk(created));
    return created.ok() ? *created : User{};
  }

  Organisation AddOrg(const std::string& slug, const std::string& name) {
    OrganisationInput in;
    in.slug = slug;
    in.name = name;
    in.kind = "cso";
    auto created = accounts_->CreateOrganisation(Actor::Cli(), in);
    EXPECT_TRUE(IsOk(created));
    return created.ok() ? *created : Organisation{};
  }

  void Grant(const User& user, const std::string& slug, const std::string& role) {
    EXPECT_TRUE(IsOk(accounts_->SetMembership(Actor::Cli(), user.id, slug, role)));
  }

  // The actor for `user` as a request would see it: loaded afresh, with memberships.
  Actor As(const User& user) {
    auto fresh = stores_.users->FindById(user.id);
    EXPECT_TRUE(IsOk(fresh));
    return Actor::ForUser(fresh.ok() ? *fresh : user, "req-test");
  }
  static Actor Anonymous() { return Actor::Anonymous("req-anon"); }

  static ItemInput Input(const std::string& org, const std::string& title) {
    ItemInput in;
    in.organisation = org;
    in.type = "report";
    in.texts = std::map<std::string, LocalText>{{"en", LocalText{title, "What the study found."}}};
    in.authors = std::vector<Name>{Name{"Ndiaye", "Aïssatou", ""}};
    in.date = "2019";
    in.doc_language = "en";
    return in;
  }

  Item Draft(const User& author, const std::string& org, const std::string& title,
             const std::function<void(ItemInput&)>& tweak = {}) {
    ItemInput in = Input(org, title);
    if (tweak) tweak(in);
    auto created = service_->Create(As(author), in);
    EXPECT_TRUE(IsOk(created));
    return created.ok() ? *created : Item{};
  }

  Item Submitted(const User& author, const std::string& org, const std::string& title) {
    Item x = Draft(author, org, title);
    auto s = service_->Submit(As(author), x.id);
    EXPECT_TRUE(IsOk(s));
    return s.ok() ? *s : x;
  }

  // A jed item by ana published by mo (or an ami one by bea and bmo).
  Item Published(const std::string& title, const std::string& org = "jed",
                 const std::function<void(ItemInput&)>& tweak = {}) {
    const User& author = org == "jed" ? ana_ : bea_;
    const User& moderator = org == "jed" ? mo_ : bmo_;
    Item x = Draft(author, org, title, tweak);
    EXPECT_TRUE(IsOk(service_->Submit(As(author), x.id)));
    auto published = service_->Publish(As(moderator), x.id);
    EXPECT_TRUE(IsOk(published));
    return published.ok() ? *published : x;
  }

  ItemFile AddFileOk(const User& who, Id item_id, const std::string& filename, const std::string& bytes) {
    auto f = service_->AddFile(As(who), item_id, filename, bytes);
    EXPECT_TRUE(IsOk(f));
    return f.ok() ? *f : ItemFile{};
  }

  Item Stored(Id id) {
    auto x = service_->store().Get(id);
    EXPECT_TRUE(IsOk(x));
    return x.ok() ? *x : Item{};
  }

  ItemFile StoredFile(Id id) {
    auto f = service_->store().GetFile(id);
    EXPECT_TRUE(IsOk(f));
    return f.ok() ? *f : ItemFile{};
  }

  // Oldest first.
  std::vector<std::string> AuditActions(Id id) {
    auto list = stores_.audit->List(1000, "library_item", std::to_string(id));
    EXPECT_TRUE(IsOk(list));
    std::vector<std::string> out;
    if (list.ok()) {
      for (const auto& e : *list) out.push_back(e.action);
    }
    std::reverse(out.begin(), out.end());
    return out;
  }

  std::vector<search::Change> Feed() {
    auto changes = campaign_stores_->feed().Since(0, 100000);
    EXPECT_TRUE(IsOk(changes));
    return changes.ok() ? *changes : std::vector<search::Change>{};
  }

  std::vector<Id> FeedIds(const std::string& kind) {
    std::vector<Id> out;
    for (const auto& c : Feed()) {
      if (c.kind == kind) out.push_back(c.id);
    }
    return out;
  }

  // Newest first, as History gives them.
  std::vector<std::string> HistoryActions(const Actor& actor, Id id) {
    auto h = service_->History(actor, id);
    EXPECT_TRUE(IsOk(h));
    std::vector<std::string> out;
    if (h.ok()) {
      for (const auto& r : *h) out.push_back(r.action);
    }
    return out;
  }

  std::vector<std::string> Titles(const Result<std::vector<Item>>& items) {
    EXPECT_TRUE(IsOk(items));
    std::vector<std::string> out;
    if (items.ok()) {
      for (const auto& x : *items) out.push_back(x.Title("en"));
    }
    return out;
  }

  std::vector<std::string> PageTexts(const User& who, Id file_id) {
    auto pages = service_->FilePages(As(who), file_id, 1, 50);
    EXPECT_TRUE(IsOk(pages));
    std::vector<std::string> out;
    if (pages.ok()) {
      for (const auto& p : pages->second) out.push_back(p.text);
    }
    return out;
  }

  LibraryOptions options_;
  crypto::SodiumRandom random_;
  std::unique_ptr<i18n::Countries> countries_;
  std::unique_ptr<storage::AccountStores> account_stores_;
  accounts::Stores stores_{};
  std::unique_ptr<AccountService> accounts_;
  std::unique_ptr<storage::CampaignStores> campaign_stores_;
  std::unique_ptr<storage::LibraryStores> library_stores_;
  std::unique_ptr<LibraryService> service_;
  Organisation jed_, ami_;
  User ana_, ben_, mo_, bea_, bmo_, dual_, sam_, root_;
};

// --- Lifecycle --------------------------------------------------------------------

using LibraryWorkflowTest = LibraryServiceTest;

TEST_F(LibraryWorkflowTest, EveryChangeAddsARevisionAnAuditEntryAndAFeedEntry) {
  Item x = Draft(ana_, "jed", "Moving with the rains", [](ItemInput& in) {
    in.themes = std::vector<std::string>{"drought-water", "livelihoods"};
    in.countries = std::vector<std::string>{"sen", "MLI"};
  });  // 1 create
  EXPECT_EQ(x.lifecycle, Lifecycle::kDraft);
  EXPECT_EQ(x.slug, "moving-with-the-rains");
  EXPECT_EQ(x.org_id, jed_.id);
  EXPECT_EQ(x.org_slug, "jed");
  EXPECT_EQ(x.created_by, ana_.id);
  EXPECT_THAT(x.countries, ElementsAre("MLI", "SEN"));
  EXPECT_EQ(x.version, 1);

  ItemInput edit;
  edit.publisher = "IOM";
  edit.texts = std::map<std::string, LocalText>{{"fr", LocalText{"Partir avec les pluies", ""}}};
  clock_.AdvanceMs(1000);
  auto updated = service_->Update(As(ana_), x.id, edit);  // 2 update
  ASSERT_TRUE(IsOk(updated));
  EXPECT_EQ(updated->updated_at, clock_.NowMs());
  EXPECT_EQ(updated->texts.size(), 2u);
  EXPECT_EQ(updated->publisher, "IOM");
  clock_.AdvanceMs(1000);
  ASSERT_TRUE(IsOk(service_->Submit(As(ana_), x.id)));  // 3 submit
  clock_.AdvanceMs(1000);
  auto returned = service_->Return(As(mo_), x.id, "  Add the « methods », please  ");  // 4 return
  ASSERT_TRUE(IsOk(returned));
  EXPECT_EQ(returned->lifecycle, Lifecycle::kReturned);
  EXPECT_EQ(returned->moderation_note, "Add the « methods », please");
  ItemInput methods;
  methods.texts = std::map<std::string, LocalText>{{"en", LocalText{"Moving with the rains", "Methods: …"}}};
  ASSERT_TRUE(IsOk(service_->Update(As(ana_), x.id, methods)));  // 5 update
  ASSERT_TRUE(IsOk(service_->Submit(As(ana_), x.id)));           // 6 submit
  clock_.AdvanceMs(1000);
  const TimestampMs published_at = clock_.NowMs();
  auto published = service_->Publish(As(mo_), x.id);  // 7 publish
  ASSERT_TRUE(IsOk(published));
  EXPECT_EQ(published->published_at, published_at);
  EXPECT_EQ(published->moderation_note, "");
  clock_.AdvanceMs(1000);
  ASSERT_TRUE(IsOk(service_->Archive(As(mo_), x.id, "Superseded by the 2021 edition")));  // 8 archive
  clock_.AdvanceMs(1000);
  auto again = service_->Publish(As(mo_), x.id);  // 9 publish again
  ASSERT_TRUE(IsOk(again));
  EXPECT_EQ(again->published_at, published_at);  // the first publication date stays
  EXPECT_EQ(again->version, 9);

  const std::vector<std::string> expected = {"publish", "archive", "publish", "submit", "update",
                                             "return",  "submit",  "update",  "create"};
  EXPECT_EQ(HistoryActions(As(ben_), x.id), expected);
  auto history = service_->History(As(mo_), x.id);
  ASSERT_TRUE(IsOk(history));
  ASSERT_EQ(history->size(), 9u);
  for (std::size_t i = 0; i < history->size(); ++i) {
    const Revision& r = (*history)[i];
    EXPECT_EQ(r.version, static_cast<std::int64_t>(9 - i));
    EXPECT_EQ(r.snapshot.version, r.version);
    EXPECT_EQ(r.item_id, x.id);
    EXPECT_THAT(r.snapshot.files, IsEmpty());
  }
  EXPECT_EQ((*history)[1].note, "Superseded by the 2021 edition");
  EXPECT_EQ((*history)[1].snapshot.lifecycle, Lifecycle::kArchived);
  EXPECT_EQ((*history)[5].note, "Add the « methods », please");
  EXPECT_EQ((*history)[0].actor_user_id, mo_.id);
  EXPECT_EQ((*history)[0].actor_label, "Mo");
  EXPECT_EQ((*history)[8].actor_user_id, ana_.id);
  EXPECT_THAT((*history)[8].snapshot.themes, ElementsAre("drought-water", "livelihoods"));

  // The public sees the revisions in which it was published, without notes.
  auto public_history = service_->History(Anonymous(), x.id);
  ASSERT_TRUE(IsOk(public_history));
  ASSERT_EQ(public_history->size(), 2u);
  for (const auto& r : *public_history) {
    EXPECT_EQ(r.snapshot.lifecycle, Lifecycle::kPublished);
    EXPECT_EQ(r.note, "");
  }

  std::vector<std::string> audit;
  for (auto it = expected.rbegin(); it != expected.rend(); ++it) audit.push_back("library." + *it);
  EXPECT_EQ(AuditActions(x.id), audit);

  auto feed = Feed();
  ASSERT_EQ(feed.size(), 9u);
  for (const auto& c : feed) {
    EXPECT_EQ(c.kind, "library");
    EXPECT_EQ(c.id, x.id);
  }
  EXPECT_TRUE(std::is_sorted(feed.begin(), feed.end(),
                             [](const search::Change& a, const search::Change& b) { return a.seq < b.seq; }));
}

TEST_F(LibraryWorkflowTest, InvalidTransitionsAreConflictsAndLeaveNoTrace) {
  Item draft = Draft(ana_, "jed", "A draft");
  Item published = Published("Published already");
  Item returned = Submitted(ana_, "jed", "Sent back");
  ASSERT_TRUE(IsOk(service_->Return(As(mo_), returned.id, "Needs work")));
  Item archived = Published("Withdrawn already");
  ASSERT_TRUE(IsOk(service_->Archive(As(mo_), archived.id, "Retracted")));
  const std::size_t feed_before = Feed().size();
  const auto versions = [&] {
    return std::vector<std::int64_t>{Stored(draft.id).version, Stored(published.id).version,
                                     Stored(returned.id).version, Stored(archived.id).version};
  };
  const std::vector<std::int64_t> before = versions();

  EXPECT_TRUE(HasKind(service_->Return(As(mo_), draft.id, "Why?"), Kind::kConflict));
  EXPECT_TRUE(HasKind(service_->Return(As(mo_), published.id, "Why?"), Kind::kConflict));
  EXPECT_TRUE(HasKind(service_->Submit(As(ana_), published.id), Kind::kConflict));
  EXPECT_TRUE(HasKind(service_->Submit(As(ana_), archived.id), Kind::kConflict));
  EXPECT_TRUE(HasKind(service_->Publish(As(mo_), published.id), Kind::kConflict));
  EXPECT_TRUE(HasKind(service_->Publish(As(mo_), returned.id), Kind::kConflict));
  EXPECT_TRUE(HasKind(service_->Archive(As(mo_), archived.id, "Again"), Kind::kConflict));
  EXPECT_TRUE(HasFieldCode(service_->Return(As(mo_), returned.id, "   "), "reason", "required"));
  EXPECT_TRUE(HasFieldCode(service_->Archive(As(mo_), published.id, ""), "reason", "required"));

  // Optimistic concurrency: a stale version is a conflict; the current one passes.
  ItemInput stale;
  stale.publisher = "Stale";
  stale.expected_version = 0;
  EXPECT_TRUE(HasKind(service_->Update(As(ana_), draft.id, stale), Kind::kConflict));
  EXPECT_TRUE(HasKind(service_->Submit(As(ana_), draft.id, 7), Kind::kConflict));
  EXPECT_TRUE(HasKind(service_->Publish(As(mo_), draft.id, 7), Kind::kConflict));
  EXPECT_TRUE(HasKind(service_->Get(Anonymous(), 424242), Kind::kNotFound));
  EXPECT_TRUE(HasKind(service_->Publish(As(mo_), 424242), Kind::kNotFound));

  EXPECT_EQ(versions(), before);
  EXPECT_EQ(Feed().size(), feed_before);
  EXPECT_EQ(Stored(draft.id).publisher, "");
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM library_revisions"),
            before[0] + before[1] + before[2] + before[3]);

  ItemInput current;
  current.publisher = "Current";
  current.expected_version = 1;
  auto ok = service_->Update(As(ana_), draft.id, current);
  ASSERT_TRUE(IsOk(ok));
  EXPECT_EQ(ok->version, 2);
  EXPECT_TRUE(IsOk(service_->Submit(As(ana_), draft.id, 2)));
}

// --- Who may do what ------------------------------------------------------------

using LibraryPermissionTest = LibraryServiceTest;

TEST_F(LibraryPermissionTest, MembersAddForTheirOwnOrganisationAndOnlyItsModeratorsPublish) {
  EXPECT_TRUE(HasKind(service_->Create(Anonymous(), Input("jed", "Anonymous")), Kind::kUnauthenticated));
  EXPECT_TRUE(HasKind(service_->Create(As(sam_), Input("jed", "Outsider")), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->Create(As(ben_), Input("ami", "Not mine")), Kind::kPermissionDenied));
  EXPECT_TRUE(HasFieldCode(service_->Create(As(ben_), Input("nowhere", "No such org")), "organisation",
                           "org_unknown"));
  Item bens = Draft(ben_, "jed", "Ben's draft");  // any member
  Item anas = Draft(ana_, "jed", "Ana's draft");
  EXPECT_TRUE(IsOk(service_->Create(As(root_), Input("ami", "By an administrator"))));

  ItemInput edit;
  edit.publisher = "Edited";
  EXPECT_TRUE(IsOk(service_->Update(As(ben_), bens.id, edit)));  // their own draft
  EXPECT_TRUE(HasKind(service_->Update(As(ben_), anas.id, edit), Kind::kPermissionDenied));
  EXPECT_TRUE(IsOk(service_->Update(As(ana_), bens.id, edit)));                      // an editor of jed
  EXPECT_TRUE(HasKind(service_->Update(As(bea_), bens.id, edit), Kind::kNotFound));  // cannot see it
  EXPECT_TRUE(HasKind(service_->Get(As(bea_), bens.id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(service_->Get(Anonymous(), bens.id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(service_->GetBySlug(As(sam_), bens.slug), Kind::kNotFound));
  EXPECT_TRUE(IsOk(service_->Get(As(ben_), anas.id)));  // a member sees the organisation's drafts

  ASSERT_TRUE(IsOk(service_->Submit(As(ben_), bens.id)));
  EXPECT_TRUE(HasKind(service_->Update(As(ben_), bens.id, edit), Kind::kPermissionDenied));  // no longer open
  EXPECT_TRUE(HasKind(service_->Publish(As(ben_), bens.id), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->Publish(As(ana_), bens.id), Kind::kPermissionDenied));  // an editor
  EXPECT_TRUE(HasKind(service_->Publish(As(bmo_), bens.id), Kind::kNotFound));          // moderates ami only
  EXPECT_TRUE(HasKind(service_->Return(As(ana_), bens.id, "No"), Kind::kPermissionDenied));

  // The moderation queue: each moderator sees their organisations' items.
  Item amis = Submitted(bea_, "ami", "Ami's submission");
  EXPECT_THAT(Titles(service_->AwaitingModeration(As(mo_))), ElementsAre("Ben's draft"));
  EXPECT_THAT(Titles(service_->AwaitingModeration(As(bmo_))), ElementsAre("Ami's submission"));
  EXPECT_THAT(Titles(service_->AwaitingModeration(As(dual_))), ElementsAre("Ben's draft"));
  EXPECT_THAT(Titles(service_->AwaitingModeration(As(root_))),
              ElementsAre("Ben's draft", "Ami's submission"));
  EXPECT_TRUE(HasKind(service_->AwaitingModeration(As(ben_)), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->AwaitingModeration(As(ana_)), Kind::kPermissionDenied));

  ASSERT_TRUE(IsOk(service_->Publish(As(dual_), bens.id)));
  EXPECT_TRUE(HasKind(service_->Publish(As(dual_), amis.id), Kind::kPermissionDenied));  // a member of ami
  EXPECT_TRUE(IsOk(service_->Get(Anonymous(), bens.id)));
  EXPECT_TRUE(IsOk(service_->GetBySlug(As(sam_), bens.slug)));
  EXPECT_TRUE(HasKind(service_->Archive(As(ana_), bens.id, "Old"), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->Archive(As(bmo_), bens.id, "Old"), Kind::kPermissionDenied));
  EXPECT_TRUE(IsOk(service_->Archive(As(root_), bens.id, "Old")));
  EXPECT_TRUE(HasKind(service_->Get(Anonymous(), bens.id), Kind::kNotFound));

  // An organisation's list: everything for its people, the published for others.
  Published("Shown to all");
  EXPECT_THAT(Titles(service_->ForOrganisation(Anonymous(), "jed")), ElementsAre("Shown to all"));
  EXPECT_THAT(Titles(service_->ForOrganisation(As(bea_), "jed")), ElementsAre("Shown to all"));
  EXPECT_EQ(Titles(service_->ForOrganisation(As(ben_), "jed")).size(), 3u);
  EXPECT_TRUE(HasKind(service_->ForOrganisation(Anonymous(), "nowhere"), Kind::kNotFound));
}

// --- Import -----------------------------------------------------------------------

using LibraryImportTest = LibraryServiceTest;

TEST_F(LibraryImportTest, ABibtexListAddsDraftsAndReportsEachBrokenEntryWithItsLine) {
  const std::string long_title(501, 'x');
  const std::string bibtex =
      "% a reference list\n"                                                                   // 1
      "@techreport{rains,\n"                                                                   // 2
      "  title = {Moving with the rains},\n"                                                   // 3
      "  author = {Ndiaye, A{\\\"i}ssatou and {International Organization for Migration}},\n"  // 4
      "  institution = {IOM}, year = 2019,\n"                                                  // 5
      "  doi = {https://doi.org/10.1234/rains.2019},\n"                                        // 6
      "}\n"                                                                                    // 7
      "@article{notitle, year = 2019}\n"                                                       // 8
      "@article{heat, title = {Caf{\\'e} workers and heat}, author = {Sow, Amadou},\n"         // 9
      "  journal = {Journal of Heat}, year = {2021}, volume = {4}, pages = {1--9}}\n"          // 10
      "@book{long, title = {" +
      long_title +
      "}, year = 2020}\n"                                       // 11
      "@misc{cjk, title = {气候变化与迁移 🌍}, year = 2022}\n";  // 12
  clock_.AdvanceMs(1000);
  auto report = service_->Import(As(ben_), "jed", "bibtex", bibtex, /*submit=*/false);
  ASSERT_TRUE(IsOk(report));
  ASSERT_EQ(report->added.size(), 3u);
  EXPECT_EQ(report->added[0].line, 2);
  EXPECT_EQ(report->added[0].title, "Moving with the rains");
  EXPECT_EQ(report->added[1].line, 9);
  EXPECT_EQ(report->added[1].title, "Café workers and heat");
  EXPECT_EQ(report->added[2].line, 12);
  EXPECT_EQ(report->added[2].title, "气候变化与迁移 🌍");
  EXPECT_THAT(report->duplicates, IsEmpty());
  ASSERT_EQ(report->rejected.size(), 2u);
  EXPECT_EQ(report->rejected[0].line, 8);
  EXPECT_THAT(report->rejected[0].message, HasSubstr("no title"));
  EXPECT_EQ(report->rejected[1].line, 11);
  EXPECT_THAT(report->rejected[1].message, HasSubstr("title.en"));

  Item rains = Stored(report->added[0].item_id);
  EXPECT_EQ(rains.lifecycle, Lifecycle::kDraft);
  EXPECT_EQ(rains.org_id, jed_.id);
  EXPECT_EQ(rains.created_by, ben_.id);
  EXPECT_EQ(rains.type, "report");
  EXPECT_EQ(rains.doi, "10.1234/rains.2019");
  EXPECT_EQ(rains.created_at, clock_.NowMs());
  EXPECT_EQ(rains.authors, (std::vector<Name>{Name{"Ndiaye", "Aïssatou", ""},
                                              Name{"", "", "International Organization for Migration"}}));
  Item heat = Stored(report->added[1].item_id);
  EXPECT_EQ(heat.type, "article");
  EXPECT_EQ(heat.container_title, "Journal of Heat");
  EXPECT_EQ(heat.pages, "1-9");
  EXPECT_EQ(heat.date.year, 2021);
  Item cjk = Stored(report->added[2].item_id);
  EXPECT_FALSE(cjk.slug.empty());
  EXPECT_EQ(service_->GetBySlug(As(ben_), cjk.slug)->id, cjk.id);
  EXPECT_THAT(HistoryActions(As(ben_), rains.id), ElementsAre("import"));
  EXPECT_THAT(AuditActions(rains.id), ElementsAre("library.import"));
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM library_items"), 3);

  // Submitted at once when asked; a format it does not know is refused whole.
  auto submitted =
      service_->Import(As(ana_), "jed", "bibtex", "@book{new, title = {Fresh}, year = 2023}", true);
  ASSERT_TRUE(IsOk(submitted));
  ASSERT_EQ(submitted->added.size(), 1u);
  EXPECT_EQ(Stored(submitted->added[0].item_id).lifecycle, Lifecycle::kSubmitted);
  EXPECT_TRUE(HasKind(service_->Import(As(ana_), "jed", "endnote", bibtex, false), Kind::kInvalidArgument));
  EXPECT_TRUE(HasKind(service_->Import(As(bea_), "jed", "bibtex", bibtex, false), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->Import(Anonymous(), "jed", "bibtex", bibtex, false), Kind::kUnauthenticated));
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM library_items"), 4);
}

TEST_F(LibraryImportTest, TheSameDoiIsMergedIntoTheExistingItemFillingOnlyItsEmptyFields) {
  Item existing = Draft(ana_, "jed", "Moving with the rains", [](ItemInput& in) {
    in.doi = "10.1234/rains.2019";
    in.texts = std::map<std::string, LocalText>{{"en", LocalText{"Moving with the rains", ""}}};
  });
  const std::string bibtex =
      "@techreport{rains,\n"
      "  title = {A title the list got wrong},\n"
      "  abstract = {Herders follow the rains.},\n"
      "  author = {Someone, Else},\n"
      "  institution = {IOM}, address = {Genève}, number = {12}, year = 2018,\n"
      "  doi = {https://doi.org/10.1234/rains.2019},\n"
      "}\n";
  clock_.AdvanceMs(5000);
  auto report = service_->Import(As(ana_), "jed", "bibtex", bibtex, false);
  ASSERT_TRUE(IsOk(report));
  EXPECT_THAT(report->added, IsEmpty());
  ASSERT_EQ(report->duplicates.size(), 1u);
  const ImportReport::Duplicate& d = report->duplicates[0];
  EXPECT_EQ(d.line, 1);
  EXPECT_EQ(d.item_id, existing.id);
  EXPECT_EQ(d.title, "Moving with the rains");
  EXPECT_EQ(d.reason, "same DOI 10.1234/rains.2019");
  EXPECT_TRUE(d.filled);

  Item merged = Stored(existing.id);
  EXPECT_EQ(merged.version, 2);
  EXPECT_EQ(merged.updated_at, clock_.NowMs());
  EXPECT_EQ(merged.texts.at("en"), (LocalText{"Moving with the rains", "Herders follow the rains."}));
  EXPECT_EQ(merged.authors, existing.authors);  // not empty: kept
  EXPECT_EQ(merged.date, existing.date);        // 2019 kept
  EXPECT_EQ(merged.publisher, "IOM");
  EXPECT_EQ(merged.publisher_place, "Genève");
  EXPECT_EQ(merged.issue, "12");
  EXPECT_EQ(merged.lifecycle, Lifecycle::kDraft);
  auto history = service_->History(As(ana_), existing.id);
  ASSERT_TRUE(IsOk(history));
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].action, "import");
  EXPECT_EQ((*history)[0].note, "filled from a reference list");
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM library_items"), 1);

  // Again: still a duplicate, but nothing left to fill, so nothing is written.
  auto again = service_->Import(As(ana_), "jed", "bibtex", bibtex, false);
  ASSERT_TRUE(IsOk(again));
  ASSERT_EQ(again->duplicates.size(), 1u);
  EXPECT_FALSE(again->duplicates[0].filled);
  EXPECT_EQ(Stored(existing.id).version, 2);
  EXPECT_EQ(service_->History(As(ana_), existing.id)->size(), 2u);

  // Two entries with one new DOI in one list: the second is a duplicate of the first.
  auto twice = service_->Import(As(ana_), "jed", "bibtex",
                                "@misc{a, title = {First copy}, doi = {10.5555/twice}}\n"
                                "@misc{b, title = {Second copy}, doi = {10.5555/twice}, publisher = {P}}\n",
                                false);
  ASSERT_TRUE(IsOk(twice));
  ASSERT_EQ(twice->added.size(), 1u);
  ASSERT_EQ(twice->duplicates.size(), 1u);
  EXPECT_EQ(twice->duplicates[0].line, 2);
  EXPECT_EQ(twice->duplicates[0].item_id, twice->added[0].item_id);
  EXPECT_TRUE(twice->duplicates[0].filled);
  EXPECT_EQ(Stored(twice->added[0].item_id).publisher, "P");
}

TEST_F(LibraryImportTest, TheSameTitleYearAndFirstAuthorIsADuplicateFilledOnlyByThoseWhoMayEdit) {
  Item existing = Draft(ana_, "jed", "Étude sur les migrations climatiques", [](ItemInput& in) {
    in.authors = std::vector<Name>{Name{"Dupont", "Marie", ""}};
    in.date = "2020-05";
  });
  const std::string ris =
      "TY  - RPRT\n"
      "TI  - ETUDE sur les Migrations climatiques!\n"
      "AU  - DUPONT, M.\n"
      "PY  - 2020\n"
      "PB  - Presses de Dakar\n"
      "ER  - \n"
      "TY  - RPRT\n"
      "TI  - Étude sur les migrations climatiques\n"
      "AU  - Dupont, Marie\n"
      "PY  - 2021\n"
      "ER  - \n";
  // bea edits for ami, not for jed: the duplicate is reported, not merged.
  auto by_bea = service_->Import(As(bea_), "ami", "ris", ris, false);
  ASSERT_TRUE(IsOk(by_bea));
  ASSERT_EQ(by_bea->duplicates.size(), 1u);
  EXPECT_EQ(by_bea->duplicates[0].line, 1);
  EXPECT_EQ(by_bea->duplicates[0].item_id, existing.id);
  EXPECT_EQ(by_bea->duplicates[0].reason, "same title, year and first author");
  EXPECT_FALSE(by_bea->duplicates[0].filled);
  ASSERT_EQ(by_bea->added.size(), 1u);  // another year: another work
  EXPECT_EQ(by_bea->added[0].line, 7);
  EXPECT_EQ(Stored(by_bea->added[0].item_id).org_id, ami_.id);
  EXPECT_EQ(Stored(existing.id).publisher, "");
  EXPECT_EQ(Stored(existing.id).version, 1);

  // ana edits for jed: the same list fills the publisher; the 2021 one is now a duplicate too.
  auto by_ana = service_->Import(As(ana_), "jed", "ris", ris, false);
  ASSERT_TRUE(IsOk(by_ana));
  EXPECT_THAT(by_ana->added, IsEmpty());
  ASSERT_EQ(by_ana->duplicates.size(), 2u);
  EXPECT_EQ(by_ana->duplicates[0].item_id, existing.id);
  EXPECT_TRUE(by_ana->duplicates[0].filled);
  EXPECT_EQ(by_ana->duplicates[1].item_id, by_bea->added[0].item_id);
  EXPECT_FALSE(by_ana->duplicates[1].filled);  // ami's item: ana may not edit it
  Item merged = Stored(existing.id);
  EXPECT_EQ(merged.publisher, "Presses de Dakar");
  EXPECT_EQ(merged.texts.at("en").title, "Étude sur les migrations climatiques");
  EXPECT_EQ(merged.date, (library::PartialDate{2020, 5, 0}));
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM library_items"), 2);
}

// --- Files ------------------------------------------------------------------------

using LibraryFileTest = LibraryServiceTest;

TEST_F(LibraryFileTest, TheSameBytesOnTwoItemsAreStoredOnce) {
  Item a = Draft(ana_, "jed", "First");
  Item b = Draft(ana_, "jed", "Second");
  const std::string bytes = Pdf("shared") + std::string("\0\xff\x01binary", 9);
  ItemFile fa = AddFileOk(ana_, a.id, "../../report « été ».pdf", bytes);
  EXPECT_EQ(fa.filename, "report « été ».pdf");
  EXPECT_EQ(fa.media_type, "application/pdf");
  EXPECT_EQ(fa.text_status, TextStatus::kPending);
  EXPECT_EQ(fa.sha256, crypto::Sha256Hex(bytes));
  ItemFile fb = AddFileOk(ana_, b.id, "copy.txt", bytes);  // the name does not make it text
  EXPECT_EQ(fb.media_type, "application/pdf");
  EXPECT_NE(fb.id, fa.id);
  EXPECT_EQ(fb.sha256, fa.sha256);
  EXPECT_EQ(AddFileOk(ana_, a.id, "again.pdf", bytes).id, fa.id);  // once per item too
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM library_blobs"), 1);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM library_files"), 2);

  ItemFile png = AddFileOk(ana_, a.id, "map.png", kPng);
  EXPECT_EQ(png.text_status, TextStatus::kNotPdf);
  EXPECT_TRUE(
      HasKind(service_->AddFile(As(ana_), a.id, "notes.pdf", "plain text"), Kind::kUnsupportedMediaType));
  EXPECT_TRUE(HasKind(service_->AddFile(As(ana_), a.id, "empty.pdf", ""), Kind::kInvalidArgument));
  EXPECT_TRUE(HasKind(service_->AddFile(As(ben_), a.id, "x.pdf", Pdf("ben")), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->AddFile(As(bea_), a.id, "x.pdf", Pdf("bea")), Kind::kNotFound));
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM library_blobs"), 2);

  auto got = service_->GetFile(As(ben_), fb.id);
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(got->first, fb);
  EXPECT_TRUE(got->second == bytes);
  EXPECT_TRUE(HasKind(service_->GetFile(Anonymous(), fb.id), Kind::kNotFound));  // a draft's file
  EXPECT_THAT(Stored(a.id).files, ElementsAre(fa, png));

  // Removing one file keeps the bytes the other still uses.
  EXPECT_TRUE(HasKind(service_->RemoveFile(As(ben_), fa.id), Kind::kPermissionDenied));
  ASSERT_TRUE(IsOk(service_->RemoveFile(As(ana_), fa.id)));
  EXPECT_TRUE(HasKind(service_->GetFile(As(ana_), fa.id), Kind::kNotFound));
  EXPECT_TRUE(service_->GetFile(As(ana_), fb.id)->second == bytes);
  ASSERT_TRUE(IsOk(service_->RemoveFile(As(mo_), fb.id)));        // a moderator may too
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM library_blobs"), 1);  // the PNG
  EXPECT_THAT(AuditActions(a.id), ElementsAre("library.create", "library.file.add", "library.file.add",
                                              "library.file.add", "library.file.remove"));
}

// --- Text extraction --------------------------------------------------------------

using LibraryExtractionTest = LibraryServiceTest;

TEST_F(LibraryExtractionTest, ExtractPendingMarksPagesScansAndFailures) {
  Item a = Draft(ana_, "jed", "Has text");
  Item b = Draft(ana_, "jed", "Shares the text");
  ItemFile text_a = AddFileOk(ana_, a.id, "text.pdf", Pdf("text"));
  clock_.AdvanceMs(10);
  ItemFile text_b = AddFileOk(ana_, b.id, "same.pdf", Pdf("text"));
  ItemFile scan = AddFileOk(ana_, a.id, "scan.pdf", Pdf("scan"));
  clock_.AdvanceMs(10);
  ItemFile locked = AddFileOk(ana_, a.id, "locked.pdf", Pdf("locked"));
  AddFileOk(ana_, a.id, "photo.png", kPng);

  FakeExtractor extractor;
  extractor.Text("text", {"Première page : sécheresse", "", "Page three « 干旱 »"});
  extractor.Scan("scan", 7);
  extractor.Fail("locked", Status::InvalidArgument("the PDF is encrypted"));
  const std::size_t feed_before = Feed().size();

  auto done = service_->ExtractPending(extractor, 10);
  ASSERT_TRUE(IsOk(done));
  EXPECT_EQ(*done, 3);
  EXPECT_EQ(extractor.calls.load(), 3);  // once per blob, not per file; never for the image

  ItemFile ta = StoredFile(text_a.id);
  EXPECT_EQ(ta.text_status, TextStatus::kExtracted);
  EXPECT_EQ(ta.page_count, 3);
  EXPECT_EQ(StoredFile(text_b.id).text_status, TextStatus::kExtracted);
  ItemFile sc = StoredFile(scan.id);
  EXPECT_EQ(sc.text_status, TextStatus::kNoText);
  EXPECT_EQ(sc.page_count, 7);
  ItemFile lk = StoredFile(locked.id);
  EXPECT_EQ(lk.text_status, TextStatus::kFailed);
  EXPECT_EQ(lk.text_error, "the PDF is encrypted");
  EXPECT_EQ(lk.page_count, 0);

  EXPECT_EQ(PageTexts(ana_, text_a.id),
            (std::vector<std::string>{"Première page : sécheresse", "", "Page three « 干旱 »"}));
  EXPECT_EQ(PageTexts(ana_, text_b.id), PageTexts(ana_, text_a.id));
  EXPECT_THAT(PageTexts(ana_, scan.id), IsEmpty());
  auto range = service_->FilePages(As(ben_), text_a.id, 2, 1);
  ASSERT_TRUE(IsOk(range));
  ASSERT_EQ(range->second.size(), 1u);
  EXPECT_EQ(range->second[0].number, 2);
  EXPECT_TRUE(HasKind(service_->FilePages(Anonymous(), text_a.id, 1, 10), Kind::kNotFound));

  // The change feed: each page of the text blob, and every item of each blob.
  std::vector<Id> pages = service_->store().PageIdsOf(ta.sha256).value();
  ASSERT_EQ(pages.size(), 3u);
  auto feed = Feed();
  std::vector<search::Change> added(feed.begin() + static_cast<std::ptrdiff_t>(feed_before), feed.end());
  std::multiset<std::pair<std::string, Id>> got;
  for (const auto& c : added) got.emplace(c.kind, c.id);
  std::multiset<std::pair<std::string, Id>> want = {
      {"library_page", pages[0]}, {"library_page", pages[1]}, {"library_page", pages[2]},
      {"library", a.id},          {"library", b.id},  // the text blob
      {"library", a.id},                              // the scan
      {"library", a.id},                              // the failure
  };
  EXPECT_EQ(got, want);

  // Nothing is left; a later upload of the text is extracted already.
  EXPECT_EQ(service_->ExtractPending(extractor, 10).value(), 0);
  EXPECT_EQ(extractor.calls.load(), 3);
  Item c = Draft(ana_, "jed", "Third user of the text");
  ItemFile text_c = AddFileOk(ana_, c.id, "third.pdf", Pdf("text"));
  EXPECT_EQ(text_c.text_status, TextStatus::kExtracted);
  EXPECT_EQ(text_c.page_count, 3);
  EXPECT_EQ(FeedIds("library_page").size(), 6u);  // its pages fed again for the new item

  // An error that is not the file's fault leaves it pending, to retry.
  Item d = Draft(ana_, "jed", "Busy extractor");
  ItemFile busy = AddFileOk(ana_, d.id, "busy.pdf", Pdf("busy"));
  extractor.Fail("busy", Status::Unavailable("the extractor is busy"));
  EXPECT_TRUE(HasKind(service_->ExtractPending(extractor, 10), Kind::kUnavailable));
  EXPECT_EQ(StoredFile(busy.id).text_status, TextStatus::kPending);
  EXPECT_EQ(service_->store().PendingBlobs(10)->size(), 1u);
}

TEST_F(LibraryExtractionTest, TwoWorkersExtractingAtOnceDoEachBlobOnce) {
  Item x = Draft(ana_, "jed", "Many files");
  FakeExtractor extractor;
  constexpr int kBlobs = 6;
  for (int i = 0; i < kBlobs; ++i) {
    std::string marker = "doc" + std::to_string(i);
    extractor.Text(marker, {marker + " page one", marker + " page two"});
    AddFileOk(ana_, x.id, marker + ".pdf", Pdf(marker));
    clock_.AdvanceMs(1);
  }
  std::barrier start(2);
  Result<int> results[2] = {Status::Internal("not run"), Status::Internal("not run")};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      results[t] = service_->ExtractPending(extractor, 100);
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_TRUE(IsOk(results[0]));
  ASSERT_TRUE(IsOk(results[1]));
  EXPECT_EQ(*results[0] + *results[1], kBlobs);
  EXPECT_THAT(service_->store().PendingBlobs(100).value(), IsEmpty());
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM library_pages"), 2 * kBlobs);
  // Each page went to the feed once: only the worker that saved it fed it.
  std::vector<Id> fed = FeedIds("library_page");
  EXPECT_EQ(fed.size(), static_cast<std::size_t>(2 * kBlobs));
  EXPECT_EQ(std::set<Id>(fed.begin(), fed.end()).size(), fed.size());
  for (const auto& f : Stored(x.id).files) {
    EXPECT_EQ(f.text_status, TextStatus::kExtracted) << f.filename;
    EXPECT_EQ(PageTexts(ana_, f.id).size(), 2u) << f.filename;
  }
}

// An extractor may give a NUL byte or invalid UTF-8: SQLite would store
// them, PostgreSQL refuses both, and a blob left pending would block every
// blob behind it. ExtractPending stores valid UTF-8 without NUL on both.
TEST_F(LibraryExtractionTest, PageTextWithANulByteOrInvalidUtf8IsStoredOnBothBackends) {
  Item x = Draft(ana_, "jed", "Odd text");
  FakeExtractor extractor;
  extractor.Text("nul", {"before"s + '\0' + "after"});
  extractor.Text("latin1", {"caf\xE9 au lait"});
  extractor.Text("fine", {"nothing odd here"});
  ItemFile nul = AddFileOk(ana_, x.id, "nul.pdf", Pdf("nul"));
  clock_.AdvanceMs(1);
  ItemFile latin1 = AddFileOk(ana_, x.id, "latin1.pdf", Pdf("latin1"));
  clock_.AdvanceMs(1);
  ItemFile fine = AddFileOk(ana_, x.id, "fine.pdf", Pdf("fine"));

  auto done = service_->ExtractPending(extractor, 10);
  EXPECT_TRUE(IsOk(done));
  EXPECT_EQ(done.ok() ? *done : -1, 3);
  EXPECT_EQ(StoredFile(fine.id).text_status, TextStatus::kExtracted);
  EXPECT_EQ(StoredFile(nul.id).text_status, TextStatus::kExtracted);
  EXPECT_EQ(StoredFile(latin1.id).text_status, TextStatus::kExtracted);
  std::vector<std::string> nul_text = PageTexts(ana_, nul.id);
  ASSERT_EQ(nul_text.size(), 1u);
  EXPECT_THAT(nul_text[0], HasSubstr("before"));
  EXPECT_THAT(nul_text[0], HasSubstr("after"));
  std::vector<std::string> latin1_text = PageTexts(ana_, latin1.id);
  ASSERT_EQ(latin1_text.size(), 1u);
  EXPECT_THAT(latin1_text[0], HasSubstr("au lait"));
}

// --- Search -----------------------------------------------------------------------

class LibrarySearchTest : public LibraryServiceTest {
 protected:
  void SetUp() override {
    LibraryServiceTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    std::error_code ec;
    std::string tmpl = (std::filesystem::temp_directory_path(ec) / "wm-library-index-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    auto index = search::OpenXapianIndex(dir_ + "/index");
    ASSERT_TRUE(IsOk(index));
    index_ = std::move(index).value();
    documents_ = std::make_unique<library::LibraryDocuments>(*service_);
    indexer_ = std::make_unique<search::Indexer>(*index_, campaign_stores_->feed(), *documents_);
    service_->SetIndex(index_.get());
  }
  void TearDown() override {
    if (service_) service_->SetIndex(nullptr);
    indexer_.reset();
    documents_.reset();
    index_.reset();
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
    LibraryServiceTest::TearDown();
  }

  void CatchUp() { ASSERT_TRUE(IsOk(indexer_->CatchUp())); }

  library::LibrarySearch SearchFor(const Actor& actor, const std::string& words) {
    search::Query q;
    q.text = words;
    q.lang = "en";
    auto found = service_->Search(actor, q);
    EXPECT_TRUE(IsOk(found));
    return found.ok() ? *found : library::LibrarySearch{};
  }

  static std::vector<Id> Ids(const library::LibrarySearch& s) {
    std::vector<Id> out;
    for (const auto& x : s.items) out.push_back(x.id);
    return out;
  }

  std::string dir_;
  std::unique_ptr<search::Index> index_;
  std::unique_ptr<library::LibraryDocuments> documents_;
  std::unique_ptr<search::Indexer> indexer_;
};

TEST_F(LibrarySearchTest, AWordOnlyInAFilesTextFindsTheItemAndSaysOnWhichPage) {
  Item sahel = Draft(ana_, "jed", "Pastoral mobility in the Sahel");
  Item herders = Draft(ana_, "jed", "Herders and drought");
  Item hidden = Draft(ana_, "jed", "A draft using the same report");
  Item other = Draft(ana_, "jed", "Coastal flooding in Senegal");
  const std::string report = Pdf("corridors");
  ItemFile f_sahel = AddFileOk(ana_, sahel.id, "report.pdf", report);
  AddFileOk(ana_, sahel.id, "cover.png", kPng);
  ItemFile f_herders = AddFileOk(ana_, herders.id, "annex.pdf", report);
  AddFileOk(ana_, hidden.id, "copy.pdf", report);
  AddFileOk(ana_, other.id, "floods.pdf", Pdf("floods"));
  for (const Item& x : {sahel, herders, other}) {
    ASSERT_TRUE(IsOk(service_->Submit(As(ana_), x.id)));
    ASSERT_TRUE(IsOk(service_->Publish(As(mo_), x.id)));
  }
  FakeExtractor extractor;
  extractor.Text("corridors", {"Introduction to the study.", "Methods and sampling.",
                               "Seasonal transhumance corridors cross three borders.", "Conclusion."});
  extractor.Text("floods", {"Storm surges and coastal erosion."});
  ASSERT_EQ(service_->ExtractPending(extractor, 10).value(), 2);
  CatchUp();

  library::LibrarySearch found = SearchFor(Anonymous(), "transhumance");
  EXPECT_THAT(Ids(found), UnorderedElementsAre(sahel.id, herders.id));  // never the draft
  ASSERT_EQ(found.pages.count(sahel.id), 1u);
  EXPECT_EQ(found.pages[sahel.id].file_id, f_sahel.id);
  EXPECT_EQ(found.pages[sahel.id].page, 3);
  EXPECT_THAT(found.pages[sahel.id].snippet_html, HasSubstr("<mark>"));
  ASSERT_EQ(found.pages.count(herders.id), 1u);
  EXPECT_EQ(found.pages[herders.id].file_id, f_herders.id);  // its own file of the shared bytes
  EXPECT_EQ(found.pages[herders.id].page, 3);

  // A word of the title and of a file: the item, with the page where the file has it.
  found = SearchFor(As(sam_), "coastal");
  EXPECT_THAT(Ids(found), ElementsAre(other.id));
  EXPECT_EQ(found.pages[other.id].page, 1);
  // Words only in the metadata: no page to show.
  found = SearchFor(Anonymous(), "pastoral");
  EXPECT_THAT(Ids(found), ElementsAre(sahel.id));
  EXPECT_EQ(found.pages.count(sahel.id), 0u);
  EXPECT_THAT(SearchFor(Anonymous(), "nowhereword").items, IsEmpty());

  // Withdrawn: gone from search; the other user of the bytes stays.
  ASSERT_TRUE(IsOk(service_->Archive(As(mo_), herders.id, "Retracted")));
  CatchUp();
  found = SearchFor(Anonymous(), "transhumance");
  EXPECT_THAT(Ids(found), ElementsAre(sahel.id));
  EXPECT_EQ(found.pages[sahel.id].page, 3);

  // The file removed: its words go with it.
  ASSERT_TRUE(IsOk(service_->RemoveFile(As(ana_), f_sahel.id)));
  CatchUp();
  EXPECT_THAT(SearchFor(Anonymous(), "transhumance").items, IsEmpty());
  EXPECT_THAT(Ids(SearchFor(Anonymous(), "pastoral")), ElementsAre(sahel.id));
}

// --- Harvesting -------------------------------------------------------------------

using LibraryHarvestTest = LibraryServiceTest;

TEST_F(LibraryHarvestTest, HarvestByDateRangeAndSetWithWithdrawnItemsAsDeleted) {
  EXPECT_EQ(service_->EarliestChange().value(), 0);
  const TimestampMs t1 = clock_.NowMs() + kHourMs;
  clock_.SetMs(t1);
  Item a = Published("Sea-level rise in the Pacific", "jed",
                     [](ItemInput& in) { in.themes = std::vector<std::string>{"sea-level-rise"}; });
  const TimestampMs t2 = t1 + kHourMs;
  clock_.SetMs(t2);
  Item b = Published("Drought in the Horn of Africa", "ami", [](ItemInput& in) {
    in.type = "dataset";
    in.themes = std::vector<std::string>{"drought-water", "livelihoods"};
  });
  Draft(ana_, "jed", "Still a draft", [](ItemInput& in) { in.themes = std::vector<std::string>{"health"}; });
  Item never = Draft(ana_, "jed", "Archived before publication", [](ItemInput& in) { in.type = "video"; });
  ASSERT_TRUE(IsOk(service_->Archive(As(mo_), never.id, "Duplicate")));
  Submitted(ana_, "jed", "Waiting for a moderator");
  const TimestampMs t3 = t2 + kHourMs;
  clock_.SetMs(t3);
  ASSERT_TRUE(IsOk(service_->Archive(As(mo_), a.id, "Withdrawn by the authors")));

  HarvestQuery q;
  q.from = t1;
  q.until = t3;
  auto all = service_->Harvest(q);
  ASSERT_TRUE(IsOk(all));
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, b.id);
  EXPECT_EQ((*all)[0].updated_at, t2);
  EXPECT_EQ((*all)[0].lifecycle, Lifecycle::kPublished);
  EXPECT_EQ((*all)[1].id, a.id);  // now a deleted record, dated when it was withdrawn
  EXPECT_EQ((*all)[1].updated_at, t3);
  EXPECT_EQ((*all)[1].lifecycle, Lifecycle::kArchived);
  EXPECT_EQ((*all)[1].published_at, t1);

  q.until = t3 - 1;
  EXPECT_THAT(Titles(service_->Harvest(q)), ElementsAre("Drought in the Horn of Africa"));
  q.from = t3;
  q.until = t3 + kHourMs;
  EXPECT_THAT(Titles(service_->Harvest(q)), ElementsAre("Sea-level rise in the Pacific"));

  q.from = 0;
  q.type = "dataset";
  EXPECT_THAT(Titles(service_->Harvest(q)), ElementsAre("Drought in the Horn of Africa"));
  q.type = "video";
  EXPECT_THAT(Titles(service_->Harvest(q)), IsEmpty());
  q.type.reset();
  q.theme = "sea-level-rise";
  EXPECT_THAT(Titles(service_->Harvest(q)), ElementsAre("Sea-level rise in the Pacific"));
  q.theme = "health";
  EXPECT_THAT(Titles(service_->Harvest(q)), IsEmpty());

  EXPECT_EQ(service_->EarliestChange().value(), t2);
  using Set = std::pair<std::string, std::string>;
  EXPECT_THAT(service_->HarvestSets().value(),
              ElementsAre(Set{"type", "dataset"}, Set{"type", "report"}, Set{"theme", "drought-water"},
                          Set{"theme", "livelihoods"}, Set{"theme", "sea-level-rise"}));

  // Published again: back as a live record, with a new datestamp.
  const TimestampMs t4 = t3 + kHourMs;
  clock_.SetMs(t4);
  ASSERT_TRUE(IsOk(service_->Publish(As(mo_), a.id)));
  q.theme.reset();
  q.from = t4;
  q.until = t4;
  auto back = service_->Harvest(q);
  ASSERT_TRUE(IsOk(back));
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ((*back)[0].lifecycle, Lifecycle::kPublished);
}

// --- Concurrency ------------------------------------------------------------------

using LibraryConcurrencyTest = LibraryServiceTest;

TEST_F(LibraryConcurrencyTest, ItemsCreatedAtOnceWithOneTitleEachGetTheirOwnSlug) {
  constexpr int kThreads = 6;
  std::barrier start(kThreads);
  std::vector<Result<Item>> results(kThreads, Result<Item>(Status::Internal("not run")));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Actor actor = As(t % 2 == 0 ? ana_ : ben_);
      ItemInput in = Input("jed", "Same title everywhere");
      start.arrive_and_wait();
      results[static_cast<std::size_t>(t)] = service_->Create(actor, in);
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::string> slugs;
  for (int t = 0; t < kThreads; ++t) {
    const auto& r = results[static_cast<std::size_t>(t)];
    EXPECT_TRUE(IsOk(r)) << "thread " << t;
    if (r.ok()) slugs.insert(r->slug);
  }
  EXPECT_EQ(slugs.size(), static_cast<std::size_t>(kThreads));
  EXPECT_EQ(slugs.count("same-title-everywhere"), 1u);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM library_items"), kThreads);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM library_revisions"), kThreads);
  EXPECT_EQ(FeedIds("library").size(), static_cast<std::size_t>(kThreads));
}

TEST_F(LibraryConcurrencyTest, TwoModeratorsPublishingAtOnceOneWins) {
  for (int round = 0; round < 4; ++round) {
    SCOPED_TRACE(round);
    Item x = Submitted(ana_, "jed", "Race " + std::to_string(round));
    std::barrier start(2);
    Result<Item> results[2] = {Status::Internal("not run"), Status::Internal("not run")};
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) {
      threads.emplace_back([&, t] {
        Actor actor = As(t == 0 ? mo_ : dual_);
        start.arrive_and_wait();
        results[t] = service_->Publish(actor, x.id);
      });
    }
    for (auto& th : threads) th.join();
    int ok = (results[0].ok() ? 1 : 0) + (results[1].ok() ? 1 : 0);
    int conflict = (results[0].status().IsConflict() ? 1 : 0) + (results[1].status().IsConflict() ? 1 : 0);
    EXPECT_EQ(ok, 1) << Describe(results[0].status()) << " / " << Describe(results[1].status());
    EXPECT_EQ(conflict, 1) << Describe(results[0].status()) << " / " << Describe(results[1].status());
    EXPECT_THAT(HistoryActions(As(mo_), x.id), ElementsAre("publish", "submit", "create"));
    EXPECT_EQ(Stored(x.id).version, 3);
  }
}

}  // namespace
}  // namespace waymark::conformance
