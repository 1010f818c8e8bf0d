#include "http/gzip.h"

#include <zlib.h>

#include <array>
#include <cassert>
#include <optional>

#include "core/strings.h"

namespace waymark::http {
namespace {

// Whether a weight ("1", "0.5", "0", "0.000") is above zero; a malformed
// one counts as zero, which only ever means the plain body.
bool PositiveWeight(std::string_view q) {
  for (char c : q) {
    if (c >= '1' && c <= '9') return true;
    if (c != '0' && c != '.') return false;
  }
  return false;
}

// Raw deflate of `text` (no header, no final block) ended by a sync flush,
// so that another run may follow it directly.
std::string DeflateRun(std::string_view text, int level) {
  std::string out;
  if (text.empty()) return out;
  z_stream z{};
  // -15: raw deflate with a 32 KiB window; 8: zlib's default memory level.
  [[maybe_unused]] int rc = deflateInit2(&z, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
  assert(rc == Z_OK);  // only fails on bad arguments or no memory
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  out.resize(deflateBound(&z, static_cast<uLong>(text.size())) + 16);
  std::size_t used = 0;
  for (;;) {
    z.next_out = reinterpret_cast<Bytef*>(out.data() + used);
    z.avail_out = static_cast<uInt>(out.size() - used);
    rc = deflate(&z, Z_SYNC_FLUSH);
    used = out.size() - z.avail_out;
    if (z.avail_out != 0) break;  // all input taken and flushed
    out.resize(out.size() * 2);
  }
  deflateEnd(&z);
  out.resize(used);
  return out;
}

void PutLe32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

}  // namespace

bool AcceptsGzip(std::string_view accept_encoding) {
  std::optional<bool> gzip;
  bool star = false;
  for (std::string_view item : Split(accept_encoding, ',')) {
    std::string_view coding = item;
    std::string_view weight = "1";
    if (auto semi = item.find(';'); semi != std::string_view::npos) {
      coding = item.substr(0, semi);
      for (std::string_view param : Split(item.substr(semi + 1), ';')) {
        param = TrimAscii(param);
        if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
          weight = TrimAscii(param.substr(2));
        }
      }
    }
    const std::string name = ToLowerAscii(TrimAscii(coding));
    if (name == "gzip" || name == "x-gzip") {
      gzip = gzip.value_or(false) || PositiveWeight(weight);
    } else if (name == "*") {
      star = PositiveWeight(weight);
    }
  }
  return gzip.value_or(star);
}

bool IsCompressible(std::string_view content_type) {
  std::string type = ToLowerAscii(TrimAscii(content_type.substr(0, content_type.find(';'))));
  if (StartsWith(type, "text/")) return true;
  for (std::string_view t :
       {"application/json", "application/javascript", "application/xml", "image/svg+xml"}) {
    if (type == t) return true;
  }
  auto ends_with = [&](std::string_view suffix) {
    return type.size() >= suffix.size() &&
           type.compare(type.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return ends_with("+json") || ends_with("+xml");
}

GzipBody GzipBody::Make(std::string_view body, std::string_view hole, int level) {
  GzipBody g;
  auto add = [&](std::string_view text) {
    Part p;
    p.deflated = DeflateRun(text, level);
    p.crc = static_cast<std::uint32_t>(
        crc32(0, reinterpret_cast<const Bytef*>(text.data()), static_cast<uInt>(text.size())));
    p.length = text.size();
    g.parts_.push_back(std::move(p));
  };
  std::size_t from = 0;
  if (!hole.empty()) {
    for (std::size_t at = body.find(hole); at != std::string_view::npos; at = body.find(hole, from)) {
      add(body.substr(from, at - from));
      from = at + hole.size();
    }
  }
  add(body.substr(from));
  return g;
}

std::string GzipBody::Fill(std::string_view value) const {
  assert(value.size() <= 0xffff);
  // RFC 1952: magic, deflate, no flags, no time, no extra flags, OS unknown.
  static constexpr std::array<unsigned char, 10> kHeader = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff};
  std::string out;
  out.reserve(compressed_bytes() + holes() * (value.size() + 5) + 32);
  out.append(reinterpret_cast<const char*>(kHeader.data()), kHeader.size());
  const auto value_crc = static_cast<std::uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(value.data()), static_cast<uInt>(value.size())));
  uLong crc = crc32(0, nullptr, 0);
  std::uint64_t length = 0;
  for (std::size_t i = 0; i < parts_.size(); ++i) {
    const Part& p = parts_[i];
    out += p.deflated;
    crc = crc32_combine(crc, p.crc, static_cast<z_off_t>(p.length));
    length += p.length;
    if (i + 1 == parts_.size() || value.empty()) continue;
    // A stored block, not final: its 3 header bits are padded to the byte
    // boundary the run before it ended on; then LEN and its complement.
    const auto len = static_cast<std::uint16_t>(value.size());
    out.push_back(0);
    out.push_back(static_cast<char>(len & 0xff));
    out.push_back(static_cast<char>(len >> 8));
    out.push_back(static_cast<char>(~len & 0xff));
    out.push_back(static_cast<char>((~len >> 8) & 0xff));
    out += value;
    crc = crc32_combine(crc, value_crc, static_cast<z_off_t>(value.size()));
    length += value.size();
  }
  // An empty final block (fixed codes, end-of-block only), then the trailer.
  out.push_back(0x03);
  out.push_back(0x00);
  PutLe32(out, static_cast<std::uint32_t>(crc));
  PutLe32(out, static_cast<std::uint32_t>(length & 0xffffffffu));
  return out;
}

std::size_t GzipBody::compressed_bytes() const {
  std::size_t n = 0;
  for (const auto& p : parts_) n += p.deflated.size();
  return n;
}

}  // namespace waymark::http
