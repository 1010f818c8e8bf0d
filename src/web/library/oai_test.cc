#include "web/library/oai.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <tuple>

#ifndef WAYMARK_SOURCE_DIR
#error "WAYMARK_SOURCE_DIR must name the source tree (it holds tests/schemas/oai)"
#endif

namespace waymark::web::oai {
namespace {

constexpr std::int64_t kDay = 86'400'000;
constexpr std::int64_t kHour = 3'600'000;
// 2024-03-01T00:00:00Z
constexpr std::int64_t kBase = 1'709'251'200'000;
const std::string kSchemaDir = WAYMARK_SOURCE_DIR "/tests/schemas/oai/";

// --- An in-memory library -------------------------------------------------

class MemoryRepository : public Repository {
 public:
  ListPage List(const ListQuery& q) const override {
    ++list_calls;
    if (q.count) ++counts;
    std::vector<const Record*> sorted;
    for (const Record& r : records) sorted.push_back(&r);
    std::sort(sorted.begin(), sorted.end(), [](const Record* a, const Record* b) {
      return std::tie(a->datestamp_ms, a->local_id) < std::tie(b->datestamp_ms, b->local_id);
    });
    ListPage page;
    ListQuery all = q;
    all.after_datestamp_ms = std::numeric_limits<std::int64_t>::min();
    all.after_local_id.clear();
    std::int64_t count = 0;
    for (const Record* r : sorted) {
      if (q.count && Matches(all, r->datestamp_ms, r->local_id, r->set_specs)) ++count;
      if (!Matches(q, r->datestamp_ms, r->local_id, r->set_specs)) continue;
      if (static_cast<int>(page.records.size()) < q.limit) {
        page.records.push_back(*r);
      } else {
        page.more = true;
      }
    }
    if (q.count) page.complete_list_size = count;
    return page;
  }
  std::optional<Record> Get(std::string_view local_id) const override {
    for (const Record& r : records) {
      if (r.local_id == local_id) return r;
    }
    return std::nullopt;
  }
  std::vector<Set> Sets() const override { return sets; }
  std::int64_t EarliestDatestampMs() const override {
    std::int64_t earliest = std::numeric_limits<std::int64_t>::max();
    for (const Record& r : records) earliest = std::min(earliest, r.datestamp_ms);
    return records.empty() ? kBase : earliest;
  }

  Record* Find(std::string_view local_id) {
    for (Record& r : records) {
      if (r.local_id == local_id) return &r;
    }
    return nullptr;
  }

  std::vector<Record> records;
  std::vector<Set> sets;
  mutable int list_calls = 0;
  mutable int counts = 0;  // calls that asked for complete_list_size
};

std::string Id(int i) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "item-%03d", i);
  return buf;
}

// 250 records over 21 days, inserted out of order; records 2k and 2k+1 share
// a datestamp (so pages split ties), some carry milliseconds, every 37th is
// withdrawn, and they sit in one type and zero to three themes, one of them
// three levels deep.
MemoryRepository MakeLibrary() {
  MemoryRepository repo;
  for (int k = 0; k < 250; ++k) {
    const int i = (k * 97) % 250;  // a permutation: insertion order differs from datestamp order
    Record r;
    r.local_id = Id(i);
    const int pair = i / 2;
    r.datestamp_ms = kBase + (pair % 21) * kDay + (pair * 5 % 24) * kHour + (pair % 4 == 0 ? 500 : 0);
    r.deleted = i % 37 == 5;
    static const char* const kTypes[] = {"type:report", "type:dataset", "type:brief"};
    r.set_specs.push_back(kTypes[i % 3]);
    if (i % 5 == 0) r.set_specs.push_back("theme:drought");
    if (i % 7 == 0) r.set_specs.push_back("theme:flood");
    if (i % 11 == 0) r.set_specs.push_back("theme:climate:heat");
    r.dc.title.push_back({"Report " + std::to_string(i) + " on <water> & \"drought\"", "en"});
    if (i % 2 == 0) r.dc.title.push_back({"Rapport " + std::to_string(i) + " sur la sécheresse", "fr"});
    r.dc.creator.push_back({"Ngozi Okafor", ""});
    r.dc.subject.push_back({"drought", "en"});
    r.dc.description.push_back(
        {"Line one\nline two\twith a tab\r\nand CRLF", "en_US"});  // invalid tag: dropped
    r.dc.publisher.push_back({"Waymark", ""});
    r.dc.date.push_back({"2024-03-05", ""});
    r.dc.type.push_back({"Text", ""});
    r.dc.format.push_back({"application/pdf", ""});
    r.dc.identifier.push_back({"https://waymark.example.org/library/" + Id(i), ""});
    r.dc.language.push_back({"en", ""});
    r.dc.coverage.push_back({"Sahel", "en"});
    r.dc.rights.push_back({"CC BY 4.0", ""});
    repo.records.push_back(r);
  }
  // Two records with ids that need escaping in an oai-identifier.
  repo.Find(Id(17))->local_id = "report 2024/ü#17";
  repo.Find(Id(18))->set_specs.push_back("not a valid spec!");  // left out of the header
  repo.sets = {{"type", "Types"},
               {"type:report", "Research reports"},
               {"type:dataset", "Datasets"},
               {"type:brief", "Policy briefs"},
               {"theme:drought", "Drought"},
               {"theme:flood", "Floods"},
               {"theme:climate:heat", "Heat waves"},
               {"bad spec", "Ignored: not setSpec syntax"}};
  return repo;
}

Settings MakeSettings() {
  Settings s;
  s.base_url = "https://waymark.example.org/oai";
  s.repository_name = "Waymark library";
  s.admin_email = "library@waymark.example.org, oai-admin@waymark.example.org";
  s.id_namespace = "waymark.example.org";
  s.page_size = 37;  // odd, so that pages end inside a pair of equal datestamps
  s.now_ms = kBase + 30 * kDay;
  s.token_key = "test key: 32 random bytes in production";
  return s;
}

// --- Reading responses (we write the XML, so plain string search will do) --

