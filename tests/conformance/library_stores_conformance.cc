// Conformance of the library stores (domain/library/stores.h), run against
// each backend: sqlite/LibraryStoresTest and postgres/LibraryStoresTest
// (PostgreSQL needs WAYMARK_TEST_PG_URL). See backend.h.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "backend.h"
#include "crypto/crypto.h"
#include "domain/accounts/stores.h"
#include "domain/library/stores.h"
#include "storage/accounts/account_stores.h"
#include "storage/copy.h"
#include "storage/library/library_stores.h"

namespace waymark::library {

// Readable failure messages.
inline void PrintTo(const LocalText& t, std::ostream* os) {
  *os << "{title \"" << t.title << "\", abstract \"" << t.abstract << "\"}";
}
inline void PrintTo(const Name& n, std::ostream* os) {
  *os << "{family \"" << n.family << "\", given \"" << n.given << "\", literal \"" << n.literal << "\"}";
}
inline void PrintTo(const PartialDate& d, std::ostream* os) {
  *os << d.year << "-" << d.month << "-" << d.day;
}
inline void PrintTo(TextStatus s, std::ostream* os) { *os << ToString(s); }
inline void PrintTo(Lifecycle s, std::ostream* os) { *os << ToString(s); }
inline void PrintTo(const PageText& p, std::ostream* os) {
  *os << "{page " << p.number << " of " << p.sha256.substr(0, 8) << ", \"" << p.text << "\"}";
}

}  // namespace waymark::library

namespace waymark::conformance {
namespace {

using library::Blob;
using library::HarvestQuery;
using library::Id;
using library::Item;
using library::ItemFile;
using library::Lifecycle;
using library::LocalText;
using library::Name;
using library::PageText;
using library::PartialDate;
using library::Revision;
using library::Term;
using library::TextStatus;
using Kind = Status::Kind;
using namespace std::string_literals;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr TimestampMs kT0 = 1'700'000'000'000;

// Every byte value, NULs and 0xFF included, over more than one page.
std::string BinaryBytes(std::size_t n) {
  std::string out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out.push_back(static_cast<char>((i * 7 + i / 256) % 256));
  return out;
}

// A file's metadata and blob for `bytes`, as LibraryService::AddFile builds them.
struct Upload {
  ItemFile file;
  Blob blob;
  std::string bytes;
};

Upload MakeUpload(Id item_id, const std::string& filename, const std::string& bytes, TimestampMs at,
                  const std::string& media_type = "application/pdf") {
  Upload u;
  u.bytes = bytes;
  u.file.item_id = item_id;
  u.file.filename = filename;
  u.file.media_type = media_type;
  u.file.size = static_cast<std::int64_t>(bytes.size());
  u.file.sha256 = crypto::Sha256Hex(bytes);
  u.file.created_at = at;
  u.blob.sha256 = u.file.sha256;
  u.blob.media_type = media_type;
  u.blob.size = u.file.size;
  u.blob.text_status = media_type == "application/pdf" ? TextStatus::kPending : TextStatus::kNotPdf;
  return u;
}

std::string Pdf(const std::string& marker) { return "%PDF-1.4\n% " + marker + "\n%%EOF\n"; }

// What extraction found in a blob: `texts` as pages 1..n.
Blob Extracted(const std::string& sha256, int page_count, TextStatus status = TextStatus::kExtracted,
               const std::string& error = "") {
  Blob b;
  b.sha256 = sha256;
  b.page_count = page_count;
  b.text_status = status;
  b.text_error = error;
  return b;
}

std::vector<PageText> PagesOf(const std::string& sha256, const std::vector<std::string>& texts) {
  std::vector<PageText> out;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    out.push_back(PageText{0, sha256, static_cast<int>(i) + 1, texts[i]});
  }
  return out;
}

std::vector<std::string> Texts(const std::vector<PageText>& pages) {
  std::vector<std::string> out;
  for (const auto& p : pages) out.push_back(p.text);
  return out;
}

std::vector<std::string> Slugs(const std::vector<Item>& items) {
  std::vector<std::string> out;
  for (const auto& x : items) out.push_back(x.slug);
  return out;
}

struct OrgRef {
  Id id = 0;
  std::string slug;
  std::string name;
};

class LibraryStoresTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(IsOk(crypto::Init()));
    account_stores_ = std::make_unique<storage::AccountStores>(db());
    accounts_ = account_stores_->stores();
    stores_ = std::make_unique<storage::LibraryStores>(db());
    jed_ = CreateOrg("jed", "Jeunesse en Détresse");
    ami_ = CreateOrg("ami", "Aide aux Migrants");
    auto user =
        accounts_.users->Create(accounts::NewUser{"ana@example.org", "Ana", "en", "hash", false, false, kT0});
    ASSERT_TRUE(IsOk(user));
    user_id_ = user->id;
  }
  void TearDown() override {
    stores_.reset();
    account_stores_.reset();
    BackendTest::TearDown();
  }

  library::ItemStore& store() { return stores_->items(); }
  library::TermStore& terms() { return stores_->terms(); }

  OrgRef CreateOrg(const std::string& slug, const std::string& name) {
    accounts::Organisation o;
    o.slug = slug;
    o.name = name;
    o.kind = accounts::OrgKind::kCso;
    o.created_at = kT0;
    o.updated_at = kT0;
    auto created = accounts_.organisations->Create(o);
    EXPECT_TRUE(IsOk(created));
    return created.ok() ? OrgRef{created->id, slug, name} : OrgRef{};
  }

  // An item with every field set; lists already in the store's order
  // (sorted bytewise, unique).
  Item Full(const std::string& slug) {
    Item x;
    x.slug = slug;
    x.type = "case_study";
    x.texts["en"] = LocalText{"Climate change and human mobility in the Sahel",
                              "First paragraph.\n\nSecond « paragraph », 5 € and \"quotes\" \\ too."};
    x.texts["fr"] = LocalText{"Changement climatique et mobilité humaine", ""};
    x.texts["es"] = LocalText{"Cambio climático — 气候变化 🌍", "Resumen con ñ"};
    x.authors = {Name{"Ndiaye", "Aïssatou", ""},
                 Name{"", "", "Organisation internationale pour les migrations"},
                 Name{"O'Brien", "Seán", ""}};
    x.publisher = "IOM";
    x.publisher_place = "Genève";
    x.container_title = "Migration Research Series";
    x.volume = "12";
    x.issue = "3";
    x.pages = "145-167";
    x.edition = "2nd";
    x.date = PartialDate{2019, 3, 0};
    x.doc_language = "fr";
    x.themes = {"cities", "drought-water"};
    x.keywords = {"Sahel", "adaptation", "éleveurs"};
    x.countries = {"MLI", "SEN"};
    x.regions = {"002", "202"};
    x.doi = "10.1234/abc.2019";
    x.isbn = "9780306406157";
    x.handle = "10625/1";
    x.url = "https://example.org/report?a=1&b=2";
    x.licence = "cc-by-nc";
    x.org_id = jed_.id;
    x.created_by = user_id_;
    x.lifecycle = Lifecycle::kPublished;
    x.moderation_note = "Checked with the authors";
    x.published_at = kT0 + 10;
    x.created_at = kT0;
    x.updated_at = kT0 + 5;
    return x;
  }

  // A draft with a title and nothing else.
  static Item Minimal(const std::string& slug, Lifecycle lifecycle = Lifecycle::kDraft,
                      TimestampMs updated_at = kT0) {
    Item x;
    x.slug = slug;
    x.texts["en"].title = "Title " + slug;
    x.lifecycle = lifecycle;
    x.created_at = kT0;
    x.updated_at = updated_at;
    return x;
  }

  // A published (or archived after publication) item, harvestable.
  static Item Harvestable(const std::string& slug, TimestampMs updated_at,
                          Lifecycle lifecycle = Lifecycle::kPublished) {
    Item x = Minimal(slug, lifecycle, updated_at);
    x.published_at = kT0;
    return x;
  }

  Item CreateOk(const Item& x) {
    auto created = store().Create(x);
    EXPECT_TRUE(IsOk(created));
    return created.ok() ? *created : Item{};
  }

  ItemFile AddFileOk(const Upload& u) {
    auto added = store().AddFile(u.file, u.blob, u.bytes);
    EXPECT_TRUE(IsOk(added));
    return added.ok() ? *added : ItemFile{};
  }

  std::vector<Id> HarvestIds(const HarvestQuery& q) {
    auto items = store().Harvest(q);
    EXPECT_TRUE(IsOk(items));
    std::vector<Id> out;
    if (items.ok()) {
      for (const auto& x : *items) out.push_back(x.id);
    }
    return out;
  }

  std::vector<std::string> HarvestSlugs(const HarvestQuery& q) {
    auto items = store().Harvest(q);
    EXPECT_TRUE(IsOk(items));
    return items.ok() ? Slugs(*items) : std::vector<std::string>{};
  }

  std::unique_ptr<storage::AccountStores> account_stores_;
  accounts::Stores accounts_{};
  std::unique_ptr<storage::LibraryStores> stores_;
  OrgRef jed_, ami_;
  Id user_id_ = 0;
};

