// Search relevance written as data: tests/search/relevance_cases.tsv holds
// documents and cases (query, reader's language, what must and must not be
// found, what must rank first). The documents become published campaigns in
// the database under test (SQLite or PostgreSQL), the Indexer feeds them from
// the change feed to a real Xapian index (with the Hunspell lemmas), and each
// case is searched through CampaignService::Search, the path a reader's
// query takes. A case may say that the query finds nothing as typed and is
// corrected ("did you mean"); the others must not be. A failure names the
// case's line.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "backend.h"
#include "crypto/crypto.h"
#include "domain/accounts/account_service.h"
#include "domain/campaigns/campaign_service.h"
#include "domain/search/search.h"
#include "i18n/countries.h"
#include "search/xapian_index.h"
#include "storage/accounts/account_stores.h"
#include "storage/campaigns/campaign_stores.h"

#ifndef WAYMARK_RELEVANCE_CASES
#error "WAYMARK_RELEVANCE_CASES (the path of relevance_cases.tsv) must be defined"
#endif

namespace waymark::conformance {
namespace {

using accounts::AccountService;
using accounts::Actor;
using accounts::Id;
using campaigns::CampaignInput;
using campaigns::CampaignService;
using campaigns::LocalText;

struct FixtureDoc {
  int line = 0;
  std::string key;
  std::string lang;
  std::string title;
  std::string body;
};

// A thesaurus concept: its terms per language.
using ConceptTerms = std::map<std::string, std::vector<std::string>>;

struct Case {
  int line = 0;
  std::string query;
  std::string lang;
  std::vector<std::string> must;
  std::vector<std::string> must_not;
  std::vector<std::string> first;  // the keys that rank before every other hit, in any order
  std::string corrected_to;        // the results are those of this correction
};

std::vector<std::string> SplitOn(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string part;
  std::istringstream in(s);
  while (std::getline(in, part, sep)) out.push_back(part);
  if (!s.empty() && s.back() == sep) out.emplace_back();
  return out;
}

std::vector<std::string> Keys(const std::string& s) {
  std::vector<std::string> out;
  for (auto& k : SplitOn(s, ',')) {
    if (!k.empty()) out.push_back(k);
  }
  return out;
}

// Reads the file; a malformed line is a test failure naming it.
void Load(const std::string& path, std::vector<FixtureDoc>& docs, std::vector<Case>& cases,
          search::Thesaurus& thesaurus) {
  std::ifstream in(path);
  ASSERT_TRUE(in) << "cannot read " << path;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f = SplitOn(line, '\t');
    std::string where = path + ":" + std::to_string(n);
    if (f[0] == "doc") {
      ASSERT_EQ(f.size(), 5u) << where << ": doc KEY LANG TITLE BODY";
      docs.push_back({n, f[1], f[2], f[3], f[4]});
    } else if (f[0] == "case") {
      ASSERT_GE(f.size(), 3u) << where << ": case QUERY LANG [MUST [MUST_NOT [FIRST [CORRECTED_TO]]]]";
      ASSERT_LE(f.size(), 7u) << where << ": too many columns";
      f.resize(7);
      cases.push_back({n, f[1], f[2], Keys(f[3]), Keys(f[4]), Keys(f[5]), f[6]});
    } else if (f[0] == "concept") {
      ASSERT_EQ(f.size(), 4u) << where << ": concept EN FR ES";
      ConceptTerms terms;
      const char* langs[] = {"en", "fr", "es"};
      for (std::size_t i = 0; i < 3; ++i) {
        for (auto& t : SplitOn(f[i + 1], '|')) {
          if (!t.empty()) terms[langs[i]].push_back(t);
        }
      }
      thesaurus.concepts.push_back(std::move(terms));
    } else {
      FAIL() << where << ": a line starts with doc, concept or case, not '" << f[0] << "'";
    }
  }
}

class SearchRelevanceTest : public BackendTest {
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
    service_ = std::make_unique<CampaignService>(
        stores_, campaign_stores_->campaigns(), campaign_stores_->themes(), campaign_stores_->media(),
        campaign_stores_->feed(), clock_, *countries_, campaigns::CampaignOptions{});
    accounts::OrganisationInput org;
    org.slug = "iom";
    org.name = "International Organization for Migration";
    org.kind = "cso";
    ASSERT_TRUE(IsOk(accounts_->CreateOrganisation(Actor::Cli(), org)));
    accounts::NewUser nu;
    nu.email = "root@example.org";
    nu.name = "Root";
    nu.password_hash = "not-a-hash";
    nu.is_admin = true;
    nu.created_at = clock_.NowMs();
    auto root = stores_.users->Create(nu);
    ASSERT_TRUE(IsOk(root));
    ASSERT_TRUE(IsOk(accounts_->SetMembership(Actor::Cli(), root->id, "iom", "editor")));
    auto fresh = stores_.users->FindById(root->id);
    ASSERT_TRUE(IsOk(fresh));
    root_ = std::make_unique<Actor>(Actor::ForUser(*fresh, "req-test"));