std::vector<std::string> All(const std::string& body, const std::string& open, const std::string& close) {
  std::vector<std::string> out;
  for (std::size_t pos = body.find(open); pos != std::string::npos; pos = body.find(open, pos)) {
    pos += open.size();
    const std::size_t end = body.find(close, pos);
    out.push_back(body.substr(pos, end - pos));
    pos = end;
  }
  return out;
}

std::vector<std::string> ErrorCodes(const std::string& body) { return All(body, "<error code=\"", "\""); }

std::string Request(const std::string& body) {
  const std::size_t start = body.find("<request");
  return body.substr(start, body.find("</request>", start) - start);
}

struct Token {
  bool present = false;
  std::string value;
  std::string complete_list_size;  // empty when absent
  std::string cursor;
};

std::string AttrOf(const std::string& element, const std::string& name) {
  const std::string key = " " + name + "=\"";
  const std::size_t pos = element.find(key);
  if (pos == std::string::npos) return "";
  const std::size_t start = pos + key.size();
  return element.substr(start, element.find('"', start) - start);
}

Token TokenOf(const std::string& body) {
  Token t;
  const std::size_t pos = body.find("<resumptionToken");
  if (pos == std::string::npos) return t;
  t.present = true;
  const std::size_t gt = body.find('>', pos);
  const std::string open = body.substr(pos, gt - pos);
  t.complete_list_size = AttrOf(open, "completeListSize");
  t.cursor = AttrOf(open, "cursor");
  if (body[gt - 1] != '/') t.value = body.substr(gt + 1, body.find("</resumptionToken>", gt) - gt - 1);
  return t;
}

// --- Validation against the published schemas ------------------------------

bool HaveXmllint() {
  static const bool have = std::system("command -v xmllint >/dev/null 2>&1") == 0;
  return have;
}

// Runs xmllint on `xml` against `schema` (a file in tests/schemas/oai); on
// failure returns its complaints.
std::optional<std::string> SchemaErrors(const std::string& xml, const std::string& schema) {
  char path[] = "/tmp/oai_test_XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return "cannot create a temporary file";
  close(fd);
  std::ofstream(path, std::ios::binary) << xml;
  const std::string errors = std::string(path) + ".err";
  const std::string cmd =
      "xmllint --noout --nonet --schema '" + kSchemaDir + schema + "' '" + path + "' 2>'" + errors + "'";
  const int rc = std::system(cmd.c_str());
  std::stringstream complaints;
  complaints << std::ifstream(errors).rdbuf();
  std::filesystem::remove(path);
  std::filesystem::remove(errors);
  if (rc == 0) return std::nullopt;
  return "xmllint exit " + std::to_string(rc) + ":\n" + complaints.str() + "\n--- document ---\n" + xml;
}

// The whole response, the oai_dc records included: OAI-PMH.xsd asks for
// strict validation of <metadata> and <description> contents, so the schema
// given to xmllint must also declare oai_dc:dc and oai-identifier.
#define EXPECT_VALID(xml)                                                   \
  do {                                                                      \
    if (HaveXmllint()) {                                                    \
      const auto problems = SchemaErrors((xml), "oai-pmh-with-oai_dc.xsd"); \
      EXPECT_FALSE(problems.has_value()) << *problems;                      \
    }                                                                       \
  } while (false)

// EXPECT_VALID checks nothing without xmllint; say so in the test report
// rather than pass quietly.
TEST(OaiSchemaTest, XmllintIsInstalled) {
  if (!HaveXmllint()) GTEST_SKIP() << "xmllint is not installed: no response was checked against the schemas";
  EXPECT_TRUE(std::filesystem::exists(kSchemaDir + "OAI-PMH.xsd")) << kSchemaDir;
}

class OaiTest : public ::testing::Test {
 protected:
  Response Call(const Args& args) { return Handle(args, repo_, settings_); }
  std::string Body(const Args& args) {
    Response r = Call(args);
    EXPECT_EQ(r.http_status, 200);
    EXPECT_EQ(r.content_type, "text/xml; charset=utf-8");
    return r.body;
  }
  // The error codes of a request expected to fail, after checking that the
  // failure is itself a valid response.
  std::vector<std::string> Codes(const Args& args) {
    const std::string body = Body(args);
    EXPECT_VALID(body);
    return ErrorCodes(body);
  }

  // What a list should hold, computed from the records without the code
  // under test: identifiers in (datestamp, local id) order.
  std::vector<std::string> Expected(std::int64_t from, std::int64_t until, const std::string& set) const {
    std::vector<const Record*> chosen;
    for (const Record& r : repo_.records) {
      if (r.datestamp_ms / 1000 * 1000 < from || r.datestamp_ms / 1000 * 1000 > until) continue;
      bool in = set.empty();
      for (const std::string& spec : r.set_specs) {
        in = in || spec == set || spec.rfind(set + ":", 0) == 0;
      }
      if (in) chosen.push_back(&r);
    }
    std::sort(chosen.begin(), chosen.end(), [](const Record* a, const Record* b) {
      return std::tie(a->datestamp_ms, a->local_id) < std::tie(b->datestamp_ms, b->local_id);
    });
    std::vector<std::string> ids;
    ids.reserve(chosen.size());
    for (const Record* r : chosen) ids.push_back(Identifier(settings_.id_namespace, r->local_id));
    return ids;
  }

  struct Harvest {
    std::vector<std::string> ids;
    std::vector<std::string> bodies;
    std::string error;  // the first error code met
  };
  // Follows resumption tokens to the end, checking cursor and
  // completeListSize on the way.
  Harvest Run(const Args& first, const std::string& verb = "ListRecords") {
    Harvest h;
    Args args = first;
    std::int64_t delivered = 0;
    std::string announced;
    for (int page = 0; page < 100; ++page) {
      const std::string body = Body(args);
      h.bodies.push_back(body);
      const auto codes = ErrorCodes(body);
      if (!codes.empty()) {
        h.error = codes[0];
        return h;
      }
      const auto ids = All(body, "<identifier>", "</identifier>");
      h.ids.insert(h.ids.end(), ids.begin(), ids.end());
      const Token t = TokenOf(body);
      if (!t.present) {
        EXPECT_EQ(page, 0) << "a resumed list must end with an empty token";
        return h;
      }
      EXPECT_EQ(t.cursor, std::to_string(delivered)) << "page " << page;
      if (page == 0) announced = t.complete_list_size;
      delivered += static_cast<std::int64_t>(ids.size());
      if (t.value.empty()) {
        EXPECT_EQ(t.complete_list_size, std::to_string(delivered));
        EXPECT_EQ(announced, std::to_string(delivered)) << "completeListSize announced on the first page";
        return h;
      }
      args = {{"verb", verb}, {"resumptionToken", t.value}};
    }
    ADD_FAILURE() << "the list never ended";
    return h;
  }

