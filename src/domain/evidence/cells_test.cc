#include "domain/evidence/cells.h"

#include <gtest/gtest.h>

namespace waymark::evidence::cells {
namespace {

TEST(CellsTest, TrimRemovesWhitespaceAndStrayByteOrderMarks) {
  EXPECT_EQ(Trim("  a b \t"), "a b");
  EXPECT_EQ(Trim("\xEF\xBB\xBF"
                 "2016.MMP00444"),
            "2016.MMP00444");
  EXPECT_EQ(Trim(" \xEF\xBB\xBF 2016.MMP00444 \xEF\xBB\xBF\r\n"), "2016.MMP00444");
  EXPECT_EQ(Trim("\xC2\xA0x\xC2\xA0"), "x");
  EXPECT_EQ(Trim("Near A\xEF\xBB\xBF"
                 "B"),
            "Near A\xEF\xBB\xBF"
            "B");  // inner text kept
  EXPECT_EQ(Trim(""), "");
  EXPECT_EQ(Trim(" \n "), "");
}

TEST(CellsTest, CountsBlankAndPlaceholdersAreUnknown) {
  for (const char* s : {"", "  ", "-", "n/a", "N/A", ".."}) {
    CountCell c = ParseCount(s);
    EXPECT_FALSE(c.value.has_value()) << s;
    EXPECT_TRUE(c.error.empty()) << s;
  }
}

// "NA" is Namibia's ISO alpha-2 code (../shared/data/country-codes-m49):
// it is never read as "not available". As a count it is an error that
// names it, not an unknown; as text it stays what it is.
TEST(CellsTest, NaIsNamibiaNotAPlaceholder) {
  CountCell c = ParseCount("NA");
  EXPECT_FALSE(c.value.has_value());
  EXPECT_FALSE(c.error.empty());
  EXPECT_EQ(Trim(" NA "), "NA");
}

TEST(CellsTest, CountsInTheFormsPublishersWrite) {
  EXPECT_EQ(ParseCount("12").value, 12);
  EXPECT_EQ(ParseCount(" 12 ").value, 12);
  EXPECT_EQ(ParseCount("0").value, 0);
  EXPECT_EQ(ParseCount("+3").value, 3);
  EXPECT_EQ(ParseCount("1,022").value, 1022);  // legacy MMP total
  EXPECT_EQ(ParseCount("1,234,567").value, 1234567);
  EXPECT_EQ(ParseCount("1 022").value, 1022);
  EXPECT_EQ(ParseCount("4.0").value, 4);
  EXPECT_TRUE(ParseCount("4.0").note.empty());
  CountCell noisy = ParseCount("8.0399999");
  EXPECT_EQ(noisy.value, 8);
  EXPECT_TRUE(noisy.error.empty());
  EXPECT_EQ(noisy.note, "rounded 8.0399999 to 8");
  EXPECT_EQ(ParseCount("2.5").value, 3);
}

TEST(CellsTest, NegativeCountIsAnErrorThatKeepsTheNumber) {
  CountCell c = ParseCount("-2");
  EXPECT_EQ(c.error, "negative count -2");
  EXPECT_EQ(c.value, -2);
  EXPECT_TRUE(ParseCount("-0").error.empty());
}

TEST(CellsTest, NotCounts) {
  for (const char* s : {"4,5", "abc", "1,02", "12a", ".", "1.2.3", "1e3", "10000,000"}) {
    CountCell c = ParseCount(s);
    EXPECT_FALSE(c.value.has_value()) << s;
    EXPECT_EQ(c.error, std::string("not a count: ") + s) << s;
  }
}

TEST(CellsTest, Doubles) {
  EXPECT_DOUBLE_EQ(*ParseDouble("31.650259"), 31.650259);
  EXPECT_DOUBLE_EQ(*ParseDouble(" -110.366453 "), -110.366453);
  EXPECT_DOUBLE_EQ(*ParseDouble("+2"), 2.0);
  EXPECT_FALSE(ParseDouble("").has_value());
  EXPECT_FALSE(ParseDouble("abc").has_value());
  EXPECT_FALSE(ParseDouble("1.5x").has_value());
  EXPECT_FALSE(ParseDouble("nan").has_value());
  EXPECT_FALSE(ParseDouble("inf").has_value());
}

TEST(CellsTest, LatLon) {
  LatLonCell a = ParseLatLon("31.650259, -110.366453");
  ASSERT_TRUE(a.error.empty());
  EXPECT_DOUBLE_EQ(*a.latitude, 31.650259);
  EXPECT_DOUBLE_EQ(*a.longitude, -110.366453);
  LatLonCell b = ParseLatLon("38.610762461670,26.651187816406");
  EXPECT_DOUBLE_EQ(*b.latitude, 38.610762461670);
  LatLonCell blank = ParseLatLon("  ");
  EXPECT_TRUE(blank.error.empty());
  EXPECT_FALSE(blank.latitude.has_value());
  LatLonCell out = ParseLatLon("95.1, 10");
  EXPECT_EQ(out.error, "coordinates out of range: 95.1, 10");
  EXPECT_FALSE(out.latitude.has_value());
  EXPECT_EQ(ParseLatLon("10, 181").error, "coordinates out of range: 10, 181");
  EXPECT_EQ(ParseLatLon("somewhere").error, "not coordinates: somewhere");
}

TEST(CellsTest, HtmlEntitiesAndTags) {
  EXPECT_EQ(DecodeHtmlEntities("Cote d&#039;Ivoire"), "Cote d'Ivoire");
  EXPECT_EQ(DecodeHtmlEntities("A &amp; B &lt;x&gt; &quot;q&quot; &#x27;"), "A & B <x> \"q\" '");
  EXPECT_EQ(DecodeHtmlEntities("&#233;"), "\xC3\xA9");
  EXPECT_EQ(DecodeHtmlEntities("AT&T; &bogus; & done"), "AT&T; &bogus; & done");
  EXPECT_EQ(HtmlToText("<p>Near the border,\nArizona</p>\n<p>(see&nbsp;coordinates)</p>"),
            "Near the border, Arizona (see coordinates)");
  EXPECT_EQ(HtmlToText("a<br/>b"), "a b");
  EXPECT_EQ(HtmlToText("less < 5 km"), "less < 5 km");
  EXPECT_TRUE(LooksLikeHtml("<p>x</p>"));
  EXPECT_TRUE(LooksLikeHtml("d&#039;Ivoire"));
  EXPECT_FALSE(LooksLikeHtml("less < 5 km & more"));
  EXPECT_FALSE(LooksLikeHtml("Plain text"));
}

TEST(CellsTest, MonthNames) {
  EXPECT_EQ(MonthFromName("January"), 1);
  EXPECT_EQ(MonthFromName("jan"), 1);
  EXPECT_EQ(MonthFromName(" Dec "), 12);
  EXPECT_EQ(MonthFromName("Sept"), 9);
  EXPECT_EQ(MonthFromName("May"), 5);
  EXPECT_EQ(MonthFromName("Ja"), 0);
  EXPECT_EQ(MonthFromName("Janvier"), 0);
  EXPECT_EQ(MonthFromName(""), 0);
}

TEST(CellsTest, DatesInEveryPublisherForm) {
  EXPECT_EQ(ParseDate("2014-01-06").date, (PartialDate{2014, 1, 6, DatePrecision::kDay}));
  EXPECT_EQ(ParseDate("2014-01-06T00:00:00").date, (PartialDate{2014, 1, 6, DatePrecision::kDay}));
  EXPECT_EQ(ParseDate("2014-01").date, (PartialDate{2014, 1, 0, DatePrecision::kMonth}));
  EXPECT_EQ(ParseDate("2014").date, (PartialDate{2014, 0, 0, DatePrecision::kYear}));
  EXPECT_EQ(ParseDate("January 05, 2020").date, (PartialDate{2020, 1, 5, DatePrecision::kDay}));
  EXPECT_EQ(ParseDate("Jan 5, 2020").date, (PartialDate{2020, 1, 5, DatePrecision::kDay}));
  EXPECT_EQ(ParseDate("Thu, 01/01/2026 - 12:00").date, (PartialDate{2026, 1, 1, DatePrecision::kDay}));
  // MM/DD/YYYY, not DD/MM.
  EXPECT_EQ(ParseDate("Sat, 01/31/2026 - 12:00").date, (PartialDate{2026, 1, 31, DatePrecision::kDay}));
  EXPECT_EQ(ParseDate("05/02/2026").date, (PartialDate{2026, 5, 2, DatePrecision::kDay}));
  EXPECT_EQ(ParseDate("2024-02-29").date.day, 29);
}

TEST(CellsTest, UnknownAndBadDates) {
  DateCell blank = ParseDate("");
  EXPECT_FALSE(blank.date.known());
  EXPECT_TRUE(blank.error.empty());
  EXPECT_TRUE(blank.note.empty());
  DateCell zero = ParseDate("0");
  EXPECT_FALSE(zero.date.known());
  EXPECT_TRUE(zero.error.empty());
  EXPECT_EQ(zero.note, "no date: 0");
  EXPECT_EQ(ParseDate("2019-02-30").error, "not a date: 2019-02-30");
  EXPECT_EQ(ParseDate("2023-02-29").error, "not a date: 2023-02-29");
  EXPECT_EQ(ParseDate("31/01/2026").error, "not a date: 31/01/2026");
  EXPECT_EQ(ParseDate("yesterday").error, "not a date: yesterday");
  EXPECT_EQ(ParseDate("2014-13-01").error, "not a date: 2014-13-01");
  EXPECT_FALSE(ParseDate("2014-13-01").date.known());
}

TEST(CellsTest, SplitList) {
  EXPECT_EQ(SplitList("a, b,,c "), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(SplitList(""), std::vector<std::string>{});
  EXPECT_EQ(SplitList("x|y", '|'), (std::vector<std::string>{"x", "y"}));
}

}  // namespace
}  // namespace waymark::evidence::cells
