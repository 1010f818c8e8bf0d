#include "domain/library/identifiers.h"

#include <gtest/gtest.h>

#include <string>

namespace waymark::library {
namespace {

// The message of a failed Result, after checking that it failed as InvalidArgument.
template <typename T>
std::string InvalidMessage(const Result<T>& r) {
  EXPECT_FALSE(r.ok());
  if (r.ok()) return "";
  EXPECT_EQ(r.status().kind(), Status::Kind::kInvalidArgument);
  return r.status().message();
}

TEST(NormalizeDoiTest, AcceptsTheCommonForms) {
  EXPECT_EQ(*NormalizeDoi("10.1234/abc"), "10.1234/abc");
  EXPECT_EQ(*NormalizeDoi("  doi:10.1234/abc "), "10.1234/abc");
  EXPECT_EQ(*NormalizeDoi("DOI: 10.1234/abc"), "10.1234/abc");
  EXPECT_EQ(*NormalizeDoi("https://doi.org/10.1234/abc"), "10.1234/abc");
  EXPECT_EQ(*NormalizeDoi("http://dx.doi.org/10.1234/abc"), "10.1234/abc");
  EXPECT_EQ(*NormalizeDoi("doi.org/10.1234/abc"), "10.1234/abc");
  EXPECT_EQ(*NormalizeDoi("HTTPS://DOI.ORG/10.1234/ABC"), "10.1234/ABC");
  EXPECT_EQ(*NormalizeDoi("10.1000.10/xyz(2019)<3>"), "10.1000.10/xyz(2019)<3>");
  EXPECT_EQ(*NormalizeDoi("https://doi.org/10.1000%2Fxyz%23a"), "10.1000/xyz#a");
  EXPECT_EQ(*NormalizeDoi("10.123456789/x"), "10.123456789/x");
}

TEST(NormalizeDoiTest, SaysWhatIsWrong) {
  EXPECT_EQ(InvalidMessage(NormalizeDoi("")), "DOI is empty");
  EXPECT_EQ(InvalidMessage(NormalizeDoi("11.1234/abc")), "DOI must start with '10.' (e.g. 10.1234/abc)");
  EXPECT_EQ(InvalidMessage(NormalizeDoi("10.1234")), "DOI has no '/' between prefix and suffix");
  EXPECT_EQ(InvalidMessage(NormalizeDoi("10.123/abc")), "DOI prefix must be '10.' followed by 4 to 9 digits");
  EXPECT_EQ(InvalidMessage(NormalizeDoi("10.1234567890/abc")),
            "DOI prefix must be '10.' followed by 4 to 9 digits");
  EXPECT_EQ(InvalidMessage(NormalizeDoi("10.12a4/abc")),
            "DOI prefix must be '10.' followed by 4 to 9 digits");
  EXPECT_EQ(InvalidMessage(NormalizeDoi("10.1234/")), "DOI has nothing after the '/'");
  EXPECT_EQ(InvalidMessage(NormalizeDoi("10.1234/a b")), "DOI must not contain spaces or control characters");
  EXPECT_EQ(InvalidMessage(NormalizeDoi("10.1234/a\x01")),
            "DOI must not contain spaces or control characters");
  EXPECT_EQ(InvalidMessage(NormalizeDoi("10.1234/\xff")), "DOI is not valid UTF-8");
  EXPECT_EQ(InvalidMessage(NormalizeDoi("https://doi.org/10.1234%2")), "DOI has a malformed %-escape");
  EXPECT_FALSE(NormalizeDoi("https://example.org/10.1234/abc").ok());
}

TEST(NormalizeIsbnTest, AcceptsIsbn10And13WithSeparators) {
  EXPECT_EQ(*NormalizeIsbn("978-92-9068-769-6"), "9789290687696");
  EXPECT_EQ(*NormalizeIsbn("978 92 9068 769 6"), "9789290687696");
  EXPECT_EQ(*NormalizeIsbn("ISBN 978-0-306-40615-7"), "9780306406157");
  EXPECT_EQ(*NormalizeIsbn("ISBN-13: 978-0-306-40615-7"), "9780306406157");
  EXPECT_EQ(*NormalizeIsbn("0-306-40615-2"), "0306406152");
  EXPECT_EQ(*NormalizeIsbn("0-8044-2957-x"), "080442957X");
  EXPECT_EQ(*NormalizeIsbn("979-10-90636-07-1"), "9791090636071");
}

TEST(NormalizeIsbnTest, SaysWhatIsWrong) {
  EXPECT_EQ(InvalidMessage(NormalizeIsbn("")), "ISBN is empty");
  EXPECT_EQ(InvalidMessage(NormalizeIsbn("978-92-9068-769")), "ISBN must have 10 or 13 digits, not 12");
  EXPECT_EQ(InvalidMessage(NormalizeIsbn("978-92-9068-769-5")), "ISBN-13 check digit is wrong (expected 6)");
  EXPECT_EQ(InvalidMessage(NormalizeIsbn("0-306-40615-3")), "ISBN-10 check digit is wrong (expected 2)");
  EXPECT_EQ(InvalidMessage(NormalizeIsbn("978-92-9068-76q-6")),
            "ISBN has a character that is not a digit: 'q'");
  EXPECT_EQ(InvalidMessage(NormalizeIsbn("X306406152")),
            "ISBN may have 'X' only as the last character of an ISBN-10");
  EXPECT_EQ(InvalidMessage(NormalizeIsbn("977-0-306-40615-7")), "ISBN-13 must start with 978 or 979");
  EXPECT_EQ(InvalidMessage(NormalizeIsbn("0306406152\xc3\xa9")), "ISBN has a character that is not a digit");
}

TEST(NormalizeHandleTest, AcceptsBareAndResolverForms) {
  EXPECT_EQ(*NormalizeHandle("10568/12345"), "10568/12345");
  EXPECT_EQ(*NormalizeHandle("hdl:10568/12345"), "10568/12345");
  EXPECT_EQ(*NormalizeHandle("https://hdl.handle.net/10568/12345"), "10568/12345");
  EXPECT_EQ(*NormalizeHandle("http://hdl.handle.net/20.500.12345/abc?noredirect"), "20.500.12345/abc");
  EXPECT_FALSE(NormalizeHandle("https://hdl.handle.net/10568/a%20b").ok());
}

TEST(NormalizeHandleTest, SaysWhatIsWrong) {
  EXPECT_EQ(InvalidMessage(NormalizeHandle("")), "Handle is empty");
  EXPECT_EQ(InvalidMessage(NormalizeHandle("10568")), "Handle has no '/' between prefix and suffix");
  EXPECT_EQ(InvalidMessage(NormalizeHandle("abc/123")),
            "Handle prefix must be digits, optionally in dot-separated groups");
  EXPECT_EQ(InvalidMessage(NormalizeHandle("10568/")), "Handle has nothing after the '/'");
  EXPECT_EQ(InvalidMessage(NormalizeHandle("10568/a b")),
            "Handle must not contain spaces or control characters");
  EXPECT_EQ(InvalidMessage(NormalizeHandle("20..5/x")),
            "Handle prefix must be digits, optionally in dot-separated groups");
}

TEST(NormalizeUrlTest, AcceptsHttpAndHttps) {
  EXPECT_EQ(*NormalizeUrl("https://www.iom.int/wmr"), "https://www.iom.int/wmr");
  EXPECT_EQ(*NormalizeUrl(" HTTP://Example.ORG/Path?Q=1#Frag "), "http://example.org/Path?Q=1#Frag");
  EXPECT_EQ(*NormalizeUrl("https://example.org:8443"), "https://example.org:8443");
  EXPECT_EQ(*NormalizeUrl("https://user@example.org/x"), "https://user@example.org/x");
  EXPECT_EQ(*NormalizeUrl("https://[2001:db8::1]:80/x"), "https://[2001:db8::1]:80/x");
  EXPECT_EQ(*NormalizeUrl("https://bücher.example/é"), "https://bücher.example/é");
}

TEST(NormalizeUrlTest, SaysWhatIsWrong) {
  EXPECT_EQ(InvalidMessage(NormalizeUrl("")), "URL is empty");
  EXPECT_EQ(InvalidMessage(NormalizeUrl("ftp://example.org/x")), "URL must start with http:// or https://");
  EXPECT_EQ(InvalidMessage(NormalizeUrl("javascript:alert(1)")), "URL must start with http:// or https://");
  EXPECT_EQ(InvalidMessage(NormalizeUrl("www.example.org")), "URL must start with http:// or https://");
  EXPECT_EQ(InvalidMessage(NormalizeUrl("https:///path")), "URL has no host");
  EXPECT_EQ(InvalidMessage(NormalizeUrl("https://exa mple.org")),
            "URL must not contain spaces or control characters");
  EXPECT_EQ(InvalidMessage(NormalizeUrl("https://example.org/a\tb")),
            "URL must not contain spaces or control characters");
  EXPECT_EQ(InvalidMessage(NormalizeUrl("https://example.org:80a/")), "URL port must be a number");
  EXPECT_EQ(InvalidMessage(NormalizeUrl("https://exa_mple.org/")),
            "URL host has a character that is not allowed: '_'");
  EXPECT_EQ(InvalidMessage(NormalizeUrl("https://example.org/\xff")), "URL is not valid UTF-8");
  EXPECT_EQ(InvalidMessage(NormalizeUrl("https://example.org/" + std::string(1990, 'a'))),
            "URL is longer than 2000 characters");
  EXPECT_TRUE(NormalizeUrl("https://example.org/" + std::string(1980, 'a')).ok());
}

TEST(NormalizeLanguageTest, MapsNamesAndCodes) {
  EXPECT_EQ(NormalizeLanguage("English"), "en");
  EXPECT_EQ(NormalizeLanguage(" french "), "fr");
  EXPECT_EQ(NormalizeLanguage("Spanish"), "es");
  EXPECT_EQ(NormalizeLanguage("spa"), "es");
  EXPECT_EQ(NormalizeLanguage("fra"), "fr");
  EXPECT_EQ(NormalizeLanguage("EN"), "en");
  EXPECT_EQ(NormalizeLanguage("en-GB"), "en-gb");
  EXPECT_EQ(NormalizeLanguage("Klingon"), "klingon");
  EXPECT_EQ(NormalizeLanguage("  "), "");
}

}  // namespace
}  // namespace waymark::library