  MemoryRepository repo_ = MakeLibrary();
  Settings settings_ = MakeSettings();
};

// --- The six verbs ----------------------------------------------------------

TEST_F(OaiTest, IdentifyIsValid) {
  const std::string body = Body({{"verb", "Identify"}});
  EXPECT_VALID(body);
  EXPECT_NE(body.find("<repositoryName>Waymark library</repositoryName>"), std::string::npos);
  EXPECT_NE(body.find("<baseURL>https://waymark.example.org/oai</baseURL>"), std::string::npos);
  EXPECT_NE(body.find("<protocolVersion>2.0</protocolVersion>"), std::string::npos);
  EXPECT_EQ(All(body, "<adminEmail>", "</adminEmail>"),
            (std::vector<std::string>{"library@waymark.example.org", "oai-admin@waymark.example.org"}));
  EXPECT_NE(body.find("<earliestDatestamp>2024-03-01T00:00:00Z</earliestDatestamp>"), std::string::npos);
  EXPECT_NE(body.find("<deletedRecord>transient</deletedRecord>"), std::string::npos);
  EXPECT_NE(body.find("<granularity>YYYY-MM-DDThh:mm:ssZ</granularity>"), std::string::npos);
  EXPECT_NE(body.find("<repositoryIdentifier>waymark.example.org</repositoryIdentifier>"), std::string::npos);
  EXPECT_NE(Request(body).find("verb=\"Identify\""), std::string::npos);
  EXPECT_NE(body.find("<responseDate>2024-03-31T00:00:00Z</responseDate>"), std::string::npos);
}

TEST_F(OaiTest, IdentifyWithoutDomainLikeNamespaceLeavesOutTheDescription) {
  settings_.id_namespace = "localhost";
  const std::string body = Body({{"verb", "Identify"}});
  EXPECT_VALID(body);
  EXPECT_EQ(body.find("<description>"), std::string::npos);
}

TEST_F(OaiTest, ListMetadataFormats) {
  const std::string all = Body({{"verb", "ListMetadataFormats"}});
  EXPECT_VALID(all);
  EXPECT_NE(all.find("<metadataPrefix>oai_dc</metadataPrefix>"), std::string::npos);
  EXPECT_NE(all.find("<schema>http://www.openarchives.org/OAI/2.0/oai_dc.xsd</schema>"), std::string::npos);
  const std::string one =
      Body({{"verb", "ListMetadataFormats"}, {"identifier", "oai:waymark.example.org:item-001"}});
  EXPECT_VALID(one);
  EXPECT_TRUE(ErrorCodes(one).empty());
  EXPECT_NE(Request(one).find("identifier=\"oai:waymark.example.org:item-001\""), std::string::npos);
  // A withdrawn item still has its header in oai_dc.
  EXPECT_TRUE(
      ErrorCodes(Body({{"verb", "ListMetadataFormats"}, {"identifier", "oai:waymark.example.org:item-005"}}))
          .empty());
}

TEST_F(OaiTest, ListSetsListsEveryValidSetAndItsParents) {
  const std::string body = Body({{"verb", "ListSets"}});
  EXPECT_VALID(body);
  EXPECT_EQ(All(body, "<setSpec>", "</setSpec>"),
            (std::vector<std::string>{"theme", "theme:climate", "theme:climate:heat", "theme:drought",
                                      "theme:flood", "type", "type:brief", "type:dataset", "type:report"}));
  EXPECT_NE(body.find("<setName>Research reports</setName>"), std::string::npos);
  EXPECT_NE(body.find("<setSpec>theme:climate</setSpec><setName>theme:climate</setName>"), std::string::npos);
}

TEST_F(OaiTest, GetRecord) {
  const std::string body = Body({{"verb", "GetRecord"},
                                 {"identifier", "oai:waymark.example.org:item-002"},
                                 {"metadataPrefix", "oai_dc"}});
  EXPECT_VALID(body);
  EXPECT_TRUE(ErrorCodes(body).empty());
  EXPECT_NE(body.find("<header><identifier>oai:waymark.example.org:item-002</identifier>"),
            std::string::npos);
  EXPECT_NE(body.find("<datestamp>2024-03-02T05:00:00Z</datestamp>"), std::string::npos);
  EXPECT_EQ(All(body, "<setSpec>", "</setSpec>"), (std::vector<std::string>{"type:brief"}));
  EXPECT_NE(body.find("<dc:title xml:lang=\"en\">Report 2 on &lt;water&gt; &amp; \"drought\"</dc:title>"),
            std::string::npos);
  EXPECT_NE(body.find("<dc:title xml:lang=\"fr\">Rapport 2 sur la sécheresse</dc:title>"), std::string::npos);
  EXPECT_NE(body.find("<dc:creator>Ngozi Okafor</dc:creator>"), std::string::npos);
  // An invalid language tag is dropped, the value kept; CR survives as a reference.
  EXPECT_NE(body.find("<dc:description>Line one\nline two\twith a tab&#13;\nand CRLF</dc:description>"),
            std::string::npos);
  const std::string request = Request(body);
  EXPECT_NE(request.find("verb=\"GetRecord\""), std::string::npos);
  EXPECT_NE(request.find("metadataPrefix=\"oai_dc\""), std::string::npos);
}

TEST_F(OaiTest, GetRecordOfAWithdrawnItemIsADeletedHeader) {
  const std::string body = Body({{"verb", "GetRecord"},
                                 {"identifier", "oai:waymark.example.org:item-042"},
                                 {"metadataPrefix", "oai_dc"}});
  EXPECT_VALID(body);
  EXPECT_NE(body.find("<header status=\"deleted\"><identifier>oai:waymark.example.org:item-042</identifier>"),
            std::string::npos);
  EXPECT_EQ(body.find("<metadata>"), std::string::npos);
}

