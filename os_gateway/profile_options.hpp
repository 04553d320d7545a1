#pragma once

#include "os_gateway/simulator.hpp"

#include <caf/config_option_adder.hpp>
#include <caf/error.hpp>
#include <caf/timespan.hpp>

#include <cstddef>

namespace utsjekk::os {

/// The simulated OS' profile as command-line and config-file options, the
/// same in utsjekk (the in-process simulator) and in utsjekk-os: latency,
/// rates, opening hours and seed.
struct profile_options {
  caf::timespan latency_min{0};
  caf::timespan latency_max{0};
  double rate_12 = 0.0;
  double rate_lost = 0.0;
  double rate_duplicate = 0.0;
  bool opening_hours = false;
  size_t seed = 1;

  /// Adds the options to `group` (utsjekk and utsjekk-os use group "os").
  void add_to(caf::config_option_adder& group);

  /// The profile these options describe.
  simulator_profile profile() const;
};

/// Checks that the rates lie in [0, 1] and latency-max is not below
/// latency-min; names the first value that does not.
caf::error validate(const simulator_profile& x);

} // namespace utsjekk::os
