// Identifiers carried by references (DOI, ISBN, Handle, URL) and language
// codes: each normalised to one canonical form, or rejected with a message
// that says what is wrong. Pure functions; no I/O.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace waymark::library {

// "10.1234/abc" from "10.1234/abc", "doi:10.1234/abc", "https://doi.org/10.1234/abc" or
// "http://dx.doi.org/10.1234/abc" (URL forms are percent-decoded). The prefix is "10." then 4 to 9 digits,
// optionally followed by ".digits" groups; the suffix after '/' is non-empty and has no spaces or control
// characters. The case is kept (DOIs compare case-insensitively, but resolvers accept any case).
// Errors: InvalidArgument naming the problem.
Result<std::string> NormalizeDoi(std::string_view input);

// The digits of an ISBN-10 or ISBN-13 without hyphens or spaces ("9789290687696", "080442957X"), from
// input such as "978-92-9068-769-6" or "ISBN 0-290-68769-X". The check digit is verified and an ISBN-13
// must start with 978 or 979. Errors: InvalidArgument for a wrong length, a bad character or a bad check
// digit.
Result<std::string> NormalizeIsbn(std::string_view input);

// "10568/12345" from "10568/12345", "hdl:10568/12345" or "https://hdl.handle.net/10568/12345". The prefix
// is digits with optional ".digits" groups ("20.500.12345"); the suffix is non-empty, without spaces or
// control characters. Errors: InvalidArgument.
Result<std::string> NormalizeHandle(std::string_view input);

// An absolute http or https URL with a host, at most 2000 characters, valid UTF-8 without spaces or control
// characters. The scheme and host are lowercased; the rest is kept as given. Errors: InvalidArgument.
Result<std::string> NormalizeUrl(std::string_view input);

// An ISO 639-1 code where the input names a language we know ("English", "eng", "en" -> "en"; French ->
// "fr"; Spanish -> "es"; and a few others), otherwise the input trimmed and lowercased ("en-gb" stays
// "en-gb"). "" for blank input.
std::string NormalizeLanguage(std::string_view input);

}  // namespace waymark::library
