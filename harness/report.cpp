#include "harness/report.hpp"

#include "messages/error.hpp"
#include "messages/json.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

namespace utsjekk::bench {

namespace {

namespace bj = boost::json;

/// Largest document from_json reads; a day of one-second samples is about
/// 15 MB.
constexpr size_t max_json_size = 256 * 1024 * 1024;

// -- writing JSON ------------------------------------------------------------

/// A number as JSON, rounded to 15 significant digits; null when it is not
/// finite (JSON has no NaN). Boost.JSON 1.81 reads 17-digit numbers only to
/// within one unit in the last place; up to 15 digits it reads them
/// exactly, so what to_json writes, from_json reads back unchanged.
bj::value number(double x) {
  if (!std::isfinite(x))
    return nullptr;
  char buf[32];
  auto n = std::snprintf(buf, sizeof buf, "%.15g", x);
  double rounded = x;
  std::from_chars(buf, buf + n, rounded);
  return rounded;
}

bj::object to_object(const load_spec& x) {
  return {
    {"messages", x.messages},
    {"saker", x.saker},
    {"rate", number(x.rate)},
    {"skew", number(x.skew)},
    {"invalid_share", number(x.invalid_share)},
    {"redelivery_share", number(x.redelivery_share)},
    {"opphor_share", number(x.opphor_share)},
    {"os_latency_min_ms", x.os_latency_min_ms},
    {"os_latency_max_ms", x.os_latency_max_ms},
    {"os_rate_12", number(x.os_rate_12)},
    {"os_rate_lost", number(x.os_rate_lost)},
    {"cluster", x.cluster},
    {"bootstrap", x.bootstrap},
    {"seed", x.seed},
  };
}

bj::object to_object(const second_sample& x) {
  return {
    {"at_s", number(x.at_s)},       {"produced", x.produced},
    {"finished", x.finished},       {"p50_ms", number(x.p50_ms)},
    {"p99_ms", number(x.p99_ms)},   {"max_ms", number(x.max_ms)},
    {"rss_kib", x.rss_kib},         {"in_flight", x.in_flight},
  };
}

bj::object to_object(const latency_summary& x) {
  return {
    {"p50_ms", number(x.p50_ms)}, {"p90_ms", number(x.p90_ms)},
    {"p99_ms", number(x.p99_ms)}, {"max_ms", number(x.max_ms)},
    {"mean_ms", number(x.mean_ms)}, {"count", x.count},
  };
}

bj::object to_object(const baseline_result& x) {
  return {
    {"messages", x.messages},
    {"records_per_message", number(x.records_per_message)},
    {"bytes_produced", x.bytes_produced},
    {"elapsed_s", number(x.elapsed_s)},
    {"throughput", number(x.throughput)},
  };
}

bj::object to_object(const outcome_counts& x) {
  bj::array failures;
  for (const auto& text : x.failures)
    failures.emplace_back(text);
  return {
    {"keys", x.keys},
    {"finished", x.finished},
    {"ok", x.ok},
    {"feilet", x.feilet},
    {"lost", x.lost},
    {"not_sent", x.not_sent},
    {"duplicated", x.duplicated},
    {"ledger_differences", x.ledger_differences},
    {"failures", std::move(failures)},
  };
}

// -- reading JSON ------------------------------------------------------------

/// A required count: a non-negative JSON integer.
caf::expected<uint64_t> get_count(const json::cursor& x) {
  const auto* v = x.value();
  if (v != nullptr && v->is_uint64())
    return v->get_uint64();
  if (v != nullptr && v->is_int64() && v->get_int64() >= 0)
    return static_cast<uint64_t>(v->get_int64());
  return json::invalid(x, "expected a non-negative integer, got "
                            + json::describe(v));
}

/// A required number; null stands for a number that was not finite.
caf::expected<double> get_number(const json::cursor& x) {
  const auto* v = x.value();
  if (v != nullptr && v->is_double())
    return v->get_double();
  if (v != nullptr && v->is_int64())
    return static_cast<double>(v->get_int64());
  if (v != nullptr && v->is_uint64())
    return static_cast<double>(v->get_uint64());
  if (v != nullptr && v->is_null())
    return std::numeric_limits<double>::quiet_NaN();
  return json::invalid(x, "expected a number, got " + json::describe(v));
}

/// Reads the members of one object, keeps the first error, and refuses
/// members that nobody asked for.
class object_reader {
public:
  explicit object_reader(json::cursor x) : x_(std::move(x)) {
    err_ = json::require_object(x_);
  }

