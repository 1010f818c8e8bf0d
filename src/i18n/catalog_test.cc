#include "i18n/catalog.h"

#include <gtest/gtest.h>

namespace waymark::i18n {
namespace {

Catalog Small() {
  auto c = Catalog::FromJson({{"en", R"({"hello":"Hello","bye":"Bye"})"},
                              {"fr", R"({"hello":"Bonjour","bye":"Au revoir"})"},
                              {"es", R"({"hello":"Hola","bye":"Adiós"})"}});
  EXPECT_TRUE(c.ok()) << c.status().message();
  return *c;
}

TEST(CatalogTest, LooksUpWithFallback) {
  Catalog c = Small();
  EXPECT_EQ(c.Get("fr", "hello"), "Bonjour");
  EXPECT_EQ(c.Get("de", "hello"), "Hello");
  EXPECT_EQ(c.Get("fr", "missing"), "missing");
  EXPECT_EQ(c.languages(), (std::vector<std::string>{"en", "es", "fr"}));
}

TEST(CatalogTest, RejectsMissingKeyNamingIt) {
  auto c = Catalog::FromJson({{"en", R"({"hello":"Hello","bye":"Bye"})"}, {"fr", R"({"hello":"Bonjour"})"}});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("fr.json lacks key 'bye'"), std::string::npos);
}

TEST(CatalogTest, EmbeddedCataloguesAgree) {
  auto c = Catalog::LoadEmbedded();
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->languages(), (std::vector<std::string>{"en", "es", "fr"}));
}

TEST(NegotiateTest, OrderOfPrecedence) {
  Catalog c = Small();
  EXPECT_EQ(NegotiateLanguage(c, "es", "fr", "en", "fr"), "es");
  EXPECT_EQ(NegotiateLanguage(c, "", "fr", "es", "en"), "fr");
  EXPECT_EQ(NegotiateLanguage(c, "", "xx", "es", "en"), "es");
  EXPECT_EQ(NegotiateLanguage(c, "", "", "", "de-DE, es;q=0.8, fr;q=0.9"), "fr");
  EXPECT_EQ(NegotiateLanguage(c, "", "", "", "fr-CH"), "fr");
  EXPECT_EQ(NegotiateLanguage(c, "", "", "", "de, *;q=0.1"), "en");
  EXPECT_EQ(NegotiateLanguage(c, "", "", "", ";;;q=abc,,"), "en");
}

}  // namespace
}  // namespace waymark::i18n
