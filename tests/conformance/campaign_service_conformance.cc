// CampaignService over the real stores, run against each backend:
// campaign_service_test (SQLite) and campaign_service_pgtest (PostgreSQL;
// needs WAYMARK_TEST_PG_URL). See backend.h.
//
// The fixture has three organisations and people in each role:
//   jcwi: ana (editor), ben (member), jmo (moderator)   iom: carla (editor), mo (moderator)
//   mxg:  dev (editor)                    and root, a platform administrator.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "backend.h"
#include "crypto/crypto.h"
#include "domain/accounts/account_service.h"
#include "domain/campaigns/campaign_service.h"
#include "i18n/countries.h"
#include "storage/accounts/account_stores.h"
#include "storage/campaigns/campaign_stores.h"

namespace waymark::conformance {
namespace {

using accounts::AccountService;
using accounts::Actor;
using accounts::AuditEntry;
using accounts::Id;
using accounts::Organisation;
using accounts::OrganisationInput;
using accounts::User;
using campaigns::Campaign;
using campaigns::CampaignInput;
using campaigns::CampaignOptions;
using campaigns::CampaignService;
using campaigns::Lifecycle;
using campaigns::LocalText;
using campaigns::Revision;
using campaigns::Stage;
using campaigns::Theme;
using campaigns::Visibility;
using Kind = Status::Kind;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

constexpr std::int64_t kMaxMediaBytes = 4096;
constexpr int kMaxMediaPerCampaign = 2;

// EXPECT_TRUE(HasFieldCode(result, "countries", "country_unknown")).
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

// An Index that answers with canned results and remembers the query: the
// service's side of search (audiences, filters, loading hits) without an engine.
class CannedIndex final : public search::Index {
 public:
  Status Upsert(const search::Document&) override { return Status::Ok(); }
  Status Remove(const std::string&, search::Id) override { return Status::Ok(); }
  Status Commit(std::int64_t) override { return Status::Ok(); }
  Result<std::int64_t> AppliedSeq() override { return std::int64_t{0}; }
  Status Clear() override { return Status::Ok(); }
  Result<std::int64_t> DocumentCount() override { return std::int64_t{0}; }
  Result<search::Results> Search(const search::Query& q) override {
    last_query = q;
    return results;
  }

  search::Query last_query;
  search::Results results;
};

class CampaignServiceTest : public BackendTest {
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
    CampaignOptions options;
    options.max_media_bytes = kMaxMediaBytes;
    options.max_media_per_campaign = kMaxMediaPerCampaign;
    service_ = std::make_unique<CampaignService>(stores_, campaign_stores_->campaigns(),
                                                 campaign_stores_->themes(), campaign_stores_->media(),
                                                 campaign_stores_->feed(), clock_, *countries_, options);

    jcwi_ = AddOrg("jcwi", "Joint Council for the Welfare of Immigrants");
    iom_ = AddOrg("iom", "International Organization for Migration");
    mxg_ = AddOrg("mxg", "Movement against Xenophobia");
    ana_ = AddUser("ana@example.org", "Ana");
    ben_ = AddUser("ben@example.org", "Ben");
    carla_ = AddUser("carla@example.org", "Carla");
    mo_ = AddUser("mo@example.org", "Mo");
    jmo_ = AddUser("jmo@example.org", "Jo");
    dev_ = AddUser("dev@example.org", "Dev");
    root_ = AddUser("root@example.org", "Root", /*is_admin=*/true);
    Grant(ana_, "jcwi", "editor");
    Grant(ben_, "jcwi", "member");
    Grant(carla_, "iom", "editor");
    Grant(mo_, "iom", "moderator");
    Grant(jmo_, "jcwi", "moderator");
    Grant(dev_, "mxg", "editor");
  }

  void TearDown() override {
    service_.reset();
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

  static CampaignInput Input(const std::string& title, const std::string& org) {
    CampaignInput in;
    in.organisation = org;
    in.texts = std::map<std::string, LocalText>{{"en", LocalText{title, "A summary.", "The **body**."}}};
    return in;
  }

  // A campaign by ana for jcwi (or `org` by `editor`), checked to succeed.
  Campaign Make(const std::string& title, const std::string& org = "jcwi", const User* editor = nullptr,
                const std::function<void(CampaignInput&)>& tweak = {}) {
    CampaignInput in = Input(title, org);
    if (tweak) tweak(in);
    auto c = service_->Create(As(editor ? *editor : ana_), in);
    EXPECT_TRUE(IsOk(c));
    return c.ok() ? *c : Campaign{};
  }

  // Submitted by someone who may, then published by a platform administrator.
  Campaign MakePublished(const std::string& title, const std::string& org = "jcwi",
                         const User* editor = nullptr,
                         const std::function<void(CampaignInput&)>& tweak = {}) {
    Campaign c = Make(title, org, editor, tweak);
    EXPECT_TRUE(IsOk(service_->Submit(As(root_), c.id)));
    auto published = service_->Publish(As(root_), c.id);
    EXPECT_TRUE(IsOk(published));
    return published.ok() ? *published : c;
  }

  std::vector<AuditEntry> AuditFor(const std::string& type, const std::string& id) {
    auto list = stores_.audit->List(1000, type, id);
    EXPECT_TRUE(IsOk(list));
    return list.ok() ? *list : std::vector<AuditEntry>{};
  }

  // Oldest first.
  std::vector<std::string> CampaignAuditActions(Id id) {
    std::vector<std::string> out;
    for (const auto& e : AuditFor("campaign", std::to_string(id))) out.push_back(e.action);
    std::reverse(out.begin(), out.end());
    return out;
  }

  std::vector<search::Change> Feed() {
    auto changes = campaign_stores_->feed().Since(0, 10000);
    EXPECT_TRUE(IsOk(changes));
    return changes.ok() ? *changes : std::vector<search::Change>{};
  }

  std::int64_t CampaignCount() {
    auto n = service_->store().Count();
    EXPECT_TRUE(IsOk(n));
    return n.ok() ? *n : -1;
  }

  std::unique_ptr<i18n::Countries> countries_;
  std::unique_ptr<storage::AccountStores> account_stores_;
  accounts::Stores stores_{};
  std::unique_ptr<AccountService> accounts_;
  std::unique_ptr<storage::CampaignStores> campaign_stores_;
  std::unique_ptr<CampaignService> service_;
  Organisation jcwi_, iom_, mxg_;
  User ana_, ben_, carla_, mo_, jmo_, dev_, root_;
};

std::string Png(std::size_t size = 64) {
  std::string bytes("\x89PNG\r\n\x1a\n", 8);
  bytes.resize(std::max<std::size_t>(size, 8), '\x01');
  return bytes;
}

// --- Create and validation -------------------------------------------------------

using CampaignCreateTest = CampaignServiceTest;

TEST_F(CampaignCreateTest, StoresNormalisedFieldsAsADraft) {
  CampaignInput in = Input("  I am an Immigrant ", "JCWI");
  (*in.texts)["fr"] = LocalText{"Je suis un immigré", "Résumé", "Corps"};
  in.partners = std::vector<std::string>{"iom", "mxg", "iom", "jcwi"};
  in.countries = std::vector<std::string>{"gbr", "GRC", "GBR", " ita "};
  in.themes = std::vector<std::string>{"xenophobia", "Inclusion"};
  in.channels = std::vector<std::string>{"posters", "crowdfunding"};
  in.audiences = std::vector<std::string>{"young people", "commuters", "young people", " "};
  in.start_date = "2015-03-01";
  in.end_date = "2015-05-31";
  in.stage = "ended";
  in.visibility = "members";
  in.outcomes = "Seen by *millions*.";
  in.figures = std::vector<campaigns::Figure>{{"reach", 1200000}, {"press mentions", 40}};
  in.video_links = std::vector<std::string>{"https://video.example.org/1", "https://video.example.org/1"};
  in.licence = "CC-BY-SA";
  in.contact = "campaigns@jcwi.example.org";

  auto created = service_->Create(As(ana_), in);
  ASSERT_TRUE(IsOk(created));
  const Campaign& c = *created;
  EXPECT_GT(c.id, 0);
  EXPECT_EQ(c.slug, "i-am-an-immigrant");
  EXPECT_EQ(c.texts.at("en").title, "I am an Immigrant");
  EXPECT_EQ(c.texts.at("fr").title, "Je suis un immigré");
  EXPECT_EQ(c.organisation.id, jcwi_.id);
  EXPECT_EQ(c.organisation.slug, "jcwi");
  ASSERT_EQ(c.partners.size(), 2u);  // the lead is not its own partner
  EXPECT_EQ(c.partners[0].slug, "iom");
  EXPECT_EQ(c.partners[1].slug, "mxg");
  EXPECT_THAT(c.countries, ElementsAre("GBR", "GRC", "ITA"));
  EXPECT_THAT(c.themes, ElementsAre("inclusion", "xenophobia"));
  EXPECT_THAT(c.channels, ElementsAre("crowdfunding", "posters"));
  EXPECT_THAT(c.audiences, ElementsAre("commuters", "young people"));
  EXPECT_EQ(c.start_date, "2015-03-01");
  EXPECT_EQ(c.end_date, "2015-05-31");
  EXPECT_EQ(c.stage, Stage::kEnded);
  EXPECT_EQ(c.lifecycle, Lifecycle::kDraft);
  EXPECT_EQ(c.visibility, Visibility::kMembers);
  EXPECT_EQ(c.figures.size(), 2u);
  EXPECT_THAT(c.video_links, ElementsAre("https://video.example.org/1"));
  EXPECT_EQ(c.licence, "cc-by-sa");
  EXPECT_EQ(c.version, 1);
  EXPECT_EQ(c.created_by, ana_.id);
  EXPECT_FALSE(c.published_at.has_value());

  auto again = service_->Get(As(ana_), c.id);
  ASSERT_TRUE(IsOk(again));
  EXPECT_EQ(again->countries, c.countries);
  EXPECT_EQ(again->texts, c.texts);

  auto history = service_->History(As(ana_), c.id);
  ASSERT_TRUE(IsOk(history));
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].action, "create");
  EXPECT_EQ((*history)[0].version, 1);
  EXPECT_EQ((*history)[0].actor_user_id, ana_.id);
  EXPECT_THAT((*history)[0].changed, Contains("title.en"));
  EXPECT_THAT((*history)[0].changed, Contains("countries"));
  EXPECT_THAT(CampaignAuditActions(c.id), ElementsAre("campaign.create"));
  EXPECT_THAT(Feed(), ElementsAre(::testing::Field(&search::Change::id, c.id)));
}