  /// The member `name`, marked as known.
  json::cursor member(std::string_view name) {
    seen_.push_back(name);
    return x_[name];
  }

  /// Stores `value` into `out`, unless an earlier read failed.
  template <class T, class U>
  void keep(caf::expected<T> value, U& out) {
    if (err_)
      return;
    if (!value) {
      err_ = std::move(value.error());
      return;
    }
    out = std::move(*value);
  }

  void count(std::string_view name, uint64_t& out) {
    keep(get_count(member(name)), out);
  }

  void number(std::string_view name, double& out) {
    keep(get_number(member(name)), out);
  }

  void text(std::string_view name, std::string& out) {
    keep(json::get_string(member(name)), out);
  }

  void flag(std::string_view name, bool& out) {
    keep(json::get_bool(member(name)), out);
  }

  /// A member that must be present and may be null (absent).
  template <class T, class Read>
  void optional(std::string_view name, std::optional<T>& out, Read read) {
    auto x = member(name);
    if (err_)
      return;
    if (!x.present()) {
      err_ = json::invalid(x, "expected a value or null, got nothing");
      return;
    }
    if (x.value()->is_null()) {
      out.reset();
      return;
    }
    T value{};
    keep(read(x), value);
    if (!err_)
      out = std::move(value);
  }