// Every field but id, version, files and the organisation's names (which a
// revision snapshot does not carry).
void ExpectSameItem(const Item& got, const Item& want) {
  EXPECT_EQ(got.slug, want.slug);
  EXPECT_EQ(got.type, want.type);
  EXPECT_EQ(got.texts, want.texts);
  EXPECT_EQ(got.authors, want.authors);
  EXPECT_EQ(got.publisher, want.publisher);
  EXPECT_EQ(got.publisher_place, want.publisher_place);
  EXPECT_EQ(got.container_title, want.container_title);
  EXPECT_EQ(got.volume, want.volume);
  EXPECT_EQ(got.issue, want.issue);
  EXPECT_EQ(got.pages, want.pages);
  EXPECT_EQ(got.edition, want.edition);
  EXPECT_EQ(got.date, want.date);
  EXPECT_EQ(got.doc_language, want.doc_language);
  EXPECT_EQ(got.themes, want.themes);
  EXPECT_EQ(got.keywords, want.keywords);
  EXPECT_EQ(got.countries, want.countries);
  EXPECT_EQ(got.regions, want.regions);
  EXPECT_EQ(got.doi, want.doi);
  EXPECT_EQ(got.isbn, want.isbn);
  EXPECT_EQ(got.handle, want.handle);
  EXPECT_EQ(got.url, want.url);
  EXPECT_EQ(got.licence, want.licence);
  EXPECT_EQ(got.org_id, want.org_id);
  EXPECT_EQ(got.created_by, want.created_by);
  EXPECT_EQ(got.lifecycle, want.lifecycle);
  EXPECT_EQ(got.moderation_note, want.moderation_note);
  EXPECT_EQ(got.published_at, want.published_at);
  EXPECT_EQ(got.created_at, want.created_at);
  EXPECT_EQ(got.updated_at, want.updated_at);
}

// --- Create and read --------------------------------------------------------------

TEST_F(LibraryStoresTest, CreateReturnsEveryFieldAsStoredWithTheOrganisationsNames) {
  Item given = Full("sahel");
  given.id = 999;     // ignored
  given.version = 7;  // ignored
  given.files.push_back(ItemFile{5, 5, "x", "a.pdf", "application/pdf", 3, 0, TextStatus::kPending, "", kT0});
  auto created = store().Create(given);
  ASSERT_TRUE(IsOk(created));
  EXPECT_GT(created->id, 0);
  EXPECT_NE(created->id, 999);
  EXPECT_EQ(created->version, 1);
  EXPECT_THAT(created->files, IsEmpty());
  EXPECT_EQ(created->org_slug, "jed");
  EXPECT_EQ(created->org_name, "Jeunesse en Détresse");
  ExpectSameItem(*created, Full("sahel"));

  auto got = store().Get(created->id);
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(*got, *created);
  auto by_slug = store().FindBySlug("sahel");
  ASSERT_TRUE(IsOk(by_slug));
  EXPECT_EQ(*by_slug, *created);
}

TEST_F(LibraryStoresTest, NullsStayApartFromZerosAndCodeListsComeBackSortedAndUnique) {
  // No organisation, no creator, never published: NULLs, not zeros.
  Item minimal = Minimal("minimal");
  minimal.licence = "";  // the model's default comes back
  Item a = CreateOk(minimal);
  auto got = store().Get(a.id);
  ASSERT_TRUE(IsOk(got));
  EXPECT_FALSE(got->org_id.has_value());
  EXPECT_FALSE(got->created_by.has_value());
  EXPECT_FALSE(got->published_at.has_value());
  EXPECT_EQ(got->org_slug, "");
  EXPECT_EQ(got->org_name, "");
  EXPECT_EQ(got->licence, "unknown");
  EXPECT_EQ(got->doi, "");
  EXPECT_EQ(got->date, PartialDate{});
  EXPECT_THAT(got->authors, IsEmpty());
  EXPECT_EQ(got->texts.at("en"), (LocalText{"Title minimal", ""}));

  // Published at the epoch: a value of 0, not "never"; and a far-future
  // timestamp survives as a 64-bit integer.
  Item epoch = Minimal("epoch", Lifecycle::kPublished, 4'102'444'800'000);
  epoch.published_at = 0;
  epoch.created_at = 0;
  Item b = CreateOk(epoch);
  got = store().Get(b.id);
  ASSERT_TRUE(IsOk(got));
  ASSERT_TRUE(got->published_at.has_value());
  EXPECT_EQ(*got->published_at, 0);
  EXPECT_EQ(got->created_at, 0);
  EXPECT_EQ(got->updated_at, 4'102'444'800'000);

  Item unsorted = Minimal("unsorted");
  unsorted.themes = {"health", "cities", "health"};
  unsorted.keywords = {"éleveurs", "adaptation", "Sahel", "adaptation"};
  unsorted.countries = {"SEN", "MLI", "SEN"};
  unsorted.regions = {"202", "002"};
  Item c = CreateOk(unsorted);
  EXPECT_THAT(c.themes, ElementsAre("cities", "health"));
  EXPECT_THAT(c.keywords, ElementsAre("Sahel", "adaptation", "éleveurs"));
  EXPECT_THAT(c.countries, ElementsAre("MLI", "SEN"));
  EXPECT_THAT(c.regions, ElementsAre("002", "202"));
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM library_item_themes WHERE item_id=$1", {c.id}), 2);
}

TEST_F(LibraryStoresTest, ATakenSlugIsAConflictAndUnknownReferencesAreNotFound) {
  CreateOk(Minimal("taken"));
  EXPECT_TRUE(HasKind(store().Create(Minimal("taken")), Kind::kConflict));
  EXPECT_EQ(store().SlugTaken("taken").value(), true);
  EXPECT_EQ(store().SlugTaken("Taken").value(), false);  // slugs compare bytewise
  EXPECT_EQ(store().SlugTaken("free").value(), false);

  Item unknown_org = Minimal("unknown-org");
  unknown_org.org_id = 98765;
  EXPECT_TRUE(HasKind(store().Create(unknown_org), Kind::kNotFound));
  Item unknown_user = Minimal("unknown-user");
  unknown_user.created_by = 98765;
  EXPECT_TRUE(HasKind(store().Create(unknown_user), Kind::kNotFound));
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM library_items"), 1);
  EXPECT_EQ(store().SlugTaken("unknown-org").value(), false);

  EXPECT_TRUE(HasKind(store().Get(424242), Kind::kNotFound));
  EXPECT_TRUE(HasKind(store().FindBySlug("nope"), Kind::kNotFound));
  EXPECT_TRUE(HasKind(store().Modify(424242, [](Item x) -> Result<Item> { return x; }), Kind::kNotFound));
  EXPECT_TRUE(HasKind(store().GetFile(424242), Kind::kNotFound));
  EXPECT_TRUE(HasKind(store().GetPage(424242), Kind::kNotFound));
  EXPECT_TRUE(HasKind(store().BlobBytes(std::string(64, '0')), Kind::kNotFound));
  EXPECT_TRUE(HasKind(store().RemoveFile(424242), Kind::kNotFound));
}

