#include "harness/report.hpp"

#include "messages/error.hpp"

#include <boost/json.hpp>
#include <doctest/doctest.h>

#include <cmath>
#include <regex>
#include <string>
#include <vector>

using namespace utsjekk;
using namespace utsjekk::bench;

namespace {

/// A run with every field set to something distinct.
result sample_run(size_t samples) {
  result x;
  x.load.messages = 20000;
  x.load.saker = 1500;
  x.load.rate = 250.5;
  x.load.skew = 0.3;
  x.load.invalid_share = 0.02;
  x.load.redelivery_share = 0.01;
  x.load.opphor_share = 0.05;
  x.load.os_latency_min_ms = 5;
  x.load.os_latency_max_ms = 120;
  x.load.os_rate_12 = 0.001;
  x.load.os_rate_lost = 0.0005;
  x.load.cluster = "kafka";
  x.load.bootstrap = "127.0.0.1:39092";
  x.load.seed = 18446744073709551557ull;
  x.command = "utsjekk-harness bench --messages 20000";
  x.started_at = "2025-06-17T09:00:00Z";
  x.machine = "Linux 6.1 x86_64, 2 cores";
  x.elapsed_s = 81.25;
  x.throughput = 246.153846;
  x.latency = {12.5, 40.25, 95.125, 1250, 20.0625, 19876};
  x.peak_rss_kib = 524288;
  x.peak_in_flight = 77;
  x.pauses = 3;
  x.retries = {{"os_12", 12}, {"timeout", 3}};
  x.steady_latency = {10.5, 30.25, 80.125, 900, 15.0625, 17000};
  x.baseline = baseline_result{20000, 3.4, 6800000, 2.5, 8000};
  x.baseline_ratio = 0.03125;
  x.outcome = {20000, 19990, 19500, 490, 10, 0, 0, {"10 keys lost"}, 7};
  for (size_t i = 0; i < samples; ++i) {
    second_sample s;
    s.at_s = static_cast<double>(i) + 0.5;
    s.produced = 250 + i;
    s.finished = 240 + 2 * i;
    s.p50_ms = 10 + static_cast<double>(i);
    s.p99_ms = 90 + static_cast<double>(i);
    s.max_ms = 300 + static_cast<double>(i);
    s.rss_kib = 100000 + 1000 * i;
    s.in_flight = 40 + i;
    x.timeline.push_back(s);
  }
  x.passed = false;
  return x;
}

/// The `points` attributes of the polylines drawn for `series` in the plot
/// with id `plot`.
std::vector<std::string> polylines(const std::string& html,
                                   const std::string& plot,
                                   const std::string& series) {
  auto begin = html.find("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\""
                         + plot + "\"");
  REQUIRE(begin != std::string::npos);
  auto end = html.find("</svg>", begin);
  auto svg = html.substr(begin, end - begin);
  std::regex line{"<polyline[^>]*data-series=\"" + series
                  + "\"[^>]*points=\"([^\"]*)\""};
  std::vector<std::string> out;
  for (std::sregex_iterator i{svg.begin(), svg.end(), line}, e; i != e; ++i)
    out.push_back((*i)[1]);
  return out;
}

/// The number of "x,y" points in polyline point lists.
size_t point_count(const std::vector<std::string>& lists) {
  size_t n = 0;
  std::regex point{"-?[0-9.]+,-?[0-9.]+"};
  for (const auto& pts : lists)
    n += static_cast<size_t>(
      std::distance(std::sregex_iterator{pts.begin(), pts.end(), point},
                    std::sregex_iterator{}));
  return n;
}

/// Replaces the first `from` in `text` with `to`; fails if absent.
std::string replaced(std::string text, const std::string& from,
                     const std::string& to) {
  auto i = text.find(from);
  REQUIRE_MESSAGE(i != std::string::npos, from);
  return text.replace(i, from.size(), to);
}

} // namespace