TEST_F(OaiTest, IdentifiersEscapeWhatTheSyntaxDoesNotAllow) {
  const std::string id = "oai:waymark.example.org:report%202024/%C3%BC%2317";
  EXPECT_EQ(Identifier("waymark.example.org", "report 2024/ü#17"), id);
  EXPECT_EQ(LocalIdFromIdentifier(id, "waymark.example.org"), "report 2024/ü#17");
  EXPECT_EQ(LocalIdFromIdentifier("oai:waymark.example.org:%41", "waymark.example.org"),
            std::nullopt);  // "A"
  EXPECT_EQ(LocalIdFromIdentifier("oai:waymark.example.org:a%2", "waymark.example.org"), std::nullopt);
  EXPECT_EQ(LocalIdFromIdentifier("oai:waymark.example.org:a%zz", "waymark.example.org"), std::nullopt);
  EXPECT_EQ(LocalIdFromIdentifier("oai:waymark.example.org:", "waymark.example.org"), std::nullopt);
  EXPECT_EQ(LocalIdFromIdentifier("oai:other.example.org:item-001", "waymark.example.org"), std::nullopt);
  const std::string body = Body({{"verb", "GetRecord"}, {"identifier", id}, {"metadataPrefix", "oai_dc"}});
  EXPECT_VALID(body);
  EXPECT_NE(body.find("<identifier>" + id + "</identifier>"), std::string::npos);
  // The set spec that is not setSpec syntax is left out of the header.
  const std::string other = Body({{"verb", "GetRecord"},
                                  {"identifier", "oai:waymark.example.org:item-018"},
                                  {"metadataPrefix", "oai_dc"}});
  EXPECT_VALID(other);
  EXPECT_EQ(other.find("not a valid spec"), std::string::npos);
}

TEST_F(OaiTest, ForbiddenCharactersDoNotBreakTheResponse) {
  Record* r = repo_.Find(Id(4));
  static const char kRaw[] = "Bell\x07 NUL\0 VT\x0B FFFE\xEF\xBF\xBE bad\xC3\x28 ok\xE2\x82\xAC";
  r->dc.title = {{std::string(kRaw, sizeof kRaw - 1), "en"}};
  r->dc.subject = {{"\x01\x02", "en"}};  // nothing left: no element
  const std::string body = Body({{"verb", "GetRecord"},
                                 {"identifier", "oai:waymark.example.org:item-004"},
                                 {"metadataPrefix", "oai_dc"}});
  EXPECT_VALID(body);
  EXPECT_NE(
      body.find("<dc:title xml:lang=\"en\">Bell NUL VT FFFE bad\xEF\xBF\xBD( ok\xE2\x82\xAC</dc:title>"),
      std::string::npos);
  EXPECT_EQ(body.find("<dc:subject"), std::string::npos);
  // Also in what is echoed: a resumption token full of control characters.
  const std::string echoed =
      Body({{"verb", "ListRecords"}, {"resumptionToken", std::string("\x01<\"&\x1F\n", 6)}});
  EXPECT_VALID(echoed);
  EXPECT_NE(Request(echoed).find("resumptionToken=\"&lt;&quot;&amp;&#10;\""), std::string::npos);
}

TEST_F(OaiTest, TheDublinCoreRecordIsValidOnItsOwn) {
  if (!HaveXmllint()) GTEST_SKIP() << "xmllint is not installed";
  const std::string body = Body({{"verb", "GetRecord"},
                                 {"identifier", "oai:waymark.example.org:item-010"},
                                 {"metadataPrefix", "oai_dc"}});
  const std::size_t start = body.find("<oai_dc:dc");
  const std::size_t end = body.find("</oai_dc:dc>") + std::string("</oai_dc:dc>").size();
  ASSERT_NE(start, std::string::npos);
  const std::string dc = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + body.substr(start, end - start);
  const auto problems = SchemaErrors(dc, "oai_dc.xsd");
  EXPECT_FALSE(problems.has_value()) << *problems;
  // And the publication's own schema alone takes what has no metadata in it.
  const auto headers =
      SchemaErrors(Body({{"verb", "ListIdentifiers"}, {"metadataPrefix", "oai_dc"}}), "OAI-PMH.xsd");
  EXPECT_FALSE(headers.has_value()) << *headers;
  for (const Args& args :
       std::vector<Args>{{{"verb", "ListSets"}},
                         {{"verb", "Frobnicate"}},
                         {{"verb", "ListRecords"}, {"metadataPrefix", "oai_dc"}, {"from", "x"}},
                         {{"verb", "GetRecord"},
                          {"identifier", "oai:waymark.example.org:item-005"},
                          {"metadataPrefix", "oai_dc"}}}) {
    const auto problems = SchemaErrors(Body(args), "OAI-PMH.xsd");
    EXPECT_FALSE(problems.has_value()) << *problems;
  }
}

TEST_F(OaiTest, TheValidatorRejectsWhatTheSchemasForbid) {
  // Guards the guard: a validation that passed everything would prove nothing.
  if (!HaveXmllint()) GTEST_SKIP() << "xmllint is not installed";
  std::string identify = Body({{"verb", "Identify"}});
  identify.replace(identify.find("transient"), 9, "sometimes");
  EXPECT_TRUE(SchemaErrors(identify, "oai-pmh-with-oai_dc.xsd").has_value());
  std::string record = Body({{"verb", "GetRecord"},
                             {"identifier", "oai:waymark.example.org:item-010"},
                             {"metadataPrefix", "oai_dc"}});
  EXPECT_FALSE(SchemaErrors(record, "oai-pmh-with-oai_dc.xsd").has_value());
  // The published schema alone cannot check a record's metadata (strict
  // wildcard, no declaration of oai_dc:dc): the wrapper is needed.
  EXPECT_TRUE(SchemaErrors(record, "OAI-PMH.xsd").has_value());
  std::string element = record;
  element.replace(element.find("<dc:creator>"), 12, "<dc:author>");
  element.replace(element.find("</dc:creator>"), 13, "</dc:author>");
  EXPECT_TRUE(SchemaErrors(element, "oai-pmh-with-oai_dc.xsd").has_value());
  std::string lang = record;
  lang.replace(lang.find("xml:lang=\"en\""), 14, "xml:lang=\"e n\"");
  EXPECT_TRUE(SchemaErrors(lang, "oai-pmh-with-oai_dc.xsd").has_value());
}