TEST_F(LibraryStoresTest, GetManyKeepsTheOrderOfIdsSkipsUnknownOnesAndCrossesBatches) {
  Item a = CreateOk(Full("a"));
  Item b = CreateOk(Minimal("b"));
  Item c = CreateOk(Minimal("c"));
  auto many = store().GetMany({c.id, 424242, a.id, b.id, c.id});
  ASSERT_TRUE(IsOk(many));
  EXPECT_THAT(Slugs(*many), ElementsAre("c", "a", "b"));
  EXPECT_EQ((*many)[1].org_slug, "jed");
  EXPECT_EQ((*many)[1].authors.size(), 3u);
  EXPECT_THAT(store().GetMany({}).value(), IsEmpty());

  // More than the largest IN (...) batch (256 ids), in reverse order.
  std::vector<Id> ids = {a.id, b.id, c.id};
  for (int i = 0; i < 260; ++i) ids.push_back(CreateOk(Minimal("p" + std::to_string(i))).id);
  std::reverse(ids.begin(), ids.end());
  many = store().GetMany(ids);
  ASSERT_TRUE(IsOk(many));
  ASSERT_EQ(many->size(), ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) EXPECT_EQ((*many)[i].id, ids[i]) << i;

  auto first = store().ListIds(0, 2);
  ASSERT_TRUE(IsOk(first));
  EXPECT_THAT(*first, ElementsAre(a.id, b.id));
  auto next = store().ListIds(b.id, 2);
  ASSERT_TRUE(IsOk(next));
  EXPECT_EQ(next->front(), c.id);
  EXPECT_EQ(store().ListIds(0, 1000)->size(), ids.size());
}

// --- Modify -----------------------------------------------------------------------

TEST_F(LibraryStoresTest, ModifyWritesEveryFieldButTheFixedOnesAndBumpsTheVersion) {
  Item original = CreateOk(Full("full"));
  ItemFile file = AddFileOk(MakeUpload(original.id, "report.pdf", Pdf("modify"), kT0));
  Item want;
  auto modified = store().Modify(original.id, [&](Item x) -> Result<Item> {
    EXPECT_EQ(x.version, 1);
    EXPECT_EQ(x.files.size(), 1u);
    x.slug = "renamed";    // ignored
    x.created_at = 1;      // ignored
    x.created_by.reset();  // ignored
    x.version = 40;        // ignored
    x.files.clear();       // ignored
    x.type = "dataset";
    x.texts.erase("es");
    x.texts["en"] = LocalText{"Drought and displacement", "Nouvel résumé"};
    x.authors = {Name{"Diallo", "", ""}};
    x.publisher = "";
    x.publisher_place = "Dakar";
    x.container_title = "";
    x.volume = "";
    x.issue = "7";
    x.pages = "";
    x.edition = "";
    x.date = PartialDate{2021, 11, 30};
    x.doc_language = "en";
    x.themes = {"health"};
    x.keywords = {};
    x.countries = {"NER"};
    x.regions = {};
    x.doi = "10.5555/new";
    x.isbn = "";
    x.handle = "";
    x.url = "";
    x.licence = "cc0";
    x.org_id = ami_.id;
    x.lifecycle = Lifecycle::kArchived;
    x.moderation_note = "Withdrawn « at the authors' request »";
    x.published_at.reset();
    x.updated_at = kT0 + 100;
    want = x;
    return x;
  });
  ASSERT_TRUE(IsOk(modified));
  EXPECT_EQ(modified->id, original.id);
  EXPECT_EQ(modified->version, 2);
  want.slug = "full";
  want.created_at = kT0;
  want.created_by = user_id_;
  ExpectSameItem(*modified, want);
  EXPECT_EQ(modified->org_slug, "ami");
  EXPECT_EQ(modified->org_name, "Aide aux Migrants");
  EXPECT_THAT(modified->files, ElementsAre(file));  // kept

  auto got = store().Get(original.id);
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(*got, *modified);

  // The columns the store looks things up by follow the change.
  EXPECT_THAT(store().FindByDoi("10.1234/abc.2019").value(), IsEmpty());
  EXPECT_THAT(Slugs(store().FindByDoi("10.5555/new").value()), ElementsAre("full"));
  EXPECT_THAT(store().FindByMatchKey(library::MatchKey(original)).value(), IsEmpty());
  EXPECT_THAT(Slugs(store().FindByMatchKey(library::MatchKey(want)).value()), ElementsAre("full"));
  EXPECT_THAT(Slugs(store().ListByOrganisation(ami_.id, 10).value()), ElementsAre("full"));
  EXPECT_THAT(store().ListByOrganisation(jed_.id, 10).value(), IsEmpty());
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM library_item_themes WHERE item_id=$1", {original.id}), 1);
  EXPECT_EQ(store().SlugTaken("renamed").value(), false);

  auto third = store().Modify(original.id, [](Item x) -> Result<Item> { return x; });
  ASSERT_TRUE(IsOk(third));
  EXPECT_EQ(third->version, 3);
}

TEST_F(LibraryStoresTest, AModifyThatFailsWritesNothing) {
  Item x = CreateOk(Full("stale"));
  auto refused = store().Modify(x.id, [](Item item) -> Result<Item> {
    item.publisher = "should not land";
    return Status::Conflict("changed by someone else");
  });
  ASSERT_TRUE(HasKind(refused, Kind::kConflict));
  EXPECT_EQ(refused.status().message(), "changed by someone else");

  auto unknown_org = store().Modify(x.id, [](Item item) -> Result<Item> {
    item.publisher = "should not land either";
    item.themes = {"rights"};
    item.org_id = 98765;
    return item;
  });
  EXPECT_TRUE(HasKind(unknown_org, Kind::kNotFound));

  auto got = store().Get(x.id);
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(got->version, 1);
  ExpectSameItem(*got, Full("stale"));
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM library_item_themes WHERE item_id=$1", {x.id}), 2);
}