  /// The first error, or an error naming a member nobody read.
  caf::error finish() {
    if (err_)
      return std::move(err_);
    for (const auto& kv : x_.value()->get_object())
      if (std::find(seen_.begin(), seen_.end(), kv.key()) == seen_.end())
        return json::invalid(x_[kv.key()], "unknown member");
    return caf::none;
  }

private:
  json::cursor x_;
  caf::error err_;
  std::vector<std::string_view> seen_;
};

caf::expected<load_spec> read_load(const json::cursor& x) {
  load_spec out;
  object_reader r{x};
  r.count("messages", out.messages);
  r.count("saker", out.saker);
  r.number("rate", out.rate);
  r.number("skew", out.skew);
  r.number("invalid_share", out.invalid_share);
  r.number("redelivery_share", out.redelivery_share);
  r.number("opphor_share", out.opphor_share);
  r.count("os_latency_min_ms", out.os_latency_min_ms);
  r.count("os_latency_max_ms", out.os_latency_max_ms);
  r.number("os_rate_12", out.os_rate_12);
  r.number("os_rate_lost", out.os_rate_lost);
  r.text("cluster", out.cluster);
  r.text("bootstrap", out.bootstrap);
  r.count("seed", out.seed);
  if (auto err = r.finish())
    return err;
  return out;
}

caf::expected<second_sample> read_sample(const json::cursor& x) {
  second_sample out;
  object_reader r{x};
  r.number("at_s", out.at_s);
  r.count("produced", out.produced);
  r.count("finished", out.finished);
  r.number("p50_ms", out.p50_ms);
  r.number("p99_ms", out.p99_ms);
  r.number("max_ms", out.max_ms);
  r.count("rss_kib", out.rss_kib);
  r.count("in_flight", out.in_flight);
  if (auto err = r.finish())
    return err;
  return out;
}

caf::expected<latency_summary> read_latency(const json::cursor& x) {
  latency_summary out;
  object_reader r{x};
  r.number("p50_ms", out.p50_ms);
  r.number("p90_ms", out.p90_ms);
  r.number("p99_ms", out.p99_ms);
  r.number("max_ms", out.max_ms);
  r.number("mean_ms", out.mean_ms);
  r.count("count", out.count);
  if (auto err = r.finish())
    return err;
  return out;
}

caf::expected<baseline_result> read_baseline(const json::cursor& x) {
  baseline_result out;
  object_reader r{x};
  r.count("messages", out.messages);
  r.number("records_per_message", out.records_per_message);
  r.count("bytes_produced", out.bytes_produced);
  r.number("elapsed_s", out.elapsed_s);
  r.number("throughput", out.throughput);
  if (auto err = r.finish())
    return err;
  return out;
}

caf::expected<std::vector<std::string>> read_texts(const json::cursor& x) {
  auto items = json::get_array(x);
  if (!items)
    return std::move(items.error());
  std::vector<std::string> out;
  for (const auto& item : *items) {
    auto text = json::get_string(item);
    if (!text)
      return std::move(text.error());
    out.push_back(std::move(*text));
  }
  return out;
}

/// An object of counts by name.
caf::expected<std::map<std::string, uint64_t>>
read_counts(const json::cursor& x) {
  if (auto err = json::require_object(x))
    return err;
  std::map<std::string, uint64_t> out;
  for (const auto& kv : x.value()->get_object()) {
    auto n = get_count(x[kv.key()]);
    if (!n)
      return std::move(n.error());
    out.emplace(std::string{kv.key()}, *n);
  }
  return out;
}

caf::expected<outcome_counts> read_outcome(const json::cursor& x) {
  outcome_counts out;
  object_reader r{x};
  r.count("keys", out.keys);
  r.count("finished", out.finished);
  r.count("ok", out.ok);
  r.count("feilet", out.feilet);
  r.count("lost", out.lost);
  r.count("not_sent", out.not_sent);
  r.count("duplicated", out.duplicated);
  r.count("ledger_differences", out.ledger_differences);
  r.keep(read_texts(r.member("failures")), out.failures);
  if (auto err = r.finish())
    return err;
  return out;
}

caf::expected<std::vector<second_sample>>
read_timeline(const json::cursor& x) {
  auto items = json::get_array(x);
  if (!items)
    return std::move(items.error());
  std::vector<second_sample> out;
  out.reserve(items->size());
  for (const auto& item : *items) {
    auto sample = read_sample(item);
    if (!sample)
      return std::move(sample.error());
    out.push_back(*sample);
  }
  return out;
}

// -- figures -----------------------------------------------------------------

/// `x` with `decimals` digits after the point; "n/a" when not finite.
std::string fixed(double x, int decimals) {
  if (!std::isfinite(x))
    return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
  return buf;
}

/// A share as a percentage, e.g. "2.5 %".
std::string percent(double share) {
  return fixed(share * 100, 1) + " %";
}

/// Milliseconds, e.g. "12.3 ms".
std::string millis(double ms) {
  return std::isfinite(ms) ? fixed(ms, 1) + " ms" : "n/a";
}

/// KiB as MiB, e.g. "512.0 MiB".
std::string mebibytes(uint64_t kib) {
  return fixed(static_cast<double>(kib) / 1024, 1) + " MiB";
}

/// PASSED, FAILED, or INTERRUPTED for a run stopped by a signal.
std::string verdict_word(const result& x) {
  return x.passed ? "PASSED" : x.interrupted ? "INTERRUPTED" : "FAILED";
}

/// One row of the table: what is measured and its value as text.
using figure = std::pair<std::string, std::string>;

/// The figures of a run, in the order the table shows them.
std::vector<figure> figures_of(const result& x) {
  using std::to_string;
  const auto& l = x.load;
  std::vector<figure> rows;
  // The run and the machine.
  rows.emplace_back("verdict", verdict_word(x));
  rows.emplace_back("command", x.command);
  rows.emplace_back("started at", x.started_at);
  rows.emplace_back("machine", x.machine);
  rows.emplace_back("cluster", l.cluster + " at " + l.bootstrap);
  // The load asked for.
  rows.emplace_back("messages", to_string(l.messages));
  rows.emplace_back("saker", to_string(l.saker));
  rows.emplace_back("target rate", l.rate > 0 ? fixed(l.rate, 0) + " msg/s"
                                              : std::string{"burst"});
  rows.emplace_back("share on the hottest 10 % of saker", percent(l.skew));
  rows.emplace_back("invalid / redelivered / opphør",
                    percent(l.invalid_share) + " / "
                      + percent(l.redelivery_share) + " / "
                      + percent(l.opphor_share));
  rows.emplace_back("OS kvittering latency",
                    to_string(l.os_latency_min_ms) + "–"
                      + to_string(l.os_latency_max_ms) + " ms");
  rows.emplace_back("OS answers 12 / loses kvittering",
                    percent(l.os_rate_12) + " / " + percent(l.os_rate_lost));
  rows.emplace_back("seed", to_string(l.seed));
  // What utsjekk did.
  rows.emplace_back("elapsed", fixed(x.elapsed_s, 1) + " s");
  rows.emplace_back("throughput", fixed(x.throughput, 1) + " msg/s");
  rows.emplace_back("latency p50", millis(x.latency.p50_ms));
  rows.emplace_back("latency p90", millis(x.latency.p90_ms));
  rows.emplace_back("latency p99", millis(x.latency.p99_ms));
  rows.emplace_back("latency max", millis(x.latency.max_ms));
  rows.emplace_back("latency mean", millis(x.latency.mean_ms));
  rows.emplace_back("latencies measured", to_string(x.latency.count));
  const auto& st = x.steady_latency;
  rows.emplace_back("steady-state latency p50 / p99 (after the first 10 % "
                    "sent)",
                    st.count > 0 ? millis(st.p50_ms) + " / " + millis(st.p99_ms)
                                 : std::string{"n/a"});
  std::string retries;
  for (const auto& [reason, n] : x.retries)
    retries += (retries.empty() ? "" : ", ") + reason + " " + to_string(n);
  rows.emplace_back("sent to OS again (by reason)",
                    retries.empty() ? std::string{"none"} : retries);
  rows.emplace_back("peak RSS", mebibytes(x.peak_rss_kib));
  rows.emplace_back("peak in flight", to_string(x.peak_in_flight));
  rows.emplace_back("partition pauses",
                    x.pauses ? to_string(*x.pauses) : std::string{"n/a"});
  // The bare-librdkafka limit and utsjekk's share of it.
  const auto& b = x.baseline;
  auto na = std::string{"n/a"};
  rows.emplace_back("baseline throughput",
                    b ? fixed(b->throughput, 1) + " msg/s" : na);
  rows.emplace_back("baseline elapsed",
                    b ? fixed(b->elapsed_s, 1) + " s" : na);
  rows.emplace_back("baseline records per message",
                    b ? fixed(b->records_per_message, 2) : na);
  rows.emplace_back("baseline bytes produced",
                    b ? to_string(b->bytes_produced) : na);
  rows.emplace_back("throughput / baseline",
                    x.baseline_ratio
                      ? fixed(*x.baseline_ratio, 3) + " ("
                          + percent(*x.baseline_ratio) + ")"
                      : na);
  // The verdict's counts.
  const auto& o = x.outcome;
  rows.emplace_back("keys", to_string(o.keys));
  rows.emplace_back("finished", to_string(o.finished));
  rows.emplace_back("OK / FEILET",
                    to_string(o.ok) + " / " + to_string(o.feilet));
  rows.emplace_back("lost (sent, no terminal status)", to_string(o.lost));
  rows.emplace_back("not sent (the run ended first)", to_string(o.not_sent));
  rows.emplace_back("duplicated", to_string(o.duplicated));
  rows.emplace_back("ledger differences", to_string(o.ledger_differences));
  rows.emplace_back("invariant failures", to_string(o.failures.size()));
  return rows;
}

/// Escapes text for HTML element content and quoted attribute values.
std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

/// Escapes text for one Markdown table cell: a pipe would end the cell, a
/// line break the row.
std::string escape_cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n' || c == '\r')
      out += ' ';
    else
      out += c;
  }
  return out;
}

