#include "core/byte_source.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include <unistd.h>

namespace waymark {
namespace {

// Answers at most 3 bytes a read, as a socket or a store's pieces might.
class Trickle final : public ByteSource {
 public:
  explicit Trickle(std::string_view s) : s_(s) {}
  std::int64_t size() const override { return s_.size(); }
  Result<std::size_t> ReadAt(std::int64_t offset, char* out, std::size_t n) const override {
    return s_.ReadAt(offset, out, std::min<std::size_t>(n, 3));
  }

 private:
  StringByteSource s_;
};

TEST(ByteSourceTest, PiecesAreWholeWhateverTheReadsReturn) {
  Trickle source("abcdefghijklmnopq");  // 17 bytes
  std::vector<std::string> pieces;
  ASSERT_TRUE(ForEachPiece(
                  source,
                  [&](std::string_view p) {
                    pieces.emplace_back(p);
                    return Status::Ok();
                  },
                  5)
                  .ok());
  EXPECT_EQ(pieces, (std::vector<std::string>{"abcde", "fghij", "klmno", "pq"}));
  EXPECT_EQ(ReadPrefix(source, 7).value(), "abcdefg");
  EXPECT_EQ(ReadAll(source).value(), "abcdefghijklmnopq");
  // An error from the callback stops the walk and is returned.
  int calls = 0;
  Status s = ForEachPiece(
      source,
      [&](std::string_view) {
        ++calls;
        return Status::Unavailable("stop");
      },
      5);
  EXPECT_EQ(s.kind(), Status::Kind::kUnavailable);
  EXPECT_EQ(calls, 1);
}

TEST(ByteSourceTest, FileRangeReadsOnlyItsRange) {
  char path[] = "/tmp/waymark-byte-source-XXXXXX";
  int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::unlink(path);
  ASSERT_EQ(::write(fd, "0123456789", 10), 10);
  FileByteSource range(fd, 2, 5, nullptr);  // "23456"
  EXPECT_EQ(range.size(), 5);
  EXPECT_EQ(ReadAll(range).value(), "23456");
  char buf[8];
  EXPECT_EQ(range.ReadAt(3, buf, sizeof buf).value(), 2u);
  EXPECT_EQ(std::string(buf, 2), "56");
  EXPECT_EQ(range.ReadAt(5, buf, sizeof buf).value(), 0u);
  ::close(fd);
}

}  // namespace
}  // namespace waymark