TEST_F(CampaignCreateTest, SlugsAreMadeUnique) {
  EXPECT_EQ(Make("Movement against Xenophobia").slug, "movement-against-xenophobia");
  EXPECT_EQ(Make("Movement against xenophobia!").slug, "movement-against-xenophobia-2");
  EXPECT_EQ(Make("Movement against Xenophobia", "iom", &carla_).slug, "movement-against-xenophobia-3");
  EXPECT_EQ(Make("Étrangers d'ici").slug, "etrangers-d-ici");
  std::string long_title(200, 'x');
  EXPECT_EQ(Make(long_title).slug, std::string(60, 'x'));
  EXPECT_EQ(Make(long_title).slug, std::string(58, 'x') + "-2");
  EXPECT_EQ(Make("Μετανάστης").slug, "campaign");
}

struct BadInput {
  const char* name;
  std::function<void(CampaignInput&)> change;
  const char* field;
  const char* code;
};

TEST_F(CampaignCreateTest, RejectsEachBadFieldNamingIt) {
  std::vector<BadInput> cases = {
      {"no texts", [](CampaignInput& in) { in.texts.reset(); }, "title", "required"},
      {"blank title", [](CampaignInput& in) { (*in.texts)["en"].title = "   "; }, "title", "required"},
      {"summary without title", [](CampaignInput& in) { (*in.texts)["en"].title = ""; }, "title.en",
       "required"},
      {"title too long", [](CampaignInput& in) { (*in.texts)["en"].title = std::string(10000, 'a'); },
       "title.en", "too_long"},
      {"french title too long",
       [](CampaignInput& in) {
         (*in.texts)["fr"] = LocalText{std::string(201, 'e'), "", ""};
       },
       "title.fr", "too_long"},
      {"unsupported language",
       [](CampaignInput& in) {
         (*in.texts)["de"] = LocalText{"Titel", "", ""};
       },
       "title", "language_unsupported"},
      {"summary too long", [](CampaignInput& in) { (*in.texts)["en"].summary = std::string(1001, 's'); },
       "summary.en", "too_long"},
      {"control character in title", [](CampaignInput& in) { (*in.texts)["en"].title = "bell\x07"; },
       "title.en", "control_characters"},
      {"control character in body",
       [](CampaignInput& in) { (*in.texts)["en"].body = std::string("a\0b", 3); }, "body.en",
       "control_characters"},
      {"invalid utf-8", [](CampaignInput& in) { (*in.texts)["en"].title = "caf\xe9"; }, "title.en", "utf8"},
      {"no organisation", [](CampaignInput& in) { in.organisation.reset(); }, "organisation", "required"},
      {"unknown organisation", [](CampaignInput& in) { in.organisation = "nowhere"; }, "organisation",
       "invalid"},
      {"unknown partner",
       [](CampaignInput& in) {
         in.partners = std::vector<std::string>{"iom", "ghost"};
       },
       "partners", "invalid"},
      {"unknown country",
       [](CampaignInput& in) {
         in.countries = std::vector<std::string>{"GRC", "XYZ"};
       },
       "countries", "country_unknown"},
      {"too many countries",
       [](CampaignInput& in) {
         std::vector<std::string> many;
         for (int i = 0; i < 51; ++i) many.push_back("C" + std::to_string(10 + i));
         in.countries = many;
       },
       "countries", "too_many"},
      {"unknown theme", [](CampaignInput& in) { in.themes = std::vector<std::string>{"astrology"}; },
       "themes", "theme_unknown"},
      {"unknown channel", [](CampaignInput& in) { in.channels = std::vector<std::string>{"carrier_pigeon"}; },
       "channels", "channel_unknown"},
      {"audience too long",
       [](CampaignInput& in) { in.audiences = std::vector<std::string>{std::string(81, 'a')}; }, "audiences",
       "too_long"},
      {"impossible date", [](CampaignInput& in) { in.start_date = "2015-02-30"; }, "start_date",
       "date_invalid"},
      {"date in another format", [](CampaignInput& in) { in.end_date = "31/05/2015"; }, "end_date",
       "date_invalid"},
      {"end before start",
       [](CampaignInput& in) {
         in.start_date = "2015-05-01";
         in.end_date = "2015-04-30";
       },
       "end_date", "dates_order"},
      {"unknown stage", [](CampaignInput& in) { in.stage = "finished"; }, "stage", "invalid"},
      {"unknown visibility", [](CampaignInput& in) { in.visibility = "secret"; }, "visibility", "invalid"},
      {"outcomes too long", [](CampaignInput& in) { in.outcomes = std::string(20001, 'o'); }, "outcomes",
       "too_long"},
      {"figure without a name",
       [](CampaignInput& in) {
         in.figures = std::vector<campaigns::Figure>{{" ", 3}};
       },
       "figures", "required"},
      {"negative figure",
       [](CampaignInput& in) {
         in.figures = std::vector<campaigns::Figure>{{"reach", -1}};
       },
       "figures", "invalid"},
      {"script video link",
       [](CampaignInput& in) { in.video_links = std::vector<std::string>{"javascript:alert(1)"}; },
       "video_links", "url_invalid"},
      {"unknown licence", [](CampaignInput& in) { in.licence = "gpl"; }, "licence", "licence_unknown"},
      {"contact too long", [](CampaignInput& in) { in.contact = std::string(301, 'c'); }, "contact",
       "too_long"},
  };
  for (const auto& bad : cases) {
    SCOPED_TRACE(bad.name);
    CampaignInput in = Input("Valid title", "jcwi");
    bad.change(in);
    auto result = service_->Create(As(ana_), in);
    EXPECT_TRUE(HasFieldCode(result, bad.field, bad.code));
  }
  EXPECT_EQ(CampaignCount(), 0);
  EXPECT_THAT(Feed(), IsEmpty());
  EXPECT_THAT(AuditFor("campaign", ""), IsEmpty());
}