TEST_F(LibraryStoresTest, ConcurrentModifiesFromTwoThreadsAreSerialised) {
  Item x = CreateOk(Minimal("busy"));
  constexpr int kThreads = 2;
  constexpr int kPerThread = 15;
  std::atomic<int> failures{0};
  std::barrier start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < kPerThread; ++i) {
        auto r = store().Modify(x.id, [&](Item item) -> Result<Item> {
          item.keywords.push_back("k" + std::to_string(t * 100 + i));
          std::this_thread::yield();
          return item;
        });
        if (!r.ok()) {
          ++failures;
          ADD_FAILURE() << Describe(r.status());
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto got = store().Get(x.id);
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(got->version, 1 + kThreads * kPerThread);
  EXPECT_EQ(got->keywords.size(), static_cast<std::size_t>(kThreads * kPerThread));
}

// --- Lookups and lists ------------------------------------------------------------

TEST_F(LibraryStoresTest, DuplicatesAreFoundByExactDoiOrMatchKeyInAnyLifecycle) {
  Item a = Minimal("a", Lifecycle::kArchived);
  a.doi = "10.1234/Mixed.Case";
  a.texts["en"].title = "Étude sur les migrations";
  a.authors = {Name{"Dupont", "Marie", ""}};
  a.date = PartialDate{2020, 0, 0};
  a = CreateOk(a);
  Item b = Minimal("b");  // the same work, without a DOI, with the title folded differently
  b.texts["en"].title = "ETUDE sur les Migrations!";
  b.authors = {Name{"DUPONT", "M.", ""}};
  b.date = PartialDate{2020, 5, 1};
  b = CreateOk(b);
  Item c = Minimal("c");  // another year
  c.texts["en"].title = "Étude sur les migrations";
  c.authors = {Name{"Dupont", "Marie", ""}};
  c.date = PartialDate{2021, 0, 0};
  c = CreateOk(c);
  CreateOk(Minimal("no-doi"));

  EXPECT_THAT(Slugs(store().FindByDoi("10.1234/Mixed.Case").value()), ElementsAre("a"));
  EXPECT_THAT(store().FindByDoi("10.1234/mixed.case").value(), IsEmpty());  // bytewise on both
  EXPECT_THAT(store().FindByDoi("").value(), IsEmpty());                    // never the items without one
  EXPECT_EQ(library::MatchKey(a), library::MatchKey(b));
  EXPECT_THAT(Slugs(store().FindByMatchKey(library::MatchKey(b)).value()), ElementsAre("a", "b"));
  EXPECT_THAT(Slugs(store().FindByMatchKey(library::MatchKey(c)).value()), ElementsAre("c"));
  EXPECT_THAT(store().FindByMatchKey("nothing|0|").value(), IsEmpty());
}

TEST_F(LibraryStoresTest, ListsOrderByUpdateThenIdOnBothBackends) {
  auto make = [&](const std::string& slug, Lifecycle l, TimestampMs updated, std::optional<Id> org) {
    Item x = Minimal(slug, l, updated);
    x.org_id = org;
    return CreateOk(x);
  };
  make("s-late", Lifecycle::kSubmitted, kT0 + 30, jed_.id);
  make("s-tie-1", Lifecycle::kSubmitted, kT0 + 10, ami_.id);
  make("draft", Lifecycle::kDraft, kT0 + 5, jed_.id);
  make("s-tie-2", Lifecycle::kSubmitted, kT0 + 10, jed_.id);
  make("s-early", Lifecycle::kSubmitted, kT0 + 1, std::nullopt);
  make("published", Lifecycle::kPublished, kT0 + 20, jed_.id);

  EXPECT_THAT(Slugs(store().ListByLifecycle(Lifecycle::kSubmitted, 10).value()),
              ElementsAre("s-early", "s-tie-1", "s-tie-2", "s-late"));
  EXPECT_THAT(Slugs(store().ListByLifecycle(Lifecycle::kSubmitted, 2).value()),
              ElementsAre("s-early", "s-tie-1"));
  EXPECT_THAT(store().ListByLifecycle(Lifecycle::kReturned, 10).value(), IsEmpty());
  // Newest update first; on a tie, the newer id first.
  EXPECT_THAT(Slugs(store().ListByOrganisation(jed_.id, 10).value()),
              ElementsAre("s-late", "published", "s-tie-2", "draft"));
  make("jed-tie", Lifecycle::kDraft, kT0 + 30, jed_.id);
  EXPECT_THAT(Slugs(store().ListByOrganisation(jed_.id, 2).value()), ElementsAre("jed-tie", "s-late"));
  EXPECT_THAT(store().ListByOrganisation(424242, 10).value(), IsEmpty());
}

// --- Revisions --------------------------------------------------------------------

TEST_F(LibraryStoresTest, RevisionsRoundTripTheirSnapshotAndListNewestFirst) {
  Item x = CreateOk(Full("revised"));
  Revision r1;
  r1.item_id = x.id;
  r1.version = 1;
  r1.at = kT0 + 1;
  r1.actor_user_id = user_id_;
  r1.actor_label = "Ana";
  r1.action = "create";
  r1.snapshot = x;
  ASSERT_TRUE(IsOk(store().AddRevision(r1)));

  Revision r2 = r1;
  r2.version = 2;
  r2.at = kT0 + 2;
  r2.actor_user_id.reset();
  r2.actor_label = "cli";
  r2.action = "return";
  r2.note = "Please add the « authors » — 谢谢";
  r2.snapshot = Minimal("revised");
  r2.snapshot.id = x.id;
  r2.snapshot.version = 2;
  r2.snapshot.lifecycle = Lifecycle::kReturned;
  ASSERT_TRUE(IsOk(store().AddRevision(r2)));

  EXPECT_TRUE(HasKind(store().AddRevision(r2), Kind::kConflict));
  Revision orphan = r2;
  orphan.item_id = 424242;
  EXPECT_TRUE(HasKind(store().AddRevision(orphan), Kind::kNotFound));

  auto list = store().ListRevisions(x.id);
  ASSERT_TRUE(IsOk(list));
  ASSERT_EQ(list->size(), 2u);
  const Revision& second = (*list)[0];
  const Revision& first = (*list)[1];
  EXPECT_EQ(second.item_id, x.id);
  EXPECT_EQ(second.version, 2);
  EXPECT_EQ(second.at, kT0 + 2);
  EXPECT_FALSE(second.actor_user_id.has_value());
  EXPECT_EQ(second.actor_label, "cli");
  EXPECT_EQ(second.action, "return");
  EXPECT_EQ(second.note, r2.note);
  ExpectSameItem(second.snapshot, r2.snapshot);
  EXPECT_EQ(second.snapshot.id, x.id);
  EXPECT_EQ(second.snapshot.version, 2);
  EXPECT_FALSE(second.snapshot.org_id.has_value());
  EXPECT_FALSE(second.snapshot.published_at.has_value());

  EXPECT_EQ(first.version, 1);
  EXPECT_EQ(first.actor_user_id, user_id_);
  EXPECT_EQ(first.action, "create");
  EXPECT_EQ(first.note, "");
  ExpectSameItem(first.snapshot, x);
  EXPECT_EQ(first.snapshot.id, x.id);
  EXPECT_EQ(first.snapshot.version, 1);

  EXPECT_THAT(store().ListRevisions(x.id + 1000).value(), IsEmpty());
}

// --- Files and blobs --------------------------------------------------------------

TEST_F(LibraryStoresTest, TheSameBytesAreOneBlobWhicheverItemsUseThem) {
  Item p = CreateOk(Minimal("p"));
  Item q = CreateOk(Minimal("q"));
  const std::string bytes = "%PDF-1.7\n"s + BinaryBytes(300'000) + "\0\xff"s;
  ItemFile first = AddFileOk(MakeUpload(p.id, "report « é ».pdf", bytes, kT0 + 1));
  EXPECT_GT(first.id, 0);
  EXPECT_EQ(first.item_id, p.id);
  EXPECT_EQ(first.sha256, crypto::Sha256Hex(bytes));
  EXPECT_EQ(first.filename, "report « é ».pdf");
  EXPECT_EQ(first.media_type, "application/pdf");
  EXPECT_EQ(first.size, static_cast<std::int64_t>(bytes.size()));
  EXPECT_EQ(first.text_status, TextStatus::kPending);
  EXPECT_EQ(first.created_at, kT0 + 1);

  // The same bytes on the same item: the file it has already, name and all.
  Upload renamed = MakeUpload(p.id, "renamed.pdf", bytes, kT0 + 2);
  auto again = store().AddFile(renamed.file, renamed.blob, renamed.bytes);
  ASSERT_TRUE(IsOk(again));
  EXPECT_EQ(*again, first);
  // On another item: a file of its own on the same blob.
  ItemFile elsewhere = AddFileOk(MakeUpload(q.id, "copy.pdf", bytes, kT0 + 3));
  EXPECT_NE(elsewhere.id, first.id);
  EXPECT_EQ(elsewhere.sha256, first.sha256);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM library_blobs"), 1);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM library_files"), 2);

  auto back = store().BlobBytes(first.sha256);
  ASSERT_TRUE(IsOk(back));
  EXPECT_EQ(back->size(), bytes.size());
  EXPECT_TRUE(*back == bytes);
  EXPECT_EQ(store().GetFile(first.id).value(), first);

  // An image: no text expected, so never pending; an empty file is a blob too.
  ItemFile png = AddFileOk(MakeUpload(p.id, "map.png", "\x89PNG\r\n\x1a\n\0\0"s, kT0 + 4, "image/png"));
  EXPECT_EQ(png.text_status, TextStatus::kNotPdf);
  ItemFile empty = AddFileOk(MakeUpload(p.id, "empty.jpg", "", kT0 + 5, "image/jpeg"));
  EXPECT_EQ(empty.size, 0);
  EXPECT_EQ(store().BlobBytes(empty.sha256).value(), "");

  // An item carries its files in upload order.
  EXPECT_THAT(store().Get(p.id)->files, ElementsAre(first, png, empty));
  EXPECT_THAT(store().Get(q.id)->files, ElementsAre(elsewhere));
  EXPECT_THAT(store().ItemsUsing(first.sha256).value(), ElementsAre(p.id, q.id));

  Upload orphan = MakeUpload(424242, "x.pdf", Pdf("x"), kT0);
  EXPECT_TRUE(HasKind(store().AddFile(orphan.file, orphan.blob, orphan.bytes), Kind::kNotFound));
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM library_blobs"), 3);
}