// -- plots -------------------------------------------------------------------

/// One line of a plot: a value per sample, NaN where there is none.
struct series {
  std::string name;
  std::string color;
  std::vector<double> ys;
};

/// Geometry of every plot, in SVG user units.
constexpr double plot_width = 720;
constexpr double plot_height = 280;
constexpr double margin_left = 72;
constexpr double margin_right = 16;
constexpr double margin_top = 36;
constexpr double margin_bottom = 48;
constexpr double inner_width = plot_width - margin_left - margin_right;
constexpr double inner_height = plot_height - margin_top - margin_bottom;

/// Tick spacing near max/5 on a 1-2-5 scale; max must be positive.
double tick_step(double max) {
  auto raw = max / 5;
  auto step = std::pow(10.0, std::floor(std::log10(raw)));
  for (double f : {1.0, 2.0, 5.0, 10.0})
    if (step * f >= raw)
      return step * f;
  return step * 10;
}

/// The axis range [0, upper] for values up to `max`, and its tick step. An
/// axis without positive values spans [0, 1].
std::pair<double, double> axis_range(double max) {
  if (!(max > 0) || !std::isfinite(max))
    max = 1;
  auto step = tick_step(max);
  return {std::ceil(max / step - 1e-9) * step, step};
}

/// A tick label with as many decimals as the step needs.
std::string tick_label(double value, double step) {
  auto decimals = step >= 1 ? 0 : static_cast<int>(-std::floor(
                                    std::log10(step) + 1e-9));
  return fixed(value, decimals);
}

