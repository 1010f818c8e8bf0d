// The JSON API's validation: malformed JSON, content types, unknown fields,
// bad values, paging parameters.
#include <set>

#include "fixture.h"

namespace waymark::it {
namespace {

class ApiTest : public ServerTest {
 protected:
  HttpResponse Create(const std::string& body, const std::string& content_type = "application/json") {
    HeaderList h = Bearer(d().AdminToken());
    h.emplace_back("Content-Type", content_type);
    return client().Request("POST", "/api/v1/organisations", h, body);
  }
  HttpResponse Patch(const std::string& slug, const nlohmann::json& body) {
    return client().SendJson("PATCH", "/api/v1/organisations/" + slug, body,
                             IfMatchNow("/api/v1/organisations/" + slug, Bearer(d().AdminToken())));
  }
  nlohmann::json Fields(const HttpResponse& r) {
    return r.Json()["error"].value("fields", nlohmann::json::object());
  }
};

TEST_P(ApiTest, MalformedJsonIs400NamingLineAndColumn) {
  // The error is the bare word on line 3, column 11.
  std::string body = "{\n  \"slug\": \"broken\",\n  \"name\": oops,\n  \"kind\": \"cso\"\n}";
  HttpResponse r = Create(body);
  ASSERT_EQ(r.status, 400) << r.Describe();
  auto j = r.Json();
  EXPECT_EQ(j["error"]["code"], "invalid_argument") << r.body;
  std::string message = j["error"]["message"];
  EXPECT_NE(message.find("invalid JSON at line 3, column 11"), std::string::npos) << message;

  HttpResponse truncated = Create("{\"slug\": \"x\",\n\"name\": \"y\"");
  ASSERT_EQ(truncated.status, 400) << truncated.Describe();
  EXPECT_NE(truncated.Json()["error"]["message"].get<std::string>().find("line 2"), std::string::npos)
      << truncated.body;

  HttpResponse empty = Create("");
  EXPECT_EQ(empty.status, 400) << empty.Describe();
  HttpResponse array = Create("[1, 2]");
  EXPECT_EQ(array.status, 400) << array.Describe();
}

TEST_P(ApiTest, JsonMustBeSentAsApplicationJson) {
  std::string slug = d().Unique("typed");
  std::string body = nlohmann::json{{"slug", slug}, {"name", "Typed"}, {"kind", "cso"}}.dump();
  HttpResponse text = Create(body, "text/plain");
  ASSERT_EQ(text.status, 415) << text.Describe();
  EXPECT_EQ(text.Json()["error"]["code"], "unsupported_media_type");
  HttpResponse form = Create(body, "application/x-www-form-urlencoded");
  EXPECT_EQ(form.status, 415) << form.Describe();
  EXPECT_EQ(client().Get("/api/v1/organisations/" + slug).status, 404);
  HttpResponse patch = client().Request(
      "PATCH", "/api/v1/organisations/" + slug,
      {{"Authorization", "Bearer " + d().AdminToken()}, {"Content-Type", "text/plain"}}, "{}");
  EXPECT_EQ(patch.status, 415) << patch.Describe();
  // Parameters on the media type are fine.
  HttpResponse ok = Create(body, "application/json; charset=utf-8");
  EXPECT_EQ(ok.status, 201) << ok.Describe();
}

TEST_P(ApiTest, UnknownFieldIs422NamingIt) {
  std::string slug = d().Unique("fields");
  HttpResponse r =
      Create(nlohmann::json{{"slug", slug}, {"name", "F"}, {"kind", "cso"}, {"colour", "red"}}.dump());
  ASSERT_EQ(r.status, 422) << r.Describe();
  EXPECT_EQ(r.Json()["error"]["code"], "validation_failed");
  EXPECT_TRUE(Fields(r).contains("colour")) << r.body;
  EXPECT_EQ(client().Get("/api/v1/organisations/" + slug).status, 404);

  HttpResponse missing = Create(nlohmann::json{{"name", "No slug"}}.dump());
  ASSERT_EQ(missing.status, 422) << missing.Describe();
  EXPECT_TRUE(Fields(missing).contains("slug")) << missing.body;
  EXPECT_TRUE(Fields(missing).contains("kind")) << missing.body;

  d().EnsureOrganisation("jcwi");
  HttpResponse patch = Patch("jcwi", {{"nickname", "j"}});
  ASSERT_EQ(patch.status, 422) << patch.Describe();
  EXPECT_TRUE(Fields(patch).contains("nickname")) << patch.body;
  HttpResponse slug_change = Patch("jcwi", {{"slug", "renamed"}});
  ASSERT_EQ(slug_change.status, 422) << slug_change.Describe();
  EXPECT_NE(Fields(slug_change).value("slug", "").find("cannot be changed"), std::string::npos)
      << slug_change.body;
  EXPECT_EQ(client().Get("/api/v1/organisations/jcwi").status, 200);
}

TEST_P(ApiTest, BadCountryAndKindAre422NamingTheValue) {
  d().EnsureOrganisation("jcwi");
  HttpResponse country = Patch("jcwi", {{"country", "XYZ"}});
  ASSERT_EQ(country.status, 422) << country.Describe();
  EXPECT_NE(Fields(country).value("country", "").find("XYZ"), std::string::npos) << country.body;
  HttpResponse kind = Patch("jcwi", {{"kind", "cult"}});
  ASSERT_EQ(kind.status, 422) << kind.Describe();
  EXPECT_NE(Fields(kind).value("kind", "").find("cult"), std::string::npos) << kind.body;
  HttpResponse type = Patch("jcwi", {{"name", 42}});
  EXPECT_EQ(type.status, 422) << type.Describe();
  EXPECT_TRUE(client().Get("/api/v1/organisations/jcwi").Json()["country"].is_null());

  std::string slug = d().Unique("country");
  HttpResponse create =
      Create(nlohmann::json{{"slug", slug}, {"name", "C"}, {"kind", "cso"}, {"country", "ZZZ"}}.dump());
  ASSERT_EQ(create.status, 422) << create.Describe();
  EXPECT_NE(Fields(create).value("country", "").find("ZZZ"), std::string::npos) << create.body;

  // A real code, in lower case, is accepted and normalised.
  HttpResponse good = Patch("jcwi", {{"country", "gbr"}});
  ASSERT_EQ(good.status, 200) << good.Describe();
  EXPECT_EQ(good.Json()["country"], "GBR");
}

TEST_P(ApiTest, PagingParametersAreValidated) {
  for (const char* query : {"per_page=0", "per_page=101", "per_page=abc", "per_page=5x"}) {
    HttpResponse r = client().Get(std::string("/api/v1/organisations?") + query);
    ASSERT_EQ(r.status, 422) << query << "\n" << r.Describe();
    EXPECT_EQ(r.Json()["error"]["code"], "validation_failed");
    EXPECT_TRUE(Fields(r).contains("per_page")) << query << ": " << r.body;
  }
  HttpResponse page = client().Get("/api/v1/organisations?page=0");
  ASSERT_EQ(page.status, 422) << page.Describe();
  EXPECT_TRUE(Fields(page).contains("page")) << page.body;
}

TEST_P(ApiTest, ListingPagesThroughOrganisations) {
  for (int i = 0; i < 3; ++i) d().AddOrganisation(d().Unique("listed"));
  HttpResponse first = client().Get("/api/v1/organisations?per_page=2&page=1");
  ASSERT_EQ(first.status, 200) << first.Describe();
  auto j = first.Json();
  EXPECT_EQ(j["per_page"], 2);
  EXPECT_EQ(j["page"], 1);
  ASSERT_GE(j["total"].get<int>(), 3);
  EXPECT_EQ(j["items"].size(), 2u);
  for (const auto& item : j["items"]) {
    for (const char* key : {"slug", "name", "acronym", "kind", "country", "website", "description",
                            "council_observer", "created_at", "updated_at", "url"}) {
      EXPECT_TRUE(item.contains(key)) << key << " missing in " << item.dump();
    }
  }
  // Every organisation appears once across the pages.
  int total = j["total"];
  std::set<std::string> seen;
  for (int p = 1; p <= (total + 1) / 2 && p <= 100; ++p) {
    auto page = client().Get("/api/v1/organisations?per_page=2&page=" + std::to_string(p)).Json();
    for (const auto& item : page["items"]) EXPECT_TRUE(seen.insert(item["slug"]).second) << item["slug"];
  }
  EXPECT_EQ(static_cast<int>(seen.size()), total);
}

WM_INSTANTIATE_BACKENDS(ApiTest);

}  // namespace
}  // namespace waymark::it
