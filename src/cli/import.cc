#include "cli/import.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "domain/evidence/evidence_service.h"

namespace waymark::cli {
namespace {

constexpr int kUsageError = 2;
constexpr int kFailure = 1;
constexpr int kRejected = 3;

int Fail(const Status& s) {
  std::cerr << "waymark import: " << s.message();
  for (const auto& [field, message] : s.fields()) std::cerr << "; " << field << ": " << message;
  std::cerr << "\n";
  bool usage = s.kind() == Status::Kind::kInvalidArgument || s.kind() == Status::Kind::kValidation ||
               s.kind() == Status::Kind::kUnsupportedMediaType;
  return usage ? kUsageError : kFailure;
}

// A CSV cell, quoted when it must be.
std::string Cell(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Where(const evidence::RowProblem& p) {
  std::string w = "line " + std::to_string(p.line);
  if (p.column > 0) w += ", column " + std::to_string(p.column);
  if (!p.field.empty()) w += " (" + p.field + ")";
  return w;
}

class ProgressBar {
 public:
  explicit ProgressBar(std::int64_t total) : total_(total), tty_(isatty(STDERR_FILENO) != 0) {}
  void Show(std::int64_t bytes) {
    if (!tty_ || total_ <= 0) return;
    constexpr int kWidth = 30;
    int filled = static_cast<int>(std::min<std::int64_t>(bytes, total_) * kWidth / total_);
    if (filled == last_) return;
    last_ = filled;
    std::cerr << "\rimporting [" << std::string(static_cast<std::size_t>(filled), '#')
              << std::string(static_cast<std::size_t>(kWidth - filled), '.') << "] "
              << (std::min<std::int64_t>(bytes, total_) * 100 / total_) << "%" << std::flush;
  }
  void Clear() {
    if (tty_ && last_ >= 0) std::cerr << "\r" << std::string(50, ' ') << "\r" << std::flush;
    last_ = -1;
  }

 private:
  std::int64_t total_;
  bool tty_;
  int last_ = -1;
};

}  // namespace

int RunImport(app::Runtime& runtime, const ImportFlags& flags) {
  evidence::ImportRequest req;
  if (flags.target == "incidents") {
    req.target = evidence::ImportTarget::kIncidents;
  } else if (flags.target == "displacement") {
    req.target = evidence::ImportTarget::kDisplacement;
  } else {
    return Fail(
        Status::InvalidArgument("import what? incidents or displacement, not '" + flags.target + "'"));
  }
  req.format = flags.format;
  req.dry_run = flags.dry_run;
  if (flags.cause == "conflict") {
    req.hxl_cause = evidence::DisplacementCause::kConflict;
  } else if (flags.cause == "disaster") {
    req.hxl_cause = evidence::DisplacementCause::kDisaster;
  } else if (!flags.cause.empty() && flags.cause != "other") {
    return Fail(Status::InvalidArgument("--cause: conflict, disaster or other, not '" + flags.cause + "'"));
  }

  std::ifstream file;
  std::istream* in = &std::cin;
  std::int64_t size = 0;
  if (flags.file != "-") {
    std::error_code ec;
    if (std::filesystem::is_directory(flags.file, ec)) {
      return Fail(Status::InvalidArgument(flags.file + " is a directory"));
    }
    file.open(flags.file, std::ios::binary);
    if (!file) return Fail(Status::InvalidArgument("cannot open " + flags.file));
    auto n = std::filesystem::file_size(flags.file, ec);
    if (!ec) size = static_cast<std::int64_t>(n);
    in = &file;
    req.filename = std::filesystem::path(flags.file).filename().string();
  } else {
    req.filename = "stdin";
  }

  std::ofstream report;
  if (!flags.report.empty()) {
    report.open(flags.report, std::ios::binary | std::ios::trunc);
    if (!report) return Fail(Status::InvalidArgument("--report: cannot write " + flags.report));
    report << "line,outcome,column,field,reason,quarantine_id\n";
  }

  ProgressBar bar(size);
  evidence::ImportObserver obs;
  obs.on_shape = [&](const evidence::FileShape& shape) {
    bar.Clear();
    std::cerr << "format " << shape.format << ", dataset " << shape.dataset << "\n";
    if (!shape.columns_ignored.empty()) {
      std::cerr << "columns not used:";
      for (const auto& c : shape.columns_ignored) std::cerr << " [" << c << "]";
      std::cerr << "\n";
    }
  };
  obs.on_row = [&](const evidence::RowReport& row) {
    if (row.outcome == evidence::RowOutcome::kRejected) {
      bar.Clear();
      for (const auto& p : row.problems) std::cerr << "rejected " << Where(p) << ": " << p.reason << "\n";
    }
    if (!report.is_open()) return;
    auto line = [&](const evidence::RowProblem* p) {
      report << row.line << "," << evidence::RowOutcomeName(row.outcome) << "," << (p ? p->column : 0) << ","
             << Cell(p ? p->field : "") << "," << Cell(p ? p->reason : "") << "," << row.quarantine_id
             << "\n";
    };
    if (row.problems.empty() && row.notes.empty()) line(nullptr);
    for (const auto& p : row.problems) line(&p);
    for (const auto& p : row.notes) line(&p);
  };
  obs.on_progress = [&](std::int64_t bytes) { bar.Show(bytes); };

  auto batch = runtime.evidence().Import(accounts::Actor::Cli(), *in, req, obs);
  bar.Clear();
  if (!batch.ok()) return Fail(batch.status());
  const evidence::Batch& b = *batch;
  if (!flags.dry_run) {
    std::cerr << "batch " << b.id << ", sha256 " << b.sha256 << ", " << b.bytes << " bytes\n";
  } else {
    std::cerr << "dry run: nothing was written\n";
  }
  std::cout << "accepted " << b.accepted << ", updated " << b.updated << ", unchanged " << b.unchanged
            << ", rejected " << b.rejected << "\n";
  return (flags.strict && b.rejected > 0) ? kRejected : 0;
}

}  // namespace waymark::cli