// --- Lists and resumption tokens --------------------------------------------

TEST_F(OaiTest, ListRecordsPagesThroughEveryRecordOnceAndInOrder) {
  const Harvest h = Run({{"verb", "ListRecords"}, {"metadataPrefix", "oai_dc"}});
  EXPECT_EQ(h.error, "");
  EXPECT_EQ(h.ids, Expected(std::numeric_limits<std::int64_t>::min(), settings_.now_ms, ""));
  EXPECT_EQ(h.ids.size(), 250u);
  EXPECT_EQ(h.bodies.size(), 7u);  // 6 × 37 + 28
  for (const std::string& body : h.bodies) EXPECT_VALID(body);
  std::size_t deleted = 0, metadata = 0;
  for (const std::string& body : h.bodies) {
    deleted += All(body, "<header status=\"deleted\">", "</header>").size();
    metadata += All(body, "<metadata>", "</metadata>").size();
  }
  EXPECT_EQ(deleted, 7u);  // 5, 42, 79, 116, 153, 190, 227
  EXPECT_EQ(metadata, 243u);
  EXPECT_EQ(TokenOf(h.bodies[0]).complete_list_size, "250");
  // A resumed request echoes the verb and the token only.
  EXPECT_EQ(Request(h.bodies[1]).find("metadataPrefix"), std::string::npos);
  EXPECT_NE(Request(h.bodies[1]).find("resumptionToken=\""), std::string::npos);
}

TEST_F(OaiTest, ListIdentifiersPagesLikeListRecords) {
  const Harvest h = Run({{"verb", "ListIdentifiers"}, {"metadataPrefix", "oai_dc"}}, "ListIdentifiers");
  EXPECT_EQ(h.error, "");
  EXPECT_EQ(h.ids, Expected(std::numeric_limits<std::int64_t>::min(), settings_.now_ms, ""));
  for (const std::string& body : h.bodies) {
    EXPECT_VALID(body);
    EXPECT_EQ(body.find("<metadata>"), std::string::npos);
  }
}

TEST_F(OaiTest, AListThatFitsOnOnePageHasNoToken) {
  settings_.page_size = 1000;
  const std::string body = Body({{"verb", "ListIdentifiers"}, {"metadataPrefix", "oai_dc"}});
  EXPECT_VALID(body);
  EXPECT_EQ(All(body, "<identifier>", "</identifier>").size(), 250u);
  EXPECT_FALSE(TokenOf(body).present);
}

TEST_F(OaiTest, FromAndUntilAtSecondsAreInclusive) {
  // item-000's pair has a datestamp of 2024-03-01T00:00:00.500Z, shown as
  // 00:00:00Z: bounds on that second include it.
  Harvest h = Run({{"verb", "ListIdentifiers"},
                   {"metadataPrefix", "oai_dc"},
                   {"from", "2024-03-01T00:00:00Z"},
                   {"until", "2024-03-01T00:00:00Z"}},
                  "ListIdentifiers");
  EXPECT_EQ(h.ids, (std::vector<std::string>{"oai:waymark.example.org:item-000",
                                             "oai:waymark.example.org:item-001"}));
  for (const std::string& body : h.bodies) EXPECT_VALID(body);
  // Pair 44 (items 088, 089) is the only one at 2024-03-03T04:00:00.500Z,
  // pair 30 (060, 061) the only one at 2024-03-10T06:00:00Z.
  const std::int64_t from = kBase + 2 * kDay + 4 * kHour;
  const std::int64_t until = kBase + 9 * kDay + 6 * kHour;
  h = Run({{"verb", "ListRecords"},
           {"metadataPrefix", "oai_dc"},
           {"from", "2024-03-03T04:00:00Z"},
           {"until", "2024-03-10T06:00:00Z"}});
  EXPECT_EQ(h.error, "");
  EXPECT_EQ(h.ids, Expected(from, until, ""));
  EXPECT_GT(h.ids.size(), 37u);
  EXPECT_EQ(h.ids.front(), Identifier("waymark.example.org", Id(88)));  // at `from`, to the second
  EXPECT_EQ(h.ids.back(), Identifier("waymark.example.org", Id(61)));   // exactly at `until`
  for (const std::string& body : h.bodies) EXPECT_VALID(body);
  // A second less on each side loses them.
  h = Run({{"verb", "ListRecords"},
           {"metadataPrefix", "oai_dc"},
           {"from", "2024-03-03T04:00:01Z"},
           {"until", "2024-03-10T05:59:59Z"}});
  EXPECT_EQ(h.ids, Expected(from + 1000, until - 1000, ""));
  EXPECT_EQ(std::count(h.ids.begin(), h.ids.end(), Identifier("waymark.example.org", Id(88))), 0);
  EXPECT_EQ(std::count(h.ids.begin(), h.ids.end(), Identifier("waymark.example.org", Id(61))), 0);
}

TEST_F(OaiTest, FromAndUntilAtDaysCoverWholeDays) {
  const Harvest h = Run({{"verb", "ListRecords"},
                         {"metadataPrefix", "oai_dc"},
                         {"from", "2024-03-04"},
                         {"until", "2024-03-06"}});
  EXPECT_EQ(h.error, "");
  EXPECT_EQ(h.ids, Expected(kBase + 3 * kDay, kBase + 6 * kDay - 1, ""));
  EXPECT_FALSE(h.ids.empty());
  for (const std::string& body : h.bodies) EXPECT_VALID(body);
  EXPECT_NE(Request(h.bodies[0]).find("from=\"2024-03-04\""), std::string::npos);
  // Only one bound.
  EXPECT_EQ(Run({{"verb", "ListIdentifiers"}, {"metadataPrefix", "oai_dc"}, {"until", "2024-03-01"}},
                "ListIdentifiers")
                .ids,
            Expected(kBase, kBase + kDay - 1, ""));
  EXPECT_EQ(Run({{"verb", "ListIdentifiers"}, {"metadataPrefix", "oai_dc"}, {"from", "2024-03-21"}},
                "ListIdentifiers")
                .ids,
            Expected(kBase + 20 * kDay, settings_.now_ms, ""));
}

