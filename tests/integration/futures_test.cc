// The futures module over HTTP, on both backends: a workshop run through
// the forms without JavaScript (statements, phases, ratings, votes, each bad
// input a 422 naming its field), the same through the JSON API with six
// people so that the small-group rule shows one group's numbers and hides
// the other's in JSON, Markdown, HTML and SVG alike, the act-now item made
// an action point of the linked consultation, the report as Markdown and
// JSON, and the short server-sent-events stream (headers, retry, id, and the
// "changed" event only for an older Last-Event-ID). Each test makes its own
// workshops, since the deployment is shared.
#include "fixture.h"

namespace waymark::it {
namespace {

using nlohmann::json;

class FuturesTest : public ServerTest {
 protected:
  HeaderList Admin() { return Bearer(d().AdminToken()); }

  json NewWorkshop(const HeaderList& who, json extra = json::object()) {
    json body = {{"title", d().Unique("Workshop")},
                 {"horizon_year", "2045"},
                 {"groups", {"A", "B"}},
                 {"vote_budget", "2"}};
    body.update(extra);
    HttpResponse r = client().SendJson("POST", "/api/v1/futures/workshops", body, who);
    EXPECT_EQ(r.status, 201) << r.Describe();
    return r.status == 201 ? r.Json() : json::object();
  }
  HttpResponse Phase(const json& w, const std::string& phase, const HeaderList& who) {
    return client().SendJson("POST", Api(w) + "/phase", {{"phase", phase}}, who);
  }
  static std::string Api(const json& w) {
    return "/api/v1/futures/workshops/" + w["slug"].get<std::string>();
  }
  static std::string Page(const json& w) { return "/futures/workshops/" + w["slug"].get<std::string>(); }
  json AddStatement(const json& w, const HeaderList& who, const std::string& group, const std::string& kind,
                    const std::string& text) {
    HttpResponse r = client().SendJson(
        "POST", Api(w) + "/statements",
        {{"area", "technology"}, {"group", group}, {"kind", kind}, {"text", text}, {"drivers", "d"}}, who);
    EXPECT_EQ(r.status, 201) << r.Describe();
    return r.status == 201 ? r.Json() : json::object();
  }
};

TEST_P(FuturesTest, AWorkshopRunsThroughTheFormsWithoutJavaScript) {
  Person fay = d().AddPerson({.label = "fay"});
  Person pat = d().AddPerson({.label = "pat"});
  Browser f = NewBrowser();
  SignedIn fin = SignIn(f, fay.email, fay.password, "/futures");
  ASSERT_NE(fin.landing.body.find("action=\"/futures\""), std::string::npos);

  // A bad form keeps what was typed and names the fields.
  HttpResponse bad = f.PostForm("/futures", {{"csrf", fin.csrf}, {"title", ""}, {"horizon_year", "soon"}});
  ASSERT_EQ(bad.status, 422) << bad.Describe();
  EXPECT_NE(bad.body.find("id=\"form-error\""), std::string::npos);
  EXPECT_NE(bad.body.find("Horizon year"), std::string::npos);
  std::string title = d().Unique("Room workshop");
  HttpResponse made = f.PostForm("/futures", {{"csrf", fin.csrf},
                                              {"title", title},
                                              {"horizon_year", "2050"},
                                              {"groups", "A"},
                                              {"vote_budget", "1"}});
  ASSERT_EQ(made.status, 303) << made.Describe();
  std::string board = made.Header("location").substr(0, made.Header("location").find('?'));
  HttpResponse page = f.Follow(made.Header("location"));
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Conflict and security"), std::string::npos);
  EXPECT_NE(page.body.find("action=\"" + board + "/phase\""), std::string::npos);
  EXPECT_NE(page.body.find("id=\"board\""), std::string::npos);
  EXPECT_NE(page.body.find("data-events=\"" + board + "/events\""), std::string::npos);

  Browser p = NewBrowser();
  SignedIn pin = SignIn(p, pat.email, pat.password, board);
  EXPECT_EQ(pin.landing.body.find("action=\"" + board + "/phase\""), std::string::npos)
      << "participants do not move phases";
  EXPECT_EQ(p.PostForm(board + "/phase", {{"csrf", pin.csrf}, {"phase", "rating"}}).status, 403);
  HttpResponse empty =
      p.PostForm(board + "/statements", {{"csrf", pin.csrf}, {"area", "weather"}, {"kind", "x"}});
  ASSERT_EQ(empty.status, 422) << empty.Describe();
  EXPECT_NE(empty.body.find("id=\"form-error\""), std::string::npos);
  HttpResponse added = p.PostForm(board + "/statements", {{"csrf", pin.csrf},
                                                          {"area", "governance"},
                                                          {"kind", "preferred"},
                                                          {"text", "Cities & civil society plan together"},
                                                          {"drivers", "City networks"},
                                                          {"signals", "Local compacts"}});
  ASSERT_EQ(added.status, 303) << added.Describe();
  // A browser keeps the #fragment to itself.
  std::string location = added.Header("location");
  HttpResponse shown = p.Follow(location.substr(0, location.find('#')));
  EXPECT_NE(shown.body.find("Cities &amp; civil society plan together"), std::string::npos);
  EXPECT_NE(shown.body.find("Statement added."), std::string::npos);
  std::size_t at = shown.body.find("id=\"statement-");
  ASSERT_NE(at, std::string::npos);
  std::string sid = shown.body.substr(at + 14, shown.body.find('"', at + 14) - at - 14);

  // Rating before its phase names the phase; the facilitator opens it.
  HttpResponse early = p.PostForm(board + "/statements/" + sid + "/rating",
                                  {{"csrf", pin.csrf}, {"likelihood", "3"}, {"desirability", "4"}});
  ASSERT_EQ(early.status, 422);
  EXPECT_NE(early.body.find("<li>Phase: "), std::string::npos) << early.body;
  HttpResponse skip = f.PostForm(board + "/phase", {{"csrf", fin.csrf}, {"phase", "voting"}});
  ASSERT_EQ(skip.status, 422) << skip.Describe();
  EXPECT_NE(skip.body.find("cannot go from statements to voting"), std::string::npos);
  ASSERT_EQ(f.PostForm(board + "/phase", {{"csrf", fin.csrf}, {"phase", "rating"}}).status, 303);
  HttpResponse range = p.PostForm(board + "/statements/" + sid + "/rating",
                                  {{"csrf", pin.csrf}, {"likelihood", "9"}, {"desirability", "4"}});
  ASSERT_EQ(range.status, 422);
  EXPECT_NE(range.body.find("<li>Likelihood: must be a whole number from 1 to 5"), std::string::npos);
  ASSERT_EQ(p.PostForm(board + "/statements/" + sid + "/rating",
                       {{"csrf", pin.csrf}, {"likelihood", "3"}, {"desirability", "4"}})
                .status,
            303);
  HttpResponse rated = p.Get(board);
  EXPECT_NE(rated.body.find("Change my rating"), std::string::npos);
  EXPECT_NE(rated.body.find("<option value=\"4\" selected>4</option>"), std::string::npos);

  // Votes: a budget of one.
  ASSERT_EQ(f.PostForm(board + "/phase", {{"csrf", fin.csrf}, {"phase", "voting"}}).status, 303);
  ASSERT_EQ(p.PostForm(board + "/statements/" + sid + "/vote", {{"csrf", pin.csrf}}).status, 303);
  HttpResponse over = p.PostForm(board + "/statements/" + sid + "/vote", {{"csrf", pin.csrf}});
  ASSERT_EQ(over.status, 422) << over.Describe();
  EXPECT_NE(over.body.find("<li>Votes: are all spent (1)"), std::string::npos) << over.body;
  ASSERT_EQ(p.PostForm(board + "/statements/" + sid + "/unvote", {{"csrf", pin.csrf}}).status, 303);
  ASSERT_EQ(p.PostForm(board + "/statements/" + sid + "/vote", {{"csrf", pin.csrf}}).status, 303);
  ASSERT_EQ(f.PostForm(board + "/phase", {{"csrf", fin.csrf}, {"phase", "closed"}}).status, 303);

  // One person: nothing but the hidden note, on every page.
  HttpResponse results = p.Get(board + "/results");
  ASSERT_EQ(results.status, 200);
  EXPECT_NE(results.body.find("hidden: fewer than 5 people"), std::string::npos);
  EXPECT_EQ(results.body.find("3.0 ±"), std::string::npos);
  EXPECT_NE(results.body.find("<svg"), std::string::npos);
  EXPECT_NE(results.body.find("This workshop is not linked to a consultation"), std::string::npos);
  HttpResponse fr = client().Get(board + "/results", {{"Accept-Language", "fr"}});
  EXPECT_NE(fr.body.find("masqué : moins de 5 personnes"), std::string::npos);
  EXPECT_EQ(client().Get("/futures/workshops/no-such-workshop").status, 404);
}

TEST_P(FuturesTest, TheApiRunsAWorkshopAndHidesSmallGroupsEverywhere) {
  std::vector<Person> people = d().AddPeople({.label = "fut"}, 6);
  std::vector<std::string> emails;
  for (const auto& p : people) emails.push_back(p.email);
  std::vector<std::string> tokens = d().CreateTokens(emails);
  HeaderList fac = Bearer(tokens[0]);

  // A consultation to link to; only organisers link.
  std::string cslug = d().Unique("fc");
  HttpResponse c = client().SendJson("POST", "/api/v1/consultations",
                                     {{"slug", cslug},
                                      {"title", "Consultation " + cslug},
                                      {"year", "2015"},
                                      {"starts_on", "2015-09-18"},
                                      {"time_zone", "Europe/Zurich"},
                                      {"venue", "Geneva"},
                                      {"organisers", {"IOM"}},
                                      {"status", "held"}},
                                     Admin());
  ASSERT_EQ(c.status, 201) << c.Describe();
  HttpResponse refused =
      client().SendJson("POST", "/api/v1/futures/workshops",
                        {{"title", "Linked"}, {"horizon_year", "2045"}, {"consultation", cslug}}, fac);
  ASSERT_EQ(refused.status, 422) << refused.Describe();
  EXPECT_TRUE(refused.Json()["error"]["fields"].contains("consultation"));
  json w = NewWorkshop(Admin(), {{"consultation", cslug}});
  ASSERT_EQ(w["consultation_id"], c.Json()["id"]);
  EXPECT_EQ(w["phase"], "statements");
  EXPECT_EQ(w["areas"].size(), 5u);

  // Bad input: each a 4xx naming its field.
  HttpResponse types = client().SendJson("POST", Api(w) + "/statements", {{"text", 5.5}, {"area", {1}}}, fac);
  ASSERT_EQ(types.status, 422) << types.Describe();
  HttpResponse fields =
      client().SendJson("POST", Api(w) + "/statements", {{"area", "weather"}, {"kind", "x"}}, fac);
  ASSERT_EQ(fields.status, 422);
  for (const char* f : {"area", "kind", "text"})
    EXPECT_TRUE(fields.Json()["error"]["fields"].contains(f)) << f;
  HttpResponse broken = client().Request("POST", Api(w) + "/statements",
                                         {{"Content-Type", "application/json"}, fac[0]}, "{\"area\": ");
  EXPECT_EQ(broken.status, 400) << broken.Describe();
  EXPECT_EQ(client().SendJson("POST", Api(w) + "/statements", {{"area", "technology"}}).status, 401);

  json a = AddStatement(w, Bearer(tokens[1]), "A", "predicted", "Phones guide every journey");
  json b = AddStatement(w, Bearer(tokens[2]), "B", "preferred", "Migrants hold their own records");
  HttpResponse jump = Phase(w, "closed", Admin());
  ASSERT_EQ(jump.status, 422);
  EXPECT_TRUE(jump.Json()["error"]["fields"].contains("phase"));
  ASSERT_EQ(Phase(w, "rating", Admin()).status, 200);
  std::string ra = Api(w) + "/statements/" + std::to_string(a["id"].get<long long>());
  std::string rb = Api(w) + "/statements/" + std::to_string(b["id"].get<long long>());
  HttpResponse out_of_range =
      client().SendJson("PUT", ra + "/rating", {{"likelihood", 0}, {"desirability", 6}}, Bearer(tokens[1]));
  ASSERT_EQ(out_of_range.status, 422);
  EXPECT_TRUE(out_of_range.Json()["error"]["fields"].contains("likelihood"));
  EXPECT_TRUE(out_of_range.Json()["error"]["fields"].contains("desirability"));
  // Six people rate A; four rate B. A rating again replaces the first.
  for (int i = 0; i < 6; ++i) {
    ASSERT_EQ(
        client()
            .SendJson("PUT", ra + "/rating", {{"likelihood", 1}, {"desirability", 1}}, Bearer(tokens[i]))
            .status,
        200);
    ASSERT_EQ(client()
                  .SendJson("PUT", ra + "/rating", {{"likelihood", 4}, {"desirability", 2 + i % 2}},
                            Bearer(tokens[i]))
                  .status,
              200);
  }
  for (int i = 0; i < 4; ++i)
    ASSERT_EQ(
        client()
            .SendJson("PUT", rb + "/rating", {{"likelihood", 2}, {"desirability", 5}}, Bearer(tokens[i]))
            .status,
        200);
  ASSERT_EQ(Phase(w, "voting", Admin()).status, 200);
  for (int i = 0; i < 6; ++i)
    ASSERT_EQ(client().SendJson("POST", ra + "/votes", json::object(), Bearer(tokens[i])).status, 201);
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(client().SendJson("POST", rb + "/votes", json::object(), Bearer(tokens[i])).status, 201);
  HttpResponse over = client().SendJson("POST", rb + "/votes", json::object(), Bearer(tokens[0]));
  ASSERT_EQ(over.status, 422) << over.Describe();
  EXPECT_TRUE(over.Json()["error"]["fields"].contains("votes"));
  HttpResponse early = client().SendJson("POST", ra + "/action-point", json::object(), Admin());
  ASSERT_EQ(early.status, 422);
  EXPECT_TRUE(early.Json()["error"]["fields"].contains("phase"));
  ASSERT_EQ(Phase(w, "closed", Admin()).status, 200);

  HttpResponse results = client().Get(Api(w) + "/results");
  ASSERT_EQ(results.status, 200) << results.Describe();
  json r = results.Json();
  json ta = r["areas"][1]["predicted"][0];
  json tb = r["areas"][1]["preferred"][0];
  EXPECT_EQ(ta["ratings"]["raters"], 6);
  EXPECT_DOUBLE_EQ(ta["ratings"]["likelihood"]["mean"].get<double>(), 4.0);
  EXPECT_DOUBLE_EQ(ta["ratings"]["desirability"]["mean"].get<double>(), 2.5);
  EXPECT_EQ(ta["votes"]["count"], 6);
  EXPECT_EQ(tb["ratings"]["hidden"], true);
  EXPECT_FALSE(tb["ratings"].contains("likelihood"));
  EXPECT_EQ(tb["votes"]["hidden"], true);
  EXPECT_FALSE(tb["votes"].contains("count"));
  ASSERT_EQ(r["act_now"].size(), 1u);
  EXPECT_EQ(r["act_now"][0]["id"], a["id"]);
  EXPECT_EQ(r["groups"][1]["raters"]["hidden"], true);

  // The same rule in the Markdown, the report page and the SVG: B's 2.0 and 5.0 never show.
  HttpResponse md = client().Get(Page(w) + "/report.md");
  ASSERT_EQ(md.status, 200);
  EXPECT_EQ(md.Header("content-type"), "text/markdown; charset=utf-8");
  EXPECT_NE(md.body.find("Likelihood 4.0 ± 0.0, Desirability 2.5 ± 0.5 (6 raters); votes: 6"),
            std::string::npos)
      << md.body;
  EXPECT_NE(md.body.find(
                "Migrants hold their own records  \n  Ratings: hidden: fewer than 5 people; votes: hidden"),
            std::string::npos)
      << md.body;
  EXPECT_EQ(md.body.find("2.0 ±"), std::string::npos);
  HttpResponse report = client().Get(Page(w) + "/report");
  ASSERT_EQ(report.status, 200);
  EXPECT_NE(report.body.find("rel=\"stylesheet\" media=\"print\""), std::string::npos);
  EXPECT_EQ(report.body.find("2.0 ±"), std::string::npos);
  HttpResponse rj = client().Get(Page(w) + "/report.json");
  ASSERT_EQ(rj.status, 200);
  EXPECT_EQ(rj.Json()["areas"], r["areas"]);
  HttpResponse svg = client().Get(Page(w) + "/results.svg");
  ASSERT_EQ(svg.status, 200);
  EXPECT_EQ(svg.Header("content-type"), "image/svg+xml; charset=utf-8");
  EXPECT_NE(svg.body.find("<title id=\"plot-title\">"), std::string::npos);
  EXPECT_NE(svg.body.find("S1: Phones guide every journey (4.0 ± 0.0, 2.5 ± 0.5)"), std::string::npos)
      << svg.body;
  EXPECT_EQ(svg.body.find("S2:"), std::string::npos);

  // The act-now item becomes an action point of the consultation, once.
  HttpResponse not_facilitator =
      client().SendJson("POST", ra + "/action-point", json::object(), Bearer(tokens[3]));
  EXPECT_EQ(not_facilitator.status, 403);
  HttpResponse point = client().SendJson("POST", ra + "/action-point", json::object(), Admin());
  ASSERT_EQ(point.status, 201) << point.Describe();
  std::string href = point.Json()["action_point_href"];
  HttpResponse ap = client().Get("/api" + std::string("/v1") + href);
  ASSERT_EQ(ap.status, 200) << ap.Describe();
  EXPECT_EQ(ap.Json()["text"], "Phones guide every journey");
  EXPECT_EQ(ap.Json()["consultation_id"], c.Json()["id"]);
  EXPECT_EQ(client().SendJson("POST", ra + "/action-point", json::object(), Admin()).status, 409);
  HttpResponse board = client().Get(Page(w) + "/results");
  EXPECT_NE(board.body.find("href=\"" + href + "\""), std::string::npos);
}

TEST_P(FuturesTest, TheEventStreamSaysTheVersionAndEnds) {
  Person fay = d().AddPerson({.label = "sse"});
  HeaderList fac = Bearer(d().CreateToken(fay.email));
  json w = NewWorkshop(fac);
  std::string events = Page(w) + "/events";
  HttpResponse first = client().Get(events);
  ASSERT_EQ(first.status, 200) << first.Describe();
  EXPECT_EQ(first.Header("content-type"), "text/event-stream; charset=utf-8");
  EXPECT_EQ(first.Header("cache-control"), "no-store");
  std::string version = std::to_string(w["version"].get<long long>());
  EXPECT_EQ(first.body, "retry: 3000\n: up to date\nid: " + version + "\n\n");
  AddStatement(w, fac, "A", "predicted", "Something changes");
  HttpResponse api = client().Get(Api(w) + "/statements");
  std::string now = std::to_string(api.Json()["version"].get<long long>());
  ASSERT_NE(now, version);
  HttpResponse changed = client().Get(events, {{"Last-Event-ID", version}});
  EXPECT_EQ(changed.body,
            "retry: 3000\nid: " + now + "\nevent: changed\ndata: {\"version\":" + now + "}\n\n");
  HttpResponse by_query = client().Get(events + "?v=" + version);
  EXPECT_NE(by_query.body.find("event: changed"), std::string::npos);
  HttpResponse same = client().Get(events, {{"Last-Event-ID", now}});
  EXPECT_EQ(same.body.find("event:"), std::string::npos);
  HttpResponse junk = client().Get(events, {{"Last-Event-ID", "not-a-number"}});
  EXPECT_EQ(junk.status, 200);
  EXPECT_EQ(junk.body.find("event:"), std::string::npos);
  EXPECT_EQ(client().Get("/futures/workshops/nope/events").status, 404);
  // The board's script is served, and the board page points at it.
  HttpResponse page = client().Get(Page(w));
  std::size_t at = page.body.find("/static/futures/board.js");
  ASSERT_NE(at, std::string::npos);
  std::string src = page.body.substr(at, page.body.find('"', at) - at);
  HttpResponse js = client().Get(HtmlUnescape(src));
  EXPECT_EQ(js.status, 200);
  EXPECT_NE(js.body.find("EventSource"), std::string::npos);
}

WM_INSTANTIATE_BACKENDS(FuturesTest);

}  // namespace
}  // namespace waymark::it
