#include "i18n/mo_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace waymark::i18n {
namespace {

using namespace std::string_literals;

const std::string kFrenchMo = "/usr/share/locale/fr/LC_MESSAGES/iso_3166-1.mo";

// A file under the temp directory, removed when the object goes.
class TempFile {
 public:
  explicit TempFile(const std::string& bytes) {
    static int counter = 0;
    path_ = (std::filesystem::temp_directory_path() /
             ("waymark_mo_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + ".mo"))
                .string();
    std::ofstream out(path_, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  ~TempFile() { std::filesystem::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void Put32(std::string& out, std::uint32_t v, bool big_endian) {
  for (int i = 0; i < 4; ++i) {
    const int shift = big_endian ? 24 - 8 * i : 8 * i;
    out += static_cast<char>((v >> shift) & 0xFF);
  }
}

// Builds a .mo image: 28-byte header, msgid table, msgstr table, then every string NUL-terminated.
std::string BuildMo(const std::vector<std::pair<std::string, std::string>>& entries, bool big_endian) {
  const auto n = static_cast<std::uint32_t>(entries.size());
  const std::uint32_t orig = 28, trans = orig + 8 * n, strings = trans + 8 * n;
  std::string head, orig_table, trans_table, data;
  Put32(head, 0x950412de, big_endian);
  Put32(head, 0, big_endian);  // revision
  Put32(head, n, big_endian);
  Put32(head, orig, big_endian);
  Put32(head, trans, big_endian);
  Put32(head, 0, big_endian);        // hash table size
  Put32(head, strings, big_endian);  // hash table offset
  auto add = [&](std::string& table, const std::string& s) {
    Put32(table, static_cast<std::uint32_t>(s.size()), big_endian);
    Put32(table, static_cast<std::uint32_t>(strings + data.size()), big_endian);
    data += s;
    data += '\0';
  };
  for (const auto& [id, str] : entries) add(orig_table, id);
  for (const auto& [id, str] : entries) add(trans_table, str);
  return head + orig_table + trans_table + data;
}

const std::vector<std::pair<std::string, std::string>> kEntries = {
    {"", "Content-Type: text/plain; charset=UTF-8\n"},  // header entry: skipped
    {"Empty", ""},
    {"Greece", "Grèce"},
    {"apple\0apples"s, "pomme\0pommes"s},  // plural entry: first forms kept
};

TEST(MoFileTest, HandcraftedFileRoundTripsInBothByteOrders) {
  for (bool big_endian : {false, true}) {
    SCOPED_TRACE(big_endian ? "big-endian" : "little-endian");
    TempFile file(BuildMo(kEntries, big_endian));
    auto r = ReadMoFile(file.path());
    ASSERT_TRUE(r.ok()) << r.status().message();
    const std::map<std::string, std::string> expected = {
        {"Empty", ""}, {"Greece", "Grèce"}, {"apple", "pomme"}};
    EXPECT_EQ(*r, expected);
  }
}

TEST(MoFileTest, ReadsTheRealFrenchCatalogue) {
  auto r = ReadMoFile(kFrenchMo);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_GT(r->size(), 200u);
  EXPECT_EQ(r->at("Greece"), "Grèce");
  EXPECT_EQ(r->at("Egypt"), "Égypte");
  EXPECT_EQ(r->count(""), 0u);
}

TEST(MoFileTest, RejectsATruncatedFile) {
  std::ifstream in(kFrenchMo, std::ios::binary);
  std::string head(100, '\0');
  ASSERT_TRUE(in.read(head.data(), 100)) << "cannot read " << kFrenchMo;
  TempFile file(head);
  auto r = ReadMoFile(file.path());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), Status::Kind::kInvalidArgument);
  EXPECT_NE(r.status().message().find(file.path()), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("extends past the end of the file (100 bytes)"), std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("truncated"), std::string::npos) << r.status().message();
}

TEST(MoFileTest, RejectsABadMagic) {
  TempFile file("This is plain text, not a gettext catalogue at all.\n");
  auto r = ReadMoFile(file.path());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), Status::Kind::kInvalidArgument);
  EXPECT_NE(r.status().message().find(file.path()), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("not a GNU .mo file (bad magic 0x73696854"), std::string::npos)
      << r.status().message();
}

TEST(MoFileTest, RejectsAFileShorterThanTheHeader) {
  auto r = ParseMo("\xde\x12\x04\x95", "tiny.mo");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "tiny.mo: file is 4 bytes, shorter than the 28-byte .mo header (truncated?)");
}

TEST(MoFileTest, RejectsAMissingFile) {
  auto r = ReadMoFile("/nonexistent/waymark/xx.mo");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), Status::Kind::kNotFound);
  EXPECT_EQ(r.status().message(),
            "cannot open .mo file /nonexistent/waymark/xx.mo: No such file or directory");
}

