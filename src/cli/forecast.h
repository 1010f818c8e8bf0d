// `waymark forecast run`: Flee's validation cases (or any folder in Flee's
// layout) through the forecasting engine (docs/forecast.md). Prints the
// averaged relative difference (plain and rescaled; mean, sd, min, max over
// seeds) and the speed in agent-days per second on stdout, a progress bar on
// stderr when it is a terminal; --out writes the mean camp populations.
// `waymark forecast validate`: the three validation cases (Burundi, CAR,
// Mali) in one table, beside Flee's own figures and the naive baselines.
#pragma once

#include <string>
#include <vector>

namespace waymark::cli {

struct ForecastFlags {
  std::string input;             // Flee's conflict_input/<case> folder
  std::string validation;        // conflict_validation/<case>; guessed beside input when empty
  std::string settings;          // simsetting.yml; Flee's code defaults when empty
  std::vector<std::string> set;  // KEY=VALUE overrides (parameters and fix_* switches)
  int seeds = 1;
  int threads = 0;  // 0: one per core
  unsigned long long first_seed = 1;
  int days = 0;     // > 0: simulate only this many days (as Flee's runner allows)
  std::string out;  // CSV: day,date,<camp>...,total
};

// Exit codes: 0 done, 2 for malformed input or flags (the message names
// file:line:column), 1 otherwise.
int RunForecast(const ForecastFlags& flags);

struct ValidateFlags {
  std::string data =
      "../shared/data/flee";     // <case>/conflict_input/<case>, <case>/conflict_validation/<case><year>
  std::string settings;          // default: <data>/simsetting.yml (the settings of Flee's figures)
  std::vector<std::string> set;  // KEY=VALUE overrides, applied to every case
  int seeds = 10;
  int threads = 0;  // 0: one per core
  int days = 0;     // > 0: every case this many days (at most its period)
  std::vector<std::string> cases = {"burundi", "car", "mali"};  // in this order
};

// Same exit codes as RunForecast. Prints one Markdown table, a row per case.
int RunValidate(const ValidateFlags& flags);

}  // namespace waymark::cli