// Issue 12: a file's bytes go to the database a piece (kBytePieceSize) at a
// time, and come back whole, or a piece at a time from any offset.
TEST_F(LibraryStoresTest, ALargeFileIsStoredInPiecesAndReadBackFromAnyOffset) {
  Item p = CreateOk(Minimal("big-file"));
  std::string bytes = "%PDF-1.7\n";
  while (bytes.size() < 2 * kBytePieceSize + 12345) bytes += std::to_string(bytes.size()) + ",";
  Upload u = MakeUpload(p.id, "big.pdf", bytes, kT0 + 1);
  // Read from a ByteSource that answers in short reads: the pieces are
  // whole all the same.
  class Trickle final : public ByteSource {
   public:
    explicit Trickle(const std::string& s) : s_(s) {}
    std::int64_t size() const override { return s_.size(); }
    Result<std::size_t> ReadAt(std::int64_t offset, char* out, std::size_t n) const override {
      return s_.ReadAt(offset, out, std::min<std::size_t>(n, 70001));
    }

   private:
    StringByteSource s_;
  } trickle(bytes);
  auto added = store().AddFile(u.file, u.blob, trickle);
  ASSERT_TRUE(IsOk(added));
  EXPECT_EQ(added->size, static_cast<std::int64_t>(bytes.size()));
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM library_blob_chunks"), 3);
  EXPECT_TRUE(store().BlobBytes(u.blob.sha256).value() == bytes);

  auto source = store().OpenBlob(u.blob.sha256);
  ASSERT_TRUE(IsOk(source));
  ASSERT_EQ((*source)->size(), static_cast<std::int64_t>(bytes.size()));
  for (std::int64_t at : {std::int64_t{0}, static_cast<std::int64_t>(kBytePieceSize) - 3,
                          static_cast<std::int64_t>(2 * kBytePieceSize) + 100}) {
    char buf[10];
    auto n = (*source)->ReadAt(at, buf, sizeof buf);
    ASSERT_TRUE(IsOk(n));
    ASSERT_GT(*n, 0u);
    EXPECT_EQ(std::string(buf, *n), bytes.substr(static_cast<std::size_t>(at), *n)) << at;
  }
  EXPECT_TRUE(HasKind(store().OpenBlob(std::string(64, '1')), Kind::kNotFound));

  // The pieces go with the last file that uses them.
  ASSERT_TRUE(IsOk(store().RemoveFile(added->id)));
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM library_blob_chunks"), 0);
}

TEST_F(LibraryStoresTest, RemovingTheLastFileOfABlobDropsTheBlobAndItsPages) {
  Item p = CreateOk(Minimal("p"));
  Item q = CreateOk(Minimal("q"));
  const std::string bytes = Pdf("shared");
  ItemFile fp = AddFileOk(MakeUpload(p.id, "a.pdf", bytes, kT0));
  ItemFile fq = AddFileOk(MakeUpload(q.id, "b.pdf", bytes, kT0));
  ASSERT_TRUE(IsOk(store().SaveExtraction(Extracted(fp.sha256, 2), PagesOf(fp.sha256, {"one", "two"}))));
  std::vector<Id> pages = store().PageIdsOf(fp.sha256).value();
  ASSERT_EQ(pages.size(), 2u);

  ASSERT_TRUE(IsOk(store().RemoveFile(fp.id)));
  EXPECT_TRUE(HasKind(store().GetFile(fp.id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(store().RemoveFile(fp.id), Kind::kNotFound));
  EXPECT_THAT(store().Get(p.id)->files, IsEmpty());
  // q still uses the blob: its bytes and pages stay.
  EXPECT_EQ(store().BlobBytes(fq.sha256).value(), bytes);
  EXPECT_EQ(store().PageIdsOf(fq.sha256).value(), pages);
  EXPECT_THAT(store().ItemsUsing(fq.sha256).value(), ElementsAre(q.id));

  ASSERT_TRUE(IsOk(store().RemoveFile(fq.id)));
  EXPECT_TRUE(HasKind(store().BlobBytes(fq.sha256), Kind::kNotFound));
  EXPECT_THAT(store().PageIdsOf(fq.sha256).value(), IsEmpty());
  EXPECT_TRUE(HasKind(store().GetPage(pages[0]), Kind::kNotFound));
  EXPECT_THAT(store().ItemsUsing(fq.sha256).value(), IsEmpty());
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM library_blobs"), 0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM library_pages"), 0);

  // Uploading the bytes again starts over: pending, no pages.
  ItemFile back = AddFileOk(MakeUpload(q.id, "b.pdf", bytes, kT0 + 9));
  EXPECT_EQ(back.text_status, TextStatus::kPending);
  EXPECT_EQ(back.page_count, 0);
}

// --- Extraction and pages ---------------------------------------------------------

