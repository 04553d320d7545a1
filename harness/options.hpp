#pragma once

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include <cstdint>
#include <functional>
#include <limits>
#include <set>
#include <string>
#include <string_view>
#include <vector>

/// The command-line parser of the harness' programs (utsjekk-harness,
/// utsjekk-bench-tools): each option is declared once with where its value
/// goes and the range it must lie in, and one loop reads the arguments.
namespace utsjekk::bench {

/// A whole number in [min, max] for option `opt`, or an
/// `ec::invalid_config` error naming the option and the range; refuses
/// signs, blanks, trailing text and values that do not fit. Pure.
caf::expected<uint64_t>
parse_count(std::string_view opt, std::string_view text, uint64_t min = 0,
            uint64_t max = std::numeric_limits<uint64_t>::max());

/// A finite number in [min, max] for option `opt`, or an
/// `ec::invalid_config` error naming the option and the range. Pure.
caf::expected<double> parse_number(std::string_view opt,
                                   std::string_view text, double min,
                                   double max);

/// Options of one command, declared before parsing.
class option_parser {
public:
  /// Reads the value of an option; returns an error naming the option.
  using reader = std::function<caf::error(std::string_view)>;

  /// `--name` without a value sets `out` to true.
  option_parser& flag(std::string name, bool& out);

  /// `--name N`: a whole number in [min, max].
  option_parser& count(std::string name, uint64_t& out, uint64_t min = 0,
                       uint64_t max = std::numeric_limits<uint64_t>::max());

  /// `--name X`: a finite number in [min, max].
  option_parser& number(std::string name, double& out, double min,
                        double max);

  /// `--name TEXT`.
  option_parser& text(std::string name, std::string& out);

  /// `--name VALUE`, read by `read`.
  option_parser& custom(std::string name, reader read);

  /// Reads `args` into the declared places. Returns true when `--help` or
  /// `-h` is among them (then nothing else is read); an unknown option, a
  /// missing or bad value is an `ec::invalid_config` error naming it.
  caf::expected<bool> parse(const std::vector<std::string>& args);

  /// Whether the last `parse` saw option `name`.
  bool given(const std::string& name) const {
    return given_.count(name) > 0;
  }

private:
  struct option {
    std::string name;
    /// Empty for a flag.
    reader read;
    bool* flag = nullptr;
  };

  std::vector<option> options_;
  std::set<std::string> given_;
};

} // namespace utsjekk::bench
