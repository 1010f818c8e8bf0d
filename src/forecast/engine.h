// The Flee movement model, one run for one seed (docs/forecast.md states
// every rule). Agents live in arrays (structure of arrays, 13 bytes each at
// awareness level 1) and are processed in Flee's order, so a camp filling up
// during a day is seen by the agents that come after; every random number
// comes from a counter-based stream keyed by (seed, agent, day, draw), so a
// run is reproducible whatever the thread it runs on.
//
// Not thread-safe: one Simulation per thread (RunEnsemble does that).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/status.h"
#include "forecast/random_stream.h"
#include "forecast/scenario.h"
#include "forecast/settings.h"

namespace waymark::forecast {

class Simulation {
 public:
  // REQUIRES: `scenario` outlives the Simulation. InvalidArgument when the
  // scenario has no validation series (spawning follows them).
  static Result<std::unique_ptr<Simulation>> Create(const Scenario& scenario, const Settings& settings,
                                                    uint64_t seed);

  // Runs the next day. InvalidArgument when agents are due to spawn and no
  // location has a spawn weight (Flee stops there too).
  Status Step();
  int day() const { return day_; }  // the next day to run
  bool done() const { return day_ >= scenario_.length; }

  // The validation camps: every camp-type location, in file order.
  const std::vector<int>& camps() const { return camps_; }
  // Agents at location `loc` now (agents on links not counted).
  long long LocationCount(int loc) const { return loc_count_[static_cast<size_t>(loc)]; }
  long long AgentCount() const { return static_cast<long long>(agent_loc_.size()); }
  long long AgentsOnLinks() const;
  // Observed count of a series on a day (Flee's get_field), -1 when absent.
  long long Observed(int series, int day) const;
  // The camp's series index, or -1.
  int CampSeries(size_t camp_index) const { return camp_series_[camp_index]; }

  // What the last Step did (for tests and the golden comparison).
  long long new_agents() const { return new_agents_; }
  long long debt() const { return debt_; }
  long long raw_count() const { return raw_count_; }
  long long observed_in_camps() const { return observed_in_camps_; }
  const std::vector<double>& spawn_weights_used() const { return spawn_weights_used_; }
  const std::vector<double>& scores() const { return score_; }
  int OpenLinks() const;
  long long capacity(int loc) const { return capacity_[static_cast<size_t>(loc)]; }
  long long day0_agents(int loc) const { return day0_agents_[static_cast<size_t>(loc)]; }

  // Departures along each route of scenario.routes so far, both directions
  // together (the flows a map of the network draws).
  std::vector<long long> RouteFlows() const;

  // Test hook: puts n new agents at `loc` (as if spawned there).
  void AddAgentsForTest(int loc, long long n);

  // Bytes of agent state per agent.
  size_t BytesPerAgent() const;

 private:
  Simulation(const Scenario& scenario, const Settings& settings, uint64_t seed);
  Status Init();
  void UpdateConflicts(int t);
  long long SpawnCount(int t);
  Status Spawn(int t, long long n);
  void AddAgent(int loc);
  void ComputeSpawnWeights(int t);
  void ApplyClosures(int t);
  void ComputeScores(int t);
  double Decay(int days_since) const;
  double CapacityMultiplier(int loc) const;
  void Evolve(uint32_t agent, int t, bool force_town_move, uint32_t& draw);
  void FinishTravel(uint32_t agent, int t, double& moved, uint32_t& draw);
  // Chooses a route from `loc`; writes it into route_buf_ (may be empty).
  void SelectRoute(int loc, uint32_t agent, int t, uint32_t& draw);
  void Depart(uint32_t agent, int link);
  void SetLinksClosed(int from, int to, bool closed);
  long long Field(int series, int day) const;

  const Scenario& scenario_;
  Settings settings_;
  RandomStream random_;
  int day_ = 0;

  // Locations (dynamic state).
  size_t n_loc_ = 0;
  std::vector<double> movechance_;
  std::vector<uint8_t> camp_, idpcamp_, town_, marker_;
  std::vector<double> conflict_;  // -1: not a conflict zone
  std::vector<int> time_of_conflict_;
  std::vector<double> score_;
  std::vector<long long> loc_count_;
  std::vector<long long> capacity_;
  std::vector<long long> pop_;
  std::vector<double> spawn_weight_;
  std::vector<int> series_of_loc_;  // data series index or -1

  // Directed links.
  std::vector<int> link_from_, link_to_;
  std::vector<double> link_distance_;
  std::vector<uint8_t> link_closed_, link_forced_;
  std::vector<long long> link_count_;
  std::vector<long long> link_departures_;
  std::vector<int> link_route_;              // index into scenario_.routes
  std::vector<std::vector<int>> out_links_;  // per location, file order
  std::vector<double> link_base_weight_;     // (ws + score(to)) / (softening + d)^power, per day
  bool has_markers_ = false;

  // Agents (structure of arrays).
  std::vector<int32_t> agent_loc_;     // location, or link while travelling
  std::vector<uint8_t> agent_flags_;   // kTravelling | kFirstLeg
  std::vector<float> agent_progress_;  // km done on the current link
  std::vector<float> agent_recent_;    // avoid_short_stints only
  std::vector<int16_t> agent_route_;   // awareness_level > 1: the rest of the planned route
  std::vector<uint8_t> agent_route_len_;

  // Spawning and validation.
  std::vector<int> camps_;
  std::vector<int> camp_series_;
  std::vector<long long> day0_pop_;     // per series
  std::vector<long long> day0_agents_;  // per location
  long long debt_ = 0;
  long long raw_count_ = 0;
  long long new_agents_ = 0;
  long long observed_in_camps_ = 0;
  std::vector<double> spawn_weights_used_;
  std::vector<double> spawn_cumulative_;

  // Route selection scratch.
  struct Candidate {
    int first_link;
    int end;
    double distance;
    double weight;
    int path_begin;  // into path_buf_
    int path_len;
  };
  std::vector<Candidate> candidates_;
  std::vector<int> path_buf_;
  std::vector<int> route_buf_;
  std::vector<int> dfs_stack_;
};

}  // namespace waymark::forecast