TEST_F(OaiTest, NoRecordsMatch) {
  // until before the earliest datestamp is legal, and empty.
  EXPECT_EQ(Codes({{"verb", "ListRecords"}, {"metadataPrefix", "oai_dc"}, {"until", "2020-01-01"}}),
            (std::vector<std::string>{"noRecordsMatch"}));
  // from after now.
  EXPECT_EQ(
      Codes({{"verb", "ListIdentifiers"}, {"metadataPrefix", "oai_dc"}, {"from", "2030-01-01T00:00:00Z"}}),
      (std::vector<std::string>{"noRecordsMatch"}));
  // A set nobody is in, and a prefix of a set that is not a whole level.
  EXPECT_EQ(Codes({{"verb", "ListRecords"}, {"metadataPrefix", "oai_dc"}, {"set", "theme:fire"}}),
            (std::vector<std::string>{"noRecordsMatch"}));
  EXPECT_EQ(Codes({{"verb", "ListRecords"}, {"metadataPrefix", "oai_dc"}, {"set", "type:rep"}}),
            (std::vector<std::string>{"noRecordsMatch"}));
  // The error echoes the arguments: none of them was wrong.
  const std::string body =
      Body({{"verb", "ListRecords"}, {"metadataPrefix", "oai_dc"}, {"set", "theme:fire"}});
  EXPECT_NE(Request(body).find("set=\"theme:fire\""), std::string::npos);
}

TEST_F(OaiTest, SetsIncludeTheSetsBelowThem) {
  for (const std::string set :
       {"type", "type:report", "theme", "theme:climate", "theme:climate:heat", "theme:flood"}) {
    const Harvest h = Run({{"verb", "ListRecords"}, {"metadataPrefix", "oai_dc"}, {"set", set}});
    EXPECT_EQ(h.error, "") << set;
    EXPECT_EQ(h.ids, Expected(std::numeric_limits<std::int64_t>::min(), settings_.now_ms, set)) << set;
    for (const std::string& body : h.bodies) EXPECT_VALID(body);
  }
  EXPECT_EQ(
      Run({{"verb", "ListIdentifiers"}, {"metadataPrefix", "oai_dc"}, {"set", "type"}}, "ListIdentifiers")
          .ids.size(),
      250u);
  // theme = drought ∪ flood ∪ climate:heat (every 5th, 7th or 11th record).
  EXPECT_EQ(
      Run({{"verb", "ListIdentifiers"}, {"metadataPrefix", "oai_dc"}, {"set", "theme"}}, "ListIdentifiers")
          .ids.size(),
      50u + 36 + 23 - 8 - 5 - 4 + 1);
  // With dates too.
  const Harvest h = Run({{"verb", "ListRecords"},
                         {"metadataPrefix", "oai_dc"},
                         {"set", "theme:drought"},
                         {"from", "2024-03-05"},
                         {"until", "2024-03-15"}});
  EXPECT_EQ(h.ids, Expected(kBase + 4 * kDay, kBase + 15 * kDay - 1, "theme:drought"));
  EXPECT_FALSE(h.ids.empty());
  EXPECT_TRUE(SetMatches("type", {"type:report"}));
  EXPECT_TRUE(SetMatches("type:report", {"theme:x", "type:report"}));
  EXPECT_FALSE(SetMatches("type:rep", {"type:report"}));
  EXPECT_FALSE(SetMatches("type:report:x", {"type:report"}));
  EXPECT_TRUE(SetMatches("", {}));
}

TEST_F(OaiTest, AHarvestIsFrozenAtItsFirstRequest) {
  std::string body = Body({{"verb", "ListRecords"}, {"metadataPrefix", "oai_dc"}});
  const std::string first_response_date = All(body, "<responseDate>", "</responseDate>")[0];
  std::vector<std::string> ids = All(body, "<identifier>", "</identifier>");
  // Meanwhile: a record already delivered and one not yet delivered change,
  // and a new one is added; time passes.
  settings_.now_ms += kHour;
  const std::string seen = Id(0), unseen = Id(248);
  repo_.Find(seen)->datestamp_ms = settings_.now_ms - 1000;
  repo_.Find(unseen)->datestamp_ms = settings_.now_ms - 1000;
  Record added = repo_.records[3];
  added.local_id = "item-new";
  added.datestamp_ms = settings_.now_ms - 500;
  repo_.records.push_back(added);
  Token t = TokenOf(body);
  while (!t.value.empty()) {
    body = Body({{"verb", "ListRecords"}, {"resumptionToken", t.value}});
    EXPECT_VALID(body);
    const auto more = All(body, "<identifier>", "</identifier>");
    ids.insert(ids.end(), more.begin(), more.end());
    t = TokenOf(body);
  }
  // No duplicate; what changed after the first request is left to the next
  // incremental harvest, which starts from the first responseDate.
  std::vector<std::string> sorted = ids;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end());
  EXPECT_EQ(ids.size(), 249u);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), Identifier("waymark.example.org", unseen)), 0);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), Identifier("waymark.example.org", seen)), 1);
  const Harvest next =
      Run({{"verb", "ListRecords"}, {"metadataPrefix", "oai_dc"}, {"from", first_response_date}});
  EXPECT_EQ(next.ids, (std::vector<std::string>{Identifier("waymark.example.org", seen),
                                                Identifier("waymark.example.org", unseen),
                                                Identifier("waymark.example.org", "item-new")}));
}

TEST_F(OaiTest, OnlyTheFirstPageIsCounted) {
  settings_.page_size = 100;
  const Harvest h = Run({{"verb", "ListIdentifiers"}, {"metadataPrefix", "oai_dc"}}, "ListIdentifiers");
  EXPECT_EQ(h.ids.size(), 250u);
  EXPECT_EQ(repo_.list_calls, 3);
  EXPECT_EQ(repo_.counts, 1);
}

