#include "os_gateway/profile_options.hpp"

#include "messages/error.hpp"

#include <caf/make_config_option.hpp>

#include <chrono>
#include <string>

namespace utsjekk::os {

void profile_options::add_to(caf::config_option_adder& group) {
  group
    .add(latency_min, "latency-min", "least kvittering latency (default 0s)")
    .add(latency_max, "latency-max",
         "largest kvittering latency (default 0s)")
    .add(rate_12, "rate-12",
         "share of oppdrag answered with 12, 0 to 1 (default 0)")
    .add(rate_lost, "rate-lost",
         "share of kvitteringer lost, 0 to 1 (default 0)")
    .add(rate_duplicate, "rate-duplicate",
         "share of kvitteringer delivered twice, 0 to 1 (default 0)")
    .add(opening_hours, "opening-hours",
         "hold kvitteringer while OS is closed (default false)")
    .add(seed, "seed", "seed of the simulated OS' random draws (default 1)");
}

simulator_profile profile_options::profile() const {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  simulator_profile result;
  result.latency_min = duration_cast<milliseconds>(latency_min);
  result.latency_max = duration_cast<milliseconds>(latency_max);
  result.rate_12 = rate_12;
  result.rate_lost = rate_lost;
  result.rate_duplicate = rate_duplicate;
  result.opening_hours = opening_hours;
  result.seed = seed;
  return result;
}

caf::error validate(const simulator_profile& x) {
  auto rate_ok = [](double r) { return r >= 0.0 && r <= 1.0; };
  if (!rate_ok(x.rate_12) || !rate_ok(x.rate_lost)
      || !rate_ok(x.rate_duplicate))
    return caf::make_error(ec::invalid_config,
                           std::string{"OS simulator rates must lie in "
                                       "[0, 1]"});
  if (x.latency_max < x.latency_min)
    return caf::make_error(ec::invalid_config,
                           std::string{"os-latency-max must not be below "
                                       "os-latency-min"});
  return caf::none;
}

} // namespace utsjekk::os
