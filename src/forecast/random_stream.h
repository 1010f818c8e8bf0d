// A counter-based random stream: every draw is a pure function of (seed,
// agent, day, draw index), so a run's result does not depend on how many
// threads run it or in which order agents are visited. The mixing function
// is SplitMix64's finaliser applied at counter position `ctr` of the stream
// whose state is the hashed seed (Steele, Lea and Flood, OOPSLA 2014).
#pragma once

#include <cstdint>

namespace waymark::forecast {

inline uint64_t SplitMix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

class RandomStream {
 public:
  explicit RandomStream(uint64_t seed) : key_(SplitMix(seed + 0x9E3779B97F4A7C15ULL)) {}

  // A uniform number in [0, 1) for an agent's decision. REQUIRES: agent <
  // 2^31, day < 2^20, draw < 2^12 (the engine caps chained hops per day).
  double Agent(uint32_t agent, uint32_t day, uint32_t draw) const {
    uint64_t ctr = (uint64_t{agent} << 32) | (uint64_t{day} << 12) | (draw & 0xFFFu);
    return ToUnit(SplitMix(key_ + ctr * 0x9E3779B97F4A7C15ULL));
  }
  // A uniform number in [0, 1) for the `index`-th agent spawned on `day`.
  double Spawn(uint32_t day, uint32_t index) const {
    uint64_t ctr = (uint64_t{1} << 63) | (uint64_t{day & 0x7FFFFFFFu} << 32) | index;
    return ToUnit(SplitMix(key_ + ctr * 0x9E3779B97F4A7C15ULL));
  }

 private:
  static double ToUnit(uint64_t h) { return static_cast<double>(h >> 11) * 0x1.0p-53; }
  uint64_t key_;
};

}  // namespace waymark::forecast
