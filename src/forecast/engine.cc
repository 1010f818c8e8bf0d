#include "forecast/engine.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

namespace waymark::forecast {
namespace {

constexpr uint8_t kTravelling = 1;
constexpr uint8_t kFirstLeg = 2;
// Draw indices: the evolve phase uses 0..3, the chained evolves of the
// finish-travel phase 4 and up (three per hop at most).
constexpr uint32_t kFinishDraws = 4;
// Flee recurses once per hop within a day and stops with a RecursionError;
// a zero-length link could loop for ever. 1000 hops is far above any real day.
constexpr int kMaxHopsPerDay = 1000;

}  // namespace

Simulation::Simulation(const Scenario& scenario, const Settings& settings, uint64_t seed)
    : scenario_(scenario), settings_(settings), random_(seed) {}

Result<std::unique_ptr<Simulation>> Simulation::Create(const Scenario& scenario, const Settings& settings,
                                                       uint64_t seed) {
  if (scenario.series.empty()) {
    return Status::InvalidArgument(
        "no validation data: agents spawn from the daily change of the observed camp counts");
  }
  if (settings.awareness_level < 1 || settings.awareness_level > 4) {
    return Status::InvalidArgument("awareness_level must be 1..4");
  }
  if (settings.max_move_speed <= 0 || settings.max_walk_speed <= 0) {
    return Status::InvalidArgument("max_move_speed and max_walk_speed must be > 0");
  }
  std::unique_ptr<Simulation> sim(new Simulation(scenario, settings, seed));
  WM_RETURN_IF_ERROR(sim->Init());
  return sim;
}

Status Simulation::Init() {
  const auto& locs = scenario_.locations;
  n_loc_ = locs.size();
  movechance_.assign(n_loc_, 0);
  camp_.assign(n_loc_, 0);
  idpcamp_.assign(n_loc_, 0);
  town_.assign(n_loc_, 0);
  marker_.assign(n_loc_, 0);
  conflict_.assign(n_loc_, -1);
  time_of_conflict_.assign(n_loc_, -1);
  score_.assign(n_loc_, 1);
  loc_count_.assign(n_loc_, 0);
  capacity_.assign(n_loc_, -1);
  pop_.assign(n_loc_, 0);
  spawn_weight_.assign(n_loc_, 0);
  series_of_loc_.assign(n_loc_, -1);
  day0_agents_.assign(n_loc_, 0);
  out_links_.assign(n_loc_, {});
  for (size_t i = 0; i < n_loc_; ++i) {
    const Location& l = locs[i];
    capacity_[i] = l.capacity;
    pop_[i] = l.population;
    series_of_loc_[i] = scenario_.FindSeries(l.name);
    switch (l.kind) {
      case LocationKind::kCamp:
        camp_[i] = 1;
        movechance_[i] = settings_.camp_movechance;
        break;
      case LocationKind::kIdpCamp:
        idpcamp_[i] = 1;
        movechance_[i] = settings_.idpcamp_movechance;
        break;
      case LocationKind::kConflictZone:
        conflict_[i] = l.conflict_intensity;
        movechance_[i] = settings_.conflict_movechance;
        break;
      case LocationKind::kTown:
        town_[i] = 1;
        movechance_[i] = settings_.default_movechance;
        break;
      case LocationKind::kForwardingHub: movechance_[i] = 1.0; break;
      case LocationKind::kMarker:
        marker_[i] = 1;
        has_markers_ = true;
        movechance_[i] = 1.0;
        break;
      case LocationKind::kFloodZone: movechance_[i] = settings_.default_movechance; break;
    }
    // Flee turns any location that hardly ever moves into a camp.
    if (movechance_[i] < 0.005 && !camp_[i] && !idpcamp_[i] && l.kind != LocationKind::kFloodZone)
      camp_[i] = 1;
  }
  int route_index = 0;
  auto add_link = [&](int from, int to, double d, bool forced) {
    link_route_.push_back(route_index);
    link_departures_.push_back(0);
    out_links_[static_cast<size_t>(from)].push_back(static_cast<int>(link_from_.size()));
    link_from_.push_back(from);
    link_to_.push_back(to);
    link_distance_.push_back(d);
    link_closed_.push_back(0);
    link_forced_.push_back(forced ? 1 : 0);
    link_count_.push_back(0);
  };
  for (const Route& r : scenario_.routes) {
    add_link(r.from, r.to, r.distance, r.forced_redirection == 1);
    add_link(r.to, r.from, r.distance, r.forced_redirection == 2);
    if (r.forced_redirection == 1 && !settings_.fix_redirect_duplicate) {
      // Flee's `if` where an `elif` was meant: a second, unflagged pair.
      add_link(r.from, r.to, r.distance, false);
      add_link(r.to, r.from, r.distance, false);
    }
    ++route_index;
  }
  link_base_weight_.assign(link_from_.size(), 0);

  for (size_t i = 0; i < n_loc_; ++i) {
    if (camp_[i] || idpcamp_[i]) {
      camps_.push_back(static_cast<int>(i));
      camp_series_.push_back(series_of_loc_[i]);
    }
  }
  day0_pop_.assign(scenario_.series.size(), 0);
  for (size_t c = 0; c < scenario_.series.size(); ++c) day0_pop_[c] = scenario_.series[c].corrected.At(0);

  // Day-0 agents in the camps, in camp order.
  if (settings_.insert_day0) {
    for (size_t k = 0; k < camps_.size(); ++k) {
      if (camp_series_[k] < 0) continue;
      long long n = std::max(0LL, Field(camp_series_[k], 0));
      int loc = camps_[k];
      for (long long a = 0; a < n; ++a) {
        agent_loc_.push_back(loc);
        agent_flags_.push_back(kFirstLeg);
      }
      loc_count_[static_cast<size_t>(loc)] += n;
      day0_agents_[static_cast<size_t>(loc)] = n;
    }
  }
  agent_progress_.assign(agent_loc_.size(), 0.0F);
  if (settings_.avoid_short_stints) agent_recent_.assign(agent_loc_.size(), 0.0F);
  if (settings_.awareness_level > 1) {
    agent_route_.assign(agent_loc_.size() * static_cast<size_t>(settings_.awareness_level), 0);
    agent_route_len_.assign(agent_loc_.size(), 0);
  }
  ComputeScores(0);
  ComputeSpawnWeights(0);
  return Status::Ok();
}

long long Simulation::Field(int series, int day) const {
  long long v = scenario_.series[static_cast<size_t>(series)].corrected.At(day);
  if (settings_.empty_camps_on_day0) v -= day0_pop_[static_cast<size_t>(series)];
  return v;
}

long long Simulation::Observed(int series, int day) const { return series < 0 ? -1 : Field(series, day); }

double Simulation::Decay(int days_since) const {
  const auto& l = settings_.conflict_spawn_decay;
  if (l.empty()) return 1.0;
  int idx = std::max(0, days_since) / settings_.conflict_spawn_decay_interval;
  return l[static_cast<size_t>(std::min<int>(idx, static_cast<int>(l.size()) - 1))];
}

void Simulation::ComputeSpawnWeights(int t) {
  for (size_t i = 0; i < n_loc_; ++i) {
    double w = 0;
    if (conflict_[i] > 0) {
      w = static_cast<double>(pop_[i]) * conflict_[i] * Decay(t - time_of_conflict_[i]);
    } else if (!settings_.conflict_zone_spawning_only) {
      w = static_cast<double>(pop_[i]);
    }
    spawn_weight_[i] = w;
  }
}

void Simulation::ComputeScores(int t) {
  for (size_t i = 0; i < n_loc_; ++i) {
    double s = 1.0;
    if (scenario_.locations[i].foreign) s *= settings_.foreign_weight;
    if (camp_[i] || idpcamp_[i]) s *= settings_.camp_weight;
    if (conflict_[i] > 0)
      s *= std::pow(settings_.conflict_weight, Decay(t - time_of_conflict_[i]) * conflict_[i]);
    score_[i] = s;
  }
  for (size_t l = 0; l < link_from_.size(); ++l) {
    double num = settings_.weight_softening + score_[static_cast<size_t>(link_to_[l])];
    double den = settings_.softening + link_distance_[l];
    link_base_weight_[l] =
        num / (settings_.distance_power == 1.0 ? den : std::pow(den, settings_.distance_power));
  }
}

void Simulation::UpdateConflicts(int t) {
  bool changed = false;
  auto activate = [&](size_t i, double x) {
    movechance_[i] = settings_.conflict_movechance;
    conflict_[i] = x;
    town_[i] = 0;
    time_of_conflict_[i] = t;
    changed = true;
  };
  if (scenario_.conflicts) {
    const ConflictTable& c = *scenario_.conflicts;
    const auto& today = c.days[static_cast<size_t>(t)];
    for (size_t k = 0; k < c.locations.size(); ++k) {
      if (c.locations[k] < 0) continue;  // a name with no location: harmless (Flee prints an error)
      size_t i = static_cast<size_t>(c.locations[k]);
      double x = today[k];
      double prev = t > 0 ? c.days[static_cast<size_t>(t - 1)][k] : 0.0;
      if (x > 1e-6 && (t == 0 || prev < 1e-6)) {
        activate(i, x);
      } else if (x < 1e-6 && t > 0 && prev >= 1e-6) {
        movechance_[i] = settings_.default_movechance;
        conflict_[i] = -1;
        town_[i] = 1;
        changed = true;
      } else if (settings_.fix_conflict_intensity && x > 1e-6 && prev > 1e-6 && x != prev) {
        conflict_[i] = x;
        changed = true;
      }
    }
  } else {
    // Without conflicts.csv a zone switches on on its conflict_date (Flee's
    // own branch for this reads the wrong columns; this is what it means).
    for (size_t i = 0; i < n_loc_; ++i) {
      const Location& l = scenario_.locations[i];
      if (l.kind == LocationKind::kTown && l.conflict_date > 0 && l.conflict_date == t) {
        activate(i, l.conflict_intensity);
      }
    }
  }
  if (changed) ComputeSpawnWeights(t);
}

long long Simulation::SpawnCount(int t) {
  const auto& series = scenario_.series;
  if (t == 0) {
    long long camps0 = 0;
    for (size_t c = 1; c < series.size(); ++c) camps0 += Field(static_cast<int>(c), 0);
    raw_count_ = series[0].corrected.At(0) + camps0;
    if (settings_.insert_day0) {
      if (!settings_.fix_day0_capacity) {
        // Flee cuts every capacity by the camp's day-0 count although those
        // people are already placed in it (FLEE-MODEL.md §4.2.4).
        for (size_t i = 0; i < n_loc_; ++i) {
          if (capacity_[i] > 0 && series_of_loc_[i] >= 0)
            capacity_[i] -= day0_pop_[static_cast<size_t>(series_of_loc_[i])];
        }
      }
      return 0;
    }
    return settings_.sum_from_camps ? camps0 : Field(0, 0);
  }
  long long delta = 0;
  if (settings_.sum_from_camps) {
    for (size_t c = 1; c < series.size(); ++c)
      delta += Field(static_cast<int>(c), t) - Field(static_cast<int>(c), t - 1);
  } else {
    delta = Field(0, t) - Field(0, t - 1);
  }
  raw_count_ += delta;
  long long n = delta - debt_;
  if (n < 0) {
    debt_ = -n;
    n = 0;
  } else {
    debt_ = 0;
  }
  return n;
}

Status Simulation::Spawn(int t, long long n) {
  if (n <= 0) return Status::Ok();
  spawn_cumulative_.resize(n_loc_);
  double total = 0;
  for (size_t i = 0; i < n_loc_; ++i) {
    total += spawn_weight_[i];
    spawn_cumulative_[i] = total;
  }
  if (!(total > 0)) {
    return Status::InvalidArgument(
        "day " + std::to_string(t) + ": " + std::to_string(n) +
        " people to spawn but no location has a spawn weight (no active conflict zone)");
  }
  if (agent_loc_.size() + static_cast<size_t>(n) > (size_t{1} << 31)) {
    return Status::InvalidArgument("more than 2^31 agents");
  }
  for (long long k = 0; k < n; ++k) {
    double u = random_.Spawn(static_cast<uint32_t>(t), static_cast<uint32_t>(k)) * total;
    size_t idx = static_cast<size_t>(std::upper_bound(spawn_cumulative_.begin(), spawn_cumulative_.end(), u) -
                                     spawn_cumulative_.begin());
    if (idx >= n_loc_) idx = n_loc_ - 1;
    while (spawn_weight_[idx] <= 0 && idx > 0) --idx;  // rounding at the very top: the last weighted location
    AddAgent(static_cast<int>(idx));
    if (settings_.take_from_population && pop_[idx] > 0) --pop_[idx];
  }
  return Status::Ok();
}

void Simulation::AddAgent(int loc) {
  agent_loc_.push_back(loc);
  agent_flags_.push_back(kFirstLeg);
  agent_progress_.push_back(0.0F);
  if (settings_.avoid_short_stints) agent_recent_.push_back(0.0F);
  if (settings_.awareness_level > 1) {
    agent_route_len_.push_back(0);
    agent_route_.resize(agent_route_.size() + static_cast<size_t>(settings_.awareness_level), 0);
  }
  ++loc_count_[static_cast<size_t>(loc)];
}

void Simulation::AddAgentsForTest(int loc, long long n) {
  for (long long k = 0; k < n; ++k) AddAgent(loc);
}

void Simulation::SetLinksClosed(int from, int to, bool closed) {
  for (int l : out_links_[static_cast<size_t>(from)]) {
    if (link_to_[static_cast<size_t>(l)] == to) link_closed_[static_cast<size_t>(l)] = closed ? 1 : 0;
  }
  for (int l : out_links_[static_cast<size_t>(to)]) {
    if (link_to_[static_cast<size_t>(l)] == from) link_closed_[static_cast<size_t>(l)] = closed ? 1 : 0;
  }
}

void Simulation::ApplyClosures(int t) {
  const auto& locs = scenario_.locations;
  for (const Closure& c : scenario_.closures) {
    for (int pass = 0; pass < 2; ++pass) {
      bool close = pass == 0;
      if ((close && t != c.start) || (!close && t != c.end)) continue;
      int a = scenario_.FindLocation(c.name1);
      int b = scenario_.FindLocation(c.name2);
      switch (c.kind) {
        case ClosureKind::kCountry:
          for (size_t l = 0; l < link_from_.size(); ++l) {
            const std::string& cf = locs[static_cast<size_t>(link_from_[l])].country;
            const std::string& ct = locs[static_cast<size_t>(link_to_[l])].country;
            if ((cf == c.name1 && ct == c.name2) || (cf == c.name2 && ct == c.name1))
              link_closed_[l] = close ? 1 : 0;
          }
          break;
        case ClosureKind::kLocation:
          if (settings_.fix_location_closure) {
            if (b >= 0) SetLinksClosed(a, b, close);
          } else {
            // Flee ignores name2 and cuts name1 off entirely.
            for (size_t l = 0; l < link_from_.size(); ++l) {
              if (link_from_[l] == a || link_to_[l] == a) link_closed_[l] = close ? 1 : 0;
            }
          }
          break;
        case ClosureKind::kLink:
          if (settings_.fix_link_closure) SetLinksClosed(a, b, close);  // Flee: no effect
          break;
        case ClosureKind::kCamp:
        case ClosureKind::kIdpCamp: {
          size_t i = static_cast<size_t>(a);
          bool idp = c.kind == ClosureKind::kIdpCamp;
          if (close) {
            movechance_[i] = settings_.default_movechance;
            camp_[i] = 0;
            idpcamp_[i] = 0;
            conflict_[i] = -1;
            town_[i] = 1;
          } else {
            (idp ? idpcamp_ : camp_)[i] = 1;
            movechance_[i] = idp ? settings_.idpcamp_movechance : settings_.camp_movechance;
            town_[i] = 0;
          }
          break;
        }
        case ClosureKind::kRemoveForcedRedirection:
          for (int l : out_links_[static_cast<size_t>(a)]) {
            if (link_to_[static_cast<size_t>(l)] == b) link_forced_[static_cast<size_t>(l)] = close ? 0 : 1;
          }
          break;
      }
    }
  }
}

int Simulation::OpenLinks() const {
  int n = 0;
  for (uint8_t c : link_closed_) n += c ? 0 : 1;
  return n;
}

std::vector<long long> Simulation::RouteFlows() const {
  std::vector<long long> flows(scenario_.routes.size(), 0);
  for (size_t l = 0; l < link_departures_.size(); ++l)
    flows[static_cast<size_t>(link_route_[l])] += link_departures_[l];
  return flows;
}

long long Simulation::AgentsOnLinks() const {
  long long n = 0;
  for (long long c : link_count_) n += c;
  return n;
}

size_t Simulation::BytesPerAgent() const {
  size_t b = sizeof(int32_t) + sizeof(uint8_t) + sizeof(float);
  if (settings_.avoid_short_stints) b += sizeof(float);
  if (settings_.awareness_level > 1)
    b += 1 + sizeof(int16_t) * static_cast<size_t>(settings_.awareness_level);
  return b;
}

double Simulation::CapacityMultiplier(int loc) const {
  double cap = static_cast<double>(capacity_[static_cast<size_t>(loc)]) * settings_.capacity_scaling;
  if (cap < 1) return 1.0;
  double n = static_cast<double>(loc_count_[static_cast<size_t>(loc)]);
  double b = settings_.capacity_buffer;
  if (n <= b * cap) return 1.0;
  if (n >= cap) return 0.0;
  return 1.0 - (n - b * cap) / (cap * (1.0 - b));
}

void Simulation::SelectRoute(int loc, uint32_t agent, int t, uint32_t& draw) {
  route_buf_.clear();
  const auto& out = out_links_[static_cast<size_t>(loc)];
  if (settings_.forced_redirection) {
    // Flee 2017: a flagged link whose end point is not full is taken at once.
    for (int l : out) {
      size_t li = static_cast<size_t>(l);
      if (!link_closed_[li] && link_forced_[li] && CapacityMultiplier(link_to_[li]) > 0) {
        route_buf_.push_back(link_to_[li]);
        return;
      }
    }
  }
  candidates_.clear();
  path_buf_.clear();
  const double wp = settings_.weight_power;
  if (settings_.awareness_level == 1 && !has_markers_) {
    for (int l : out) {
      size_t li = static_cast<size_t>(l);
      if (link_closed_[li]) continue;
      int to = link_to_[li];
      double w = link_base_weight_[li] * CapacityMultiplier(to);
      if (wp != 1.0) w = std::pow(w, wp);
      candidates_.push_back({l, to, link_distance_[li], w, static_cast<int>(path_buf_.size()), 1});
      path_buf_.push_back(to);
    }
  } else {
    // Every loop-free path of at most A hops over open links; markers are
    // passed through without counting as a hop or being a destination.
    std::vector<int> path;
    std::function<void(int, double, int)> walk = [&](int at, double dist, int hops) {
      for (int l : out_links_[static_cast<size_t>(at)]) {
        size_t li = static_cast<size_t>(l);
        if (link_closed_[li]) continue;
        int to = link_to_[li];
        if (to == loc || std::find(path.begin(), path.end(), to) != path.end()) continue;
        double d = dist + link_distance_[li];
        path.push_back(to);
        if (marker_[static_cast<size_t>(to)]) {
          walk(to, d, hops);
        } else {
          double den = settings_.softening + d;
          double w = (settings_.weight_softening + score_[static_cast<size_t>(to)]) /
                     std::pow(den, settings_.distance_power) * CapacityMultiplier(to);
          if (wp != 1.0) w = std::pow(w, wp);
          candidates_.push_back(
              {-1, to, d, w, static_cast<int>(path_buf_.size()), static_cast<int>(path.size())});
          path_buf_.insert(path_buf_.end(), path.begin(), path.end());
          if (hops + 1 < settings_.awareness_level) walk(to, d, hops + 1);
        }
        path.pop_back();
      }
    };
    walk(loc, 0.0, 0);
  }
  if (candidates_.empty()) return;  // every link closed: the agent stays (Flee: "Empty route")
  if (settings_.pruning_threshold > 1.001) {
    double max_w = 0;
    for (const auto& c : candidates_) max_w = std::max(max_w, c.weight);
    std::erase_if(candidates_,
                  [&](const Candidate& c) { return c.weight < max_w / settings_.pruning_threshold; });
  }
  double sum = 0;
  for (const auto& c : candidates_) sum += c.weight;
  double u = random_.Agent(agent, static_cast<uint32_t>(t), draw++);
  size_t pick = 0;
  if (!(sum > 0)) {
    pick = std::min(candidates_.size() - 1, static_cast<size_t>(u * static_cast<double>(candidates_.size())));
  } else {
    double x = u * sum;
    double acc = 0;
    pick = candidates_.size() - 1;
    for (size_t k = 0; k < candidates_.size(); ++k) {
      acc += candidates_[k].weight;
      if (x < acc) {
        pick = k;
        break;
      }
    }
  }
  const Candidate& c = candidates_[pick];
  route_buf_.assign(path_buf_.begin() + c.path_begin, path_buf_.begin() + c.path_begin + c.path_len);
}

void Simulation::Depart(uint32_t agent, int link) {
  size_t li = static_cast<size_t>(link);
  --loc_count_[static_cast<size_t>(link_from_[li])];
  ++link_count_[li];
  ++link_departures_[li];
  agent_loc_[agent] = link;
  agent_flags_[agent] |= kTravelling;
  agent_progress_[agent] = 0.0F;
}

void Simulation::Evolve(uint32_t agent, int t, bool force_town_move, uint32_t& draw) {
  if (agent_flags_[agent] & kTravelling) return;
  int loc = agent_loc_[agent];
  size_t ls = static_cast<size_t>(loc);
  const size_t a = static_cast<size_t>(settings_.awareness_level);
  bool has_route = a > 1 && agent_route_len_[agent] > 0;
  double p;
  if (force_town_move && town_[ls]) {
    p = 1.0;
  } else if (has_route) {
    p = 1.0;
  } else {
    p = movechance_[ls];
    if (settings_.movechance_pop_scale_factor != 0.0) {
      double size = static_cast<double>(std::max(pop_[ls], capacity_[ls]));
      p *= std::pow(size / settings_.movechance_pop_base, settings_.movechance_pop_scale_factor);
    }
  }
  double u = random_.Agent(agent, static_cast<uint32_t>(t), draw++);
  if (!(u < p)) return;
  if (has_route) {
    route_buf_.assign(
        agent_route_.begin() + static_cast<std::ptrdiff_t>(agent * a),
        agent_route_.begin() + static_cast<std::ptrdiff_t>(agent * a + agent_route_len_[agent]));
  } else {
    SelectRoute(loc, agent, t, draw);
    if (route_buf_.empty()) return;
  }
  int next = route_buf_.front();
  int link = -1;
  for (int l : out_links_[ls]) {
    if (!link_closed_[static_cast<size_t>(l)] && link_to_[static_cast<size_t>(l)] == next) {
      link = l;
      break;
    }
  }
  auto clear_route = [&] {
    if (a > 1) agent_route_len_[agent] = 0;
  };
  if (link < 0) {
    clear_route();
    return;
  }
  int final = route_buf_.back();
  size_t fs = static_cast<size_t>(final);
  if ((camp_[fs] || idpcamp_[fs]) && CapacityMultiplier(final) < 0.5) {
    clear_route();
    return;
  }
  if (a > 1) {
    size_t rest = route_buf_.size() - 1;
    for (size_t k = 0; k < rest; ++k) agent_route_[agent * a + k] = static_cast<int16_t>(route_buf_[k + 1]);
    agent_route_len_[agent] = static_cast<uint8_t>(rest);
  }
  Depart(agent, link);
}

void Simulation::FinishTravel(uint32_t agent, int t, double& moved, uint32_t& draw) {
  for (int hops = 0; agent_flags_[agent] & kTravelling; ++hops) {
    size_t li = static_cast<size_t>(agent_loc_[agent]);
    double length = link_distance_[li];
    double v = (settings_.start_on_foot && (agent_flags_[agent] & kFirstLeg)) ? settings_.max_walk_speed
                                                                              : settings_.max_move_speed;
    float progress = agent_progress_[agent] + static_cast<float>(v);
    agent_progress_[agent] = progress;
    moved += v;
    if (!(static_cast<double>(progress) > length)) return;
    agent_flags_[agent] &= static_cast<uint8_t>(~(kFirstLeg | kTravelling));
    moved += length - static_cast<double>(progress);
    --link_count_[li];
    if (link_closed_[li]) {
      // A link closed under the agent's feet: back to where it started.
      agent_loc_[agent] = link_from_[li];
      ++loc_count_[static_cast<size_t>(link_from_[li])];
      return;
    }
    int to = link_to_[li];
    agent_loc_[agent] = to;
    ++loc_count_[static_cast<size_t>(to)];
    if (!(moved < v) || hops >= kMaxHopsPerDay) return;
    bool force = settings_.avoid_short_stints &&
                 (static_cast<double>(agent_recent_[agent]) + moved / settings_.max_move_speed) / 2 < 0.5;
    Evolve(agent, t, force, draw);
  }
}

Status Simulation::Step() {
  // Invariant: callers stop at done() (RunEnsemble and the tests loop on it).
  assert(!done());
  const int t = day_;
  UpdateConflicts(t);
  if (settings_.fix_spawn_weight_lag) ComputeSpawnWeights(t);
  long long n = SpawnCount(t);
  new_agents_ = n;
  spawn_weights_used_ = spawn_weight_;
  WM_RETURN_IF_ERROR(Spawn(t, n));
  ComputeSpawnWeights(t);
  ApplyClosures(t);
  ComputeScores(t);

  if (!settings_.freeze_agents_for_test) {
    const uint32_t count = static_cast<uint32_t>(agent_loc_.size());
    const uint32_t day = static_cast<uint32_t>(t);
    const size_t a = static_cast<size_t>(settings_.awareness_level);
    // Evolve: the hot loop. Most agents sit in camps with a move chance of
    // 0.001; for them this is one hash and one comparison.
    bool plain = a == 1 && settings_.movechance_pop_scale_factor == 0.0;
    for (uint32_t i = 0; i < count; ++i) {
      if (agent_flags_[i] & kTravelling) continue;
      if (plain) {
        double p = movechance_[static_cast<size_t>(agent_loc_[i])];
        if (!(random_.Agent(i, day, 0) < p)) continue;
      }
      uint32_t draw = 0;
      Evolve(i, t, false, draw);
    }
    for (uint32_t i = 0; i < count; ++i) {
      double moved = 0;
      if (agent_flags_[i] & kTravelling) {
        uint32_t draw = kFinishDraws;
        FinishTravel(i, t, moved, draw);
      }
      if (settings_.avoid_short_stints) {
        agent_recent_[i] = static_cast<float>(
            (static_cast<double>(agent_recent_[i]) + moved / settings_.max_move_speed) / 2);
      }
    }
  }
  observed_in_camps_ = 0;
  for (size_t k = 0; k < camps_.size(); ++k) {
    if (camp_series_[k] >= 0) observed_in_camps_ += Field(camp_series_[k], t);
  }
  ++day_;
  return Status::Ok();
}

}  // namespace waymark::forecast