TEST_F(CampaignCreateTest, ErrorsCarryTheLimitAndTheValue) {
  CampaignInput in = Input(std::string(10000, 't'), "jcwi");
  in.countries = std::vector<std::string>{"GRC", "Atlantis"};
  in.themes = std::vector<std::string>{"astrology"};
  auto result = service_->Create(As(ana_), in);
  ASSERT_TRUE(HasKind(result, Kind::kValidation));
  const auto& codes = result.status().field_codes();
  EXPECT_EQ(codes.at("title.en").args.at("max"), "200");
  EXPECT_EQ(codes.at("countries").args.at("value"), "ATLANTIS");
  EXPECT_EQ(codes.at("themes").args.at("value"), "astrology");
  EXPECT_THAT(result.status().fields().at("countries"), HasSubstr("ATLANTIS"));
}

TEST_F(CampaignCreateTest, ScriptInTextIsKeptAsText) {
  Campaign c = Make("<script>alert('x')</script> Posters");
  EXPECT_EQ(c.texts.at("en").title, "<script>alert('x')</script> Posters");
  EXPECT_EQ(c.slug, "script-alert-x-script-posters");
}

// --- Permissions ---------------------------------------------------------------

using CampaignPermissionsTest = CampaignServiceTest;

TEST_F(CampaignPermissionsTest, OnlyEditorsOfTheLeadOrganisationCreate) {
  EXPECT_TRUE(HasKind(service_->Create(As(ben_), Input("By a member", "jcwi")), Kind::kPermissionDenied));
  EXPECT_TRUE(
      HasKind(service_->Create(As(carla_), Input("For another org", "jcwi")), Kind::kPermissionDenied));
  // A moderator of one organisation is not an editor of another.
  EXPECT_TRUE(
      HasKind(service_->Create(As(mo_), Input("Moderator elsewhere", "jcwi")), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->Create(Anonymous(), Input("Nobody", "jcwi")), Kind::kUnauthenticated));
  EXPECT_EQ(CampaignCount(), 0);
  EXPECT_TRUE(IsOk(service_->Create(As(mo_), Input("Moderator at home", "iom"))));
  EXPECT_TRUE(IsOk(service_->Create(As(root_), Input("Admin anywhere", "jcwi"))));
  auto by_cli = service_->Create(Actor::Cli(), Input("Demo data", "mxg"));
  ASSERT_TRUE(IsOk(by_cli));
  EXPECT_EQ(by_cli->created_by, 0);
}

TEST_F(CampaignPermissionsTest, EditorsOfOtherOrganisationsCannotEdit) {
  Campaign draft = Make("Draft");
  CampaignInput change;
  change.contact = "hijack@example.org";
  // A draft is invisible to them, so it does not exist as far as they know.
  EXPECT_TRUE(HasKind(service_->Update(As(carla_), draft.id, change), Kind::kNotFound));
  EXPECT_TRUE(HasKind(service_->Update(As(ben_), draft.id, change), Kind::kPermissionDenied));
  Campaign published = MakePublished("Published");
  EXPECT_TRUE(HasKind(service_->Update(As(carla_), published.id, change), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->Update(As(mo_), published.id, change), Kind::kPermissionDenied));
  // With a stale version too: the permission is checked first, so the
  // answer never tells them the current version.
  CampaignInput stale = change;
  stale.expected_version = 1;
  EXPECT_TRUE(HasKind(service_->Update(As(carla_), published.id, stale), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->Archive(As(carla_), published.id, 1), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->Publish(As(mo_), published.id, 1), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->Update(Anonymous(), published.id, change), Kind::kPermissionDenied));
  EXPECT_EQ(service_->Get(As(ana_), published.id).value().contact, "");
  EXPECT_EQ(service_->Get(As(ana_), published.id).value().version, published.version);
  EXPECT_TRUE(IsOk(service_->Update(As(root_), published.id, change)));
}

TEST_F(CampaignPermissionsTest, OnlyModeratorsPublishAndReturn) {
  Campaign c = Make("Waiting");
  ASSERT_TRUE(IsOk(service_->Submit(As(ana_), c.id)));
  EXPECT_TRUE(HasKind(service_->Publish(As(ana_), c.id), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->Publish(As(ben_), c.id), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->Return(As(ana_), c.id, "No"), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->AwaitingModeration(As(ana_)), Kind::kPermissionDenied));
  EXPECT_EQ(service_->Get(As(ana_), c.id).value().lifecycle, Lifecycle::kSubmitted);
  // Moderation is per organisation: iom's moderator has nothing to do here.
  EXPECT_TRUE(HasKind(service_->Publish(As(mo_), c.id), Kind::kNotFound));
  EXPECT_THAT(service_->AwaitingModeration(As(mo_)).value(), IsEmpty());
  auto queue = service_->AwaitingModeration(As(jmo_));
  ASSERT_TRUE(IsOk(queue));
  ASSERT_EQ(queue->size(), 1u);
  EXPECT_EQ((*queue)[0].id, c.id);
  EXPECT_TRUE(IsOk(service_->Publish(As(jmo_), c.id)));
  EXPECT_THAT(service_->AwaitingModeration(As(root_)).value(), IsEmpty());
}

TEST_F(CampaignPermissionsTest, WhoMayArchive) {
  Campaign a = MakePublished("A");
  Campaign b = MakePublished("B");
  Campaign c = MakePublished("C");
  EXPECT_TRUE(HasKind(service_->Archive(As(ben_), a.id), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->Archive(As(carla_), a.id), Kind::kPermissionDenied));
  EXPECT_TRUE(IsOk(service_->Archive(As(ana_), a.id)));
  EXPECT_TRUE(IsOk(service_->Archive(As(jmo_), b.id)));
  EXPECT_TRUE(IsOk(service_->Archive(As(root_), c.id)));
}

