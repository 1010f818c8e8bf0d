// Values the web layer reads from request headers, parsed in one place:
// the version an If-Match header names, and the client's address behind
// trusted proxies.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace waymark::web {

// If-Match: "3" (or W/"3") -> 3. nullopt when the header is absent (empty)
// or "*". InvalidArgument naming the header when it is anything else: not
// one quoted whole number, or a number too large for a version (more than
// 18 digits), so that no input can overflow.
Result<std::optional<std::int64_t>> ParseIfMatchVersion(std::string_view header);

// The address of the client a request came from. `peer` is the address of
// the TCP peer. Only when the peer is one of `trusted_proxies` is
// X-Forwarded-For (`forwarded_for`, its values joined by commas) believed:
// it is read from the right, skipping the trusted proxies' own addresses;
// the first other address is the client. An entry that is not an IP address
// ends the walk, and the last trusted hop stands for the client.
std::string ClientAddress(const std::string& peer, std::string_view forwarded_for,
                          const std::vector<std::string>& trusted_proxies);

// True for an IPv4 or IPv6 address written as text (no port, no brackets).
bool LooksLikeIpAddress(std::string_view text);

}  // namespace waymark::web
