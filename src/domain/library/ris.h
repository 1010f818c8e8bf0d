// RIS (the tagged format of EndNote, Zotero and most databases) to and from References.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "domain/library/import.h"
#include "domain/library/reference.h"

namespace waymark::library {

// Reads RIS records ("TY  - JOUR" ... "ER  -"). A tag line is two characters (an uppercase letter, then an
// uppercase letter or digit), two spaces, '-', a space and the value; trailing spaces and a value-less
// "ER  -" are accepted. A line without a tag inside a record continues the previous tag's value (exporters
// wrap long abstracts). Unknown tags are ignored. A UTF-8 byte order mark is skipped and CRLF is accepted.
//
// Skipped and named in `problems`: a record without ER before the next TY or the end of the input, a
// record without a title, with an empty TY, with a year that is not four digits or with bytes that are not
// valid UTF-8; tag lines outside a record (one problem per run of such lines). Identifiers that do not
// validate (an SN that is an ISSN, a malformed DO or UR) are left out without a problem. Never throws.
ImportResult ParseRis(std::string_view text);

// Writes standard RIS with CRLF line ends, one record per reference ending with "ER  - ". Keys
// (CitationKeys) go to ID. ParseRis(WriteRis(refs)) gives back refs, except for: the type "article"
// (written as GEN, read back as "document"), organisation names that contain a comma (read back as a
// person), line breaks inside values (written as spaces), years outside 1..9999 (left out), the case of
// language codes and identifiers that do not validate.
std::string WriteRis(const std::vector<Reference>& refs);

}  // namespace waymark::library
