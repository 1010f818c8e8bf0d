#include "web/atom.h"

#include <gtest/gtest.h>

namespace waymark::web::atom {
namespace {

TEST(AtomTest, RendersFeedAndEntriesEscapedWithRfc3339Dates) {
  Feed feed;
  feed.lang = "fr";
  feed.id = "tag:waymark.org,2015:campaigns";
  feed.title = "Waymark: «Campagnes» & <co>";
  feed.updated = 1442570400123;  // 2015-09-18T10:00:00.123Z
  feed.self = "https://w.example/campaigns.atom?a=1&b=2";
  feed.alternate = "https://w.example/campaigns";
  Entry e;
  e.id = "tag:waymark.org,2015:campaign:7";
  e.title = "\"I am a Migrant\" it's\x01 ours";
  e.link = "https://w.example/campaigns/7";
  e.updated = 0;
  e.published = 1442570400000;
  e.author = {"JCWI <London>", "https://w.example/organisations/jcwi"};
  e.categories = {"inclusion", "a\"b"};
  e.summary = "Posters & a crowdfund";
  feed.entries.push_back(e);
  Entry bare;
  bare.id = "tag:waymark.org,2015:x:1";
  bare.title = "t";
  bare.link = "https://w.example/x/1";
  bare.updated = -1;  // a millisecond before the epoch
  bare.author.name = "IOM";
  feed.entries.push_back(bare);

  EXPECT_EQ(
      Render(feed),
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
      "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"fr\">\n"
      "<id>tag:waymark.org,2015:campaigns</id>\n"
      "<title>Waymark: «Campagnes» &amp; &lt;co&gt;</title>\n"
      "<updated>2015-09-18T10:00:00.123Z</updated>\n"
      "<link rel=\"self\" type=\"application/atom+xml\" "
      "href=\"https://w.example/campaigns.atom?a=1&amp;b=2\"/>\n"
      "<link rel=\"alternate\" type=\"text/html\" href=\"https://w.example/campaigns\"/>\n"
      "<generator>Waymark</generator>\n"
      "<entry>\n"
      "<id>tag:waymark.org,2015:campaign:7</id>\n"
      "<title>&quot;I am a Migrant&quot; it&apos;s ours</title>\n"
      "<link rel=\"alternate\" type=\"text/html\" href=\"https://w.example/campaigns/7\"/>\n"
      "<updated>1970-01-01T00:00:00.000Z</updated>\n"
      "<published>2015-09-18T10:00:00.000Z</published>\n"
      "<author><name>JCWI &lt;London&gt;</name><uri>https://w.example/organisations/jcwi</uri></author>\n"
      "<category term=\"inclusion\"/>\n"
      "<category term=\"a&quot;b\"/>\n"
      "<summary type=\"text\">Posters &amp; a crowdfund</summary>\n"
      "</entry>\n"
      "<entry>\n"
      "<id>tag:waymark.org,2015:x:1</id>\n"
      "<title>t</title>\n"
      "<link rel=\"alternate\" type=\"text/html\" href=\"https://w.example/x/1\"/>\n"
      "<updated>1969-12-31T23:59:59.999Z</updated>\n"
      "<author><name>IOM</name></author>\n"
      "<summary type=\"text\"></summary>\n"
      "</entry>\n"
      "</feed>\n");
}

TEST(AtomTest, EmptyFeedAndItsHttpAnswer) {
  Feed feed;
  feed.lang = "en";
  feed.id = "tag:waymark.org,2015:practices";
  feed.title = "P";
  feed.self = "s";
  feed.alternate = "a";
  http::Response r = ToResponse(feed, 60);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Get("Content-Type"), "application/atom+xml; charset=utf-8");
  EXPECT_EQ(r.Get("Cache-Control"), "public, max-age=60");
  EXPECT_EQ(r.body, Render(feed));
  EXPECT_NE(r.body.find("<updated>1970-01-01T00:00:00.000Z</updated>\n<link rel=\"self\""),
            std::string::npos);
  EXPECT_EQ(r.body.find("<entry>"), std::string::npos);
  EXPECT_EQ(r.body.substr(r.body.size() - 8), "</feed>\n");
}

}  // namespace
}  // namespace waymark::web::atom
