#include "domain/forecasts/zip_input.h"

#include <zip.h>

#include <map>
#include <memory>

namespace waymark::forecasts {
namespace {

Status FileError(const std::string& message) { return Status::Validation({{"file", message}}, message); }

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct FileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};

bool UnsafeName(const std::string& name) {
  if (name.empty() || name[0] == '/' || name[0] == '\\' || name.find('\\') != std::string::npos) return true;
  if (name.size() > 1 && name[1] == ':') return true;  // C:...
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string::npos) end = name.size();
    if (name.compare(start, end - start, "..") == 0) return true;
    start = end + 1;
  }
  return false;
}

std::string DirOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}
std::string BaseOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

Result<std::vector<ScenarioFile>> ReadZip(const std::string& bytes, const ZipLimits& limits) {
  if (bytes.empty()) return FileError("the zip file is empty");
  if (static_cast<long long>(bytes.size()) > limits.max_archive_bytes)
    return FileError("the zip file is larger than " + std::to_string(limits.max_archive_bytes) + " bytes");
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &err);
  if (!src) {
    zip_error_fini(&err);
    return FileError("not a zip file");
  }
  std::unique_ptr<zip_t, ZipCloser> z(zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &err));
  if (!z) {
    zip_source_free(src);
    std::string why = zip_error_strerror(&err);
    zip_error_fini(&err);
    return FileError("not a zip file (" + why + ")");
  }
  zip_error_fini(&err);
  zip_int64_t n = zip_get_num_entries(z.get(), 0);
  if (n > limits.max_entries)
    return FileError("the zip file has more than " + std::to_string(limits.max_entries) + " entries");
  std::map<std::string, std::string> files;  // path in the archive → content
  long long total = 0;
  for (zip_int64_t i = 0; i < n; ++i) {
    const char* raw = zip_get_name(z.get(), static_cast<zip_uint64_t>(i), ZIP_FL_ENC_GUESS);
    if (!raw) return FileError("entry " + std::to_string(i) + ": unreadable name");
    std::string name = raw;
    if (UnsafeName(name)) return FileError(name + ": a path outside the folder is not allowed");
    if (name.back() == '/') continue;  // a directory
    std::string base = BaseOf(name);
    if (name.rfind("__MACOSX/", 0) == 0 || base.empty() || base[0] == '.') continue;
    zip_uint8_t opsys = 0;
    zip_uint32_t attributes = 0;
    if (zip_file_get_external_attributes(z.get(), static_cast<zip_uint64_t>(i), 0, &opsys, &attributes) ==
            0 &&
        opsys == ZIP_OPSYS_UNIX && ((attributes >> 16) & 0170000) == 0120000) {
      return FileError(name + ": links are not allowed");
    }
    std::unique_ptr<zip_file_t, FileCloser> f(zip_fopen_index(z.get(), static_cast<zip_uint64_t>(i), 0));
    if (!f) return FileError(name + ": cannot be read (" + std::string(zip_strerror(z.get())) + ")");
    std::string content;
    char buf[16384];
    for (;;) {
      zip_int64_t got = zip_fread(f.get(), buf, sizeof buf);
      if (got < 0) return FileError(name + ": corrupt data");
      if (got == 0) break;
      content.append(buf, static_cast<size_t>(got));
      total += got;
      if (static_cast<long long>(content.size()) > limits.max_file_bytes)
        return FileError(name + ": larger than " + std::to_string(limits.max_file_bytes) +
                         " bytes uncompressed");
      if (total > limits.max_total_bytes)
        return FileError(name + ": the files hold more than " + std::to_string(limits.max_total_bytes) +
                         " bytes uncompressed");
    }
    files[name] = std::move(content);
  }
  std::vector<std::string> input_dirs;
  std::vector<std::string> validation_dirs;
  for (const auto& [path, content] : files) {
    if (BaseOf(path) == "locations.csv") input_dirs.push_back(DirOf(path));
    if (BaseOf(path) == "data_layout.csv") validation_dirs.push_back(DirOf(path));
  }
  if (input_dirs.empty()) return FileError("locations.csv: missing from the zip file");
  if (validation_dirs.empty()) return FileError("data_layout.csv: missing from the zip file");
  if (input_dirs.size() > 1) return FileError("locations.csv: more than one in the zip file");
  if (validation_dirs.size() > 1) return FileError("data_layout.csv: more than one in the zip file");
  std::vector<ScenarioFile> out;
  for (const auto& [path, content] : files) {
    std::string dir = DirOf(path);
    if (dir == input_dirs[0]) out.push_back({"input/" + BaseOf(path), content});
    if (dir == validation_dirs[0]) out.push_back({"validation/" + BaseOf(path), content});
  }
  return out;
}

}  // namespace waymark::forecasts
