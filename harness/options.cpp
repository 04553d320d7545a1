#include "harness/options.hpp"

#include "messages/error.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace utsjekk::bench {

namespace {

caf::error bad(std::string what) {
  return caf::make_error(ec::invalid_config, std::move(what));
}

/// "1e+06" style text is hard to read in a range: whole numbers in full.
std::string show(double x) {
  char text[64];
  if (std::trunc(x) == x && std::fabs(x) < 1e15)
    std::snprintf(text, sizeof text, "%.0f", x);
  else
    std::snprintf(text, sizeof text, "%g", x);
  return text;
}

} // namespace

caf::expected<uint64_t> parse_count(std::string_view opt,
                                    std::string_view text, uint64_t min,
                                    uint64_t max) {
  // from_chars takes no sign and no blanks, and says when the value does
  // not fit in 64 bits.
  uint64_t value = 0;
  auto end = text.data() + text.size();
  auto [ptr, err] = std::from_chars(text.data(), end, value);
  if (text.empty() || err != std::errc{} || ptr != end || value < min ||
      value > max)
    return bad(std::string{opt} + " takes a whole number in [" +
               std::to_string(min) + ", " + std::to_string(max) +
               "], got '" + std::string{text} + "'");
  return value;
}

caf::expected<double> parse_number(std::string_view opt,
                                   std::string_view text, double min,
                                   double max) {
  double value = 0;
  auto end = text.data() + text.size();
  auto [ptr, err] = std::from_chars(text.data(), end, value);
  if (text.empty() || err != std::errc{} || ptr != end ||
      !std::isfinite(value) || value < min || value > max)
    return bad(std::string{opt} + " takes a number in [" + show(min) + ", " +
               show(max) + "], got '" + std::string{text} + "'");
  return value;
}

option_parser& option_parser::flag(std::string name, bool& out) {
  options_.push_back({std::move(name), {}, &out});
  return *this;
}

option_parser& option_parser::count(std::string name, uint64_t& out,
                                    uint64_t min, uint64_t max) {
  return custom(name, [&out, name, min, max](std::string_view x) {
    auto value = parse_count(name, x, min, max);
    if (!value)
      return std::move(value.error());
    out = *value;
    return caf::error{};
  });
}

option_parser& option_parser::number(std::string name, double& out,
                                     double min, double max) {
  return custom(name, [&out, name, min, max](std::string_view x) {
    auto value = parse_number(name, x, min, max);
    if (!value)
      return std::move(value.error());
    out = *value;
    return caf::error{};
  });
}

option_parser& option_parser::text(std::string name, std::string& out) {
  return custom(std::move(name), [&out](std::string_view x) {
    out = x;
    return caf::error{};
  });
}

option_parser& option_parser::custom(std::string name, reader read) {
  options_.push_back({std::move(name), std::move(read), nullptr});
  return *this;
}

caf::expected<bool>
option_parser::parse(const std::vector<std::string>& args) {
  given_.clear();
  // Help wins over everything else on the line.
  for (auto& arg : args)
    if (arg == "--help" || arg == "-h")
      return true;
  for (size_t i = 0; i < args.size(); ++i) {
    auto& arg = args[i];
    auto known = std::find_if(options_.begin(), options_.end(),
                              [&](const option& x) { return x.name == arg; });
    if (known == options_.end())
      return bad("unknown option " + arg);
    given_.insert(arg);
    // A flag takes no value.
    if (known->flag != nullptr) {
      *known->flag = true;
      continue;
    }
    if (i + 1 >= args.size())
      return bad(arg + " needs a value");
    if (auto err = known->read(args[++i]))
      return err;
  }
  return false;
}

} // namespace utsjekk::bench
