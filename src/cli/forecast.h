// `waymark forecast run`: Flee's validation cases (or any folder in Flee's
// layout) through the forecasting engine (docs/forecast.md). Prints the
// averaged relative difference (plain and rescaled; mean, sd, min, max over
// seeds) and the speed in agent-days per second on stdout, a progress bar on
// stderr when it is a terminal; --out writes the mean camp populations.
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

}  // namespace waymark::cli
