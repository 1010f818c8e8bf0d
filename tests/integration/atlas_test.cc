// The Atlas over HTTP, on both backends: a member's case study through the
// API (GeoJSON checked, errors naming the field and the JSON path), the
// lifecycle (a member submits, only a moderator publishes), the public list
// as a GeoJSON FeatureCollection with its filters, /atlas drawn as an SVG
// map with a link to each case, the map alone as well-formed SVG, the
// glossary (moderators PUT terms with If-Match) and its terms linked where
// they appear in a story, sources that must be published library items,
// and the history.
#include <cstdlib>
#include <fstream>
#include <regex>

#include "fixture.h"

namespace waymark::it {
namespace {

using nlohmann::json;

std::string Word(Deployment& d, const std::string& prefix) {
  std::string w = "zq" + prefix + d.Unique("w");
  std::erase_if(w, [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); });
  return w;
}

class AtlasTest : public ServerTest {
 protected:
  struct Member {
    Person person;
    std::string token;
    std::string org;
  };
  Member NewMember(const std::string& role = "editor") {
    std::string org = d().Unique("atl");
    d().EnsureOrganisation(org);
    Person p = WithRole(org, role);
    return {p, d().CreateToken(p.email), org};
  }
  const std::string& AdminToken() { return d().AdminToken(); }

  static json Fields(const HttpResponse& r) {
    try {
      return r.Json()["error"].value("fields", json::object());
    } catch (...) {
      return json::object();
    }
  }