TEST_F(OaiTest, BadResumptionTokens) {
  const std::string body = Body({{"verb", "ListRecords"}, {"metadataPrefix", "oai_dc"}});
  const std::string token = TokenOf(body).value;
  ASSERT_FALSE(token.empty());
  EXPECT_TRUE(ErrorCodes(Body({{"verb", "ListRecords"}, {"resumptionToken", token}})).empty());
  // Tampered: every single-character change is caught.
  for (std::size_t i = 0; i < token.size(); i += 7) {
    std::string t = token;
    t[i] = t[i] == 'A' ? 'B' : 'A';
    EXPECT_EQ(ErrorCodes(Body({{"verb", "ListRecords"}, {"resumptionToken", t}})),
              (std::vector<std::string>{"badResumptionToken"}))
        << i;
  }
  EXPECT_EQ(Codes({{"verb", "ListRecords"}, {"resumptionToken", token.substr(0, token.size() - 4)}}),
            (std::vector<std::string>{"badResumptionToken"}));
  // Garbage, empty, and too long.
  for (const std::string& t :
       std::vector<std::string>{"garbage", "!!!", "", "AAAA", std::string(5000, 'A')}) {
    EXPECT_EQ(Codes({{"verb", "ListRecords"}, {"resumptionToken", t}}),
              (std::vector<std::string>{"badResumptionToken"}));
  }
  // Signed with another key (another deployment).
  Settings other = settings_;
  other.token_key = "another key";
  EXPECT_EQ(ErrorCodes(Handle({{"verb", "ListRecords"}, {"resumptionToken", token}}, repo_, other).body),
            (std::vector<std::string>{"badResumptionToken"}));
  // For another verb.
  EXPECT_EQ(Codes({{"verb", "ListIdentifiers"}, {"resumptionToken", token}}),
            (std::vector<std::string>{"badResumptionToken"}));
  EXPECT_EQ(Codes({{"verb", "ListSets"}, {"resumptionToken", token}}),
            (std::vector<std::string>{"badResumptionToken"}));
  // Expired.
  settings_.now_ms += settings_.token_ttl_ms + 1;
  const std::string expired = Body({{"verb", "ListRecords"}, {"resumptionToken", token}});
  EXPECT_VALID(expired);
  EXPECT_EQ(ErrorCodes(expired), (std::vector<std::string>{"badResumptionToken"}));
  EXPECT_NE(expired.find("expired"), std::string::npos);
  // badResumptionToken echoes the arguments.
  EXPECT_NE(Request(expired).find("resumptionToken=\"" + token + "\""), std::string::npos);
  // The token's expiry is announced.
  EXPECT_NE(body.find("expirationDate=\"2024-04-01T00:00:00Z\""), std::string::npos);
}

// --- Errors -----------------------------------------------------------------

TEST_F(OaiTest, BadVerb) {
  for (const Args& args : std::vector<Args>{{},
                                            {{"metadataPrefix", "oai_dc"}},
                                            {{"verb", "Frobnicate"}},
                                            {{"verb", "identify"}},
                                            {{"verb", ""}},
                                            {{"verb", "Identify"}, {"verb", "Identify"}},
                                            {{"verb", "Identify"}, {"verb", "ListSets"}}}) {
    const std::string body = Body(args);
    EXPECT_VALID(body);
    EXPECT_EQ(ErrorCodes(body), (std::vector<std::string>{"badVerb"}));
    // No attributes on <request> after badVerb.
    EXPECT_EQ(Request(body), "<request>https://waymark.example.org/oai");
  }
}

TEST_F(OaiTest, BadArgument) {
  const std::vector<Args> cases = {
      {{"verb", "Identify"}, {"set", "type"}},                                       // illegal for the verb
      {{"verb", "ListRecords"}, {"metadataPrefix", "oai_dc"}, {"bogus", "1"}},       // unknown argument
      {{"verb", "ListRecords"}, {"metadataPrefix", "oai_dc"}, {"identifier", "x"}},  // not for this verb
      {{"verb", "ListRecords"}},                                                     // missing metadataPrefix
      {{"verb", "GetRecord"}, {"metadataPrefix", "oai_dc"}},                         // missing identifier
      {{"verb", "GetRecord"}, {"identifier", "oai:waymark.example.org:item-001"}},   // missing metadataPrefix
      {{"verb", "ListRecords"}, {"metadataPrefix", "oai_dc"}, {"metadataPrefix", "oai_dc"}},  // repeated
      {{"verb", "ListRecords"}, {"metadataPrefix", "oai_dc"}, {"set", "type"}, {"set", "theme"}},
      {{"verb", "ListRecords"}, {"resumptionToken", "x"}, {"metadataPrefix", "oai_dc"}},  // not exclusive
      {{"verb", "ListIdentifiers"}, {"resumptionToken", "x"}, {"from", "2024-01-01"}},
      {{"verb", "ListRecords"},
       {"metadataPrefix", "oai_dc"},
       {"from", "2024-01-01"},
       {"until", "2024-02-01T00:00:00Z"}},
      {{"verb", "ListRecords"},
       {"metadataPrefix", "oai_dc"},
       {"from", "2024-03-02"},
       {"until", "2024-03-01"}},
      {{"verb", "ListRecords"},
       {"metadataPrefix", "oai_dc"},
       {"from", "2024-03-01T00:00:01Z"},
       {"until", "2024-03-01T00:00:00Z"}},
      {{"verb", "ListRecords"}, {"metadataPrefix", "oai_dc"}, {"set", "type report"}},
      {{"verb", "ListRecords"}, {"metadataPrefix", "oai_dc"}, {"set", "type:"}},
      {{"verb", "ListRecords"}, {"metadataPrefix", "oai_dc"}, {"set", ""}},
      {{"verb", "ListRecords"}, {"metadataPrefix", "oai dc"}},
      {{"verb", "GetRecord"}, {"identifier", "has spaces in it"}, {"metadataPrefix", "oai_dc"}},
      {{"verb", "ListMetadataFormats"}, {"identifier", ""}},
      {{"verb", "ListMetadataFormats"}, {"identifier", "%%%"}},        // not a URI
      {{"verb", "ListMetadataFormats"}, {"identifier", ":::"}},        // no scheme
      {{"verb", "ListMetadataFormats"}, {"identifier", "oai:x#y#z"}},  // two fragments
      {{"verb", "GetRecord"}, {"identifier", "oai:waymark.example.org:a%zz"}, {"metadataPrefix", "oai_dc"}},
  };
  for (const Args& args : cases) {
    const std::string body = Body(args);
    EXPECT_VALID(body);
    EXPECT_EQ(ErrorCodes(body), (std::vector<std::string>{"badArgument"})) << body;
    EXPECT_EQ(Request(body), "<request>https://waymark.example.org/oai");
  }
}

