// BibTeX (and the common biblatex fields) to and from References.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "domain/library/import.h"
#include "domain/library/reference.h"

namespace waymark::library {

// Reads BibTeX text: @string macros (with '#' concatenation, bare numbers and the month macros jan..dec),
// quoted and braced values, LaTeX accents and escapes turned into UTF-8, "and"-separated names. @comment and
// @preamble are skipped and text outside entries is ignored, as BibTeX does; an '@' starts an entry only as
// the first thing on its line or right after the end of another entry (so an e-mail address in a comment
// is text). A UTF-8 byte order mark is
// skipped and CRLF line ends are accepted.
//
// An entry that cannot be read (syntax error, invalid UTF-8, undefined macro, no title, a year that is not
// four digits) is named in `problems` and skipped; reading resumes at the next line that starts with '@'.
// A value whose closing brace or quote is missing ends at the next line that starts an entry ("@type{"),
// so one unbalanced brace costs one entry, not the rest of the file. When a field appears twice in an
// entry, the first value is kept (BibTeX does the same) and no problem is reported. Braces nested deeper
// than 64 levels are a problem; the reader does not recurse. Never throws.
ImportResult ParseBibtex(std::string_view text);

// Writes one entry per reference in a fixed field order, each value in braces: & % $ # _ { } \ ~ are
// escaped, other UTF-8 is kept as is, organisations' names are braced ({{World Bank}}), pages use "--".
// Keys come from CitationKeys(refs). ParseBibtex(WriteBibtex(refs)) gives back refs, except for what
// BibTeX cannot carry: the types "map", "motion_picture" and "article" (written as @misc, read back as
// "document"), keywords that contain commas or semicolons, line breaks other than paragraph breaks and
// runs of spaces, the case of language codes (read back lowercased), years outside 1..9999 (left out), and
// identifiers (DOI, ISBN, URL) that do not validate, which the reader drops.
std::string WriteBibtex(const std::vector<Reference>& refs);

// One citation key per reference, in order: its citation_key when set (with characters BibTeX keys cannot
// hold replaced by '-'), otherwise one made of the first author's family name (or the organisation's first
// word, or the editor's), the year and the first significant word of the title, folded to ASCII
// ("garcia2019migration"); generated keys that collide with another key get a, b, c... suffixes.
std::vector<std::string> CitationKeys(const std::vector<Reference>& refs);

}  // namespace waymark::library
