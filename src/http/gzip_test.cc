#include "http/gzip.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <random>
#include <string>

namespace waymark::http {
namespace {

// Inflates a whole gzip stream as a browser would (zlib, gzip wrapper,
// checksum and length checked); "error: ..." when it is not valid.
std::string Gunzip(const std::string& gz) {
  z_stream z{};
  if (inflateInit2(&z, 16 + 15) != Z_OK) return "error: init";
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  std::string out;
  char buf[4096];
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
  }
  const bool whole = rc == Z_STREAM_END && z.avail_in == 0;
  inflateEnd(&z);
  return whole ? out : "error: " + std::to_string(rc);
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

TEST(Gzip, ABodyWithoutHolesRoundTrips) {
  std::string page;
  for (int i = 0; i < 2000; ++i)
    page += "<li><a href=\"/campaigns/" + std::to_string(i) + "\">Migrants</a></li>\n";
  GzipBody g = GzipBody::Make(page);
  EXPECT_EQ(g.holes(), 0u);
  std::string gz = g.Fill();
  EXPECT_EQ(Gunzip(gz), page);
  EXPECT_LT(gz.size(), page.size() / 4) << "repetitive HTML compresses well";
}

TEST(Gzip, EachVisitorsTokenIsSplicedIntoEveryHole) {
  const std::string hole = "PLACEHOLDER-0123456789-abcdefghijklmnopqrstu";
  std::string page = "<form><input name=csrf value=\"" + hole + "\"></form>";
  for (int i = 0; i < 500; ++i) page += "<p>Paragraph " + std::to_string(i) + " about migration.</p>";
  page += "<form><input name=csrf value=\"" + hole + "\"></form>";
  GzipBody g = GzipBody::Make(page, hole);
  EXPECT_EQ(g.holes(), 2u);
  for (const std::string& token :
       {std::string(43, 'x'), std::string("short"), std::string(64, 'Z'), std::string()}) {
    EXPECT_EQ(Gunzip(g.Fill(token)), Replace(page, hole, token)) << "token of " << token.size();
  }
}

TEST(Gzip, HolesAtTheEdgesAndSideBySide) {
  const std::string hole = "@@";
  for (const std::string& page : {std::string("@@"), std::string("@@@@"), std::string("@@body@@"),
                                  std::string(""), std::string("no hole at all"), std::string("a@@@@b")}) {
    GzipBody g = GzipBody::Make(page, hole);
    EXPECT_EQ(Gunzip(g.Fill("tok")), Replace(page, hole, "tok")) << page;
  }
}

TEST(Gzip, RandomBytesAndALongValueStayIntact) {
  std::mt19937 rng(7);
  std::string page(200000, '\0');
  for (auto& c : page) c = static_cast<char>(rng() & 0xff);
  page.replace(1000, 3, "<T>");
  page.replace(150000, 3, "<T>");
  GzipBody g = GzipBody::Make(page, "<T>", 1);
  const std::string value(65535, 'v');
  EXPECT_EQ(Gunzip(g.Fill(value)), Replace(page, "<T>", value));
}

TEST(Gzip, AcceptEncodingIsReadAsRfc9110Says) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("gzip, deflate, br"));
  EXPECT_TRUE(AcceptsGzip("br;q=1.0, GZip;q=0.5"));
  EXPECT_TRUE(AcceptsGzip("x-gzip"));
  EXPECT_TRUE(AcceptsGzip("*"));
  EXPECT_TRUE(AcceptsGzip("deflate, *;q=0.1"));
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("identity"));
  EXPECT_FALSE(AcceptsGzip("br, deflate"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip; q=0.000"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0, *")) << "a refusal by name outweighs the wildcard";
  EXPECT_FALSE(AcceptsGzip("*;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=nonsense"));
  EXPECT_FALSE(AcceptsGzip("gzipped"));
}

TEST(Gzip, OnlyTextLikeMediaTypesAreCompressed) {
  EXPECT_TRUE(IsCompressible("text/html; charset=utf-8"));
  EXPECT_TRUE(IsCompressible("text/css"));
  EXPECT_TRUE(IsCompressible("application/json"));
  EXPECT_TRUE(IsCompressible("application/problem+json"));
  EXPECT_TRUE(IsCompressible("application/atom+xml; charset=utf-8"));
  EXPECT_TRUE(IsCompressible("image/svg+xml; charset=utf-8"));
  EXPECT_TRUE(IsCompressible("Application/JavaScript"));
  EXPECT_FALSE(IsCompressible("application/pdf"));
  EXPECT_FALSE(IsCompressible("image/png"));
  EXPECT_FALSE(IsCompressible("application/zip"));
  EXPECT_FALSE(IsCompressible(""));
}

}  // namespace
}  // namespace waymark::http
