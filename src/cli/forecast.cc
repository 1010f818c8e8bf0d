#include "cli/forecast.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <fmt/format.h>

#include "forecast/csv.h"
#include "forecast/ensemble.h"
#include "forecast/scenario.h"
#include "forecast/settings.h"

namespace waymark::cli {
namespace {

int Fail(const Status& s) {
  std::cerr << "waymark: " << s.message() << "\n";
  return s.kind() == Status::Kind::kInvalidArgument ? 2 : 1;
}

// Flee's layout: <case>/conflict_input/<name> beside <case>/conflict_validation/<name><year>.
std::string GuessValidation(const std::string& input) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path in = fs::weakly_canonical(input, ec);
  if (ec) return "";
  std::string name = in.filename().string();
  fs::path dir = in.parent_path().parent_path() / "conflict_validation";
  if (name.empty() || !fs::is_directory(dir, ec)) return "";
  std::string found;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string n = e.path().filename().string();
    if (e.is_directory() && n.rfind(name, 0) == 0) {
      if (!found.empty()) return "";  // ambiguous
      found = e.path().string();
    }
  }
  return found;
}

std::string Summary(const forecast::Summary& s, int seeds) {
  if (seeds == 1) return fmt::format("{:.4f}", s.mean);
  return fmt::format("{:.4f} ± {:.4f} (min {:.4f}, max {:.4f}, {} seeds)", s.mean, s.sd, s.min, s.max, seeds);
}

}  // namespace

int RunForecast(const ForecastFlags& flags) {
  forecast::Settings settings;
  std::vector<std::string> ignored;
  if (!flags.settings.empty()) {
    auto s = forecast::ReadSettings(flags.settings, &ignored);
    if (!s.ok()) return Fail(s.status());
    settings = *s;
  }
  for (const std::string& kv : flags.set) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos) return Fail(Status::InvalidArgument("--set " + kv + ": expected KEY=VALUE"));
    Status st = forecast::SetOption(settings, kv.substr(0, eq), kv.substr(eq + 1));
    if (!st.ok()) return Fail(st.WithContext("--set"));
  }
  for (const auto& key : ignored)
    std::cerr << "waymark: " << flags.settings << ": " << key << " is not used\n";

  std::string validation = flags.validation.empty() ? GuessValidation(flags.input) : flags.validation;
  if (validation.empty()) {
    return Fail(
        Status::InvalidArgument("--validation DIR is needed (agents spawn from the observed camp counts), "
                                "and none was found beside " +
                                flags.input));
  }
  auto scenario = forecast::ReadScenario(flags.input, validation, settings);
  if (!scenario.ok()) return Fail(scenario.status());
  if (flags.days > 0) scenario->length = std::min(scenario->length, flags.days);

  forecast::EnsembleOptions opts;
  opts.seeds = flags.seeds;
  opts.threads =
      flags.threads > 0 ? flags.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  opts.first_seed = flags.first_seed;
  const bool tty = isatty(STDERR_FILENO) != 0;
  int last_shown = -1;
  opts.progress = [&](long long done, long long total) {
    constexpr int kWidth = 40;
    int filled = static_cast<int>(done * kWidth / std::max(1LL, total));
    if (filled == last_shown) return;
    last_shown = filled;
    if (tty) {
      std::cerr << "\rforecast [" << std::string(static_cast<size_t>(filled), '#')
                << std::string(static_cast<size_t>(kWidth - filled), '.') << "] " << done << "/" << total
                << " seed-days" << std::flush;
      if (done >= total) std::cerr << "\n";
    }
  };
  auto ens = forecast::RunEnsemble(*scenario, settings, opts);
  if (!ens.ok()) {
    if (tty) std::cerr << "\n";
    return Fail(ens.status());
  }
  const forecast::Scenario& sc = *scenario;
  std::cout << "forecast: " << flags.input << ": " << sc.locations.size() << " locations, "
            << sc.routes.size() << " routes, " << sc.length << " days from "
            << forecast::FormatIsoDate(sc.start_date) << ", " << ens->camps.size() << " camps; "
            << flags.seeds << " seed(s) from " << flags.first_seed << " on "
            << std::min(opts.threads, flags.seeds) << " thread(s)\n";
  std::cout << "error (averaged relative difference): " << Summary(ens->error, flags.seeds) << "\n";
  std::cout << "error rescaled:                       " << Summary(ens->error_rescaled, flags.seeds) << "\n";
  std::cout << "max E(t) after day 12:                " << Summary(ens->max_error_after_day12, flags.seeds)
            << "\n";
  const forecast::Baselines& b = ens->baselines;
  std::cout << fmt::format(
      "naive baselines (E on the same days): ratio7 {:.4f}, ratio30 {:.4f}, flat7 {:.4f}, flat30 {:.4f}, "
      "sloped7 {:.4f}, sloped30 {:.4f}, uniform split {:.4f}\n",
      b.ratio7, b.ratio30, b.flat7, b.flat30, b.sloped7, b.sloped30, b.uniform);
  double per_core = ens->cpu_seconds > 0 ? static_cast<double>(ens->agent_days) / ens->cpu_seconds : 0;
  double wall = ens->wall_seconds > 0 ? static_cast<double>(ens->agent_days) / ens->wall_seconds : 0;
  std::cout << fmt::format(
      "speed: {} agent-days in {:.2f} s: {:.1f} M agent-days/s per core, {:.1f} M/s on all threads; {} bytes "
      "per "
      "agent\n",
      ens->agent_days, ens->wall_seconds, per_core / 1e6, wall / 1e6, ens->bytes_per_agent);

  if (!flags.out.empty()) {
    std::ofstream out(flags.out, std::ios::binary | std::ios::trunc);
    if (!out) return Fail(Status::Internal(flags.out + ": cannot write"));
    out << "day,date";
    for (const auto& n : ens->camp_names) out << "," << n;
    out << ",total\n";
    for (size_t t = 0; t < ens->mean_counts.size(); ++t) {
      out << t << "," << forecast::FormatIsoDate(sc.start_date + static_cast<int>(t));
      double total = 0;
      for (double v : ens->mean_counts[t]) {
        out << "," << fmt::format("{:.6g}", v);
        total += v;
      }
      out << "," << fmt::format("{:.8g}", total) << "\n";
    }
    if (!out.flush()) return Fail(Status::Internal(flags.out + ": write failed"));
  }
  return 0;
}

}  // namespace waymark::cli
