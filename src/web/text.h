// Small helpers the page handlers share.
#pragma once

#include <string>
#include <string_view>

#include "http/message.h"

namespace waymark::web {

// `text` with every `key` ("{n}") replaced by `value`: filling in a
// translated message.
std::string Fill(std::string text, std::string_view key, std::string_view value);

// ?page= as a number from 1 to 100000; anything else is page 1.
int PageParam(const http::Request& req);

}  // namespace waymark::web
