#include "pdf/pdf_writer.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

namespace waymark::pdf {
namespace {

// A4 in points, and where the text goes on it.
constexpr int kPageWidth = 595;
constexpr int kPageHeight = 842;
constexpr int kMarginLeft = 50;
constexpr int kTextTop = 792;  // baseline of the first line
constexpr int kFontSize = 11;
constexpr int kLeading = 14;
constexpr int kLinesPerPage = (kTextTop - 50) / kLeading + 1;
constexpr std::size_t kMaxLineChars = 90;
// Poppler drops characters past the page's edge, so lines are also kept
// within this width (in thousandths of the font size, see GlyphWidth).
constexpr int kMaxLineWidth = (kPageWidth - 2 * kMarginLeft) * 1000 / kFontSize;

// Windows-1252's characters in 0x80-0x9F, which WinAnsiEncoding shares; the
// rest of WinAnsiEncoding's upper half is Latin-1.
constexpr std::array<std::pair<char32_t, unsigned char>, 27> kWinAnsiExtra = {{
    {U'\u20AC', 0x80}, {U'\u201A', 0x82}, {U'\u0192', 0x83}, {U'\u201E', 0x84}, {U'\u2026', 0x85},
    {U'\u2020', 0x86}, {U'\u2021', 0x87}, {U'\u02C6', 0x88}, {U'\u2030', 0x89}, {U'\u0160', 0x8A},
    {U'\u2039', 0x8B}, {U'\u0152', 0x8C}, {U'\u017D', 0x8E}, {U'\u2018', 0x91}, {U'\u2019', 0x92},
    {U'\u201C', 0x93}, {U'\u201D', 0x94}, {U'\u2022', 0x95}, {U'\u2013', 0x96}, {U'\u2014', 0x97},
    {U'\u02DC', 0x98}, {U'\u2122', 0x99}, {U'\u0161', 0x9A}, {U'\u203A', 0x9B}, {U'\u0153', 0x9C},
    {U'\u017E', 0x9E}, {U'\u0178', 0x9F},
}};

// Decodes one code point of `s` at `*i` and advances `*i`; an invalid
// sequence gives U+FFFD and consumes one byte.
char32_t NextCodePoint(std::string_view s, std::size_t* i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(*i);
  std::size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
  constexpr char32_t kReplacement = 0xFFFD;
  if (n == 0 || *i + n > s.size()) {
    ++*i;
    return kReplacement;
  }
  char32_t cp = n == 1 ? c : c & (0x7F >> n);
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(*i + k) & 0xC0) != 0x80) {
      ++*i;
      return kReplacement;
    }
    cp = (cp << 6) | (byte(*i + k) & 0x3F);
  }
  constexpr std::array<char32_t, 5> kMin = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++*i;
    return kReplacement;
  }
  *i += n;
  return cp;
}

// The WinAnsiEncoding code of `cp`; '?' when it has none, 0 for a control
// character that is dropped (a tab is a space).
unsigned char WinAnsiCode(char32_t cp) {
  if (cp == '\t') return ' ';
  if (cp < 0x20 || cp == 0x7F) return 0;
  if (cp < 0x7F || (cp >= 0xA0 && cp <= 0xFF)) return static_cast<unsigned char>(cp);
  for (const auto& [unicode, code] : kWinAnsiExtra) {
    if (unicode == cp) return code;
  }
  return '?';
}

// Helvetica's advance width, roughly, rounded up so that a line measured
// with it never runs past the page: narrow punctuation, lower case, digits,
// capitals and the widest letters.
int GlyphWidth(unsigned char code) {
  if (code == ' ' || code == '.' || code == ',' || code == ':' || code == ';' || code == '\'' ||
      code == '!' || code == 'i' || code == 'j' || code == 'l' || code == 'I' || code == '|') {
    return 280;
  }
  // Æ æ and the Windows-1252 symbols (… — ‰ ™ Œ œ) are as wide as W.
  if (code == 'm' || code == 'M' || code == 'W' || code == 'w' || code == 0xC6 || code == 0xE6 ||
      (code >= 0x80 && code < 0xC0)) {
    return 950;
  }
  if ((code >= 'A' && code <= 'Z') || (code >= 0xC0 && code < 0xE0)) return 780;  // capitals, accented too
  return 560;
}