TEST_F(LibraryStoresTest, PendingBlobsAreExtractedOnceAndTheirPagesReadInRanges) {
  Item x = CreateOk(Minimal("x"));
  Item y = CreateOk(Minimal("y"));
  // Created out of order: pending blobs come oldest first.
  ItemFile late = AddFileOk(MakeUpload(x.id, "late.pdf", Pdf("late"), kT0 + 30));
  ItemFile early = AddFileOk(MakeUpload(x.id, "early.pdf", Pdf("early"), kT0 + 10));
  ItemFile scan = AddFileOk(MakeUpload(y.id, "scan.pdf", Pdf("scan"), kT0 + 20));
  AddFileOk(MakeUpload(y.id, "photo.png", "\x89PNG\r\n\x1a\nphoto", kT0 + 5, "image/png"));

  auto pending = store().PendingBlobs(10);
  ASSERT_TRUE(IsOk(pending));
  std::vector<std::string> shas;
  for (const auto& b : *pending) shas.push_back(b.sha256);
  EXPECT_THAT(shas, ElementsAre(early.sha256, scan.sha256, late.sha256));
  EXPECT_EQ((*pending)[0].media_type, "application/pdf");
  EXPECT_EQ((*pending)[0].size, static_cast<std::int64_t>(Pdf("early").size()));
  EXPECT_EQ(store().PendingBlobs(1)->size(), 1u);

  const std::vector<std::string> texts = {"Page one: sécheresse", "", "Page three « 干旱 »\nline two",
                                          "Page four", "Page five"};
  ASSERT_TRUE(IsOk(store().SaveExtraction(Extracted(early.sha256, 5), PagesOf(early.sha256, texts))));
  ASSERT_TRUE(IsOk(store().SaveExtraction(Extracted(scan.sha256, 12, TextStatus::kNoText), {})));
  ASSERT_TRUE(IsOk(
      store().SaveExtraction(Extracted(late.sha256, 0, TextStatus::kFailed, "encrypted: « password »"), {})));
  EXPECT_THAT(store().PendingBlobs(10).value(), IsEmpty());

  // Only once: another instance that extracted it too is told so, and the
  // pages stay as the first one saved them.
  EXPECT_TRUE(HasKind(store().SaveExtraction(Extracted(early.sha256, 1), PagesOf(early.sha256, {"other"})),
                      Kind::kConflict));
  EXPECT_TRUE(HasKind(store().SaveExtraction(Extracted(std::string(64, 'f'), 1), {}), Kind::kConflict));

  ItemFile e = store().GetFile(early.id).value();
  EXPECT_EQ(e.text_status, TextStatus::kExtracted);
  EXPECT_EQ(e.page_count, 5);
  EXPECT_EQ(e.text_error, "");
  ItemFile s = store().GetFile(scan.id).value();
  EXPECT_EQ(s.text_status, TextStatus::kNoText);
  EXPECT_EQ(s.page_count, 12);
  ItemFile l = store().GetFile(late.id).value();
  EXPECT_EQ(l.text_status, TextStatus::kFailed);
  EXPECT_EQ(l.text_error, "encrypted: « password »");

  auto all = store().Pages(early.sha256, 1, 100);
  ASSERT_TRUE(IsOk(all));
  EXPECT_EQ(Texts(*all), texts);
  EXPECT_EQ(Texts(store().Pages(early.sha256, 2, 2).value()), (std::vector<std::string>{"", texts[2]}));
  EXPECT_EQ(Texts(store().Pages(early.sha256, 5, 10).value()), (std::vector<std::string>{"Page five"}));
  EXPECT_THAT(store().Pages(early.sha256, 6, 10).value(), IsEmpty());
  EXPECT_THAT(store().Pages(scan.sha256, 1, 10).value(), IsEmpty());

  std::vector<Id> page_ids = store().PageIdsOf(early.sha256).value();
  ASSERT_EQ(page_ids.size(), 5u);
  EXPECT_TRUE(std::is_sorted(page_ids.begin(), page_ids.end()));
  auto third = store().GetPage(page_ids[2]);
  ASSERT_TRUE(IsOk(third));
  EXPECT_EQ(third->id, page_ids[2]);
  EXPECT_EQ(third->sha256, early.sha256);
  EXPECT_EQ(third->number, 3);
  EXPECT_EQ(third->text, texts[2]);
  EXPECT_EQ((*all)[2].id, page_ids[2]);
  EXPECT_THAT(store().ListPageIds(0, 2).value(), ElementsAre(page_ids[0], page_ids[1]));
  EXPECT_THAT(store().ListPageIds(page_ids[3], 10).value(), ElementsAre(page_ids[4]));

  // A later upload of an extracted blob shares what was found in it.
  ItemFile reused = AddFileOk(MakeUpload(y.id, "same.pdf", Pdf("early"), kT0 + 40));
  EXPECT_EQ(reused.text_status, TextStatus::kExtracted);
  EXPECT_EQ(reused.page_count, 5);
  EXPECT_THAT(store().ItemsUsing(early.sha256).value(), ElementsAre(x.id, y.id));
  EXPECT_EQ(store().PageIdsOf(early.sha256).value(), page_ids);
}

TEST_F(LibraryStoresTest, AnExtractionThatFailsHalfwayLeavesTheBlobPendingWithoutPages) {
  Item x = CreateOk(Minimal("x"));
  ItemFile f = AddFileOk(MakeUpload(x.id, "a.pdf", Pdf("half"), kT0));
  // Page 2 twice: the second insert breaks the unique (sha256, page_number).
  std::vector<PageText> pages = PagesOf(f.sha256, {"one", "two", "three"});
  pages[2].number = 2;
  Status s = store().SaveExtraction(Extracted(f.sha256, 3), pages);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM library_pages"), 0);
  EXPECT_EQ(store().GetFile(f.id)->text_status, TextStatus::kPending);
  EXPECT_EQ(store().GetFile(f.id)->page_count, 0);
  ASSERT_EQ(store().PendingBlobs(10)->size(), 1u);
  // And it can be done properly afterwards.
  ASSERT_TRUE(IsOk(store().SaveExtraction(Extracted(f.sha256, 3), PagesOf(f.sha256, {"one", "two", "3"}))));
  EXPECT_EQ(Texts(store().Pages(f.sha256, 1, 10).value()), (std::vector<std::string>{"one", "two", "3"}));
}

TEST_F(LibraryStoresTest, ConcurrentUploadsOfTheSameBytesStoreOneBlob) {
  constexpr int kThreads = 4;
  // Round 0: new bytes, each thread to an item of its own (the blob is
  // contended); round 1: the same bytes, every thread to one new item (the
  // file row is contended too); round 2: new bytes, every thread to one new
  // item (both).
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE(round);
    const std::string bytes = "%PDF-1.5\n"s + std::to_string(round == 1 ? 0 : round) + BinaryBytes(50'000);
    std::vector<Id> items;
    for (int t = 0; t < (round == 0 ? kThreads : 1); ++t) {
      items.push_back(CreateOk(Minimal("r" + std::to_string(round) + "-" + std::to_string(t))).id);
    }
    std::barrier start(kThreads);
    std::vector<Result<ItemFile>> results(kThreads, Result<ItemFile>(Status::Internal("not run")));
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        Id item = items[round == 0 ? static_cast<std::size_t>(t) : 0];
        Upload u = MakeUpload(item, "f" + std::to_string(t) + ".pdf", bytes, kT0 + round);
        start.arrive_and_wait();
        results[static_cast<std::size_t>(t)] = store().AddFile(u.file, u.blob, u.bytes);
      });
    }
    for (auto& th : threads) th.join();
    std::set<Id> file_ids;
    for (int t = 0; t < kThreads; ++t) {
      const auto& r = results[static_cast<std::size_t>(t)];
      EXPECT_TRUE(IsOk(r)) << "thread " << t;
      if (r.ok()) file_ids.insert(r->id);
    }
    EXPECT_EQ(file_ids.size(), round == 0 ? static_cast<std::size_t>(kThreads) : 1u);
    EXPECT_EQ(store().BlobBytes(crypto::Sha256Hex(bytes)).value(), bytes);
    EXPECT_EQ(store().ItemsUsing(crypto::Sha256Hex(bytes)).value().size(),
              round == 1 ? static_cast<std::size_t>(kThreads) + 1 : items.size());
  }
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM library_blobs"), 2);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM library_files"), kThreads + 2);
}

// The blob goes with its last file; an upload of the same bytes at that
// moment must neither fail nor be left with a file whose bytes are gone.
//
// On PostgreSQL (READ COMMITTED) this needs the blob row locked: RemoveFile
// takes it FOR UPDATE before it checks for other files, AddFile holds it
// FOR SHARE until its file row is committed.
TEST_F(LibraryStoresTest, AnUploadRacingTheRemovalOfTheLastFileOfItsBytesLosesNothing) {
  Item a = CreateOk(Minimal("a"));
  Item b = CreateOk(Minimal("b"));
  for (int round = 0; round < 40; ++round) {
    SCOPED_TRACE(round);
    const std::string bytes = Pdf("race " + std::to_string(round));
    ItemFile old = AddFileOk(MakeUpload(a.id, "old.pdf", bytes, kT0));
    Upload u = MakeUpload(b.id, "new.pdf", bytes, kT0 + 1);
    std::barrier start(2);
    Status removed = Status::Internal("not run");
    Result<ItemFile> added = Status::Internal("not run");
    std::thread remover([&] {
      start.arrive_and_wait();
      removed = store().RemoveFile(old.id);
    });
    std::thread adder([&] {
      start.arrive_and_wait();
      added = store().AddFile(u.file, u.blob, u.bytes);
    });
    remover.join();
    adder.join();
    EXPECT_TRUE(IsOk(removed));
    ASSERT_TRUE(IsOk(added));
    EXPECT_TRUE(IsOk(store().GetFile(added->id)));
    EXPECT_EQ(store().BlobBytes(u.file.sha256).value(), bytes);
    if (removed.ok()) {
      EXPECT_THAT(store().ItemsUsing(u.file.sha256).value(), ElementsAre(b.id));
    }
    ASSERT_TRUE(IsOk(store().RemoveFile(added->id)));
    if (HasFailure()) break;
  }
}

