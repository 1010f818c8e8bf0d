// Searching the discussions: accents and stems across languages, snippets
// shown as marked text, and a members-only group's posts kept from outsiders.
#include "fixture.h"

namespace waymark::it {
namespace {

using nlohmann::json;

class DiscussionSearchTest : public ServerTest {
 protected:
  json Search(const std::string& q, const std::string& token = "") {
    HeaderList h;
    if (!token.empty()) h = Bearer(token);
    HttpResponse r = client().Get("/api/v1/posts?q=" + q, h);
    EXPECT_EQ(r.status, 200) << r.Describe();
    return r.Json();
  }
};

TEST_P(DiscussionSearchTest, FindsPostsWithoutAccentsAndMarksTheWords) {
  Person ana = d().AddPerson({.label = "ana"});
  std::string token = d().CreateToken(ana.email);
  HttpResponse t =
      client().SendJson("POST", "/api/v1/threads",
                        {{"kind", "idea"},
                         {"title", "Accueillir les étrangers à l'école"},
                         {"body", "Des parents étrangers racontent <b>leur</b> arrivée aux élèves."},
                         {"lang", "fr"}},
                        Bearer(token));
  ASSERT_EQ(t.status, 201) << t.Describe();

  json found = Search("etranger");
  ASSERT_EQ(found.value("total", -1), 1) << found.dump();
  const json& item = found["items"][0];
  EXPECT_EQ(item["thread_title"], "Accueillir les étrangers à l'école");
  std::string snippet = item["snippet_html"];
  EXPECT_NE(snippet.find("<mark>"), std::string::npos) << snippet;
  EXPECT_EQ(snippet.find("<b>"), std::string::npos) << "markup in a post is text, never HTML: " << snippet;

  HttpResponse page = client().Get("/discussions?q=ETRANGERS");
  ASSERT_EQ(page.status, 200) << page.Describe();
  EXPECT_NE(page.body.find("Accueillir les étrangers"), std::string::npos);
  EXPECT_NE(page.body.find("<mark>"), std::string::npos);

  EXPECT_EQ(client().Get("/api/v1/posts?q=x&lang=de").status, 422);
}

TEST_P(DiscussionSearchTest, MembersOnlyGroupPostsStayInTheGroup) {
  std::string org = d().Unique("grp");
  Person editor = d().AddPerson({.label = "editor", .org = org, .role = "editor"});
  Person outsider = d().AddPerson({.label = "outsider"});
  std::string token = d().CreateToken(editor.email);
  std::string slug = d().Unique("circle");
  HttpResponse g = client().SendJson(
      "POST", "/api/v1/groups",
      {{"slug", slug}, {"name", "Closed circle"}, {"organisation", org}, {"members_only", true}},
      Bearer(token));
  ASSERT_EQ(g.status, 201) << g.Describe();
  HttpResponse t = client().SendJson("POST", "/api/v1/threads",
                                     {{"kind", "group"},
                                      {"group_id", g.Json()["id"]},
                                      {"title", "Quetzal budget"},
                                      {"body", "Confidential plans."}},
                                     Bearer(token));
  ASSERT_EQ(t.status, 201) << t.Describe();

  EXPECT_EQ(Search("quetzal", token).value("total", -1), 1) << "members find their group's posts";
  EXPECT_EQ(Search("quetzal", d().CreateToken(outsider.email)).value("total", -1), 0);
  EXPECT_EQ(Search("quetzal").value("total", -1), 0);
}

WM_INSTANTIATE_BACKENDS(DiscussionSearchTest);

}  // namespace
}  // namespace waymark::it