/// An SVG coordinate.
std::string coord(double x) {
  return fixed(x, 1);
}

/// An SVG line chart of `lines` over `xs` (seconds), with ticks, labels
/// and a legend. Values below zero count as missing.
std::string plot(std::string_view id, std::string_view title,
                 std::string_view y_label, const std::vector<double>& xs,
                 const std::vector<series>& lines) {
  // The ranges: from zero to the largest value seen.
  double x_max = 0;
  for (double x : xs)
    if (std::isfinite(x))
      x_max = std::max(x_max, x);
  double y_max = 0;
  for (const auto& s : lines)
    for (double y : s.ys)
      if (std::isfinite(y))
        y_max = std::max(y_max, y);
  auto [x_upper, x_step] = axis_range(x_max);
  auto [y_upper, y_step] = axis_range(y_max);
  auto px = [xu = x_upper](double x) {
    return margin_left + x / xu * inner_width;
  };
  auto py = [yu = y_upper](double y) {
    return margin_top + inner_height - y / yu * inner_height;
  };
  // The frame and the title.
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"";
  out += escape_html(id);
  out += "\" class=\"plot\" role=\"img\" width=\"" + coord(plot_width)
         + "\" height=\"" + coord(plot_height) + "\" viewBox=\"0 0 "
         + coord(plot_width) + " " + coord(plot_height) + "\">\n<title>"
         + escape_html(title) + "</title>\n<text x=\"" + coord(margin_left)
         + "\" y=\"20\" class=\"title\">" + escape_html(title)
         + "</text>\n";
  // Grid lines and tick labels on both axes.
  for (int i = 0; i * y_step <= y_upper + y_step / 2; ++i) {
    auto y = py(i * y_step);
    out += "<line class=\"grid\" x1=\"" + coord(margin_left) + "\" y1=\""
           + coord(y) + "\" x2=\"" + coord(margin_left + inner_width)
           + "\" y2=\"" + coord(y) + "\"/><text class=\"tick\" x=\""
           + coord(margin_left - 6) + "\" y=\"" + coord(y + 4)
           + "\" text-anchor=\"end\">" + tick_label(i * y_step, y_step)
           + "</text>\n";
  }
  for (int i = 0; i * x_step <= x_upper + x_step / 2; ++i) {
    auto x = px(i * x_step);
    auto bottom = margin_top + inner_height;
    out += "<line class=\"tickmark\" x1=\"" + coord(x) + "\" y1=\""
           + coord(bottom) + "\" x2=\"" + coord(x) + "\" y2=\""
           + coord(bottom + 5) + "\"/><text class=\"tick\" x=\"" + coord(x)
           + "\" y=\"" + coord(bottom + 18)
           + "\" text-anchor=\"middle\">" + tick_label(i * x_step, x_step)
           + "</text>\n";
  }
  // The axes and their labels.
  auto bottom = margin_top + inner_height;
  out += "<line class=\"axis\" x1=\"" + coord(margin_left) + "\" y1=\""
         + coord(margin_top) + "\" x2=\"" + coord(margin_left) + "\" y2=\""
         + coord(bottom) + "\"/>\n<line class=\"axis\" x1=\""
         + coord(margin_left) + "\" y1=\"" + coord(bottom) + "\" x2=\""
         + coord(margin_left + inner_width) + "\" y2=\"" + coord(bottom)
         + "\"/>\n<text class=\"label\" x=\""
         + coord(margin_left + inner_width / 2) + "\" y=\""
         + coord(plot_height - 8)
         + "\" text-anchor=\"middle\">seconds since the first message"
           "</text>\n<text class=\"label\" transform=\"translate(16,"
         + coord(margin_top + inner_height / 2)
         + ") rotate(-90)\" text-anchor=\"middle\">" + escape_html(y_label)
         + "</text>\n";
  // One polyline per unbroken run of values of each series.
  for (const auto& s : lines) {
    std::string points;
    auto flush = [&] {
      if (points.empty())
        return;
      out += "<polyline class=\"line\" data-series=\"" + escape_html(s.name)
             + "\" fill=\"none\" stroke=\"" + escape_html(s.color)
             + "\" stroke-width=\"1.5\" points=\"" + points + "\"/>\n";
      points.clear();
    };
    for (size_t i = 0; i < xs.size() && i < s.ys.size(); ++i) {
      if (!std::isfinite(s.ys[i]) || s.ys[i] < 0 || !std::isfinite(xs[i])) {
        flush();
        continue;
      }
      if (!points.empty())
        points += ' ';
      points += coord(px(xs[i])) + "," + coord(py(s.ys[i]));
    }
    flush();
  }
  // The legend, top right; a note when there is nothing to draw.
  auto lx = margin_left + inner_width - 130;
  if (!lines.empty())
    out += "<rect class=\"legend-box\" x=\"" + coord(lx - 6) + "\" y=\""
           + coord(margin_top - 2) + "\" width=\"130\" height=\""
           + coord(static_cast<double>(lines.size()) * 16 + 4)
           + "\" fill=\"white\" fill-opacity=\"0.8\"/>\n";
  for (size_t i = 0; i < lines.size(); ++i) {
    auto ly = margin_top + 8 + static_cast<double>(i) * 16;
    out += "<rect x=\"" + coord(lx) + "\" y=\"" + coord(ly - 8)
           + "\" width=\"12\" height=\"4\" fill=\""
           + escape_html(lines[i].color) + "\"/><text class=\"legend\" x=\""
           + coord(lx + 18) + "\" y=\"" + coord(ly - 2) + "\">"
           + escape_html(lines[i].name) + "</text>\n";
  }
  if (xs.empty())
    out += "<text class=\"label\" x=\""
           + coord(margin_left + inner_width / 2) + "\" y=\""
           + coord(margin_top + inner_height / 2)
           + "\" text-anchor=\"middle\">no samples</text>\n";
  out += "</svg>\n";
  return out;
}