// One source line as WinAnsi codes, cut into lines of at most
// kMaxLineChars characters and kMaxLineWidth, at spaces where it can be.
void WrapLine(std::string_view line, std::vector<std::string>* out) {
  std::vector<std::string> words(1);
  for (std::size_t i = 0; i < line.size();) {
    unsigned char code = WinAnsiCode(NextCodePoint(line, &i));
    if (code == 0) continue;
    if (code == ' ') {
      if (!words.back().empty()) words.emplace_back();
    } else {
      words.back().push_back(static_cast<char>(code));
    }
  }
  auto width = [](std::string_view s) {
    int w = 0;
    for (char c : s) w += GlyphWidth(static_cast<unsigned char>(c));
    return w;
  };
  std::string current;
  for (std::string& word : words) {
    if (word.empty()) continue;
    std::string candidate = current;
    if (!candidate.empty()) candidate += ' ';
    candidate += word;
    if (candidate.size() <= kMaxLineChars && width(candidate) <= kMaxLineWidth) {
      current = std::move(candidate);
      continue;
    }
    if (!current.empty()) out->push_back(std::move(current));
    current.clear();
    // A word longer than a line is split where it reaches the edge.
    for (char c : word) {
      if (current.size() + 1 > kMaxLineChars ||
          width(current) + GlyphWidth(static_cast<unsigned char>(c)) > kMaxLineWidth) {
        out->push_back(std::move(current));
        current.clear();
      }
      current.push_back(c);
    }
  }
  out->push_back(std::move(current));  // an empty source line stays an empty line
}

// `value` in `base` (upper-case letters), padded with zeros to `width`.
void AppendDigits(std::string* out, std::uint64_t value, unsigned base, int width) {
  std::string digits(static_cast<std::size_t>(width), '0');
  for (auto it = digits.rbegin(); it != digits.rend() && value > 0; ++it, value /= base) {
    *it = "0123456789ABCDEF"[value % base];
  }
  out->append(digits);
}

// A PDF literal string holding WinAnsi codes: the delimiters escaped, the
// upper half in octal so that the file stays 7-bit text.
std::string LiteralString(std::string_view codes) {
  std::string out = "(";
  for (char c : codes) {
    auto u = static_cast<unsigned char>(c);
    if (c == '(' || c == ')' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u >= 0x80) {
      out.push_back('\\');
      AppendDigits(&out, u, 8, 3);
    } else {
      out.push_back(c);
    }
  }
  out.push_back(')');
  return out;
}

// A PDF text string for the information dictionary: UTF-16BE with its byte
// order mark, in hex, so that any character survives.
std::string TextString(std::string_view utf8) {
  std::string out = "<FEFF";
  auto hex16 = [&out](char32_t unit) { AppendDigits(&out, unit, 16, 4); };
  for (std::size_t i = 0; i < utf8.size();) {
    char32_t cp = NextCodePoint(utf8, &i);
    if (cp < 0x20) continue;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      hex16(0xD800 + (cp >> 10));
      hex16(0xDC00 + (cp & 0x3FF));
    } else {
      hex16(cp);
    }
  }
  out.push_back('>');
  return out;
}

// Writes objects numbered 1, 2, ... in order and the cross-reference table
// with their byte offsets.
class Builder {
 public:
  Builder() {
    // The second line tells transfer tools the file may hold binary data.
    out_ = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  }

  void Object(std::string_view body) {
    offsets_.push_back(out_.size());
    out_ += std::to_string(offsets_.size()) + " 0 obj\n";
    out_ += body;
    out_ += "\nendobj\n";
  }

  void Stream(std::string_view data) {
    std::string body = "<< /Length " + std::to_string(data.size()) + " >>\nstream\n";
    body += data;
    body += "\nendstream";
    Object(body);
  }

  std::string Finish(int root, int info) {
    std::size_t xref = out_.size();
    out_ += "xref\n0 " + std::to_string(offsets_.size() + 1) + "\n";
    out_ += "0000000000 65535 f \n";  // each entry is exactly 20 bytes
    for (std::size_t offset : offsets_) {
      AppendDigits(&out_, offset, 10, 10);
      out_ += " 00000 n \n";
    }
    out_ += "trailer\n<< /Size " + std::to_string(offsets_.size() + 1) + " /Root " + std::to_string(root) +
            " 0 R /Info " + std::to_string(info) + " 0 R >>\nstartxref\n" + std::to_string(xref) +
            "\n%%EOF\n";
    return std::move(out_);
  }

 private:
  std::string out_;
  std::vector<std::size_t> offsets_;
};

std::string Ref(int object) { return std::to_string(object) + " 0 R"; }

// Objects 1-3 are the catalog, the page tree and the information; each page
// then takes two numbers from `first_page` on: the page and its content.
std::string PageTree(int page_count, int first_page) {
  std::string kids;
  for (int i = 0; i < page_count; ++i) {
    if (i > 0) kids += ' ';
    kids += Ref(first_page + 2 * i);
  }
  return "<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(page_count) + " >>";
}

std::string PageObject(int content, std::string_view resources) {
  return "<< /Type /Page /Parent " + Ref(2) + " /MediaBox [0 0 " + std::to_string(kPageWidth) + " " +
         std::to_string(kPageHeight) + "] /Resources " + std::string(resources) + " /Contents " +
         Ref(content) + " >>";
}

