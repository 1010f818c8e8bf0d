// Small PDF files for demo data and tests: written by hand, byte for byte,
// so that they are deterministic (no dates, no IDs) and need no library.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace waymark::pdf {

// A small valid PDF 1.4 with one page per element of `pages` (A4, Helvetica
// 11pt, a '\n' starts a new line, lines wrapped at about 90 characters; the
// lines that do not fit on the page are cut, never carried to another page)
// and `title` in the document information dictionary (as UTF-16, so any
// character survives). The text is UTF-8; Latin-1 characters and the other
// characters of Windows-1252 (’ “ ” – — … € œ) are written in
// WinAnsiEncoding so that they extract back as they were, everything else
// becomes '?'. No pages gives one empty page: a PDF has at least one.
std::string WriteTextPdf(const std::vector<std::string>& pages, std::string_view title);

// A PDF whose pages hold only a drawing and an image (no text layer), like a
// scan: `page_count` pages (at least one).
std::string WriteImageOnlyPdf(int page_count);

// `pdf`, as the two functions above write it, grown to at least `size`
// bytes by an incremental update that holds only comment lines (each one
// different) and a trailer pointing back to the original: the same
// document to any reader, as large as a test of uploads needs. `pdf`
// unchanged when it is already that large or not written by this file.
std::string PadPdf(const std::string& pdf, std::size_t size);

}  // namespace waymark::pdf
