#include "i18n/mo_file.h"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <system_error>

namespace waymark::i18n {
namespace {

constexpr std::uint32_t kMoMagic = 0x950412de;
constexpr std::uint32_t kMoMagicSwapped = 0xde120495;
constexpr std::size_t kHeaderBytes = 28;  // magic, revision, N, O, T, S, H: seven 32-bit words

std::string Hex32(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", static_cast<unsigned>(v));
  return buf;
}

// Reads a 32-bit word at `off`; the caller has checked that off + 4 <= bytes.size().
std::uint32_t Word(std::string_view bytes, std::size_t off, bool big_endian) {
  auto b = [&](std::size_t i) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[off + i]));
  };
  if (big_endian) return (b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3);
  return b(0) | (b(1) << 8) | (b(2) << 16) | (b(3) << 24);
}

// The text before the first NUL: the singular msgid, or the first plural form.
std::string_view FirstForm(std::string_view s) { return s.substr(0, s.find('\0')); }

}  // namespace

Result<std::map<std::string, std::string>> ParseMo(std::string_view bytes, const std::string& name) {
  const std::uint64_t size = bytes.size();
  if (size < kHeaderBytes) {
    return Status::InvalidArgument(name + ": file is " + std::to_string(size) + " bytes, shorter than the " +
                                   std::to_string(kHeaderBytes) + "-byte .mo header (truncated?)");
  }
  const std::uint32_t magic = Word(bytes, 0, /*big_endian=*/false);
  bool big_endian;
  if (magic == kMoMagic) {
    big_endian = false;
  } else if (magic == kMoMagicSwapped) {
    big_endian = true;
  } else {
    return Status::InvalidArgument(name + ": not a GNU .mo file (bad magic " + Hex32(magic) + ", expected " +
                                   Hex32(kMoMagic) + " in either byte order)");
  }
  const std::uint32_t revision = Word(bytes, 4, big_endian);
  if ((revision >> 16) > 1) {
    return Status::InvalidArgument(name + ": unsupported .mo format revision " + Hex32(revision));
  }
  const std::uint64_t count = Word(bytes, 8, big_endian);
  const std::uint64_t orig_table = Word(bytes, 12, big_endian);
  const std::uint64_t trans_table = Word(bytes, 16, big_endian);

  // Each table holds `count` (length, offset) pairs of 32-bit words. 64-bit arithmetic cannot
  // overflow: every operand below is under 2^35.
  auto check_table = [&](const char* what, std::uint64_t table) {
    if (table + count * 8 <= size) return Status::Ok();
    return Status::InvalidArgument(name + ": " + what + " table (" + std::to_string(count) +
                                   " entries at offset " + std::to_string(table) +
                                   ") extends past the end of the file (" + std::to_string(size) +
                                   " bytes); the file is truncated or corrupt");
  };
  WM_RETURN_IF_ERROR(check_table("original-string", orig_table));
  WM_RETURN_IF_ERROR(check_table("translation", trans_table));

  // Sets `out` to the string described by entry `i` of `table`, after checking it lies in the file.
  auto string_at = [&](const char* what, std::uint64_t table, std::uint64_t i, std::string_view& out) {
    const std::uint64_t length = Word(bytes, table + i * 8, big_endian);
    const std::uint64_t offset = Word(bytes, table + i * 8 + 4, big_endian);
    if (offset + length > size) {
      return Status::InvalidArgument(name + ": entry " + std::to_string(i) + " " + what + " (offset " +
                                     std::to_string(offset) + ", length " + std::to_string(length) +
                                     ") extends past the end of the file (" + std::to_string(size) +
                                     " bytes); the file is truncated or corrupt");
    }
    out = bytes.substr(offset, length);
    return Status::Ok();
  };

  std::map<std::string, std::string> messages;
  for (std::uint64_t i = 0; i < count; ++i) {
    std::string_view msgid, msgstr;
    WM_RETURN_IF_ERROR(string_at("msgid", orig_table, i, msgid));
    WM_RETURN_IF_ERROR(string_at("msgstr", trans_table, i, msgstr));
    const std::string_view key = FirstForm(msgid);
    if (key.empty()) continue;  // the header entry, which holds metadata
    messages.emplace(std::string(key), std::string(FirstForm(msgstr)));
  }
  return messages;
}

Result<std::map<std::string, std::string>> ReadMoFile(const std::string& path) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    return Status::NotFound("cannot open .mo file " + path +
                            (err != 0 ? ": " + std::generic_category().message(err) : std::string()));
  }
  std::string bytes;
  char buf[1 << 14];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    bytes.append(buf, static_cast<std::size_t>(in.gcount()));
    if (bytes.size() > kMaxMoFileBytes) {
      return Status::InvalidArgument(path + ": larger than " + std::to_string(kMaxMoFileBytes) +
                                     " bytes; not a plausible .mo catalogue");
    }
  }
  if (in.bad()) return Status::Internal("cannot read .mo file " + path);
  return ParseMo(bytes, path);
}

}  // namespace waymark::i18n