TEST_F(LibraryStoresTest, TwoInstancesSavingTheSameExtractionAtOnceOneWins) {
  Item x = CreateOk(Minimal("x"));
  for (int round = 0; round < 5; ++round) {
    SCOPED_TRACE(round);
    ItemFile f = AddFileOk(MakeUpload(x.id, "a.pdf", Pdf("race " + std::to_string(round)), kT0));
    std::barrier start(2);
    Status results[2] = {Status::Internal("not run"), Status::Internal("not run")};
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) {
      threads.emplace_back([&, t] {
        std::string who = t == 0 ? "first" : "second";
        std::vector<PageText> pages = PagesOf(f.sha256, {who + " 1", who + " 2"});
        start.arrive_and_wait();
        results[t] = store().SaveExtraction(Extracted(f.sha256, 2), pages);
      });
    }
    for (auto& th : threads) th.join();
    int ok = (results[0].ok() ? 1 : 0) + (results[1].ok() ? 1 : 0);
    int conflict = (results[0].IsConflict() ? 1 : 0) + (results[1].IsConflict() ? 1 : 0);
    EXPECT_EQ(ok, 1) << Describe(results[0]) << " / " << Describe(results[1]);
    EXPECT_EQ(conflict, 1) << Describe(results[0]) << " / " << Describe(results[1]);
    std::string winner = results[0].ok() ? "first" : "second";
    EXPECT_EQ(Texts(store().Pages(f.sha256, 1, 10).value()),
              (std::vector<std::string>{winner + " 1", winner + " 2"}));
  }
}

// --- Harvesting -------------------------------------------------------------------

TEST_F(LibraryStoresTest, HarvestTakesPublishedAndWithdrawnItemsChangedInTheRange) {
  CreateOk(Harvestable("p-100", kT0 + 100));
  CreateOk(Harvestable("p-200", kT0 + 200));
  CreateOk(Harvestable("withdrawn-150", kT0 + 150, Lifecycle::kArchived));
  CreateOk(Minimal("archived-unpublished-160", Lifecycle::kArchived, kT0 + 160));
  CreateOk(Minimal("draft-120", Lifecycle::kDraft, kT0 + 120));
  CreateOk(Minimal("submitted-130", Lifecycle::kSubmitted, kT0 + 130));
  Item returned =
      Harvestable("returned-140", kT0 + 140, Lifecycle::kReturned);  // published_at alone is not enough
  CreateOk(returned);
  CreateOk(Harvestable("p-300", kT0 + 300));

  HarvestQuery q;
  q.from = kT0 + 100;
  q.until = kT0 + 200;
  EXPECT_THAT(HarvestSlugs(q), ElementsAre("p-100", "withdrawn-150", "p-200"));  // both ends inclusive
  q.from = kT0 + 101;
  EXPECT_THAT(HarvestSlugs(q), ElementsAre("withdrawn-150", "p-200"));
  q.until = kT0 + 199;
  EXPECT_THAT(HarvestSlugs(q), ElementsAre("withdrawn-150"));
  q.from = 0;
  q.until = kT0 * 2;
  EXPECT_THAT(HarvestSlugs(q), ElementsAre("p-100", "withdrawn-150", "p-200", "p-300"));
  q.until = kT0 + 99;
  EXPECT_THAT(HarvestSlugs(q), IsEmpty());

  // A withdrawn item comes back whole, as archived (a deleted record).
  q.from = kT0 + 150;
  q.until = kT0 + 150;
  auto items = store().Harvest(q);
  ASSERT_TRUE(IsOk(items));
  ASSERT_EQ(items->size(), 1u);
  EXPECT_EQ((*items)[0].lifecycle, Lifecycle::kArchived);
  EXPECT_EQ((*items)[0].published_at, kT0);
}

TEST_F(LibraryStoresTest, HarvestPagesThroughTiedDatestampsWithoutLossOrRepeat) {
  // Datestamps with ties, created out of order, one at the epoch.
  const std::vector<TimestampMs> stamps = {kT0 + 5, kT0 + 5, kT0 + 1, kT0 + 5, kT0 + 9,
                                           0,       kT0 + 1, kT0 + 9, kT0 + 5, kT0 + 2};
  std::vector<std::pair<TimestampMs, Id>> want;
  for (std::size_t i = 0; i < stamps.size(); ++i) {
    Item x = CreateOk(Harvestable("h" + std::to_string(i), stamps[i]));
    want.emplace_back(stamps[i], x.id);
  }
  CreateOk(Minimal("draft-tie", Lifecycle::kDraft, kT0 + 5));
  std::sort(want.begin(), want.end());

  for (int limit : {1, 2, 3, 4, 100}) {
    SCOPED_TRACE(limit);
    std::vector<std::pair<TimestampMs, Id>> got;
    HarvestQuery q;
    q.from = 0;
    q.until = kT0 + 9;
    q.limit = limit;
    for (int page = 0; page < 20; ++page) {
      auto items = store().Harvest(q);
      ASSERT_TRUE(IsOk(items));
      EXPECT_LE(items->size(), static_cast<std::size_t>(limit));
      for (const auto& x : *items) got.emplace_back(x.updated_at, x.id);
      if (static_cast<int>(items->size()) < limit) break;
      q.after_at = items->back().updated_at;
      q.after_id = items->back().id;
    }
    EXPECT_EQ(got, want);
  }

  // The limit is kept within 1..1000.
  HarvestQuery q;
  q.until = kT0 + 9;
  q.limit = 0;
  EXPECT_EQ(HarvestIds(q).size(), 1u);
  q.limit = -5;
  EXPECT_EQ(HarvestIds(q).size(), 1u);
  q.limit = 1'000'000;
  EXPECT_EQ(HarvestIds(q).size(), want.size());
}

TEST_F(LibraryStoresTest, HarvestSetsTypesThemesAndTheEarliestChange) {
  EXPECT_EQ(store().EarliestChange().value(), 0);
  EXPECT_THAT(store().HarvestSets().value(), IsEmpty());

  Item report = Harvestable("report", kT0 + 30);
  report.themes = {"drought-water", "health"};
  report = CreateOk(report);
  Item dataset = Harvestable("dataset", kT0 + 40);
  dataset.type = "dataset";
  dataset.themes = {"cities"};
  CreateOk(dataset);
  Item withdrawn = Harvestable("withdrawn-map", kT0 + 20, Lifecycle::kArchived);
  withdrawn.type = "map";
  withdrawn.themes = {"sea-level-rise"};
  CreateOk(withdrawn);
  Item plain = Harvestable("plain", kT0 + 50);
  CreateOk(plain);
  Item draft = Minimal("draft", Lifecycle::kDraft, kT0 + 1);  // older, but not harvestable
  draft.type = "video";
  draft.themes = {"gender"};
  CreateOk(draft);

  EXPECT_EQ(store().EarliestChange().value(), kT0 + 20);
  using Set = std::pair<std::string, std::string>;
  EXPECT_THAT(
      store().HarvestSets().value(),
      ElementsAre(Set{"type", "dataset"}, Set{"type", "map"}, Set{"type", "report"}, Set{"theme", "cities"},
                  Set{"theme", "drought-water"}, Set{"theme", "health"}, Set{"theme", "sea-level-rise"}));

  HarvestQuery q;
  q.until = kT0 + 100;
  q.type = "report";
  EXPECT_THAT(HarvestSlugs(q), ElementsAre("report", "plain"));
  q.type = "video";
  EXPECT_THAT(HarvestSlugs(q), IsEmpty());
  q.type.reset();
  q.theme = "health";
  EXPECT_THAT(HarvestSlugs(q), ElementsAre("report"));
  q.theme = "";  // any theme
  EXPECT_THAT(HarvestSlugs(q), ElementsAre("withdrawn-map", "report", "dataset"));
  q.type = "map";
  EXPECT_THAT(HarvestSlugs(q), ElementsAre("withdrawn-map"));

  // A change of themes moves the item between sets.
  ASSERT_TRUE(IsOk(store().Modify(report.id, [](Item x) -> Result<Item> {
    x.themes = {"rights"};
    x.updated_at = kT0 + 60;
    return x;
  })));
  q.type.reset();
  q.theme = "health";
  EXPECT_THAT(HarvestSlugs(q), IsEmpty());
  q.theme = "rights";
  EXPECT_THAT(HarvestSlugs(q), ElementsAre("report"));
  auto sets = store().HarvestSets().value();
  EXPECT_EQ(std::count(sets.begin(), sets.end(), Set{"theme", "health"}), 0);
  EXPECT_EQ(std::count(sets.begin(), sets.end(), Set{"theme", "rights"}), 1);
}