/// A latency in milliseconds for plotting; NaN for "none finished".
double latency_point(double ms) {
  return ms < 0 ? std::numeric_limits<double>::quiet_NaN() : ms;
}

/// The four plots of a run's timeline.
std::string plots_of(const std::vector<second_sample>& timeline) {
  std::vector<double> xs;
  series produced{"produced", "#1f77b4", {}};
  series finished{"finished", "#2ca02c", {}};
  series p50{"p50", "#2ca02c", {}};
  series p99{"p99", "#ff7f0e", {}};
  series max{"max", "#d62728", {}};
  series rss{"RSS", "#9467bd", {}};
  series in_flight{"in flight", "#8c564b", {}};
  for (const auto& s : timeline) {
    xs.push_back(s.at_s);
    produced.ys.push_back(static_cast<double>(s.produced));
    finished.ys.push_back(static_cast<double>(s.finished));
    p50.ys.push_back(latency_point(s.p50_ms));
    p99.ys.push_back(latency_point(s.p99_ms));
    max.ys.push_back(latency_point(s.max_ms));
    rss.ys.push_back(static_cast<double>(s.rss_kib) / 1024);
    in_flight.ys.push_back(static_cast<double>(s.in_flight));
  }
  return plot("throughput", "Throughput", "messages per second", xs,
              {produced, finished})
         + plot("latency", "Latency of the messages finished each second",
                "milliseconds", xs, {p50, p99, max})
         + plot("rss", "Resident memory of utsjekk", "MiB", xs, {rss})
         + plot("in-flight", "Transactions in flight", "transactions", xs,
                {in_flight});
}

} // namespace

std::string to_json(const result& x) {
  bj::object retries;
  for (const auto& [reason, n] : x.retries)
    retries[reason] = n;
  bj::array timeline;
  timeline.reserve(x.timeline.size());
  for (const auto& s : x.timeline)
    timeline.emplace_back(to_object(s));
  bj::object out{
    {"load", to_object(x.load)},
    {"command", x.command},
    {"started_at", x.started_at},
    {"machine", x.machine},
    {"elapsed_s", number(x.elapsed_s)},
    {"throughput", number(x.throughput)},
    {"latency", to_object(x.latency)},
    {"peak_rss_kib", x.peak_rss_kib},
    {"peak_in_flight", x.peak_in_flight},
    {"pauses", x.pauses ? bj::value(*x.pauses) : bj::value(nullptr)},
    {"retries", retries},
    {"steady_latency", to_object(x.steady_latency)},
    {"baseline",
     x.baseline ? bj::value(to_object(*x.baseline)) : bj::value(nullptr)},
    {"baseline_ratio",
     x.baseline_ratio ? number(*x.baseline_ratio) : bj::value(nullptr)},
    {"outcome", to_object(x.outcome)},
    {"timeline", std::move(timeline)},
    {"passed", x.passed},
    {"interrupted", x.interrupted},
  };
  return bj::serialize(out);
}

