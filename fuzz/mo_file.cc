// GNU gettext .mo catalogues (ParseMo): any bytes, either byte order.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "i18n/mo_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto messages = waymark::i18n::ParseMo(bytes, "fuzz.mo");
  if (!messages.ok()) {
    if (messages.status().message().empty()) std::abort();
    return 0;
  }
  std::size_t total = 0;
  for (const auto& [id, str] : *messages) total += id.size() + str.size();
  if (total > size) std::abort();  // every string is a slice of the file
  return 0;
}