  static json CaseBody(const std::string& org, const std::string& title) {
    return {{"organisation", org},
            {"texts",
             {{"en",
               {{"title", title},
                {"summary", "Families leave the island when the tide floods the fields."},
                {"story", "After each storm, **planned relocation** is discussed again."},
                {"people", "Fishing families"}}}}},
            {"geometry", {{"type", "Point"}, {"coordinates", {91.2, 22.3}}}},
            {"hazards", {"storm", "sea-level-rise"}},
            {"movements", {"displacement"}},
            {"countries", {"BGD"}},
            {"year_from", 2015}};
  }
  HttpResponse Create(const Member& m, const json& body) {
    return client().SendJson("POST", "/api/v1/atlas/cases", body, Bearer(m.token));
  }
  long long MustCreate(const Member& m, const std::string& title) {
    HttpResponse r = Create(m, CaseBody(m.org, title));
    EXPECT_EQ(r.status, 201) << r.Describe();
    return r.status == 201 ? r.Json()["id"].get<long long>() : 0;
  }
  HttpResponse Action(const std::string& token, long long id, const std::string& action,
                      const json& body = nullptr) {
    std::string target = "/api/v1/atlas/cases/" + std::to_string(id) + "/" + action;
    if (body.is_null()) return client().Request("POST", target, Bearer(token));
    return client().SendJson("POST", target, body, Bearer(token));
  }
  void MustPublish(const Member& m, long long id) {
    ASSERT_EQ(Action(m.token, id, "submit").status, 200);
    HttpResponse p = Action(AdminToken(), id, "publish");
    ASSERT_EQ(p.status, 200) << p.Describe();
    EXPECT_EQ(p.Json()["properties"]["lifecycle"], "published");
  }
  // PUT a glossary term as `token`; `if_match` "" sends none.
  HttpResponse PutTerm(const std::string& token, const std::string& slug, const json& body,
                       const std::string& if_match = "") {
    HeaderList h = Bearer(token);
    if (!if_match.empty()) h.emplace_back("If-Match", if_match);
    return client().SendJson("PUT", "/api/v1/atlas/glossary/" + slug, body, h);
  }
  static std::string XmlErrors(Deployment& d, const std::string& xml) {
    if (std::system("command -v xmllint >/dev/null 2>&1") != 0) return "xmllint is not installed";
    std::string path = d.dir().File("map-" + d.Unique("m") + ".svg");
    std::ofstream(path) << xml;
    std::string cmd = "xmllint --noout --nonet '" + path + "' 2>'" + path + ".err'";
    if (std::system(cmd.c_str()) == 0) return "";
    std::ifstream in(path + ".err");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
};

TEST_P(AtlasTest, ACaseStudyIsDrawnOnTheMapOncePublished) {
  Member m = NewMember();
  std::string w = Word(d(), "case");
  long long id = MustCreate(m, "Delta island " + w);
  ASSERT_GT(id, 0);
  std::string page = "/atlas/cases/" + std::to_string(id);
  EXPECT_EQ(client().Get(page).status, 404) << "a draft is not public";
  EXPECT_EQ(client().Get("/atlas").body.find(w), std::string::npos);

  HttpResponse self = Action(m.token, id, "publish");
  EXPECT_EQ(self.status, 403) << "a member does not publish: " << self.Describe();
  ASSERT_NO_FATAL_FAILURE(MustPublish(m, id));

  HttpResponse list = client().Get("/api/v1/atlas/cases");
  ASSERT_EQ(list.status, 200) << list.Describe();
  EXPECT_EQ(list.Header("Content-Type").rfind("application/geo+json", 0), 0u);
  json fc = list.Json();
  EXPECT_EQ(fc["type"], "FeatureCollection");
  bool found = false;
  for (const auto& f : fc["features"]) {
    if (f["id"] != id) continue;
    found = true;
    EXPECT_EQ(f["type"], "Feature");
    EXPECT_EQ(f["geometry"], json({{"type", "Point"}, {"coordinates", {91.2, 22.3}}}));
    EXPECT_EQ(f["properties"]["onset"], "sudden")
        << "no onset given: the first hazard's usual one (a storm is sudden)";
    EXPECT_EQ(f["properties"]["countries"], json({"BGD"}));
  }
  EXPECT_TRUE(found) << list.body.substr(0, 1000);

  HttpResponse atlas = client().Get("/atlas");
  ASSERT_EQ(atlas.status, 200) << atlas.Describe();
  EXPECT_NE(atlas.body.find("<svg"), std::string::npos);
  EXPECT_NE(atlas.body.find("<a href=\"" + page + "\""), std::string::npos) << "the map links the case";
  EXPECT_NE(atlas.body.find("Delta island " + w), std::string::npos) << "and the list names it";
  EXPECT_EQ(atlas.body.find("<script>"), std::string::npos) << "no inline script";

  HttpResponse map = client().Get("/atlas/map.svg");
  ASSERT_EQ(map.status, 200) << map.Describe();
  EXPECT_EQ(map.Header("Content-Type").rfind("image/svg+xml", 0), 0u);
  EXPECT_EQ(XmlErrors(d(), map.body), "");

  HttpResponse one = client().Get("/api/v1/atlas/cases/" + std::to_string(id));
  ASSERT_EQ(one.status, 200);
  EXPECT_FALSE(one.Header("ETag").empty());
  HttpResponse html = client().Get(page);
  ASSERT_EQ(html.status, 200) << html.Describe();
  EXPECT_NE(html.body.find("Fishing families"), std::string::npos);
  EXPECT_NE(client().Get(page + "/history").body.find("Published"), std::string::npos);
}

TEST_P(AtlasTest, FiltersNarrowTheListAndBadOnesAre422) {
  Member m = NewMember();
  std::string w = Word(d(), "flt");
  json drought = CaseBody(m.org, "Dry pasture " + w);
  drought["hazards"] = {"drought"};
  drought["movements"] = {"seasonal"};
  drought["countries"] = {"NER"};
  HttpResponse c = Create(m, drought);
  ASSERT_EQ(c.status, 201) << c.Describe();
  long long id = c.Json()["id"];
  ASSERT_NO_FATAL_FAILURE(MustPublish(m, id));
  auto ids = [&](const std::string& q) {
    std::set<long long> out;
    HttpResponse r = client().Get("/api/v1/atlas/cases?" + q);
    EXPECT_EQ(r.status, 200) << q << r.Describe();
    if (r.status == 200) {
      json fc = r.Json();
      for (const auto& f : fc["features"]) out.insert(f["id"].get<long long>());
    }
    return out;
  };
  EXPECT_TRUE(ids("hazard=drought").count(id));
  EXPECT_TRUE(ids("movement=seasonal&onset=slow&country=NER").count(id));
  EXPECT_FALSE(ids("hazard=flood").count(id));
  EXPECT_FALSE(ids("country=BGD").count(id));
  for (const char* bad : {"hazard=tsunamis", "movement=x", "onset=fast", "country=XXX"}) {
    HttpResponse r = client().Get(std::string("/api/v1/atlas/cases?") + bad);
    EXPECT_EQ(r.status, 422) << bad;
    HttpResponse p = client().Get(std::string("/atlas?") + bad);
    EXPECT_EQ(p.status, 422) << bad;
  }
  EXPECT_EQ(client().Get("/atlas?layer=sideways").status, 422);
  EXPECT_EQ(client().Get("/atlas?layer=none").status, 200);
}

TEST_P(AtlasTest, BadPlacesAndFieldsAre422NamingThem) {
  Member m = NewMember();
  struct Case {
    const char* field;
    json value;
    const char* says;  // in the field's message
  };
  const std::vector<Case> cases = {
      {"geometry", {{"type", "Point"}, {"coordinates", {91.2, 95}}}, "latitude"},
      {"geometry", {{"type", "Circle"}, {"coordinates", {1, 2}}}, "Circle"},
      {"geometry",
       {{"type", "Polygon"}, {"coordinates", {{{0, 0}, {1, 0}, {1, 1}, {0, 1}}}}},
       "must end where it starts"},
      {"geometry", "{\"type\": \"Point\", \"coordinates\": [1,", "line"},
      {"hazards", {"tsunamis"}, "tsunamis"},
      {"movements", json::array(), ""},
      {"onset", "fast", ""},
      {"countries", {"XXX"}, "XXX"},
      {"year_from", 1500, ""},
      {"sources", {999999}, "999999"},
      {"figures", {-1}, ""},
      {"colour", "blue", ""},
  };
  for (const Case& c : cases) {
    json body = CaseBody(m.org, "Bad " + std::string(c.field));
    body[c.field] = c.value;
    HttpResponse r = Create(m, body);
    EXPECT_EQ(r.status, 422) << c.field << " = " << c.value.dump() << "\n" << r.Describe();
    json fields = Fields(r);
    ASSERT_TRUE(fields.contains(c.field)) << c.field << ": " << r.body;
    EXPECT_NE(fields[c.field].get<std::string>().find(c.says), std::string::npos)
        << c.field << ": " << fields[c.field];
  }
  json no_place = CaseBody(m.org, "No place");
  no_place.erase("geometry");
  EXPECT_TRUE(Fields(Create(m, no_place)).contains("geometry"));
  HttpResponse other = Create(NewMember(), CaseBody(m.org, "Not mine"));
  EXPECT_EQ(other.status, 403) << other.Describe();
  HttpResponse anonymous = client().SendJson("POST", "/api/v1/atlas/cases", CaseBody(m.org, "Anon"));
  EXPECT_EQ(anonymous.status, 401) << anonymous.Describe();
  EXPECT_EQ(client().Get("/api/v1/atlas/cases/99999999").status, 404);
  EXPECT_EQ(client().Get("/atlas/cases/x").status, 404);
}

TEST_P(AtlasTest, EditsNeedTheCurrentVersionAndSourcesMustBePublishedLibraryItems) {
  Member m = NewMember();
  long long id = MustCreate(m, "Edited case " + Word(d(), "ed"));
  std::string url = "/api/v1/atlas/cases/" + std::to_string(id);
  HeaderList stale = Bearer(m.token);
  stale.emplace_back("If-Match", "\"0\"");
  EXPECT_EQ(client().SendJson("PATCH", url, {{"year_to", 2020}}, stale).status, 409);
  HeaderList fresh = Bearer(m.token);
  fresh.emplace_back("If-Match", client().Get(url, Bearer(m.token)).Header("ETag"));
  HttpResponse ok = client().SendJson("PATCH", url, {{"year_to", 2020}}, fresh);
  ASSERT_EQ(ok.status, 200) << ok.Describe();
  EXPECT_EQ(ok.Json()["properties"]["year_to"], 2020);
  HeaderList again = Bearer(m.token);
  again.emplace_back("If-Match", ok.Header("ETag"));
  EXPECT_EQ(client().SendJson("PATCH", url, {{"organisation", "elsewhere"}}, again).status, 422);

  // A library item: a source only once it is published.
  HttpResponse item = client().SendJson(
      "POST", "/api/v1/library",
      {{"organisation", m.org}, {"type", "report"}, {"texts", {{"en", {{"title", "Source report"}}}}}},
      Bearer(m.token));
  ASSERT_EQ(item.status, 201) << item.Describe();
  long long item_id = item.Json()["id"];
  HeaderList h = Bearer(m.token);
  h.emplace_back("If-Match", ok.Header("ETag"));
  HttpResponse draft_source = client().SendJson("PATCH", url, {{"sources", {item_id}}}, h);
  EXPECT_EQ(draft_source.status, 422) << draft_source.Describe();
  ASSERT_EQ(client()
                .Request("POST", "/api/v1/library/" + std::to_string(item_id) + "/submit", Bearer(m.token))
                .status,
            200);
  ASSERT_EQ(
      client()
          .Request("POST", "/api/v1/library/" + std::to_string(item_id) + "/publish", Bearer(AdminToken()))
          .status,
      200);
  HttpResponse cited = client().SendJson("PATCH", url, {{"sources", {item_id}}}, h);
  ASSERT_EQ(cited.status, 200) << cited.Describe();
  ASSERT_NO_FATAL_FAILURE(MustPublish(m, id));
  HttpResponse page = client().Get("/atlas/cases/" + std::to_string(id));
  EXPECT_NE(page.body.find("href=\"/library/" + std::to_string(item_id) + "\""), std::string::npos);
  EXPECT_NE(page.body.find("Source report"), std::string::npos);
}

TEST_P(AtlasTest, GlossaryTermsAreEditedByModeratorsAndLinkedInStories) {
  std::string slug = "tide-" + Word(d(), "g");
  std::string term = "king " + slug;  // a term no other text holds
  json body = {{"texts",
                {{"en", {{"term", term}, {"definition", "A very high tide that floods the fields."}}},
                 {"fr", {{"term", "grande " + slug}, {"definition", "Une très grande marée."}}}}},
               {"source_note", "Demo."}};
  Member m = NewMember();
  EXPECT_EQ(PutTerm(m.token, slug, body).status, 403) << "an editor does not edit the glossary";
  HttpResponse created = PutTerm(AdminToken(), slug, body);
  ASSERT_EQ(created.status, 201) << created.Describe();
  std::string etag = created.Header("ETag");
  EXPECT_EQ(PutTerm(AdminToken(), slug, body).status, 400) << "a change needs If-Match";
  EXPECT_EQ(PutTerm(AdminToken(), slug, body, "\"99\"").status, 409);
  body["texts"]["en"]["aliases"] = {"king tides " + slug};
  HttpResponse changed = PutTerm(AdminToken(), slug, body, etag);
  ASSERT_EQ(changed.status, 200) << changed.Describe();
  json bad = {{"texts", {{"en", {{"term", ""}, {"definition", "x"}}}}}};
  HttpResponse refused = PutTerm(AdminToken(), "other-" + slug, bad);
  EXPECT_EQ(refused.status, 422) << refused.Describe();
  EXPECT_TRUE(Fields(refused).contains("texts.en.term")) << refused.body;

  // A story that uses the term: its first occurrence links to the entry.
  json c = CaseBody(m.org, "Tide case " + slug);
  c["texts"]["en"]["story"] =
      "Every year the " + term + " comes. The " + term + " came again in `" + term + "`.";
  HttpResponse made = Create(m, c);
  ASSERT_EQ(made.status, 201) << made.Describe();
  long long id = made.Json()["id"];
  ASSERT_NO_FATAL_FAILURE(MustPublish(m, id));
  HttpResponse page = client().Get("/atlas/cases/" + std::to_string(id));
  ASSERT_EQ(page.status, 200);
  std::string link = "<a class=\"term\" href=\"/atlas/glossary/" + slug + "\" title=\"A very high tide";
  std::size_t first = page.body.find(link);
  EXPECT_NE(first, std::string::npos) << page.body.substr(0, 3000);
  EXPECT_EQ(page.body.find(link, first + 1), std::string::npos) << "linked once";

  HttpResponse glossary = client().Get("/atlas/glossary?lang=fr");
  EXPECT_NE(glossary.body.find("grande " + slug), std::string::npos);
  HttpResponse entry = client().Get("/atlas/glossary/" + slug);
  ASSERT_EQ(entry.status, 200);
  EXPECT_NE(entry.body.find("king tides " + slug), std::string::npos) << "aliases shown";
  EXPECT_EQ(client().Get("/atlas/glossary/no-such-term").status, 404);
  HttpResponse api = client().Get("/api/v1/atlas/glossary/" + slug);
  EXPECT_EQ(api.Json()["texts"]["fr"]["term"], "grande " + slug);
}

TEST_P(AtlasTest, TheHtmlFormShowsErrorsAndKeepsWhatWasTyped) {
  Member m = NewMember();
  Browser b = NewBrowser();
  SignIn(b, m.person.email, m.person.password);
  HttpResponse form = b.Get("/atlas/cases/new");
  ASSERT_EQ(form.status, 200) << form.Describe();
  HttpResponse r = b.Submit("/atlas/cases", {{"organisation", m.org},
                                             {"title.en", "Typed title"},
                                             {"summary.en", "Typed summary"},
                                             {"lon", "200"},
                                             {"lat", "10"},
                                             {"onset", "sudden"},
                                             {"codes_shown", "1"},
                                             {"hazards", "flood"},
                                             {"movements", "evacuation"}});
  EXPECT_EQ(r.status, 422) << r.Describe();
  EXPECT_NE(r.body.find("Typed summary"), std::string::npos) << "what was typed is kept";
  EXPECT_NE(r.body.find("longitude"), std::string::npos) << r.body.substr(0, 3000);
  HttpResponse ok = b.Submit("/atlas/cases", {{"organisation", m.org},
                                              {"title.en", "Typed title"},
                                              {"summary.en", "Typed summary"},
                                              {"lon", "32.5"},
                                              {"lat", "-25.9"},
                                              {"onset", "sudden"},
                                              {"codes_shown", "1"},
                                              {"hazards", "flood"},
                                              {"movements", "evacuation"}});
  EXPECT_EQ(ok.status, 303) << ok.Describe();
  EXPECT_NE(ok.Header("Location").find("/atlas/cases/"), std::string::npos);
}

WM_INSTANTIATE_BACKENDS(AtlasTest);

}  // namespace
}  // namespace waymark::it
