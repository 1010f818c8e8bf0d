#include "pdf/pdf.h"

#include <gtest/gtest.h>
#include <poppler-document.h>
#include <poppler-page.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "pdf/pdf_writer.h"

namespace waymark::pdf {
namespace {

namespace fs = std::filesystem;

bool Contains(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

// What one ExtractText call produced: its result and the pages it was given.
struct Extraction {
  Result<Info> result = Status::Internal("not run");
  std::vector<std::pair<int, std::string>> pages;
};

Extraction Extract(const std::string& path, const Limits& limits = {}) {
  Extraction e;
  e.result = ExtractText(path, limits, [&e](int page, std::string_view text) {
    e.pages.emplace_back(page, std::string(text));
    return Status::Ok();
  });
  return e;
}

// Each test writes its files into a directory of its own, removed after it.
class PdfTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("wm_pdf_test_" + std::to_string(::getpid()) + "_" + test->name() +
                                        "_" + std::to_string(counter++));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string Write(const std::string& name, std::string_view bytes) {
    std::string path = (dir_ / name).string();
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    EXPECT_TRUE(out.good()) << path;
    return path;
  }

  fs::path dir_;
};

// --- Text round trip ---------------------------------------------------------

TEST_F(PdfTest, TextRoundTripKeepsPagesAccentsAndOrder) {
  const std::vector<std::string> pages = {
      "Première page : l'élève du café, à Paris.\nSecond line of the first page.",
      "Página dos: el niño y la señora, mañana.\nThe word zanzibar is only here.",
      "Troisième page : le garçon reçoit une leçon, déjà.",
  };
  std::string path = Write("three.pdf", WriteTextPdf(pages, "Rapport annuel — été 2024"));
  Extraction e = Extract(path);
  ASSERT_TRUE(e.result.ok()) << e.result.status().message();
  EXPECT_EQ(e.result->page_count, 3);
  EXPECT_TRUE(e.result->has_text);
  EXPECT_EQ(e.result->title, "Rapport annuel — été 2024");
  EXPECT_EQ(e.result->author, "");
  ASSERT_EQ(e.pages.size(), 3U);
  std::int64_t bytes = 0;
  for (std::size_t i = 0; i < e.pages.size(); ++i) {
    EXPECT_EQ(e.pages[i].first, static_cast<int>(i) + 1);
    bytes += static_cast<std::int64_t>(e.pages[i].second.size());
  }
  EXPECT_EQ(e.result->text_bytes, bytes);
  EXPECT_EQ(e.pages[0].second, "Première page : l'élève du café, à Paris.\nSecond line of the first page.");
  EXPECT_EQ(e.pages[1].second, "Página dos: el niño y la señora, mañana.\nThe word zanzibar is only here.");
  EXPECT_EQ(e.pages[2].second, "Troisième page : le garçon reçoit une leçon, déjà.");
  for (const auto& [number, text] : e.pages) {
    EXPECT_EQ(Contains(text, "zanzibar"), number == 2) << number;
  }
}

// PadPdf: the same document, however large (tests of large uploads).
TEST_F(PdfTest, PaddedPdfReadsAsTheOriginal) {
  std::string small = WriteTextPdf({"One.", "Two with padding after it."}, "Padded");
  std::string big = PadPdf(small, 3u << 20);
  ASSERT_GE(big.size(), 3u << 20);
  EXPECT_EQ(big.substr(0, small.size()), small);
  EXPECT_EQ(PadPdf(small, 10), small) << "already large enough";
  Extraction e = Extract(Write("padded.pdf", big));
  ASSERT_TRUE(e.result.ok()) << e.result.status().message();
  EXPECT_EQ(e.result->page_count, 2);
  EXPECT_EQ(e.result->title, "Padded");
  ASSERT_EQ(e.pages.size(), 2U);
  EXPECT_EQ(e.pages[1].second, "Two with padding after it.");
}

TEST_F(PdfTest, WriterMapsWindows1252AndReplacesTheRest) {
  std::string path = Write("cp1252.pdf", WriteTextPdf({"“Œuvre” – 5 € … l’été — 日本 done"}, "日本 title"));
  Extraction e = Extract(path);
  ASSERT_TRUE(e.result.ok()) << e.result.status().message();
  ASSERT_EQ(e.pages.size(), 1U);
  EXPECT_EQ(e.pages[0].second, "“Œuvre” – 5 € … l’été — ?? done");
  EXPECT_EQ(e.result->title, "日本 title");  // the title is UTF-16: anything goes
}

TEST_F(PdfTest, WriterWrapsLongLinesAndCutsWhatDoesNotFitOnThePage) {
  std::string words;
  for (int i = 0; i < 60; ++i) words += "word" + std::to_string(i) + " ";
  std::string many_lines;
  for (int i = 1; i <= 200; ++i) many_lines += "line " + std::to_string(i) + "\n";
  std::string path = Write("long.pdf", WriteTextPdf({words, many_lines, "third"}, ""));
  Extraction e = Extract(path);
  ASSERT_TRUE(e.result.ok()) << e.result.status().message();
  ASSERT_EQ(e.pages.size(), 3U);
  EXPECT_EQ(e.result->title, "");
  // Wrapped at spaces into lines of at most 90 characters, every word kept.
  std::string joined;
  for (std::string_view rest = e.pages[0].second; !rest.empty();) {
    std::size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    EXPECT_LE(line.size(), 90U) << line;
    joined += std::string(line) + " ";
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  }
  EXPECT_EQ(joined, words);
  EXPECT_TRUE(Contains(e.pages[0].second, "\n"));
  // The second page holds its first lines only; nothing spills over.
  EXPECT_TRUE(Contains(e.pages[1].second, "line 1\nline 2\n"));
  EXPECT_TRUE(Contains(e.pages[1].second, "line 50"));
  EXPECT_FALSE(Contains(e.pages[1].second, "line 200"));
  EXPECT_EQ(e.pages[2].second, "third");
}

TEST_F(PdfTest, WriterOutputIsDeterministicWithAnExactCrossReferenceTable) {
  std::string pdf = WriteTextPdf({"one", "two (with parentheses) and \\ backslash"}, "T");
  EXPECT_EQ(pdf, WriteTextPdf({"one", "two (with parentheses) and \\ backslash"}, "T"));
  EXPECT_FALSE(Contains(pdf, "Date"));
  for (const std::string& doc : {pdf, WriteImageOnlyPdf(2)}) {
    std::size_t startxref = doc.rfind("startxref\n");
    ASSERT_NE(startxref, std::string::npos);
    std::size_t xref = std::stoul(doc.substr(startxref + 10));
    ASSERT_EQ(doc.compare(xref, 5, "xref\n"), 0);
    std::size_t count = std::stoul(doc.substr(xref + 7));
    std::size_t entries = doc.find('\n', xref + 5) + 1;
    ASSERT_EQ(doc.compare(entries, 20, "0000000000 65535 f \n"), 0);
    for (std::size_t n = 1; n < count; ++n) {
      std::string entry = doc.substr(entries + n * 20, 20);
      ASSERT_EQ(entry.substr(10), " 00000 n \n") << entry;
      std::size_t offset = std::stoul(entry.substr(0, 10));
      EXPECT_EQ(doc.compare(offset, std::to_string(n).size() + 7, std::to_string(n) + " 0 obj\n"), 0) << n;
    }
  }
}

TEST_F(PdfTest, EmptyPageListGivesOneEmptyPage) {
  Extraction e = Extract(Write("empty.pdf", WriteTextPdf({}, "Nothing")));
  ASSERT_TRUE(e.result.ok()) << e.result.status().message();
  EXPECT_EQ(e.result->page_count, 1);
  EXPECT_FALSE(e.result->has_text);
  ASSERT_EQ(e.pages.size(), 1U);
  EXPECT_EQ(e.pages[0].second, "");
}

// --- Scans ---------------------------------------------------------------------

TEST_F(PdfTest, ImageOnlyPdfHasPagesButNoText) {
  Extraction e = Extract(Write("scan.pdf", WriteImageOnlyPdf(4)));
  ASSERT_TRUE(e.result.ok()) << e.result.status().message();
  EXPECT_EQ(e.result->page_count, 4);
  EXPECT_FALSE(e.result->has_text);
  EXPECT_EQ(e.result->text_bytes, 0);
  ASSERT_EQ(e.pages.size(), 4U);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(e.pages[i], std::make_pair(static_cast<int>(i) + 1, std::string()));
  }
}

// --- Files that are not PDFs, or broken ones -------------------------------------

TEST_F(PdfTest, NotAPdfIsUnsupportedMediaType) {
  const std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  for (const auto& [name, bytes] : std::vector<std::pair<std::string, std::string>>{
           {"image.png", png}, {"notes.txt", "Just some notes, %PDF-1.4 later on.\n"}, {"empty.pdf", ""}}) {
    Extraction e = Extract(Write(name, bytes));
    ASSERT_FALSE(e.result.ok()) << name;
    EXPECT_EQ(e.result.status().kind(), Status::Kind::kUnsupportedMediaType) << name;
    EXPECT_TRUE(e.pages.empty());
  }
}

TEST_F(PdfTest, MissingFileIsInternal) {
  Extraction e = Extract((dir_ / "absent.pdf").string());
  ASSERT_FALSE(e.result.ok());
  EXPECT_EQ(e.result.status().kind(), Status::Kind::kInternal);
}

TEST_F(PdfTest, TruncatedPdfIsDamaged) {
  std::string pdf = WriteTextPdf({"alpha", "beta", "gamma"}, "Cut");
  Extraction e = Extract(Write("half.pdf", pdf.substr(0, pdf.size() / 2)));
  ASSERT_FALSE(e.result.ok());
  EXPECT_EQ(e.result.status().kind(), Status::Kind::kInvalidArgument);
  EXPECT_TRUE(e.result.status().message().starts_with("the PDF is damaged: ")) << e.result.status().message();
  EXPECT_TRUE(e.pages.empty());
  // Just the header: nothing poppler can use.
  Extraction header = Extract(Write("header.pdf", "%PDF-1.4\n"));
  ASSERT_FALSE(header.result.ok());
  EXPECT_EQ(header.result.status().kind(), Status::Kind::kInvalidArgument);
}

TEST_F(PdfTest, GarbledPdfIsReadAsFarAsPopplerCan) {
  const std::vector<std::string> pages = {"alpha page", "beta page", "gamma page"};
  const std::string pdf = WriteTextPdf(pages, "Garbled");
  auto all_text = [](const Extraction& e) {
    std::vector<std::string> texts;
    for (const auto& page : e.pages) texts.push_back(page.second);
    return texts;
  };
  // The middle fifth overwritten: it holds the end of page 1's content, page
  // 2 and page 3's page object. The cross-reference table still points at
  // the right places, so poppler opens the file and keeps the page count,
  // but every page has lost its text (page 1 its Tj operator).
  std::string middle = pdf;
  for (std::size_t i = middle.size() * 2 / 5; i < middle.size() * 3 / 5; ++i) middle[i] = '#';
  Extraction e = Extract(Write("garbled.pdf", middle));
  ASSERT_TRUE(e.result.ok()) << e.result.status().message();
  EXPECT_EQ(e.result->page_count, 3);
  EXPECT_FALSE(e.result->has_text);
  EXPECT_EQ(all_text(e), (std::vector<std::string>{"", "", ""}));

  // Only page 2's objects overwritten. Poppler skips the page-tree entry it
  // cannot parse, so page 3 moves up to number 2, and the page count from
  // the tree's /Count leaves an unreadable third page: text is not lost, but
  // after a broken page object the numbers are off by one. Nothing tells the
  // two cases apart through poppler-cpp; this is what it does.
  std::string second = pdf;
  const std::size_t from = second.find("\n7 0 obj\n") + 1;
  const std::size_t to = second.find("\n9 0 obj\n");
  for (std::size_t i = from; i < to; ++i) second[i] = '#';
  Extraction s = Extract(Write("second.pdf", second));
  ASSERT_TRUE(s.result.ok()) << s.result.status().message();
  EXPECT_EQ(s.result->page_count, 3);
  EXPECT_EQ(all_text(s), (std::vector<std::string>{"alpha page", "gamma page", ""}));

  // A garbled cross-reference table: poppler rebuilds it by scanning the file
  // for objects, and everything is read.
  std::string bad_xref = pdf;
  const std::size_t xref = bad_xref.rfind("\nxref\n") + 1;
  for (std::size_t i = xref + 30; i < xref + 90; ++i) bad_xref[i] = '7';
  Extraction x = Extract(Write("bad_xref.pdf", bad_xref));
  ASSERT_TRUE(x.result.ok()) << x.result.status().message();
  EXPECT_EQ(all_text(x), pages);
  EXPECT_EQ(x.result->title, "Garbled");
}

// --- Encryption -------------------------------------------------------------------
//
// A PDF encrypted with the standard security handler (revision 2: RC4 with a
// 40-bit key, ISO 32000-1 §7.6.3), made here so that the test needs no tool.
// MD5 (RFC 1321) and RC4 are written out below for this alone.

std::array<unsigned char, 16> Md5(std::string_view message) {
  static const std::array<std::uint32_t, 64> kSine = [] {
    std::array<std::uint32_t, 64> k{};
    for (std::size_t i = 0; i < k.size(); ++i) {
      k[i] = static_cast<std::uint32_t>(
          std::floor(std::fabs(std::sin(static_cast<double>(i + 1))) * 4294967296.0));
    }
    return k;
  }();
  static constexpr std::array<int, 16> kShift = {7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21};
  std::string data(message);
  const std::uint64_t bit_length = static_cast<std::uint64_t>(message.size()) * 8;
  data.push_back(static_cast<char>(0x80));
  while (data.size() % 64 != 56) data.push_back('\0');
  for (int i = 0; i < 8; ++i) data.push_back(static_cast<char>((bit_length >> (8 * i)) & 0xFF));
  std::array<std::uint32_t, 4> h = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
  for (std::size_t block = 0; block < data.size(); block += 64) {
    std::array<std::uint32_t, 16> w{};
    for (std::size_t i = 0; i < 16; ++i) {
      for (std::size_t b = 0; b < 4; ++b) {
        w[i] |= static_cast<std::uint32_t>(static_cast<unsigned char>(data[block + i * 4 + b])) << (8 * b);
      }
    }
    std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
    for (std::size_t i = 0; i < 64; ++i) {
      std::uint32_t f = 0;
      std::size_t g = 0;
      if (i < 16) {
        f = (b & c) | (~b & d), g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c), g = (5 * i + 1) % 16;
      } else if (i < 48) {
        f = b ^ c ^ d, g = (3 * i + 5) % 16;
      } else {
        f = c ^ (b | ~d), g = (7 * i) % 16;
      }
      const std::uint32_t sum = a + f + kSine[i] + w[g];
      const int s = kShift[(i / 16) * 4 + i % 4];
      a = d, d = c, c = b;
      b += (sum << s) | (sum >> (32 - s));
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d;
  }
  std::array<unsigned char, 16> digest{};
  for (std::size_t i = 0; i < 16; ++i)
    digest[i] = static_cast<unsigned char>((h[i / 4] >> (8 * (i % 4))) & 0xFF);
  return digest;
}

std::string Rc4(std::string_view key, std::string_view data) {
  std::array<unsigned char, 256> s{};
  for (std::size_t i = 0; i < 256; ++i) s[i] = static_cast<unsigned char>(i);
  for (std::size_t i = 0, j = 0; i < 256; ++i) {
    j = (j + s[i] + static_cast<unsigned char>(key[i % key.size()])) % 256;
    std::swap(s[i], s[j]);
  }
  std::string out(data);
  for (std::size_t n = 0, i = 0, j = 0; n < out.size(); ++n) {
    i = (i + 1) % 256;
    j = (j + s[i]) % 256;
    std::swap(s[i], s[j]);
    out[n] = static_cast<char>(static_cast<unsigned char>(out[n]) ^ s[(s[i] + s[j]) % 256]);
  }
  return out;
}

std::string Hex(std::string_view bytes) {
  std::string out;
  for (char c : bytes) {
    out.push_back("0123456789abcdef"[static_cast<unsigned char>(c) >> 4]);
    out.push_back("0123456789abcdef"[static_cast<unsigned char>(c) & 0xF]);
  }
  return out;
}

std::string DigestString(const std::array<unsigned char, 16>& d) { return {d.begin(), d.end()}; }

TEST(TestCrypto, Md5AndRc4MatchTheirReferenceVectors) {
  EXPECT_EQ(Hex(DigestString(Md5(""))), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Hex(DigestString(Md5("abc"))), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(Hex(DigestString(Md5(std::string(1000, 'a')))), "cabe45dcc9ae5b66ba86600cca6b8ba8");
  EXPECT_EQ(Hex(Rc4("Key", "Plaintext")), "bbf316e8d940af0ad3");
}

// One page saying `text`, readable only with `user_password`.
std::string EncryptedPdf(std::string_view text, std::string_view user_password,
                         std::string_view owner_password) {
  static constexpr std::array<unsigned char, 32> kPadding = {
      0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
      0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A};
  auto pad = [](std::string_view password) {
    std::string p(password.substr(0, 32));
    p.append(reinterpret_cast<const char*>(kPadding.data()), 32 - p.size());
    return p;
  };
  constexpr std::int32_t kPermissions = -4;  // everything allowed
  const std::string id = DigestString(Md5("waymark encrypted test"));
  // Algorithm 3: the O entry, the padded user password under a key from the owner's.
  const std::string owner = Rc4(DigestString(Md5(pad(owner_password))).substr(0, 5), pad(user_password));
  // Algorithm 2: the file key.
  std::string material = pad(user_password) + owner;
  for (int i = 0; i < 4; ++i)
    material.push_back(static_cast<char>((static_cast<std::uint32_t>(kPermissions) >> (8 * i)) & 0xFF));
  material += id;
  const std::string key = DigestString(Md5(material)).substr(0, 5);
  // Algorithm 4: the U entry.
  const std::string user = Rc4(key, pad(""));
  // Algorithm 1: each object's strings and streams under its own key.
  auto object_key = [&key](int object) {
    std::string k = key;
    k.push_back(static_cast<char>(object & 0xFF));
    k.push_back(static_cast<char>((object >> 8) & 0xFF));
    k.push_back(static_cast<char>((object >> 16) & 0xFF));
    k.append(2, '\0');  // generation 0
    return DigestString(Md5(k)).substr(0, 10);
  };

  const std::string content = "BT /F1 12 Tf 72 720 Td (" + std::string(text) + ") Tj ET";
  const std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      std::string("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] ") +
          "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
      "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + Rc4(object_key(5), content) +
          "\nendstream",
      "<< /Title <" + Hex(Rc4(object_key(6), "Locked report")) + "> >>",
      "<< /Filter /Standard /V 1 /R 2 /O <" + Hex(owner) + "> /U <" + Hex(user) + "> /P " +
          std::to_string(kPermissions) + " >>",
  };
  std::string pdf = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const std::size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (std::size_t offset : offsets) {
    std::string digits = std::to_string(offset);
    pdf += std::string(10 - digits.size(), '0') + digits + " 00000 n \n";
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
         " /Root 1 0 R /Info 6 0 R /Encrypt 7 0 R /ID [<" + Hex(id) + "> <" + Hex(id) + ">] >>\nstartxref\n" +
         std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

TEST_F(PdfTest, EncryptedPdfIsRefused) {
  std::string path =
      Write("locked.pdf", EncryptedPdf("Secret minutes of the meeting", "opensesame", "owner-pw"));
  Extraction e = Extract(path);
  ASSERT_FALSE(e.result.ok());
  EXPECT_EQ(e.result.status().kind(), Status::Kind::kInvalidArgument);
  EXPECT_EQ(e.result.status().message(), "the PDF is encrypted");
  EXPECT_TRUE(e.pages.empty());

  // The file is a real encrypted PDF, not a broken one: poppler opens it with
  // the user password and reads the text.
  std::unique_ptr<poppler::document> doc(poppler::document::load_from_file(path, "", "opensesame"));
  ASSERT_NE(doc, nullptr);
  EXPECT_TRUE(doc->is_encrypted());
  ASSERT_FALSE(doc->is_locked());
  std::unique_ptr<poppler::page> page(doc->create_page(0));
  ASSERT_NE(page, nullptr);
  poppler::byte_array text =
      page->text(poppler::rectf(), poppler::page::non_raw_non_physical_layout).to_utf8();
  EXPECT_TRUE(Contains(std::string(text.begin(), text.end()), "Secret minutes of the meeting"));
  poppler::byte_array title = doc->get_title().to_utf8();
  EXPECT_EQ(std::string(title.begin(), title.end()), "Locked report");
}

TEST_F(PdfTest, EncryptedWithAnEmptyUserPasswordIsRead) {
  // Only an owner password (restrictions, no secrecy): anyone can open it.
  Extraction e = Extract(Write("owner_only.pdf", EncryptedPdf("Open to all readers", "", "owner-pw")));
  ASSERT_TRUE(e.result.ok()) << e.result.status().message();
  ASSERT_EQ(e.pages.size(), 1U);
  EXPECT_EQ(e.pages[0].second, "Open to all readers");
  EXPECT_EQ(e.result->title, "Locked report");
}

// --- Limits and the callback --------------------------------------------------------

TEST_F(PdfTest, TooManyPagesIsPayloadTooLarge) {
  std::string path = Write("five.pdf", WriteTextPdf({"1", "2", "3", "4", "5"}, ""));
  Extraction over = Extract(path, Limits{.max_pages = 4});
  ASSERT_FALSE(over.result.ok());
  EXPECT_EQ(over.result.status().kind(), Status::Kind::kPayloadTooLarge);
  EXPECT_TRUE(over.pages.empty());
  Extraction at = Extract(path, Limits{.max_pages = 5});
  ASSERT_TRUE(at.result.ok()) << at.result.status().message();
  EXPECT_EQ(at.pages.size(), 5U);
}

TEST_F(PdfTest, PageTextIsCutOnACharacterBoundary) {
  std::string path = Write("accents.pdf", WriteTextPdf({"ééééé ééééé", "ok"}, ""));
  Extraction e = Extract(path, Limits{.max_text_bytes_per_page = 7});
  ASSERT_TRUE(e.result.ok()) << e.result.status().message();
  ASSERT_EQ(e.pages.size(), 2U);
  EXPECT_EQ(e.pages[0].second, "ééé");
  EXPECT_EQ(e.pages[1].second, "ok");
  EXPECT_EQ(e.result->text_bytes, 8);
}

TEST_F(PdfTest, AnErrorFromOnPageStopsAndIsReturned) {
  std::string path = Write("stop.pdf", WriteTextPdf({"1", "2", "3", "4"}, ""));
  std::vector<int> seen;
  Result<Info> result = ExtractText(path, {}, [&seen](int page, std::string_view) {
    seen.push_back(page);
    return page == 2 ? Status::Unavailable("index busy") : Status::Ok();
  });
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().kind(), Status::Kind::kUnavailable);
  EXPECT_EQ(result.status().message(), "index busy");
  EXPECT_EQ(seen, (std::vector<int>{1, 2}));
}

TEST_F(PdfTest, AnExceptionFromOnPageBecomesInternal) {
  std::string path = Write("throw.pdf", WriteTextPdf({"1", "2"}, ""));
  Result<Info> result = ExtractText(
      path, {}, [](int, std::string_view) -> Status { throw std::runtime_error("callback broke"); });
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().kind(), Status::Kind::kInternal);
  EXPECT_TRUE(Contains(result.status().message(), "callback broke"));
  // The lock was released: the next extraction works.
  EXPECT_TRUE(Extract(path).result.ok());
}

// --- Normalising ------------------------------------------------------------------------

TEST(NormalizePageText, CollapsesSpacesBlankLinesAndControls) {
  EXPECT_EQ(NormalizePageText("  a   b\t\tc  \n", 1000), "a b c");
  EXPECT_EQ(NormalizePageText("one\r\ntwo\n\n\n\n  three  \n \n\f", 1000), "one\ntwo\n\nthree");
  EXPECT_EQ(NormalizePageText(std::string("a\0b\x01"
                                          "c\x7f"
                                          "d\xc2\x85"
                                          "e",
                                          10),
                              1000),
            "abcde");
  // One U+FFFD for each byte that is not part of a valid sequence.
  EXPECT_EQ(NormalizePageText("bad \xff\xfe utf8 \xe2\x82", 1000),
            "bad \xEF\xBF\xBD\xEF\xBF\xBD utf8 \xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(NormalizePageText("\xed\xa0\x80", 1000), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
  EXPECT_EQ(NormalizePageText("non\xc2\xa0"
                              "breaking",
                              1000),
            "non breaking");
  bool saw = true;
  EXPECT_EQ(NormalizePageText(" \n\t\f ", 1000, &saw), "");
  EXPECT_FALSE(saw);
  EXPECT_EQ(NormalizePageText("abc def", 5, &saw), "abc d");
  EXPECT_TRUE(saw);
  EXPECT_EQ(NormalizePageText("abc", 0, &saw), "");
  EXPECT_TRUE(saw);
  EXPECT_EQ(NormalizePageText("a€b", 3), "a");  // € is three bytes: not split
  EXPECT_EQ(NormalizePageText("a€b", 4), "a€");
}

// --- Threads ---------------------------------------------------------------------------

TEST_F(PdfTest, ConcurrentExtractionMatchesSequential) {
  // Different files, some long, a scan and a broken one among them, so that
  // poppler's lazy global set-up and its error paths run from many threads.
  std::vector<std::string> paths;
  for (int f = 0; f < 6; ++f) {
    std::vector<std::string> pages;
    for (int p = 0; p < 3 + f * 3; ++p) {
      std::string text = "File " + std::to_string(f) + " page " + std::to_string(p + 1) + ".\n";
      for (int w = 0; w < 40; ++w) text += "mot" + std::to_string((f * 131 + p * 17 + w) % 97) + "é ";
      pages.push_back(text);
    }
    paths.push_back(
        Write("doc" + std::to_string(f) + ".pdf", WriteTextPdf(pages, "Document " + std::to_string(f))));
  }
  paths.push_back(Write("scan.pdf", WriteImageOnlyPdf(5)));
  std::string whole = WriteTextPdf({"x"}, "");
  paths.push_back(Write("cut.pdf", whole.substr(0, whole.size() / 2)));
  ASSERT_EQ(paths.size(), 8U);

  auto summary = [](const Extraction& e) {
    if (!e.result.ok()) return std::string("error: ") + e.result.status().message();
    std::string s = e.result->title + "|" + std::to_string(e.result->page_count) + "|" +
                    std::to_string(e.result->has_text) + "|" + std::to_string(e.result->text_bytes);
    for (const auto& [page, text] : e.pages) s += "\n#" + std::to_string(page) + ":" + text;
    return s;
  };
  std::vector<std::string> sequential;
  sequential.reserve(paths.size());
  for (const std::string& path : paths) sequential.push_back(summary(Extract(path)));

  constexpr int kRounds = 3;
  std::vector<std::vector<std::string>> concurrent(paths.size());
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < paths.size(); ++t) {
    threads.emplace_back([&, t] {
      // Each thread goes through all the files, starting at a different one.
      for (int round = 0; round < kRounds; ++round) {
        for (std::size_t k = 0; k < paths.size(); ++k) {
          std::size_t f = (t + k) % paths.size();
          if (f == t)
            concurrent[t].push_back(summary(Extract(paths[f])));
          else
            Extract(paths[f]);
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (std::size_t t = 0; t < paths.size(); ++t) {
    ASSERT_EQ(concurrent[t].size(), static_cast<std::size_t>(kRounds));
    for (const std::string& got : concurrent[t]) EXPECT_EQ(got, sequential[t]) << paths[t];
  }
  EXPECT_TRUE(sequential[7].starts_with("error: the PDF is damaged")) << sequential[7];
}

// --- Speed (run by hand: --gtest_also_run_disabled_tests --gtest_filter='*Speed*') ------

TEST_F(PdfTest, DISABLED_SpeedOf200TextPages) {
  std::vector<std::string> pages;
  const std::array<std::string_view, 12> words = {"migration", "frontière", "rapport",  "niños",
                                                  "données",   "campaign",  "réfugiés", "política",
                                                  "the",       "de",        "and",      "la"};
  for (int p = 0; p < 200; ++p) {
    std::string text;
    for (int line = 0; line < 50; ++line) {
      for (int w = 0; w < 12; ++w) {
        text += words[static_cast<std::size_t>(p * 7 + line * 3 + w * 5) % words.size()];
        text += ' ';
      }
      text += '\n';
    }
    pages.push_back(text);
  }
  std::string pdf = WriteTextPdf(pages, "Speed");
  std::string path = Write("speed.pdf", pdf);
  constexpr int kRuns = 3;
  double best = 1e9;
  std::int64_t text_bytes = 0;
  for (int run = 0; run < kRuns; ++run) {
    auto start = std::chrono::steady_clock::now();
    Extraction e = Extract(path);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ASSERT_TRUE(e.result.ok()) << e.result.status().message();
    ASSERT_EQ(e.pages.size(), 200U);
    text_bytes = e.result->text_bytes;
    best = std::min(best, seconds);
  }
  std::printf(
      "200 pages, PDF %.2f MB, text %.2f MB: best of %d %.3f s = %.0f pages/s, %.2f MB/s of PDF, %.2f MB/s "
      "of text\n",
      static_cast<double>(pdf.size()) / 1e6, static_cast<double>(text_bytes) / 1e6, kRuns, best, 200 / best,
      static_cast<double>(pdf.size()) / 1e6 / best, static_cast<double>(text_bytes) / 1e6 / best);
}

}  // namespace
}  // namespace waymark::pdf