std::string TextContent(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = std::min(text.find('\n', start), text.size());
    WrapLine(text.substr(start, end - start), &lines);
    start = end + 1;
  }
  if (lines.size() > static_cast<std::size_t>(kLinesPerPage)) lines.resize(kLinesPerPage);
  std::string content = "BT\n/F1 " + std::to_string(kFontSize) + " Tf\n" + std::to_string(kLeading) +
                        " TL\n" + std::to_string(kMarginLeft) + " " + std::to_string(kTextTop) + " Td\n";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) content += "T*\n";
    if (!lines[i].empty()) content += LiteralString(lines[i]) + " Tj\n";
  }
  content += "ET";
  return content;
}

// A page of a "scan": a paper-tone sheet, a grey image (an inline image in
// ASCII hex, different on each page) and rules where lines of text would be.
std::string ScanContent(int page) {
  std::string content = "q\n0.96 g\n0 0 " + std::to_string(kPageWidth) + " " + std::to_string(kPageHeight) +
                        " re f\nQ\nq\n0.3 G\n0.8 w\n";
  for (int y = 760; y > 80; y -= 18) {
    int length = 380 + ((y * 7 + page * 13) % 115);
    content += std::to_string(kMarginLeft) + " " + std::to_string(y) + " m " +
               std::to_string(kMarginLeft + length) + " " + std::to_string(y) + " l S\n";
  }
  constexpr int kSide = 16;
  content += "Q\nq\n160 0 0 160 385 640 cm\nBI /W " + std::to_string(kSide) + " /H " + std::to_string(kSide) +
             " /BPC 8 /CS /G /F /AHx ID\n";
  for (int y = 0; y < kSide; ++y) {
    for (int x = 0; x < kSide; ++x) {
      AppendDigits(&content, static_cast<unsigned>((x * 16 + y * 5 + page * 29) % 256), 16, 2);
    }
    content += '\n';
  }
  content += ">\nEI\nQ";
  return content;
}

constexpr int kFirstPageObject = 5;  // after the catalog, the tree, the information and the font

}  // namespace

std::string WriteTextPdf(const std::vector<std::string>& pages, std::string_view title) {
  const std::vector<std::string> one_empty_page(1);
  const std::vector<std::string>& content = pages.empty() ? one_empty_page : pages;
  const int count = static_cast<int>(content.size());
  Builder pdf;
  pdf.Object("<< /Type /Catalog /Pages " + Ref(2) + " >>");
  pdf.Object(PageTree(count, kFirstPageObject));
  std::string info = "<< /Producer (Waymark)";
  if (!title.empty()) info += " /Title " + TextString(title);
  pdf.Object(info + " >>");
  pdf.Object("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
  const std::string resources = "<< /Font << /F1 " + Ref(4) + " >> >>";
  for (int i = 0; i < count; ++i) {
    const int page = kFirstPageObject + 2 * i;
    pdf.Object(PageObject(page + 1, resources));
    pdf.Stream(TextContent(content[static_cast<std::size_t>(i)]));
  }
  return pdf.Finish(1, 3);
}

std::string WriteImageOnlyPdf(int page_count) {
  const int count = std::max(page_count, 1);
  Builder pdf;
  pdf.Object("<< /Type /Catalog /Pages " + Ref(2) + " >>");
  pdf.Object(PageTree(count, kFirstPageObject));
  pdf.Object("<< /Producer (Waymark) >>");
  // Object 4 is the font in WriteTextPdf; a null object here keeps the
  // numbering the same in both.
  pdf.Object("null");
  for (int i = 0; i < count; ++i) {
    const int page = kFirstPageObject + 2 * i;
    pdf.Object(PageObject(page + 1, "<< /ProcSet [/PDF /ImageB] >>"));
    pdf.Stream(ScanContent(i + 1));
  }
  return pdf.Finish(1, 3);
}

std::string PadPdf(const std::string& pdf, std::size_t size) {
  // The trailer Builder::Finish writes: "/Size N /Root 1 0 R /Info 3 0 R >>
  // startxref X %%EOF".
  std::size_t size_at = pdf.rfind("/Size ");
  std::size_t xref_at = pdf.rfind("startxref\n");
  if (pdf.size() >= size || size_at == std::string::npos || xref_at == std::string::npos) return pdf;
  std::string count = pdf.substr(size_at + 6, pdf.find(' ', size_at + 6) - size_at - 6);
  std::size_t digits = xref_at + 10;
  std::string prev = pdf.substr(digits, pdf.find('\n', digits) - digits);
  std::string out = pdf;
  out.reserve(size + 256);
  std::string line(1023, ' ');
  line[0] = '%';
  line.back() = '\n';
  for (std::size_t i = 1; out.size() + 200 < size; ++i) {
    std::string n = std::to_string(i);  // lines that differ: a misplaced piece changes the checksum
    std::copy(n.begin(), n.end(), line.begin() + 1);
    out += line;
  }
  std::size_t xref = out.size();
  out += "xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size " + count + " /Root 1 0 R /Info 3 0 R /Prev " +
         prev + " >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return out;
}

}  // namespace waymark::pdf