// --- Terms ------------------------------------------------------------------------

TEST_F(LibraryStoresTest, TermsAreSavedReplacedAndListedByVocabularyPositionCode) {
  EXPECT_THAT(terms().List().value(), IsEmpty());
  Term floods{"theme", "floods", {{"en", "Floods"}, {"fr", "Inondations"}, {"es", "Inundaciones"}}, 2, true};
  Term drought{"theme", "drought", {{"en", "Drought"}}, 1, true};
  Term b{"keyword", "b-word", {{"en", "B"}}, 0, true};
  Term a{"keyword", "a-word", {}, 0, false};
  Term z{"keyword", "z-word", {{"fr", "Zone « côtière »"}}, -1, true};
  for (const Term& t : {floods, drought, b, a, z}) ASSERT_TRUE(IsOk(terms().Save(t)));
  auto list = terms().List();
  ASSERT_TRUE(IsOk(list));
  EXPECT_THAT(*list, ElementsAre(z, a, b, drought, floods));

  Term replaced{"theme", "floods", {{"es", "Crecidas"}}, 0, false};
  ASSERT_TRUE(IsOk(terms().Save(replaced)));
  list = terms().List();
  ASSERT_TRUE(IsOk(list));
  EXPECT_THAT(*list, ElementsAre(z, a, b, replaced, drought));
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM library_terms"), 5);
}

// --- Units of work ----------------------------------------------------------------

TEST_F(LibraryStoresTest, AFailedUnitOfWorkLeavesNothingBehind) {
  Item existing = CreateOk(Full("existing"));
  ItemFile pending = AddFileOk(MakeUpload(existing.id, "p.pdf", Pdf("pending"), kT0));
  Status s = accounts_.unit->Run([&]() -> Status {
    auto created = store().Create(Full("doomed"));
    if (!created.ok()) return created.status();
    Upload u = MakeUpload(created->id, "x.pdf", Pdf("doomed"), kT0);
    auto file = store().AddFile(u.file, u.blob, u.bytes);
    if (!file.ok()) return file.status();
    WM_RETURN_IF_ERROR(store().SaveExtraction(Extracted(pending.sha256, 1), PagesOf(pending.sha256, {"p"})));
    auto modified = store().Modify(existing.id, [](Item x) -> Result<Item> {
      x.publisher = "changed";
      x.themes = {"rights"};
      return x;
    });
    if (!modified.ok()) return modified.status();
    Revision r;
    r.item_id = created->id;
    r.version = 1;
    r.action = "create";
    r.snapshot = *created;
    WM_RETURN_IF_ERROR(store().AddRevision(r));
    WM_RETURN_IF_ERROR(terms().Save(Term{"keyword", "doomed", {}, 0, true}));
    return Status::Internal("the audit log is full");
  });
  EXPECT_TRUE(HasKind(s, Kind::kInternal));
  EXPECT_EQ(store().SlugTaken("doomed").value(), false);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM library_items"), 1);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM library_files"), 1);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM library_blobs"), 1);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM library_pages"), 0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM library_revisions"), 0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM library_terms"), 0);
  EXPECT_EQ(store().GetFile(pending.id)->text_status, TextStatus::kPending);
  auto got = store().Get(existing.id);
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(got->version, 1);
  ExpectSameItem(*got, Full("existing"));
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM library_item_themes WHERE item_id=$1", {existing.id}), 2);
}

// --- Copy -------------------------------------------------------------------------

// `waymark copy` carries the library across backends: this backend -> SQLite
// -> a fresh database on this backend.
TEST_F(LibraryStoresTest, CopyCarriesItemsBlobsAndPagesAcrossBackends) {
  Item x = CreateOk(Full("copied"));
  Item y = CreateOk(Minimal("other"));
  const std::string bytes = "%PDF-1.6\n"s + BinaryBytes(70'000);
  ItemFile f = AddFileOk(MakeUpload(x.id, "a.pdf", bytes, kT0));
  AddFileOk(MakeUpload(y.id, "b.pdf", bytes, kT0 + 1));
  ASSERT_TRUE(IsOk(store().SaveExtraction(Extracted(f.sha256, 2), PagesOf(f.sha256, {"un", "deux « 2 »"}))));
  Revision r;
  r.item_id = x.id;
  r.version = 1;
  r.at = kT0;
  r.action = "create";
  r.snapshot = x;
  ASSERT_TRUE(IsOk(store().AddRevision(r)));
  ASSERT_TRUE(IsOk(terms().Save(Term{"theme", "cities", {{"en", "Cities"}}, 1, true})));

  auto middle = TestDatabase::Create(Backend::kSqlite, true, clock_);
  ASSERT_TRUE(IsOk(middle));
  ASSERT_TRUE(IsOk(storage::CopyDatabase(db(), (*middle)->db(), false, 50, nullptr)));
  auto last = TestDatabase::Create(BackendUnderTest(), true, clock_);
  ASSERT_TRUE(IsOk(last));
  ASSERT_TRUE(IsOk(storage::CopyDatabase((*middle)->db(), (*last)->db(), false, 50, nullptr)));

  storage::LibraryStores copied((*last)->db());
  auto got = copied.items().Get(x.id);
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(*got, store().Get(x.id).value());
  EXPECT_EQ(copied.items().BlobBytes(f.sha256).value(), bytes);
  EXPECT_EQ(copied.items().Pages(f.sha256, 1, 10).value().size(), 2u);
  EXPECT_EQ(copied.items().PageIdsOf(f.sha256).value(), store().PageIdsOf(f.sha256).value());
  EXPECT_THAT(copied.items().ItemsUsing(f.sha256).value(), ElementsAre(x.id, y.id));
  EXPECT_EQ(copied.items().ListRevisions(x.id)->size(), 1u);
  EXPECT_EQ(copied.terms().List().value(), terms().List().value());
  HarvestQuery q;
  q.until = kT0 + 10;
  q.theme = "cities";
  EXPECT_THAT(Slugs(copied.items().Harvest(q).value()), ElementsAre("copied"));

  // New rows continue after the copied ids.
  auto next = copied.items().Create(Minimal("after-copy"));
  ASSERT_TRUE(IsOk(next));
  EXPECT_GT(next->id, y.id);
  Upload u = MakeUpload(next->id, "c.pdf", Pdf("after"), kT0);
  auto nf = copied.items().AddFile(u.file, u.blob, u.bytes);
  ASSERT_TRUE(IsOk(nf));
  EXPECT_GT(nf->id, f.id + 1);
  ASSERT_TRUE(
      IsOk(copied.items().SaveExtraction(Extracted(u.file.sha256, 1), PagesOf(u.file.sha256, {"x"}))));
  auto new_pages = copied.items().PageIdsOf(u.file.sha256);
  ASSERT_TRUE(IsOk(new_pages));
  ASSERT_EQ(new_pages->size(), 1u);
  EXPECT_GT(new_pages->front(), store().PageIdsOf(f.sha256)->back());
}

}  // namespace
}  // namespace waymark::conformance
