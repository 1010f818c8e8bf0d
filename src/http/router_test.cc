#include "http/router.h"

#include <gtest/gtest.h>

namespace waymark::http {
namespace {

Response Ok(Request&) { return Response::Text(200, "ok"); }

TEST(RouterTest, LiteralBeatsCapture) {
  Router r;
  r.Add("GET", "/organisations/{slug}", Ok);
  r.Add("GET", "/organisations/new", Ok);
  auto m = r.Find("GET", "/organisations/new");
  ASSERT_EQ(m.kind, Router::Match::Kind::kFound);
  EXPECT_EQ(m.pattern, "/organisations/new");
  m = r.Find("GET", "/organisations/jcwi");
  ASSERT_EQ(m.kind, Router::Match::Kind::kFound);
  EXPECT_EQ(m.params.at("slug"), "jcwi");
}

TEST(RouterTest, WrongMethodListsAllowed) {
  Router r;
  r.Add("GET", "/signin", Ok);
  r.Add("POST", "/signin", Ok);
  r.Add("GET", "/healthz", Ok);
  auto m = r.Find("DELETE", "/signin");
  ASSERT_EQ(m.kind, Router::Match::Kind::kMethodNotAllowed);
  EXPECT_EQ(m.allowed, (std::vector<std::string>{"GET", "HEAD", "POST"}));
  EXPECT_EQ(r.Find("GET", "/nope").kind, Router::Match::Kind::kNotFound);
}

TEST(RouterTest, HeadUsesGet) {
  Router r;
  r.Add("GET", "/healthz", Ok);
  EXPECT_EQ(r.Find("HEAD", "/healthz").kind, Router::Match::Kind::kFound);
}

TEST(RouterTest, TrailingSlashAndRoot) {
  Router r;
  r.Add("GET", "/", Ok);
  r.Add("GET", "/admin", Ok);
  EXPECT_EQ(r.Find("GET", "/").kind, Router::Match::Kind::kFound);
  EXPECT_EQ(r.Find("GET", "/admin/").kind, Router::Match::Kind::kFound);
}

}  // namespace
}  // namespace waymark::http
