// A minimal reader for GNU gettext .mo catalogues (magic 0x950412de, either byte order).
//
// Contract: every offset and length in the file is checked against the file's size before it is
// used, so a truncated or corrupt file yields an error Status, never an out-of-bounds read. The
// hash table is ignored. Stateless and thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/status.h"

namespace waymark::i18n {

// Largest .mo file ReadMoFile will accept; real catalogues are a few tens of kilobytes.
inline constexpr std::size_t kMaxMoFileBytes = 64u << 20;

// Parses the bytes of a .mo file into msgid -> msgstr. The header entry (empty msgid) is skipped.
// For plural entries (msgid "one\0many", msgstr "form0\0form1...") the key is the singular msgid
// and the value is the first form. A msgid with a context keeps it as stored ("ctxt\x04msgid").
// Entries with an empty msgstr are kept as they are; callers treat them as untranslated. If a
// msgid repeats, the first entry wins. `name` only labels error messages (usually the path).
Result<std::map<std::string, std::string>> ParseMo(std::string_view bytes, const std::string& name);

// Reads and parses the .mo file at `path`. Errors name the file: NotFound when it cannot be
// opened, InvalidArgument when it is not a well-formed .mo file.
Result<std::map<std::string, std::string>> ReadMoFile(const std::string& path);

}  // namespace waymark::i18n
