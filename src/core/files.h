// Uploaded files: what their bytes are (never what their name says), and
// their names made safe to store and show.
#pragma once

#include <string>
#include <string_view>

namespace waymark {

// "image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf",
// or "" for anything else.
std::string SniffMediaType(const std::string& bytes);

// The part after the last '/' or '\\', control characters and invalid UTF-8
// dropped, trimmed, no leading dots, at most 120 characters (the extension
// kept); "file" when nothing is left.
std::string SanitizeFilename(std::string_view name);

}  // namespace waymark
