#include "domain/evidence/csv.h"

#include <gtest/gtest.h>

#include <sstream>

namespace waymark::evidence {
namespace {

std::vector<CsvRecord> ReadAll(const std::string& text, std::size_t limit = 1 << 20) {
  std::istringstream in(text);
  CsvReader r(in, limit);
  std::vector<CsvRecord> out;
  CsvRecord rec;
  for (;;) {
    Result<bool> got = r.Next(rec);
    EXPECT_TRUE(got.ok()) << got.status().message();
    if (!got.ok() || !*got) break;
    out.push_back(rec);
  }
  return out;
}

TEST(CsvTest, PlainRecordsWithLf) {
  auto recs = ReadAll("a,b,c\n1,2,3\n");
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].fields, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(recs[1].fields, (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(recs[1].line, 2);
  EXPECT_EQ(recs[1].raw, "1,2,3");
}

TEST(CsvTest, CrlfBomAndNoFinalNewline) {
  auto recs = ReadAll("\xEF\xBB\xBF\"Web ID\",\"x\"\r\n\"52682\",\"\"\r\n\"1\",\"2\"");
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].fields[0], "Web ID");  // the BOM is not part of the first cell
  EXPECT_EQ(recs[1].fields, (std::vector<std::string>{"52682", ""}));
  EXPECT_EQ(recs[1].raw, "\"52682\",\"\"");
  EXPECT_EQ(recs[2].fields, (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(recs[2].line, 3);
}

TEST(CsvTest, QuotedCommasNewlinesAndDoubledQuotes) {
  auto recs = ReadAll("id,loc\n1,\"<p>Pima, Arizona\nUSA</p>\"\n2,\"say \"\"hi\"\"\"\n3,x\n");
  ASSERT_EQ(recs.size(), 4u);
  EXPECT_EQ(recs[1].fields[1], "<p>Pima, Arizona\nUSA</p>");
  EXPECT_EQ(recs[1].line, 2);
  EXPECT_EQ(recs[1].raw, "1,\"<p>Pima, Arizona\nUSA</p>\"");
  EXPECT_EQ(recs[2].fields[1], "say \"hi\"");
  EXPECT_EQ(recs[2].line, 4);  // physical line, after the quoted newline
  EXPECT_EQ(recs[3].line, 5);
}

TEST(CsvTest, QuotedCrlfInsideFieldIsKept) {
  auto recs = ReadAll("a\r\n\"x\r\ny\"\r\nz\r\n");
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[1].fields[0], "x\r\ny");
  EXPECT_EQ(recs[2].line, 4);
}

TEST(CsvTest, EmptyFieldsAndBlankLines) {
  auto recs = ReadAll("a,,c\n\n,\n");
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].fields, (std::vector<std::string>{"a", "", "c"}));
  EXPECT_EQ(recs[1].fields, (std::vector<std::string>{"", ""}));
  EXPECT_EQ(recs[1].line, 3);
}

TEST(CsvTest, StrayQuoteInUnquotedFieldIsText) {
  auto recs = ReadAll("5\" pipe,b\n");
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].fields[0], "5\" pipe");
}

TEST(CsvTest, UnterminatedQuoteNamesLineAndColumn) {
  std::istringstream in("a,b\n1,\"open\nmore\n");
  CsvReader r(in);
  CsvRecord rec;
  ASSERT_TRUE(*r.Next(rec));
  Result<bool> bad = r.Next(rec);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().kind(), Status::Kind::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "line 2, column 2: quoted field not closed before the end of the file");
  Result<bool> after = r.Next(rec);
  ASSERT_TRUE(after.ok());
  EXPECT_FALSE(*after);
}

TEST(CsvTest, InvalidUtf8NamesLineAndColumnAndReadingGoesOn) {
  std::istringstream in("a,b\n1,caf\xE9\nok,2\n");
  CsvReader r(in);
  CsvRecord rec;
  ASSERT_TRUE(*r.Next(rec));
  Result<bool> bad = r.Next(rec);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().kind(), Status::Kind::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "line 2, column 2: not UTF-8 (byte 0xE9)");
  Result<bool> next = r.Next(rec);
  ASSERT_TRUE(next.ok());
  ASSERT_TRUE(*next);
  EXPECT_EQ(rec.fields[0], "ok");
  EXPECT_EQ(rec.line, 3);
}

TEST(CsvTest, RecordOverTheLimitIsRefusedAndSkipped) {
  std::istringstream in("a\n\"" + std::string(100, 'x') + "\"\nb\n");
  CsvReader r(in, 50);
  CsvRecord rec;
  ASSERT_TRUE(*r.Next(rec));
  Result<bool> big = r.Next(rec);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().message(), "line 2, column 1: record longer than 50 bytes");
  ASSERT_TRUE(*r.Next(rec));
  EXPECT_EQ(rec.fields[0], "b");
  EXPECT_EQ(rec.line, 3);
}

TEST(CsvTest, BytesRead) {
  std::istringstream in("ab,c\nd\n");
  CsvReader r(in);
  CsvRecord rec;
  ASSERT_TRUE(*r.Next(rec));
  EXPECT_EQ(r.bytes_read(), 5);
  ASSERT_TRUE(*r.Next(rec));
  EXPECT_EQ(r.bytes_read(), 7);
}

TEST(CsvTest, SplitCsvLine) {
  auto f = SplitCsvLine("2014.MMP00001,\"a, b\",,\"x\"\"y\"");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(*f, (std::vector<std::string>{"2014.MMP00001", "a, b", "", "x\"y"}));
  auto nl = SplitCsvLine("1,\"two\nlines\"");
  ASSERT_TRUE(nl.ok());
  EXPECT_EQ((*nl)[1], "two\nlines");
  EXPECT_EQ(*SplitCsvLine(""), std::vector<std::string>{""});
  auto two = SplitCsvLine("a\nb");
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.status().kind(), Status::Kind::kInvalidArgument);
  EXPECT_EQ(SplitCsvLine("\"open").status().kind(), Status::Kind::kInvalidArgument);
}

}  // namespace
}  // namespace waymark::evidence
