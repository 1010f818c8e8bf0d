#include "web/request_headers.h"

#include <arpa/inet.h>
#include <algorithm>

#include "core/strings.h"

namespace waymark::web {

Result<std::optional<std::int64_t>> ParseIfMatchVersion(std::string_view header) {
  std::string_view h = TrimAscii(header);
  if (h.empty() || h == "*") return std::optional<std::int64_t>();
  if (StartsWith(h, "W/")) h.remove_prefix(2);
  // 18 digits always fit in an int64_t; versions never come near.
  constexpr std::size_t kMaxDigits = 18;
  std::string_view digits = h.size() >= 2 ? h.substr(1, h.size() - 2) : std::string_view();
  if (h.size() < 3 || h.front() != '"' || h.back() != '"' || digits.size() > kMaxDigits ||
      digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return Status::InvalidArgument("If-Match must be an ETag from this API, like \"3\"");
  }
  std::int64_t v = 0;
  for (char ch : digits) v = v * 10 + (ch - '0');
  return std::optional<std::int64_t>(v);
}

bool LooksLikeIpAddress(std::string_view text) {
  if (text.empty() || text.size() > 45) return false;
  std::string s(text);
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

std::string ClientAddress(const std::string& peer, std::string_view forwarded_for,
                          const std::vector<std::string>& trusted_proxies) {
  auto trusted = [&](std::string_view addr) {
    return std::find(trusted_proxies.begin(), trusted_proxies.end(), addr) != trusted_proxies.end();
  };
  if (!trusted(peer)) return peer;
  std::string client = peer;
  std::vector<std::string_view> hops = Split(forwarded_for, ',');
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    std::string_view hop = TrimAscii(*it);
    if (hop.empty()) continue;
    if (!LooksLikeIpAddress(hop)) break;
    client = std::string(hop);
    if (!trusted(hop)) break;
  }
  return client;
}

}  // namespace waymark::web