    std::error_code ec;
    std::string tmpl = (std::filesystem::temp_directory_path(ec) / "wm-relevance-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    auto index = search::OpenXapianIndex(dir_ + "/index");
    ASSERT_TRUE(IsOk(index));
    index_ = std::move(index).value();
    documents_ = std::make_unique<campaigns::CampaignDocuments>(*service_);
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
    service_.reset();
    campaign_stores_.reset();
    accounts_.reset();
    account_stores_.reset();
    BackendTest::TearDown();
  }

  // A published campaign for the document; its id.
  Id Publish(const FixtureDoc& d) {
    CampaignInput in;
    in.organisation = "iom";
    in.texts = std::map<std::string, LocalText>{{d.lang, LocalText{d.title, d.body, ""}}};
    auto c = service_->Create(*root_, in);
    EXPECT_TRUE(IsOk(c)) << WAYMARK_RELEVANCE_CASES << ":" << d.line;
    if (!c.ok()) return 0;
    EXPECT_TRUE(IsOk(service_->Submit(*root_, c->id)));
    EXPECT_TRUE(IsOk(service_->Publish(*root_, c->id)));
    return c->id;
  }

  std::unique_ptr<i18n::Countries> countries_;
  std::unique_ptr<storage::AccountStores> account_stores_;
  accounts::Stores stores_{};
  std::unique_ptr<AccountService> accounts_;
  std::unique_ptr<storage::CampaignStores> campaign_stores_;
  std::unique_ptr<CampaignService> service_;
  std::unique_ptr<Actor> root_;
  std::string dir_;
  std::unique_ptr<search::Index> index_;
  std::unique_ptr<campaigns::CampaignDocuments> documents_;
  std::unique_ptr<search::Indexer> indexer_;
};

TEST_F(SearchRelevanceTest, EveryCaseOfTheFileHolds) {
  std::vector<FixtureDoc> docs;
  std::vector<Case> cases;
  auto thesaurus = std::make_shared<search::Thesaurus>();
  ASSERT_NO_FATAL_FAILURE(Load(WAYMARK_RELEVANCE_CASES, docs, cases, *thesaurus));
  index_->SetThesaurus(thesaurus);
  ASSERT_FALSE(cases.empty());
  std::map<std::string, Id> ids;
  std::map<Id, std::string> keys;
  for (const auto& d : docs) {
    ASSERT_EQ(ids.count(d.key), 0u) << WAYMARK_RELEVANCE_CASES << ":" << d.line << ": key used twice";
    Id id = Publish(d);
    ASSERT_GT(id, 0);
    ids[d.key] = id;
    keys[id] = d.key;
  }
  ASSERT_TRUE(IsOk(indexer_->CatchUp()));

  for (const auto& c : cases) {
    std::string where = std::string(WAYMARK_RELEVANCE_CASES) + ":" + std::to_string(c.line) + " (" + c.query +
                        ", " + c.lang + ")";
    for (const auto& k : c.must) ASSERT_EQ(ids.count(k), 1u) << where << ": no document " << k;
    for (const auto& k : c.must_not) ASSERT_EQ(ids.count(k), 1u) << where << ": no document " << k;
    search::Query q;
    q.text = c.query;
    q.lang = c.lang;
    q.limit = 50;
    auto found = service_->Search(Actor::Anonymous("req-anon"), q);
    ASSERT_TRUE(IsOk(found)) << where;
    std::vector<std::string> got;
    for (const auto& hit : found->results.hits) {
      auto it = keys.find(hit.id);
      got.push_back(it != keys.end() ? it->second : "?" + std::to_string(hit.id));
    }
    std::string listed;
    for (const auto& g : got) listed.append(g).append(" ");
    for (const auto& k : c.must) {
      EXPECT_TRUE(std::find(got.begin(), got.end(), k) != got.end())
          << where << ": " << k << " not found; got " << listed;
    }
    for (const auto& k : c.must_not) {
      EXPECT_TRUE(std::find(got.begin(), got.end(), k) == got.end())
          << where << ": " << k << " found; got " << listed;
    }
    for (std::size_t i = 0; i < c.first.size(); ++i) {
      EXPECT_TRUE(i < got.size() && std::find(c.first.begin(), c.first.end(), got[i]) != c.first.end())
          << where << ": hit " << i + 1 << " is not one of FIRST; got " << listed;
    }
    if (c.corrected_to.empty()) {
      EXPECT_EQ(found->results.corrected_from, "") << where << ": corrected to " << found->results.suggestion;
    } else {
      EXPECT_EQ(found->results.suggestion, c.corrected_to) << where << ": suggestion";
      EXPECT_EQ(found->results.corrected_from, c.query) << where << ": not marked as corrected";
    }
  }
}

}  // namespace
}  // namespace waymark::conformance