TEST_F(OaiTest, BadDateSyntax) {
  for (const std::string date :
       {"2024-02-30", "2023-02-29", "2024-13-01", "2024-1-01", "24-01-01", "0000-01-01",
        "2024-01-01T00:00:00", "2024-01-01T24:00:00Z", "2024-01-01T00:60:00Z", "2024-01-01T00:00:60Z",
        "2024-01-01T00:00:00.5Z", "2024-01-01t00:00:00z", "2024-01-01T00:00:00+00:00", "2024-01-01T00:00Z",
        " 2024-01-01", "2024-01-01 ", "", "yesterday"}) {
    EXPECT_EQ(Codes({{"verb", "ListRecords"}, {"metadataPrefix", "oai_dc"}, {"from", date}}),
              (std::vector<std::string>{"badArgument"}))
        << date;
    EXPECT_EQ(Codes({{"verb", "ListIdentifiers"}, {"metadataPrefix", "oai_dc"}, {"until", date}}),
              (std::vector<std::string>{"badArgument"}))
        << date;
  }
  // A leap day is a date.
  EXPECT_EQ(Codes({{"verb", "ListRecords"}, {"metadataPrefix", "oai_dc"}, {"until", "2024-02-29"}}),
            (std::vector<std::string>{"noRecordsMatch"}));
}

TEST_F(OaiTest, CannotDisseminateFormat) {
  for (const std::string verb : {"ListRecords", "ListIdentifiers"}) {
    const std::string body = Body({{"verb", verb}, {"metadataPrefix", "marc21"}});
    EXPECT_VALID(body);
    EXPECT_EQ(ErrorCodes(body), (std::vector<std::string>{"cannotDisseminateFormat"}));
    EXPECT_NE(Request(body).find("metadataPrefix=\"marc21\""), std::string::npos);
  }
  EXPECT_EQ(Codes({{"verb", "GetRecord"},
                   {"identifier", "oai:waymark.example.org:item-001"},
                   {"metadataPrefix", "mods"}}),
            (std::vector<std::string>{"cannotDisseminateFormat"}));
}

TEST_F(OaiTest, IdDoesNotExist) {
  EXPECT_EQ(Codes({{"verb", "GetRecord"},
                   {"identifier", "oai:waymark.example.org:nope"},
                   {"metadataPrefix", "oai_dc"}}),
            (std::vector<std::string>{"idDoesNotExist"}));
  EXPECT_EQ(Codes({{"verb", "GetRecord"},
                   {"identifier", "oai:elsewhere.org:item-001"},
                   {"metadataPrefix", "oai_dc"}}),
            (std::vector<std::string>{"idDoesNotExist"}));
  EXPECT_EQ(
      Codes({{"verb", "GetRecord"}, {"identifier", "urn:isbn:0451450523"}, {"metadataPrefix", "oai_dc"}}),
      (std::vector<std::string>{"idDoesNotExist"}));
  EXPECT_EQ(Codes({{"verb", "ListMetadataFormats"}, {"identifier", "oai:waymark.example.org:nope"}}),
            (std::vector<std::string>{"idDoesNotExist"}));
  // URIs, but not identifiers this repository gives: "%41" is "A" escaped
  // where no escape is needed.
  for (const std::string id :
       {"oai:waymark.example.org:item%2D001", "a:", "oai:waymark.example.org:ü", "http://h/x?y=1#z"}) {
    EXPECT_EQ(Codes({{"verb", "ListMetadataFormats"}, {"identifier", id}}),
              (std::vector<std::string>{"idDoesNotExist"}))
        << id;
  }
  // Both problems at once: both errors.
  const std::string body = Body(
      {{"verb", "GetRecord"}, {"identifier", "oai:waymark.example.org:nope"}, {"metadataPrefix", "mods"}});
  EXPECT_VALID(body);
  EXPECT_EQ(ErrorCodes(body), (std::vector<std::string>{"idDoesNotExist", "cannotDisseminateFormat"}));
  EXPECT_NE(Request(body).find("identifier=\"oai:waymark.example.org:nope\""), std::string::npos);
}

TEST_F(OaiTest, NoSetHierarchyWhenTheLibraryHasNoSets) {
  repo_.sets.clear();
  EXPECT_EQ(Codes({{"verb", "ListSets"}}), (std::vector<std::string>{"noSetHierarchy"}));
}

TEST_F(OaiTest, EmptyLibrary) {
  repo_.records.clear();
  EXPECT_VALID(Body({{"verb", "Identify"}}));
  EXPECT_EQ(Codes({{"verb", "ListRecords"}, {"metadataPrefix", "oai_dc"}}),
            (std::vector<std::string>{"noRecordsMatch"}));
}

TEST(OaiHelpersTest, Datestamps) {
  EXPECT_EQ(FormatDatestamp(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatDatestamp(kBase + 999), "2024-03-01T00:00:00Z");
  EXPECT_EQ(FormatDatestamp(kBase - 1), "2024-02-29T23:59:59Z");
  EXPECT_EQ(FormatDatestamp(-5), "1970-01-01T00:00:00Z");
}

TEST(OaiHelpersTest, SetSpecSyntax) {
  EXPECT_TRUE(IsValidSetSpec("type"));
  EXPECT_TRUE(IsValidSetSpec("theme:climate:heat"));
  EXPECT_TRUE(IsValidSetSpec("a-b_c.d!e~f*g'h(i)"));
  EXPECT_FALSE(IsValidSetSpec(""));
  EXPECT_FALSE(IsValidSetSpec(":type"));
  EXPECT_FALSE(IsValidSetSpec("type:"));
  EXPECT_FALSE(IsValidSetSpec("type::report"));
  EXPECT_FALSE(IsValidSetSpec("type report"));
  EXPECT_FALSE(IsValidSetSpec("thème"));
}

}  // namespace
}  // namespace waymark::web::oai