TEST_SUITE("harness/report") {

TEST_CASE("JSON round-trips every field") {
  auto x = sample_run(4);
  x.timeline[2].p50_ms = -1;
  auto text = to_json(x);
  auto back = from_json(text);
  REQUIRE_MESSAGE(back, render(back.error()));
  SUBCASE("writing the result read back gives the same document") {
    CHECK(to_json(*back) == text);
  }
  SUBCASE("fields keep their values, large and fractional ones too") {
    CHECK(back->load.seed == x.load.seed);
    CHECK(back->load.rate == x.load.rate);
    CHECK(back->load.bootstrap == x.load.bootstrap);
    CHECK(back->throughput == x.throughput);
    CHECK(back->latency.mean_ms == x.latency.mean_ms);
    CHECK(back->pauses == x.pauses);
    CHECK(back->retries == x.retries);
    CHECK(back->steady_latency.p99_ms == x.steady_latency.p99_ms);
    CHECK(back->steady_latency.count == x.steady_latency.count);
    REQUIRE(back->baseline);
    CHECK(back->baseline->bytes_produced == x.baseline->bytes_produced);
    CHECK(back->baseline_ratio == x.baseline_ratio);
    CHECK(back->outcome.failures == x.outcome.failures);
    CHECK(back->outcome.not_sent == 7);
    REQUIRE(back->timeline.size() == 4);
    CHECK(back->timeline[2].p50_ms == -1);
    CHECK(back->timeline[3].rss_kib == x.timeline[3].rss_kib);
    CHECK(back->passed == x.passed);
    CHECK(back->interrupted == x.interrupted);
  }
  SUBCASE("absent optionals stay absent") {
    x.pauses.reset();
    x.baseline.reset();
    x.baseline_ratio.reset();
    auto again = from_json(to_json(x));
    REQUIRE_MESSAGE(again, render(again.error()));
    CHECK_FALSE(again->pauses);
    CHECK_FALSE(again->baseline);
    CHECK_FALSE(again->baseline_ratio);
  }
  SUBCASE("a long fraction keeps 15 significant digits, and only once") {
    x.throughput = 2.0 / 3.0;
    auto once = from_json(to_json(x));
    REQUIRE_MESSAGE(once, render(once.error()));
    CHECK(once->throughput == doctest::Approx(x.throughput).epsilon(1e-14));
    auto twice = from_json(to_json(*once));
    REQUIRE_MESSAGE(twice, render(twice.error()));
    CHECK(twice->throughput == once->throughput);
  }
  SUBCASE("a number that is not finite reads back as NaN") {
    x.throughput = std::nan("");
    auto again = from_json(to_json(x));
    REQUIRE_MESSAGE(again, render(again.error()));
    CHECK(std::isnan(again->throughput));
  }
}

TEST_CASE("reading JSON is strict") {
  auto text = to_json(sample_run(2));
  auto refused = [](const std::string& doc) {
    auto x = from_json(doc);
    REQUIRE_FALSE(x);
    return std::make_pair(static_cast<ec>(x.error().code()),
                          error_message(x.error()));
  };
  SUBCASE("an unknown member") {
    auto [code, msg] = refused(replaced(text, "\"in_flight\":",
                                        "\"extra\":1,\"in_flight\":"));
    CHECK(code == ec::invalid_field);
    CHECK(msg == "timeline[0].extra: unknown member");
  }
  SUBCASE("a missing member") {
    auto [code, msg] = refused(replaced(text, "\"peak_in_flight\":77,", ""));
    CHECK(code == ec::invalid_field);
    CHECK(msg.starts_with("peak_in_flight: "));
  }
  SUBCASE("a missing optional member: null is required") {
    auto [code, msg] = refused(replaced(text, "\"pauses\":3,", ""));
    CHECK(code == ec::invalid_field);
    CHECK(msg.starts_with("pauses: "));
  }
  SUBCASE("a value of the wrong type names its path") {
    auto doc = boost::json::parse(text);
    doc.at("timeline").at(1).as_object()["p99_ms"] = "91";
    auto [code, msg] = refused(boost::json::serialize(doc));
    CHECK(code == ec::invalid_field);
    CHECK(msg.starts_with("timeline[1].p99_ms: expected a number"));
  }
  SUBCASE("a negative count") {
    auto [code, msg] = refused(replaced(text, "\"saker\":1500",
                                        "\"saker\":-1"));
    CHECK(code == ec::invalid_field);
    CHECK(msg.starts_with("load.saker: expected a non-negative integer"));
  }
  SUBCASE("a duplicate key") {
    auto [code, msg] = refused(replaced(text, "\"passed\":false",
                                        "\"passed\":false,\"passed\":true"));
    CHECK(code == ec::malformed_json);
  }
  SUBCASE("trailing data and truncation") {
    CHECK(refused(text + "{}").first == ec::malformed_json);
    CHECK(refused(text.substr(0, text.size() / 2)).first
          == ec::malformed_json);
  }
}

TEST_CASE("HTML escapes every string it embeds") {
  auto x = sample_run(3);
  x.outcome.failures = {"key <script>alert(\"x\")</script> lost & found"};
  x.command = "bench --tag '<b>'";
  auto html = to_html(x);
  CHECK(html.find("<script>") == std::string::npos);
  CHECK(html.find("<b>") == std::string::npos);
  CHECK(html.find("key &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; "
                  "lost &amp; found")
        != std::string::npos);
  CHECK(html.find("bench --tag &#39;&lt;b&gt;&#39;") != std::string::npos);
  INFO("the verdict and the figures are there");
  CHECK(html.find("FAILED") != std::string::npos);
  CHECK(html.find("<td>peak RSS</td><td>512.0 MiB</td>")
        != std::string::npos);
}

TEST_CASE("the plots have one point per sample") {
  auto x = sample_run(37);
  auto html = to_html(x);
  SUBCASE("throughput: produced and finished") {
    auto produced = polylines(html, "throughput", "produced");
    REQUIRE(produced.size() == 1);
    CHECK(point_count(produced) == 37);
    CHECK(point_count(polylines(html, "throughput", "finished")) == 37);
  }
  SUBCASE("latency, memory and in flight") {
    for (auto s : {"p50", "p99", "max"})
      CHECK(point_count(polylines(html, "latency", s)) == 37);
    CHECK(point_count(polylines(html, "rss", "RSS")) == 37);
    CHECK(point_count(polylines(html, "in-flight", "in flight")) == 37);
  }
  SUBCASE("a second without finished messages breaks the latency line") {
    x.timeline[10].p50_ms = -1;
    auto p50 = polylines(to_html(x), "latency", "p50");
    CHECK(p50.size() == 2);
    CHECK(point_count(p50) == 36);
  }
  SUBCASE("the largest value lies on the plot, within the frame") {
    std::regex point{"(-?[0-9.]+),(-?[0-9.]+)"};
    for (const auto& pts : polylines(html, "throughput", "produced"))
      for (std::sregex_iterator i{pts.begin(), pts.end(), point}, e; i != e;
           ++i) {
        auto px = std::stod((*i)[1]);
        auto py = std::stod((*i)[2]);
        CHECK(px >= 72);
        CHECK(px <= 720 - 16);
        CHECK(py >= 36);
        CHECK(py <= 280 - 48);
      }
  }
  SUBCASE("axes carry ticks and labels") {
    CHECK(html.find("seconds since the first message") != std::string::npos);
    CHECK(html.find("messages per second") != std::string::npos);
    CHECK(html.find("class=\"tick\"") != std::string::npos);
  }
}

TEST_CASE("an empty timeline renders without dividing by zero") {
  auto x = sample_run(0);
  x.elapsed_s = 0;
  auto html = to_html(x);
  CHECK(html.find("no samples") != std::string::npos);
  CHECK(html.find("nan") == std::string::npos);
  CHECK(html.find("inf") == std::string::npos);
  CHECK(polylines(html, "throughput", "produced").empty());
  INFO("a timeline of zeros has a unit axis, not a zero-height one");
  x.timeline.resize(3);
  html = to_html(x);
  CHECK(html.find("nan") == std::string::npos);
  CHECK(point_count(polylines(html, "throughput", "produced")) == 3);
}

TEST_CASE("a run without baseline renders n/a") {
  auto x = sample_run(2);
  x.baseline.reset();
  x.baseline_ratio.reset();
  x.pauses.reset();
  auto md = to_markdown(x);
  CHECK(md.find("| baseline throughput | n/a |") != std::string::npos);
  CHECK(md.find("| throughput / baseline | n/a |") != std::string::npos);
  CHECK(md.find("| partition pauses | n/a |") != std::string::npos);
  CHECK(to_html(x).find("<td>throughput / baseline</td><td>n/a</td>")
        != std::string::npos);
  INFO("with a baseline, the ratio is shown");
  auto with = to_markdown(sample_run(2));
  CHECK(with.find("| throughput / baseline | 0.031 (3.1 %) |")
        != std::string::npos);
}

TEST_CASE("an interrupted run says so in every form") {
  auto x = sample_run(2);
  x.interrupted = true;
  auto back = from_json(to_json(x));
  REQUIRE_MESSAGE(back, render(back.error()));
  CHECK(back->interrupted);
  CHECK(to_markdown(x).find("| verdict | INTERRUPTED |")
        != std::string::npos);
  CHECK(to_html(x).find("<p class=\"verdict failed\">INTERRUPTED</p>")
        != std::string::npos);
  INFO("a run that was not interrupted reads FAILED");
  x.interrupted = false;
  CHECK(to_markdown(x).find("| verdict | FAILED |") != std::string::npos);
}

TEST_CASE("Markdown cells keep the table intact") {
  auto x = sample_run(1);
  x.command = "bench | tee out\nsecond line";
  auto md = to_markdown(x);
  CHECK(md.starts_with("| figure | value |\n| --- | --- |\n"));
  CHECK(md.find("| command | bench \\| tee out second line |")
        != std::string::npos);
  INFO("every row has exactly two cells");
  std::regex row{"^\\|( [^|\\\\]*(\\\\\\|[^|\\\\]*)*) \\|"
                 "( [^|\\\\]*(\\\\\\|[^|\\\\]*)*) \\|$"};
  size_t start = 0;
  while (start < md.size()) {
    auto end = md.find('\n', start);
    auto line = md.substr(start, end - start);
    CHECK_MESSAGE(std::regex_match(line, row), line);
    start = end + 1;
  }
}

} // TEST_SUITE