TEST(MoFileTest, RejectsAnUnsupportedRevision) {
  std::string bytes = BuildMo(kEntries, false);
  bytes[6] = 2;  // major revision 2
  auto r = ParseMo(bytes, "x.mo");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "x.mo: unsupported .mo format revision 0x00020000");
}

TEST(MoFileTest, RejectsOutOfRangeCountsAndOffsets) {
  const std::string good = BuildMo(kEntries, false);
  auto patched = [&](std::size_t at, std::uint32_t v) {
    std::string b = good;
    std::string word;
    Put32(word, v, false);
    b.replace(at, 4, word);
    return b;
  };
  // An entry count whose tables cannot fit.
  auto r = ParseMo(patched(8, 0xFFFFFFFF), "x.mo");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("x.mo: original-string table (4294967295 entries at offset 28)"),
            std::string::npos)
      << r.status().message();
  // A translation table placed past the end.
  r = ParseMo(patched(16, 0xFFFFFFF0), "x.mo");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("translation table"), std::string::npos) << r.status().message();
  // Entry 2's msgstr offset (translation table at 28 + 8 * 4; entry 2's offset word at +20): near
  // 2^32, so a 32-bit offset + length would wrap.
  r = ParseMo(patched(28 + 32 + 20, 0xFFFFFFF0), "x.mo");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("x.mo: entry 2 msgstr (offset 4294967280, length 6) extends past"),
            std::string::npos)
      << r.status().message();
  // Entry 1's msgid length (original table at 28; entry 1's length word at +8).
  r = ParseMo(patched(28 + 8, 100000), "x.mo");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("x.mo: entry 1 msgid (offset"), std::string::npos)
      << r.status().message();
}

TEST(MoFileTest, EveryTruncationFailsCleanly) {
  const std::string good = BuildMo(kEntries, true);
  // Dropping only the final NUL leaves every string in bounds; any shorter prefix cuts a string.
  for (std::size_t n = 0; n + 1 < good.size(); ++n) {
    auto r = ParseMo(std::string_view(good).substr(0, n), "x.mo");
    EXPECT_FALSE(r.ok()) << "prefix of " << n << " bytes parsed";
  }
}

TEST(MoFileTest, CorruptBytesNeverReadOutOfBounds) {
  // Run under AddressSanitizer, this checks that no single corrupted byte leads outside the buffer.
  const std::string good = BuildMo(kEntries, false);
  for (std::size_t i = 0; i < good.size(); ++i) {
    for (unsigned char v : {0x00, 0x7F, 0x80, 0xFF}) {
      std::string bad = good;
      bad[i] = static_cast<char>(v);
      // Copy into an exactly sized heap buffer so that ASan catches any read past the end.
      std::vector<char> buf(bad.begin(), bad.end());
      auto r = ParseMo(std::string_view(buf.data(), buf.size()), "x.mo");
      if (!r.ok()) {
        EXPECT_EQ(r.status().message().rfind("x.mo: ", 0), 0u) << r.status().message();
      }
    }
  }
}

}  // namespace
}  // namespace waymark::i18n
