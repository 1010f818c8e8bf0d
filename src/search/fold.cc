#include "search/fold.h"

namespace waymark::search {
namespace {

struct Range {
  char32_t first;
  char32_t last;
  const char* folded;  // nullptr: a separator
};

// Latin-1 Supplement and Latin Extended-A, letters folded to ASCII.
constexpr Range kLatin[] = {
    {0xC0, 0xC5, "a"},     {0xC6, 0xC6, "ae"},   {0xC7, 0xC7, "c"},     {0xC8, 0xCB, "e"},
    {0xCC, 0xCF, "i"},     {0xD0, 0xD0, "d"},    {0xD1, 0xD1, "n"},     {0xD2, 0xD6, "o"},
    {0xD7, 0xD7, nullptr}, {0xD8, 0xD8, "o"},    {0xD9, 0xDC, "u"},     {0xDD, 0xDD, "y"},
    {0xDE, 0xDE, "th"},    {0xDF, 0xDF, "ss"},   {0xE0, 0xE5, "a"},     {0xE6, 0xE6, "ae"},
    {0xE7, 0xE7, "c"},     {0xE8, 0xEB, "e"},    {0xEC, 0xEF, "i"},     {0xF0, 0xF0, "d"},
    {0xF1, 0xF1, "n"},     {0xF2, 0xF6, "o"},    {0xF7, 0xF7, nullptr}, {0xF8, 0xF8, "o"},
    {0xF9, 0xFC, "u"},     {0xFD, 0xFD, "y"},    {0xFE, 0xFE, "th"},    {0xFF, 0xFF, "y"},
    {0x100, 0x105, "a"},   {0x106, 0x10D, "c"},  {0x10E, 0x111, "d"},   {0x112, 0x11B, "e"},
    {0x11C, 0x123, "g"},   {0x124, 0x127, "h"},  {0x128, 0x131, "i"},   {0x132, 0x133, "ij"},
    {0x134, 0x135, "j"},   {0x136, 0x138, "k"},  {0x139, 0x142, "l"},   {0x143, 0x14B, "n"},
    {0x14C, 0x151, "o"},   {0x152, 0x153, "oe"}, {0x154, 0x159, "r"},   {0x15A, 0x161, "s"},
    {0x162, 0x167, "t"},   {0x168, 0x173, "u"},  {0x174, 0x175, "w"},   {0x176, 0x178, "y"},
    {0x179, 0x17E, "z"},   {0x17F, 0x17F, "s"},
};

void AppendUtf8(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Letters of other scripts are kept as they are; punctuation, symbols and
// emoji are separators.
bool IsOtherWordChar(char32_t cp) {
  if (cp >= 0x180 && cp < 0x2000)
    return true;  // Latin Ext-B, IPA, Greek, Cyrillic, ... (marks handled before)
  if (cp >= 0x2C00 && cp < 0x2E00) return true;
  if (cp >= 0x3040 && cp < 0xFE00) return true;  // CJK and friends
  if (cp >= 0x10000 && cp < 0x1F000) return true;
  if (cp >= 0x20000 && cp < 0x110000) return true;
  return false;
}

}  // namespace

char32_t DecodeUtf8(std::string_view s, std::size_t& i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) {
    ++i;
    return c;
  }
  int len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    cp = c & 0x1F;
    min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    cp = c & 0x0F;
    min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    cp = c & 0x07;
    min = 0x10000;
  } else {
    ++i;
    return 0xFFFD;
  }
  if (i + len > s.size()) {
    ++i;
    return 0xFFFD;
  }
  for (int k = 1; k < len; ++k) {
    unsigned char cc = byte(i + k);
    if ((cc & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return 0xFFFD;
  }
  i += len;
  return cp;
}

bool FoldCodePoint(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    if (cp >= 'A' && cp <= 'Z') {
      out += static_cast<char>(cp - 'A' + 'a');
      return true;
    }
    if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
      out += static_cast<char>(cp);
      return true;
    }
    return false;
  }
  if (cp >= 0xC0 && cp <= 0x17F) {
    for (const Range& r : kLatin) {
      if (cp >= r.first && cp <= r.last) {
        if (r.folded == nullptr) return false;
        out += r.folded;
        return true;
      }
    }
    return false;
  }
  if (cp >= 0x300 && cp <= 0x36F)
    return true;  // combining marks (decomposed accents): dropped, part of the word
  if (IsOtherWordChar(cp)) {
    AppendUtf8(cp, out);
    return true;
  }
  return false;
}

std::string FoldText(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t at = i;
    char32_t cp = DecodeUtf8(s, i);
    if (!FoldCodePoint(cp, out)) out.append(s.substr(at, i - at));
  }
  return out;
}

}  // namespace waymark::search
