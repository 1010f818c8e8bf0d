// The rule parameters of Flee's simsetting.yml, with Flee's code defaults,
// and the switches that fix Flee's bugs (all off by default: the engine
// behaves as Flee does unless told otherwise). docs/forecast.md explains
// each one.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace waymark::forecast {

struct Settings {
  // spawn_rules
  bool take_from_population = false;  // spawned agents reduce their location's population
  bool insert_day0 = true;            // day-0 camp agents from the data, and the day-0 capacity cut
  bool empty_camps_on_day0 = false;   // subtract the day-0 counts from the data, start with empty camps
  bool sum_from_camps = true;         // spawn from the sum of the camp series, not refugees.csv
  bool conflict_zone_spawning_only = true;
  std::vector<double> conflict_spawn_decay;  // empty: no decay
  int conflict_spawn_decay_interval = 30;    // days per decay step

  // move_rules
  double max_move_speed = 360.0;  // km per day
  double max_walk_speed = 35.0;   // km per day on the first leg when start_on_foot
  double foreign_weight = 1.0;
  double camp_weight = 1.0;
  double conflict_weight = 0.31622776601683794;  // 1/sqrt(10)
  double conflict_movechance = 1.0;
  double camp_movechance = 0.001;
  double idpcamp_movechance = 0.1;
  double default_movechance = 0.3;
  int awareness_level = 1;  // hops a planned route may have (1..4)
  double capacity_buffer = 0.9;
  double capacity_scaling = 1.0;
  bool avoid_short_stints = false;
  bool start_on_foot = false;
  double softening = 10.0;  // km added to every route length
  double weight_softening = 0.0;
  double weight_power = 1.0;
  double distance_power = 1.0;
  double pruning_threshold = 1.0;  // off at or below 1.001
  double movechance_pop_base = 10000.0;
  double movechance_pop_scale_factor = 0.0;

  // optimisations
  int hasten = 1;

  // Fixes of Flee's bugs (FLEE-MODEL.md §14); false = as Flee does.
  bool fix_location_closure = false;    // Q1: `location,A,B` closes the A–B link, not all of A's links
  bool fix_link_closure = false;        // Q2: `link,A,B` closes A→B and B→A (Flee: no effect)
  bool fix_day0_capacity = false;       // Q3: capacities stay the CSV values on day 0
  bool fix_redirect_duplicate = false;  // Q4: forced_redirection 1 adds no second, unflagged link pair
  bool fix_conflict_intensity = false;  // Q5: a change between two non-zero intensities is applied
  bool fix_spawn_weight_lag = false;    // Q6: spawn with the weights of the day itself
  // Not a bug fix: Flee 2017's rule that a flagged link whose end point is not
  // full is taken at once (current Flee stores the flag and ignores it).
  bool forced_redirection = false;

  // Test hook: no agent moves (the golden files were made that way).
  bool freeze_agents_for_test = false;
};

// Reads simsetting.yml (the subset Flee's files use: sections, `key: value`,
// True/False, numbers, [a, b] lists, # comments). Unknown sections and keys
// are listed in `ignored`, not refused: Flee's files carry options for rules
// this engine does not have. Errors name path:line:column.
Result<Settings> ReadSettings(const std::string& path, std::vector<std::string>* ignored = nullptr);
Result<Settings> ParseSettings(const std::string& text, const std::string& name,
                               std::vector<std::string>* ignored = nullptr);

// Sets one switch or parameter by its yml key or switch name ("fix_day0_capacity",
// "camp_weight", ...) from text; InvalidArgument for an unknown name or value.
Status SetOption(Settings& s, const std::string& key, const std::string& value);

}  // namespace waymark::forecast
