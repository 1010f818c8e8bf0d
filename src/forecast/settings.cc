#include "forecast/settings.h"

#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "core/strings.h"
#include "forecast/csv.h"

namespace waymark::forecast {
namespace {

bool ParseBool(std::string_view v, bool& out) {
  std::string l = ToLowerAscii(TrimAscii(v));
  if (l == "true" || l == "1" || l == "yes") {
    out = true;
    return true;
  }
  if (l == "false" || l == "0" || l == "no") {
    out = false;
    return true;
  }
  return false;
}

using Setter = std::function<bool(Settings&, std::string_view)>;

Setter Bool(bool Settings::*field) {
  return [field](Settings& s, std::string_view v) { return ParseBool(v, s.*field); };
}
Setter Double(double Settings::*field) {
  return [field](Settings& s, std::string_view v) { return ParseDouble(v, s.*field); };
}
Setter Int(int Settings::*field, long long lo, long long hi) {
  return [field, lo, hi](Settings& s, std::string_view v) {
    long long n = 0;
    double d = 0;
    if (!ParseInt(v, n)) {
      // Flee's files write 1.0 for an integer at times.
      // Range first: casting a double beyond long long is undefined.
      if (!ParseDouble(v, d) || !(d >= static_cast<double>(lo) && d <= static_cast<double>(hi)) ||
          d != std::floor(d)) {
        return false;
      }
      n = static_cast<long long>(d);
    }
    if (n < lo || n > hi) return false;
    s.*field = static_cast<int>(n);
    return true;
  };
}

bool ParseList(std::string_view v, std::vector<double>& out) {
  v = TrimAscii(v);
  if (v == "None" || v == "null" || v == "~") {
    out.clear();
    return true;
  }
  if (v.size() < 2 || v.front() != '[' || v.back() != ']') return false;
  out.clear();
  v = v.substr(1, v.size() - 2);
  if (TrimAscii(v).empty()) return true;
  for (auto part : Split(v, ',')) {
    double d = 0;
    if (!ParseDouble(part, d) || d < 0) return false;
    out.push_back(d);
  }
  return true;
}

const std::map<std::string, Setter>& Setters() {
  static const auto* m = new std::map<std::string, Setter>{
      {"take_from_population", Bool(&Settings::take_from_population)},
      {"insert_day0", Bool(&Settings::insert_day0)},
      {"empty_camps_on_day0", Bool(&Settings::empty_camps_on_day0)},
      {"sum_from_camps", Bool(&Settings::sum_from_camps)},
      {"conflict_zone_spawning_only", Bool(&Settings::conflict_zone_spawning_only)},
      {"conflict_spawn_decay",
       [](Settings& s, std::string_view v) { return ParseList(v, s.conflict_spawn_decay); }},
      {"conflict_spawn_decay_interval", Int(&Settings::conflict_spawn_decay_interval, 1, 100000)},
      {"max_move_speed", Double(&Settings::max_move_speed)},
      {"max_walk_speed", Double(&Settings::max_walk_speed)},
      {"foreign_weight", Double(&Settings::foreign_weight)},
      {"camp_weight", Double(&Settings::camp_weight)},
      {"conflict_weight", Double(&Settings::conflict_weight)},
      {"conflict_movechance", Double(&Settings::conflict_movechance)},
      {"camp_movechance", Double(&Settings::camp_movechance)},
      {"idpcamp_movechance", Double(&Settings::idpcamp_movechance)},
      {"default_movechance", Double(&Settings::default_movechance)},
      {"awareness_level", Int(&Settings::awareness_level, 1, 4)},
      {"capacity_buffer", Double(&Settings::capacity_buffer)},
      {"capacity_scaling", Double(&Settings::capacity_scaling)},
      {"avoid_short_stints", Bool(&Settings::avoid_short_stints)},
      {"start_on_foot", Bool(&Settings::start_on_foot)},
      {"softening", Double(&Settings::softening)},
      {"weight_softening", Double(&Settings::weight_softening)},
      {"weight_power", Double(&Settings::weight_power)},
      {"distance_power", Double(&Settings::distance_power)},
      {"pruning_threshold", Double(&Settings::pruning_threshold)},
      {"movechance_pop_base", Double(&Settings::movechance_pop_base)},
      {"movechance_pop_scale_factor", Double(&Settings::movechance_pop_scale_factor)},
      {"hasten", Int(&Settings::hasten, 1, 1000000)},
      {"fix_location_closure", Bool(&Settings::fix_location_closure)},
      {"fix_link_closure", Bool(&Settings::fix_link_closure)},
      {"fix_day0_capacity", Bool(&Settings::fix_day0_capacity)},
      {"fix_redirect_duplicate", Bool(&Settings::fix_redirect_duplicate)},
      {"fix_conflict_intensity", Bool(&Settings::fix_conflict_intensity)},
      {"fix_spawn_weight_lag", Bool(&Settings::fix_spawn_weight_lag)},
      {"forced_redirection", Bool(&Settings::forced_redirection)},
  };
  return *m;
}

}  // namespace

Status SetOption(Settings& s, const std::string& key, const std::string& value) {
  auto it = Setters().find(key);
  if (it == Setters().end()) return Status::InvalidArgument("unknown setting \"" + key + "\"");
  if (!it->second(s, value))
    return Status::InvalidArgument("setting " + key + ": bad value \"" + value + "\"");
  return Status::Ok();
}

Result<Settings> ParseSettings(const std::string& text, const std::string& name,
                               std::vector<std::string>* ignored) {
  Settings s;
  std::istringstream in(text);
  std::string raw;
  int line = 0;
  std::string section;
  while (std::getline(in, raw)) {
    ++line;
    if (!raw.empty() && raw.back() == '\r') raw.pop_back();
    std::string_view l = raw;
    size_t hash = l.find('#');
    if (hash != std::string_view::npos) l = l.substr(0, hash);
    if (TrimAscii(l).empty()) continue;
    size_t indent = l.find_first_not_of(' ');
    if (l[indent] == '\t')
      return InputError(name, line, static_cast<int>(indent) + 1, "tabs are not allowed in YAML");
    size_t colon = l.find(':');
    if (colon == std::string_view::npos) {
      return InputError(name, line, static_cast<int>(indent) + 1, "expected \"key: value\"");
    }
    std::string key(TrimAscii(l.substr(indent, colon - indent)));
    std::string_view value = TrimAscii(l.substr(colon + 1));
    int value_column = static_cast<int>(l.find_first_not_of(' ', colon + 1)) + 1;
    if (indent == 0) {
      section = key;
      if (!value.empty()) {
        return InputError(name, line, value_column, "a top-level key is a section and takes no value");
      }
      continue;
    }
    if (section == "log_levels") continue;
    auto it = Setters().find(key);
    bool known_section = section == "spawn_rules" || section == "move_rules" || section == "optimisations";
    if (it == Setters().end() || !known_section) {
      if (ignored) {
        std::string full = section;
        full += ".";
        full += key;
        ignored->push_back(std::move(full));
      }
      continue;
    }
    if (!it->second(s, value)) {
      return InputError(name, line, value_column, "bad value \"" + std::string(value) + "\" for " + key);
    }
  }
  return s;
}

Result<Settings> ReadSettings(const std::string& path, std::vector<std::string>* ignored) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": cannot open the file");
  std::ostringstream buf;
  buf << in.rdbuf();
  return ParseSettings(buf.str(), path, ignored);
}

}  // namespace waymark::forecast