caf::expected<result> from_json(std::string_view text) {
  // Parse strictly: no duplicate keys, no trailing data.
  auto doc = json::parse(text, max_json_size);
  if (!doc)
    return std::move(doc.error());
  json::cursor root{*doc};
  result out;
  object_reader r{root};
  r.keep(read_load(r.member("load")), out.load);
  r.text("command", out.command);
  r.text("started_at", out.started_at);
  r.text("machine", out.machine);
  r.number("elapsed_s", out.elapsed_s);
  r.number("throughput", out.throughput);
  r.keep(read_latency(r.member("latency")), out.latency);
  r.count("peak_rss_kib", out.peak_rss_kib);
  r.count("peak_in_flight", out.peak_in_flight);
  r.optional("pauses", out.pauses, get_count);
  r.keep(read_counts(r.member("retries")), out.retries);
  r.keep(read_latency(r.member("steady_latency")), out.steady_latency);
  r.optional("baseline", out.baseline, read_baseline);
  r.optional("baseline_ratio", out.baseline_ratio, get_number);
  r.keep(read_outcome(r.member("outcome")), out.outcome);
  r.keep(read_timeline(r.member("timeline")), out.timeline);
  r.flag("passed", out.passed);
  r.flag("interrupted", out.interrupted);
  if (auto err = r.finish())
    return err;
  return out;
}

std::string to_html(const result& x) {
  // The head: a title and a small style sheet; nothing loaded from afar.
  std::string out
    = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"
      "\n<title>utsjekk benchmark "
      + escape_html(x.started_at)
      + "</title>\n<style>\n"
        "body { font-family: sans-serif; margin: 2em; max-width: 60em; }\n"
        "table { border-collapse: collapse; }\n"
        "td, th { border: 1px solid #ccc; padding: 0.2em 0.6em; "
        "text-align: left; }\n"
        ".passed { color: #1a7f37; } .failed { color: #cf222e; }\n"
        ".plot { display: block; margin: 1em 0; }\n"
        ".plot .title { font-weight: bold; font-size: 14px; }\n"
        ".plot .tick, .plot .legend { font-size: 11px; }\n"
        ".plot .label { font-size: 12px; }\n"
        ".plot .axis, .plot .tickmark { stroke: #333; }\n"
        ".plot .grid { stroke: #eee; }\n"
        "</style>\n</head>\n<body>\n<h1>utsjekk benchmark</h1>\n";
  // The verdict first, then every figure.
  out += std::string{"<p class=\"verdict "} +
         (x.passed ? "passed" : "failed") + "\">" + verdict_word(x) +
         "</p>\n";
  out += "<table>\n<tr><th>figure</th><th>value</th></tr>\n";
  for (const auto& [name, value] : figures_of(x))
    out += "<tr><td>" + escape_html(name) + "</td><td>" + escape_html(value)
           + "</td></tr>\n";
  out += "</table>\n<h2>Invariant failures</h2>\n";
  // The failures in words, or a note that there were none.
  if (x.outcome.failures.empty()) {
    out += "<p>None.</p>\n";
  } else {
    out += "<ul class=\"failures\">\n";
    for (const auto& text : x.outcome.failures)
      out += "<li>" + escape_html(text) + "</li>\n";
    out += "</ul>\n";
  }
  // The timeline.
  out += "<h2>Over time</h2>\n" + plots_of(x.timeline) + "</body>\n</html>\n";
  return out;
}

std::string to_markdown(const result& x) {
  std::string out = "| figure | value |\n| --- | --- |\n";
  for (const auto& [name, value] : figures_of(x))
    out += "| " + escape_cell(name) + " | " + escape_cell(value) + " |\n";
  return out;
}

} // namespace utsjekk::bench