TEST_F(CampaignPermissionsTest, SubmitNeedsAnEditor) {
  Campaign c = Make("Mine");
  EXPECT_TRUE(HasKind(service_->Submit(As(ben_), c.id), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->Submit(As(carla_), c.id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(service_->Submit(As(mo_), c.id), Kind::kNotFound));
  EXPECT_TRUE(IsOk(service_->Submit(As(ana_), c.id)));
}

// --- Visibility ----------------------------------------------------------------

using CampaignVisibilityTest = CampaignServiceTest;

TEST_F(CampaignVisibilityTest, DraftsAreSeenByTheLeadOrganisationModeratorsAndAdmins) {
  Campaign c = Make("Draft");
  EXPECT_TRUE(IsOk(service_->Get(As(ana_), c.id)));
  EXPECT_TRUE(IsOk(service_->Get(As(ben_), c.id)));
  EXPECT_TRUE(IsOk(service_->Get(As(jmo_), c.id)));
  EXPECT_TRUE(HasKind(service_->Get(As(mo_), c.id), Kind::kNotFound));  // a moderator elsewhere
  EXPECT_TRUE(IsOk(service_->Get(As(root_), c.id)));
  EXPECT_TRUE(HasKind(service_->Get(As(carla_), c.id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(service_->Get(Anonymous(), c.id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(service_->GetBySlug(Anonymous(), c.slug), Kind::kNotFound));
  EXPECT_TRUE(HasKind(service_->History(Anonymous(), c.id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(service_->GetRevision(Anonymous(), c.id, 1), Kind::kNotFound));
  EXPECT_TRUE(IsOk(service_->GetBySlug(As(ben_), c.slug)));
  EXPECT_TRUE(HasKind(service_->Get(Anonymous(), 999999), Kind::kNotFound));
  ASSERT_TRUE(IsOk(service_->Submit(As(ana_), c.id)));
  EXPECT_TRUE(HasKind(service_->Get(Anonymous(), c.id), Kind::kNotFound));
}

TEST_F(CampaignVisibilityTest, PublishedCampaignsFollowTheirVisibility) {
  auto with = [](const char* v) { return [v](CampaignInput& in) { in.visibility = v; }; };
  Campaign pub = MakePublished("Public", "jcwi", nullptr, with("public"));
  Campaign members = MakePublished("Members", "jcwi", nullptr, with("members"));
  Campaign own = MakePublished("Own", "jcwi", nullptr, with("organisation"));

  EXPECT_TRUE(IsOk(service_->Get(Anonymous(), pub.id)));
  EXPECT_TRUE(IsOk(service_->GetBySlug(Anonymous(), "public")));
  EXPECT_TRUE(HasKind(service_->Get(Anonymous(), members.id), Kind::kNotFound));
  EXPECT_TRUE(IsOk(service_->Get(As(carla_), members.id)));
  EXPECT_TRUE(HasKind(service_->Get(As(carla_), own.id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(service_->Get(As(dev_), own.id), Kind::kNotFound));
  EXPECT_TRUE(IsOk(service_->Get(As(ben_), own.id)));
  EXPECT_TRUE(IsOk(service_->Get(As(jmo_), own.id)));
  EXPECT_TRUE(HasKind(service_->Get(As(mo_), own.id), Kind::kNotFound));

  // Hidden pending a moderator: gone for outsiders, there for its own people.
  ASSERT_TRUE(IsOk(service_->store().SetHidden(pub.id, true)));
  EXPECT_TRUE(HasKind(service_->Get(Anonymous(), pub.id), Kind::kNotFound));
  EXPECT_TRUE(IsOk(service_->Get(As(ben_), pub.id)));
  EXPECT_TRUE(HasKind(service_->SearchDocument(pub.id), Kind::kNotFound));

  // Archived campaigns that were published stay on the record.
  ASSERT_TRUE(IsOk(service_->Archive(As(ana_), members.id)));
  EXPECT_TRUE(IsOk(service_->Get(As(carla_), members.id)));
  EXPECT_TRUE(HasKind(service_->SearchDocument(members.id), Kind::kNotFound));
}

TEST_F(CampaignVisibilityTest, ListsShowOnlyWhatTheReaderMaySee) {
  Campaign draft = Make("Draft");
  Campaign pub = MakePublished("Public");
  Campaign own =
      MakePublished("Own", "jcwi", nullptr, [](CampaignInput& in) { in.visibility = "organisation"; });
  clock_.AdvanceMs(1000);
  Campaign later = MakePublished("Later", "iom", &carla_);

  auto ids = [](const std::vector<Campaign>& cs) {
    std::vector<Id> out;
    for (const auto& c : cs) out.push_back(c.id);
    return out;
  };
  EXPECT_THAT(ids(service_->ForOrganisation(Anonymous(), "jcwi").value()), UnorderedElementsAre(pub.id));
  EXPECT_THAT(ids(service_->ForOrganisation(As(ben_), "jcwi").value()),
              UnorderedElementsAre(draft.id, pub.id, own.id));
  EXPECT_TRUE(HasKind(service_->ForOrganisation(Anonymous(), "nowhere"), Kind::kNotFound));
  EXPECT_THAT(ids(service_->RecentlyPublished(10).value()), ElementsAre(later.id, pub.id));
}

// --- Lifecycle, revisions, audit ---------------------------------------------------

using CampaignLifecycleTest = CampaignServiceTest;

TEST_F(CampaignLifecycleTest, DraftToArchivedWithRevisionsAuditAndFeed) {
  Campaign c = Make("I am an Immigrant");
  ASSERT_EQ(c.version, 1);

  CampaignInput edit;
  edit.countries = std::vector<std::string>{"GBR"};
  edit.stage = "running";
  edit.expected_version = 1;
  clock_.AdvanceMs(1000);
  auto updated = service_->Update(As(ana_), c.id, edit);
  ASSERT_TRUE(IsOk(updated));
  EXPECT_EQ(updated->version, 2);
  EXPECT_EQ(updated->lifecycle, Lifecycle::kDraft);
  EXPECT_EQ(updated->texts.at("en").title, "I am an Immigrant");  // untouched fields stay
  EXPECT_EQ(updated->updated_at, clock_.NowMs());

  // Publishing a draft is not a thing.
  EXPECT_TRUE(HasKind(service_->Publish(As(jmo_), c.id), Kind::kConflict));
  auto submitted = service_->Submit(As(ana_), c.id, 2);
  ASSERT_TRUE(IsOk(submitted));
  EXPECT_EQ(submitted->lifecycle, Lifecycle::kSubmitted);
  EXPECT_EQ(submitted->version, 3);
  EXPECT_TRUE(HasKind(service_->Submit(As(ana_), c.id), Kind::kConflict));

  clock_.AdvanceMs(1000);
  auto published = service_->Publish(As(jmo_), c.id, 3);
  ASSERT_TRUE(IsOk(published));
  EXPECT_EQ(published->lifecycle, Lifecycle::kPublished);
  EXPECT_EQ(published->published_at, clock_.NowMs());
  EXPECT_TRUE(HasKind(service_->Publish(As(jmo_), c.id), Kind::kConflict));

  // Editing a published campaign keeps it published.
  CampaignInput fix;
  fix.texts = std::map<std::string, LocalText>{{"en", LocalText{"I am an Immigrant", "Corrected", "Body"}}};
  auto edited = service_->Update(As(ana_), c.id, fix);
  ASSERT_TRUE(IsOk(edited));
  EXPECT_EQ(edited->lifecycle, Lifecycle::kPublished);
  EXPECT_EQ(edited->published_at, published->published_at);
  EXPECT_EQ(edited->version, 5);

  auto archived = service_->Archive(As(ana_), c.id);
  ASSERT_TRUE(IsOk(archived));
  EXPECT_EQ(archived->lifecycle, Lifecycle::kArchived);
  EXPECT_TRUE(HasKind(service_->Archive(As(ana_), c.id), Kind::kConflict));
  EXPECT_TRUE(HasKind(service_->Update(As(ana_), c.id, fix), Kind::kConflict));
  EXPECT_TRUE(HasKind(service_->Submit(As(ana_), c.id), Kind::kConflict));

  auto history = service_->History(As(ana_), c.id);
  ASSERT_TRUE(IsOk(history));
  std::vector<std::string> actions;
  std::vector<std::int64_t> versions;
  for (const auto& r : *history) {
    actions.push_back(r.action);
    versions.push_back(r.version);
  }
  EXPECT_THAT(actions, ElementsAre("archive", "update", "publish", "submit", "update", "create"));
  EXPECT_THAT(versions, ElementsAre(6, 5, 4, 3, 2, 1));
  EXPECT_THAT((*history)[4].changed, ElementsAre("countries", "stage"));
  EXPECT_THAT((*history)[3].changed, ElementsAre("lifecycle"));
  EXPECT_THAT((*history)[1].changed, ElementsAre("summary.en", "body.en"));
  EXPECT_EQ((*history)[2].actor_user_id, jmo_.id);

  auto first = service_->GetRevision(As(ana_), c.id, 1);
  ASSERT_TRUE(IsOk(first));
  EXPECT_EQ(first->snapshot.texts.at("en").summary, "A summary.");
  EXPECT_THAT(first->snapshot.countries, IsEmpty());
  auto diff = campaigns::Diff(first->snapshot, (*history)[1].snapshot);
  ASSERT_FALSE(diff.empty());
  EXPECT_TRUE(HasKind(service_->GetRevision(As(ana_), c.id, 99), Kind::kNotFound));

  EXPECT_THAT(CampaignAuditActions(c.id),
              ElementsAre("campaign.create", "campaign.update", "campaign.submit", "campaign.publish",
                          "campaign.update", "campaign.archive"));
  auto audit = AuditFor("campaign", std::to_string(c.id));
  EXPECT_EQ(audit.back().actor_user_id, ana_.id);
  EXPECT_EQ(audit.back().request_id, "req-test");
  EXPECT_EQ(audit.back().details.at("slug"), "i-am-an-immigrant");

  auto feed = Feed();
  ASSERT_EQ(feed.size(), 6u);
  for (const auto& change : feed) {
    EXPECT_EQ(change.kind, "campaign");
    EXPECT_EQ(change.id, c.id);
  }
  EXPECT_TRUE(std::is_sorted(feed.begin(), feed.end(),
                             [](const search::Change& a, const search::Change& b) { return a.seq < b.seq; }));
}

TEST_F(CampaignLifecycleTest, ReturnNeedsAReasonAndCanBeResubmitted) {
  Campaign c = Make("Needs work");
  ASSERT_TRUE(IsOk(service_->Submit(As(ana_), c.id)));
  EXPECT_TRUE(HasFieldCode(service_->Return(As(jmo_), c.id, "   "), "reason", "required"));
  EXPECT_TRUE(HasFieldCode(service_->Return(As(jmo_), c.id, std::string(2001, 'r')), "reason", "too_long"));
  EXPECT_EQ(service_->Get(As(ana_), c.id).value().version, 2);  // nothing written

  auto returned = service_->Return(As(jmo_), c.id, "Please add a French summary.");
  ASSERT_TRUE(IsOk(returned));
  EXPECT_EQ(returned->lifecycle, Lifecycle::kReturned);
  EXPECT_EQ(returned->return_reason, "Please add a French summary.");
  EXPECT_TRUE(HasKind(service_->Return(As(jmo_), c.id, "Again"), Kind::kConflict));
  EXPECT_TRUE(HasKind(service_->Publish(As(jmo_), c.id), Kind::kConflict));

  CampaignInput fr;
  fr.texts = std::map<std::string, LocalText>{{"fr", LocalText{"Besoin de travail", "Résumé", ""}}};
  auto edited = service_->Update(As(ana_), c.id, fr);
  ASSERT_TRUE(IsOk(edited));
  EXPECT_EQ(edited->lifecycle, Lifecycle::kReturned);
  EXPECT_EQ(edited->texts.size(), 2u);

  auto resubmitted = service_->Submit(As(ana_), c.id);
  ASSERT_TRUE(IsOk(resubmitted));
  EXPECT_EQ(resubmitted->lifecycle, Lifecycle::kSubmitted);
  EXPECT_EQ(resubmitted->return_reason, "");

  auto history = service_->History(As(ana_), c.id).value();
  EXPECT_EQ(history[2].action, "return");
  EXPECT_EQ(history[2].snapshot.return_reason, "Please add a French summary.");
  auto entries = AuditFor("campaign", std::to_string(c.id));
  auto ret = std::find_if(entries.begin(), entries.end(),
                          [](const AuditEntry& e) { return e.action == "campaign.return"; });
  ASSERT_NE(ret, entries.end());
  EXPECT_EQ(ret->details.at("reason"), "Please add a French summary.");
}

TEST_F(CampaignLifecycleTest, UpdateMergesTextsByLanguageAndClears) {
  CampaignInput in = Input("Bilingual", "jcwi");
  (*in.texts)["es"] = LocalText{"Bilingüe", "Resumen", ""};
  in.start_date = "2016-01-01";
  in.countries = std::vector<std::string>{"ESP"};
  Campaign c = service_->Create(As(ana_), in).value();

  CampaignInput patch;
  patch.texts = std::map<std::string, LocalText>{{"es", LocalText{}}, {"fr", LocalText{"Bilingue", "", ""}}};
  patch.start_date = "";
  patch.countries = std::vector<std::string>{};
  patch.partners = std::vector<std::string>{"mxg", "iom"};
  auto updated = service_->Update(As(ana_), c.id, patch);
  ASSERT_TRUE(IsOk(updated));
  ASSERT_EQ(updated->partners.size(), 2u);
  EXPECT_EQ(updated->partners[0].slug, "iom");
  EXPECT_EQ(updated->partners[0].name, "International Organization for Migration");
  EXPECT_THAT(service_->History(As(ana_), c.id).value().front().changed,
              ElementsAre("title.es", "title.fr", "summary.es", "partners", "countries", "start_date"));
  EXPECT_THAT(updated->Languages(), ElementsAre("en", "fr"));
  EXPECT_FALSE(updated->start_date.has_value());
  EXPECT_THAT(updated->countries, IsEmpty());

  // Removing the last title is refused.
  CampaignInput strip;
  strip.texts = std::map<std::string, LocalText>{{"en", LocalText{}}, {"fr", LocalText{}}};
  EXPECT_TRUE(HasFieldCode(service_->Update(As(ana_), c.id, strip), "title", "required"));
  // The lead organisation is fixed.
  CampaignInput move;
  move.organisation = "iom";
  EXPECT_TRUE(HasFieldCode(service_->Update(As(ana_), c.id, move), "organisation", "invalid"));
  EXPECT_EQ(service_->Get(As(ana_), c.id).value().version, 2);
}

TEST_F(CampaignLifecycleTest, StaleVersionIsAConflictAndChangesNothing) {
  Campaign c = Make("Contested");
  CampaignInput first;
  first.contact = "first@example.org";
  first.expected_version = 1;
  ASSERT_TRUE(IsOk(service_->Update(As(ana_), c.id, first)));

  CampaignInput second;
  second.contact = "second@example.org";
  second.expected_version = 1;
  auto stale = service_->Update(As(root_), c.id, second);
  ASSERT_TRUE(HasKind(stale, Kind::kConflict));
  EXPECT_THAT(stale.status().message(), HasSubstr("version 2"));
  EXPECT_TRUE(HasKind(service_->Submit(As(ana_), c.id, 1), Kind::kConflict));
  EXPECT_TRUE(HasKind(service_->Archive(As(ana_), c.id, 1), Kind::kConflict));

  Campaign now = service_->Get(As(ana_), c.id).value();
  EXPECT_EQ(now.contact, "first@example.org");
  EXPECT_EQ(now.version, 2);
  EXPECT_EQ(service_->History(As(ana_), c.id).value().size(), 2u);
  EXPECT_EQ(Feed().size(), 2u);
  EXPECT_EQ(CampaignAuditActions(c.id).size(), 2u);
  EXPECT_TRUE(HasKind(service_->Update(As(ana_), 999999, first), Kind::kNotFound));
}

TEST_F(CampaignLifecycleTest, SavingWithoutChangesWritesNothing) {
  Campaign c = Make("Unchanged", "jcwi", nullptr, [](CampaignInput& in) {
    in.countries = std::vector<std::string>{"GRC", "ESP"};
  });
  CampaignInput same = Input(" Unchanged ", "jcwi");
  same.countries = std::vector<std::string>{"esp", "GRC"};
  same.expected_version = 1;
  auto saved = service_->Update(As(ana_), c.id, same);
  ASSERT_TRUE(IsOk(saved));
  EXPECT_EQ(saved->version, 1);
  EXPECT_EQ(service_->History(As(ana_), c.id).value().size(), 1u);
  EXPECT_EQ(Feed().size(), 1u);
  // The checks still apply to a save that would change nothing.
  EXPECT_TRUE(HasKind(service_->Update(As(ben_), c.id, same), Kind::kPermissionDenied));
  same.expected_version = 0;
  EXPECT_TRUE(HasKind(service_->Update(As(ana_), c.id, same), Kind::kConflict));
}

// --- Adaptation and lineage ----------------------------------------------------------

using CampaignLineageTest = CampaignServiceTest;

TEST_F(CampaignLineageTest, AdaptCopiesTheIdeaNotThePlace) {
  Campaign source = MakePublished("I am an Immigrant", "jcwi", nullptr, [](CampaignInput& in) {
    in.countries = std::vector<std::string>{"GBR"};
    in.themes = std::vector<std::string>{"xenophobia"};
    in.channels = std::vector<std::string>{"posters"};
    in.audiences = std::vector<std::string>{"commuters"};
    in.outcomes = "Seen by millions";
    in.figures = std::vector<campaigns::Figure>{{"reach", 1000000}};
    in.partners = std::vector<std::string>{"mxg"};
    in.start_date = "2015-03-01";
    in.licence = "cc-by-sa";
    in.stage = "ended";
  });
  ASSERT_TRUE(IsOk(service_->AddMedia(As(ana_), source.id, "poster.png", Png(), "")));

  auto adapted = service_->Adapt(As(carla_), source.id, "iom");
  ASSERT_TRUE(IsOk(adapted));
  const Campaign& a = *adapted;
  EXPECT_NE(a.id, source.id);
  EXPECT_EQ(a.adapted_from, source.id);
  EXPECT_EQ(a.organisation.slug, "iom");
  EXPECT_EQ(a.lifecycle, Lifecycle::kDraft);
  EXPECT_EQ(a.stage, Stage::kIdea);
  EXPECT_EQ(a.texts, source.texts);
  EXPECT_EQ(a.slug, "i-am-an-immigrant-iom");  // says whose adaptation it is
  EXPECT_THAT(a.themes, ElementsAre("xenophobia"));
  EXPECT_THAT(a.channels, ElementsAre("posters"));
  EXPECT_THAT(a.audiences, ElementsAre("commuters"));
  EXPECT_EQ(a.outcomes, "Seen by millions");
  EXPECT_EQ(a.licence, "cc-by-sa");
  EXPECT_THAT(a.countries, IsEmpty());
  EXPECT_THAT(a.figures, IsEmpty());
  EXPECT_THAT(a.partners, IsEmpty());
  EXPECT_THAT(a.media, IsEmpty());
  EXPECT_FALSE(a.start_date.has_value());
  EXPECT_EQ(a.created_by, carla_.id);

  auto history = service_->History(As(carla_), a.id).value();
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].action, "adapt");
  EXPECT_THAT(history[0].changed, Contains("adapted_from"));
  auto entries = AuditFor("campaign", std::to_string(a.id));
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].action, "campaign.adapt");
  EXPECT_EQ(entries[0].details.at("source"), std::to_string(source.id));
  EXPECT_EQ(Feed().back().id, a.id);
}

TEST_F(CampaignLineageTest, WhoMayAdaptWhat) {
  Campaign draft = Make("Secret draft");
  Campaign pub = MakePublished("Public");
  EXPECT_TRUE(HasKind(service_->Adapt(Anonymous(), pub.id, "iom"), Kind::kUnauthenticated));
  EXPECT_TRUE(HasKind(service_->Adapt(As(ben_), pub.id, "jcwi"), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->Adapt(As(carla_), pub.id, "mxg"), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->Adapt(As(carla_), draft.id, "iom"), Kind::kNotFound));
  EXPECT_TRUE(HasFieldCode(service_->Adapt(As(carla_), pub.id, "nowhere"), "organisation", "invalid"));
  EXPECT_TRUE(HasFieldCode(service_->Adapt(As(carla_), pub.id, ""), "organisation", "required"));
  EXPECT_TRUE(IsOk(service_->Adapt(As(carla_), pub.id, "iom")));
  // Adapting within the same organisation is allowed (a new edition).
  EXPECT_TRUE(IsOk(service_->Adapt(As(ana_), pub.id, "jcwi")));
}

TEST_F(CampaignLineageTest, ThreeGenerationsWithCountriesAndHiddenDrafts) {
  Campaign root = MakePublished("I am an Immigrant", "jcwi", nullptr,
                                [](CampaignInput& in) { in.countries = std::vector<std::string>{"GBR"}; });
  clock_.AdvanceMs(1000);
  Campaign child = service_->Adapt(As(carla_), root.id, "iom").value();
  CampaignInput where;
  where.countries = std::vector<std::string>{"GRC", "ITA"};
  where.texts = std::map<std::string, LocalText>{{"en", LocalText{"I am a Migrant", "", ""}}};
  ASSERT_TRUE(IsOk(service_->Update(As(carla_), child.id, where)));
  ASSERT_TRUE(IsOk(service_->Submit(As(carla_), child.id)));
  ASSERT_TRUE(IsOk(service_->Publish(As(mo_), child.id)));
  clock_.AdvanceMs(1000);
  Campaign grandchild = service_->Adapt(As(dev_), child.id, "mxg").value();
  CampaignInput there;
  there.countries = std::vector<std::string>{"ESP", "GRC"};
  ASSERT_TRUE(IsOk(service_->Update(As(dev_), grandchild.id, there)));
  ASSERT_TRUE(IsOk(service_->Submit(As(dev_), grandchild.id)));
  ASSERT_TRUE(IsOk(service_->Publish(As(root_), grandchild.id)));
  clock_.AdvanceMs(1000);
  // A draft adaptation nobody outside mxg may see yet.
  Campaign draft = service_->Adapt(As(dev_), root.id, "mxg").value();
  CampaignInput draft_where;
  draft_where.countries = std::vector<std::string>{"FRA"};
  ASSERT_TRUE(IsOk(service_->Update(As(dev_), draft.id, draft_where)));

  auto anon = service_->GetLineage(Anonymous(), grandchild.id, "en");
  ASSERT_TRUE(IsOk(anon));
  EXPECT_EQ(anon->root, root.id);
  std::vector<std::pair<Id, int>> nodes;
  for (const auto& n : anon->nodes) nodes.emplace_back(n.id, n.depth);
  EXPECT_THAT(nodes, ElementsAre(Pair(root.id, 0), Pair(child.id, 1), Pair(grandchild.id, 2)));
  EXPECT_EQ(anon->nodes[1].title, "I am a Migrant");
  EXPECT_EQ(anon->nodes[1].organisation.slug, "iom");
  EXPECT_EQ(anon->nodes[2].adapted_from, child.id);
  EXPECT_EQ(anon->nodes[2].lifecycle, Lifecycle::kPublished);
  EXPECT_THAT(anon->countries,
              UnorderedElementsAre(Pair("GBR", 1), Pair("GRC", 2), Pair("ITA", 1), Pair("ESP", 1)));

  // From any member of the family, the same tree; mxg's editor also sees the draft.
  auto dev = service_->GetLineage(As(dev_), root.id, "en");
  ASSERT_TRUE(IsOk(dev));
  nodes.clear();
  for (const auto& n : dev->nodes) nodes.emplace_back(n.id, n.depth);
  EXPECT_THAT(nodes,
              ElementsAre(Pair(root.id, 0), Pair(child.id, 1), Pair(grandchild.id, 2), Pair(draft.id, 1)));
  EXPECT_EQ(dev->countries.at("FRA"), 1);
  EXPECT_EQ(dev->countries.at("GRC"), 2);

  // The draft's own lineage is not there for someone who cannot see it.
  EXPECT_TRUE(HasKind(service_->GetLineage(Anonymous(), draft.id, "en"), Kind::kNotFound));
}

// --- Media ---------------------------------------------------------------------

using CampaignMediaTest = CampaignServiceTest;

TEST_F(CampaignMediaTest, AcceptsImagesAndPdfsByContent) {
  Campaign c = Make("With posters");
  auto png = service_->AddMedia(As(ana_), c.id, "../../etc/poster\x01.png", Png(100), "  The poster ");
  ASSERT_TRUE(IsOk(png));
  EXPECT_GT(png->id, 0);
  EXPECT_EQ(png->campaign_id, c.id);
  EXPECT_EQ(png->filename, "poster.png");
  EXPECT_EQ(png->content_type, "image/png");
  EXPECT_EQ(png->size, 100);
  EXPECT_EQ(png->sha256, crypto::Sha256Hex(Png(100)));
  EXPECT_EQ(png->caption, "The poster");
  // The name says JPEG; the bytes say PDF, and the bytes win.
  auto pdf = service_->AddMedia(As(ana_), c.id, "report.jpg", "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "");
  ASSERT_TRUE(IsOk(pdf));
  EXPECT_EQ(pdf->content_type, "application/pdf");

  auto got = service_->GetMedia(As(ben_), png->id);
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(got->first.filename, "poster.png");
  EXPECT_EQ(got->second, Png(100));
  EXPECT_TRUE(HasKind(service_->GetMedia(Anonymous(), png->id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(service_->GetMedia(As(carla_), png->id), Kind::kNotFound));
  EXPECT_EQ(service_->Get(As(ana_), c.id).value().media.size(), 2u);

  EXPECT_THAT(CampaignAuditActions(c.id),
              ElementsAre("campaign.create", "campaign.media_add", "campaign.media_add"));
  EXPECT_EQ(Feed().size(), 3u);
}

TEST_F(CampaignMediaTest, RefusesOtherContentTooLargeAndTooMany) {
  Campaign c = Make("Limits");
  EXPECT_TRUE(
      HasKind(service_->AddMedia(As(ana_), c.id, "evil.png", "<svg><script>alert(1)</script></svg>", ""),
              Kind::kUnsupportedMediaType));
  EXPECT_TRUE(HasKind(service_->AddMedia(As(ana_), c.id, "empty.png", "", ""), Kind::kUnsupportedMediaType));
  auto big = service_->AddMedia(As(ana_), c.id, "big.png", Png(kMaxMediaBytes + 1), "");
  ASSERT_TRUE(HasKind(big, Kind::kPayloadTooLarge));
  EXPECT_THAT(big.status().message(), HasSubstr(std::to_string(kMaxMediaBytes)));
  EXPECT_TRUE(IsOk(service_->AddMedia(As(ana_), c.id, "edge.png", Png(kMaxMediaBytes), "")));
  EXPECT_TRUE(HasFieldCode(service_->AddMedia(As(ana_), c.id, "c.png", Png(), std::string(301, 'c')),
                           "caption", "too_long"));
  EXPECT_TRUE(IsOk(service_->AddMedia(As(ana_), c.id, "two.gif", "GIF89a....", "")));
  EXPECT_TRUE(HasFieldCode(service_->AddMedia(As(ana_), c.id, "three.png", Png(), ""), "media", "too_many"));
  EXPECT_EQ(service_->Get(As(ana_), c.id).value().media.size(), 2u);
}

TEST_F(CampaignMediaTest, OnlyEditorsAddAndRemove) {
  Campaign c = MakePublished("Shared");
  EXPECT_TRUE(HasKind(service_->AddMedia(As(ben_), c.id, "a.png", Png(), ""), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->AddMedia(As(carla_), c.id, "a.png", Png(), ""), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->AddMedia(Anonymous(), c.id, "a.png", Png(), ""), Kind::kPermissionDenied));
  auto m = service_->AddMedia(As(ana_), c.id, "a.png", Png(), "");
  ASSERT_TRUE(IsOk(m));
  EXPECT_TRUE(IsOk(service_->GetMedia(Anonymous(), m->id)));
  EXPECT_TRUE(HasKind(service_->RemoveMedia(As(carla_), m->id), Kind::kPermissionDenied));
  EXPECT_TRUE(IsOk(service_->RemoveMedia(As(ana_), m->id)));
  EXPECT_TRUE(HasKind(service_->RemoveMedia(As(ana_), m->id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(service_->GetMedia(As(ana_), m->id), Kind::kNotFound));
  EXPECT_THAT(CampaignAuditActions(c.id),
              ElementsAre("campaign.create", "campaign.submit", "campaign.publish", "campaign.media_add",
                          "campaign.media_remove"));
}

// --- Themes --------------------------------------------------------------------

using CampaignThemesTest = CampaignServiceTest;

TEST_F(CampaignThemesTest, AdminsSaveThemesAndRetiredOnesAreRefused) {
  auto before = service_->Themes();
  ASSERT_TRUE(IsOk(before));
  EXPECT_FALSE(before->empty());

  Theme t{"migrant-voices", {{"en", "Migrant voices"}, {"fr", " Voix migrantes "}}, true};
  EXPECT_TRUE(HasKind(service_->SaveTheme(As(ana_), t), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->SaveTheme(As(mo_), t), Kind::kPermissionDenied));
  EXPECT_TRUE(HasFieldCode(service_->SaveTheme(As(root_), Theme{"Bad Code!", {}, true}), "code", "invalid"));
  EXPECT_TRUE(HasFieldCode(service_->SaveTheme(As(root_), Theme{"ok", {{"de", "Gut"}}, true}), "labels",
                           "language_unsupported"));
  ASSERT_TRUE(IsOk(service_->SaveTheme(As(root_), t)));
  auto after = service_->Themes().value();
  auto it =
      std::find_if(after.begin(), after.end(), [](const Theme& x) { return x.code == "migrant-voices"; });
  ASSERT_NE(it, after.end());
  EXPECT_EQ(it->Label("fr"), "Voix migrantes");
  EXPECT_EQ(AuditFor("theme", "migrant-voices").at(0).action, "theme.save");

  Campaign c = Make("Voices", "jcwi", nullptr,
                    [](CampaignInput& in) { in.themes = std::vector<std::string>{"migrant-voices"}; });
  EXPECT_THAT(c.themes, ElementsAre("migrant-voices"));

  t.active = false;
  ASSERT_TRUE(IsOk(service_->SaveTheme(As(root_), t)));
  CampaignInput retired = Input("Too late", "jcwi");
  retired.themes = std::vector<std::string>{"migrant-voices"};
  EXPECT_TRUE(HasFieldCode(service_->Create(As(ana_), retired), "themes", "theme_unknown"));
  // A campaign that already has it keeps it through an edit of its themes.
  CampaignInput keep;
  keep.themes = std::vector<std::string>{"migrant-voices", "inclusion"};
  auto kept = service_->Update(As(ana_), c.id, keep);
  ASSERT_TRUE(IsOk(kept));
  EXPECT_THAT(kept->themes, ElementsAre("inclusion", "migrant-voices"));
  // But an adaptation does not carry a retired theme along.
  ASSERT_TRUE(IsOk(service_->Submit(As(ana_), c.id)));
  ASSERT_TRUE(IsOk(service_->Publish(As(jmo_), c.id)));
  EXPECT_THAT(service_->Adapt(As(carla_), c.id, "iom").value().themes, ElementsAre("inclusion"));
}

// --- Search --------------------------------------------------------------------

using CampaignSearchTest = CampaignServiceTest;

TEST_F(CampaignSearchTest, DocumentsOnlyForPublishedCampaigns) {
  Campaign draft = Make("Draft");
  EXPECT_TRUE(HasKind(service_->SearchDocument(draft.id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(service_->SearchDocument(999999), Kind::kNotFound));

  clock_.SetMs(1'450'000'000'000);  // December 2015
  Campaign c = MakePublished("I am an Immigrant", "jcwi", nullptr, [](CampaignInput& in) {
    (*in.texts)["fr"] = LocalText{"Je suis un immigré", "Affiches", ""};
    in.countries = std::vector<std::string>{"GBR", "GRC"};
    in.themes = std::vector<std::string>{"xenophobia"};
    in.channels = std::vector<std::string>{"posters", "press"};
    in.stage = "running";
  });
  auto doc = service_->SearchDocument(c.id);
  ASSERT_TRUE(IsOk(doc));
  EXPECT_EQ(doc->kind, "campaign");
  EXPECT_EQ(doc->id, c.id);
  EXPECT_EQ(doc->texts.at("en").title, "I am an Immigrant");
  EXPECT_EQ(doc->texts.at("en").body, "A summary.\n\nThe **body**.");
  EXPECT_EQ(doc->texts.at("fr").body, "Affiches");
  EXPECT_THAT(doc->facets.at("country"), ElementsAre("GBR", "GRC"));
  EXPECT_THAT(doc->facets.at("theme"), ElementsAre("xenophobia"));
  EXPECT_THAT(doc->facets.at("org"), ElementsAre("jcwi"));
  EXPECT_THAT(doc->facets.at("status"), ElementsAre("running"));
  EXPECT_THAT(doc->facets.at("lang"), ElementsAre("en", "fr"));
  EXPECT_THAT(doc->facets.at("year"), ElementsAre("2015"));
  EXPECT_THAT(doc->facets.at("channel"), ElementsAre("posters", "press"));
  EXPECT_THAT(doc->facets.at("kind"), ElementsAre("campaign"));
  EXPECT_THAT(doc->audience, ElementsAre("public"));
  EXPECT_EQ(doc->date, c.published_at.value());

  CampaignInput dated;
  dated.start_date = "2013-06-01";
  dated.visibility = "organisation";
  ASSERT_TRUE(IsOk(service_->Update(As(ana_), c.id, dated)));
  doc = service_->SearchDocument(c.id);
  ASSERT_TRUE(IsOk(doc));
  EXPECT_THAT(doc->facets.at("year"), ElementsAre("2013"));
  EXPECT_THAT(doc->audience, ElementsAre("org:" + std::to_string(jcwi_.id)));
  dated.visibility = "members";
  ASSERT_TRUE(IsOk(service_->Update(As(ana_), c.id, dated)));
  EXPECT_THAT(service_->SearchDocument(c.id).value().audience, ElementsAre("members"));

  campaigns::CampaignDocuments source(*service_);
  EXPECT_THAT(source.Kinds(), ElementsAre("campaign"));
  EXPECT_TRUE(IsOk(source.Load("campaign", c.id)));
  EXPECT_TRUE(HasKind(source.Load("campaign", draft.id), Kind::kNotFound));
  EXPECT_TRUE(HasKind(source.Load("post", c.id), Kind::kNotFound));
  EXPECT_THAT(source.ListIds("campaign", 0, 10).value(), ElementsAre(draft.id, c.id));
  EXPECT_THAT(source.ListIds("campaign", draft.id, 10).value(), ElementsAre(c.id));
  EXPECT_THAT(source.ListIds("post", 0, 10).value(), IsEmpty());
}

TEST_F(CampaignSearchTest, QueriesCarryTheReadersAudienceAndLoadHitsInOrder) {
  search::Query q;
  q.text = "immigrant";
  EXPECT_TRUE(HasKind(service_->Search(Anonymous(), q), Kind::kUnavailable));

  CannedIndex index;
  service_->SetIndex(&index);
  Campaign a = MakePublished("A");
  Campaign b = MakePublished("B");
  Campaign draft = Make("Draft");
  Campaign own =
      MakePublished("Own", "jcwi", nullptr, [](CampaignInput& in) { in.visibility = "organisation"; });
  index.results.total = 5;
  for (Id id : {b.id, draft.id, a.id, own.id, Id{999999}}) {
    index.results.hits.push_back(search::Hit{"campaign", id, 1.0, "en", "<mark>x</mark>"});
  }
  index.results.hits.push_back(search::Hit{"post", a.id, 1.0, "en", ""});

  q.filters["kind"] = {"post"};
  q.limit = 100000;
  auto anon = service_->Search(Anonymous(), q);
  ASSERT_TRUE(IsOk(anon));
  EXPECT_THAT(index.last_query.audience, ElementsAre("public"));
  EXPECT_THAT(index.last_query.filters.at("kind"), ElementsAre("campaign"));
  EXPECT_EQ(index.last_query.text, "immigrant");
  EXPECT_LE(index.last_query.limit, 100);
  std::vector<Id> ids;
  for (const auto& c : anon->campaigns) ids.push_back(c.id);
  EXPECT_THAT(ids, ElementsAre(b.id, a.id));  // the index's order; drafts, strangers' and unknown ids dropped
  ASSERT_EQ(anon->results.hits.size(), 2u);
  EXPECT_EQ(anon->results.hits[0].id, b.id);
  EXPECT_EQ(anon->results.total, 5);

  auto member = service_->Search(As(ben_), q);
  ASSERT_TRUE(IsOk(member));
  EXPECT_THAT(index.last_query.audience, ElementsAre("public", "members", "org:" + std::to_string(jcwi_.id)));
  EXPECT_EQ(member->campaigns.size(), 3u);  // b, a and own

  // A moderator searches as a member of their organisation; only
  // administrators search everything.
  ASSERT_TRUE(IsOk(service_->Search(As(mo_), q)));
  EXPECT_THAT(index.last_query.audience, ElementsAre("public", "members", "org:" + std::to_string(iom_.id)));
  ASSERT_TRUE(IsOk(service_->Search(As(root_), q)));
  EXPECT_THAT(index.last_query.audience, IsEmpty());
}

// --- The change feed -------------------------------------------------------------

using CampaignFeedTest = CampaignServiceTest;

TEST_F(CampaignFeedTest, EveryChangeIsAppendedAndFailuresAppendNothing) {
  Campaign c = Make("Fed");  // 1
  CampaignInput edit;
  edit.contact = "x@example.org";
  ASSERT_TRUE(IsOk(service_->Update(As(ana_), c.id, edit)));             // 2
  ASSERT_TRUE(IsOk(service_->Submit(As(ana_), c.id)));                   // 3
  ASSERT_TRUE(IsOk(service_->Return(As(jmo_), c.id, "Add a picture")));  // 4
  auto m = service_->AddMedia(As(ana_), c.id, "p.png", Png(), "");       // 5
  ASSERT_TRUE(IsOk(m));
  ASSERT_TRUE(IsOk(service_->RemoveMedia(As(ana_), m->id)));         // 6
  ASSERT_TRUE(IsOk(service_->Submit(As(ana_), c.id)));               // 7
  ASSERT_TRUE(IsOk(service_->Publish(As(jmo_), c.id)));              // 8
  Campaign copy = service_->Adapt(As(carla_), c.id, "iom").value();  // 9
  ASSERT_TRUE(IsOk(service_->Archive(As(jmo_), c.id)));              // 10

  // Refused changes leave no trace.
  EXPECT_FALSE(service_->Publish(As(jmo_), c.id).ok());
  EXPECT_FALSE(service_->Update(As(ana_), copy.id, Input(std::string(500, 'x'), "iom")).ok());
  EXPECT_FALSE(service_->Update(As(ben_), copy.id, edit).ok());
  EXPECT_FALSE(service_->AddMedia(As(carla_), copy.id, "x.txt", "text", "").ok());

  auto feed = Feed();
  ASSERT_EQ(feed.size(), 10u);
  std::vector<Id> ids;
  for (const auto& change : feed) {
    EXPECT_EQ(change.kind, "campaign");
    ids.push_back(change.id);
  }
  EXPECT_THAT(ids, ElementsAre(c.id, c.id, c.id, c.id, c.id, c.id, c.id, c.id, copy.id, c.id));
  EXPECT_EQ(campaign_stores_->feed().Head().value(), feed.back().seq);
}

}  // namespace
}  // namespace waymark::conformance
