#include "harness/bench.hpp"

#include "harness/baseline.hpp"
#include "harness/bench_actors.hpp"
#include "harness/check.hpp"
#include "harness/child.hpp"
#include "harness/generator.hpp"
#include "harness/options.hpp"
#include "harness/probe.hpp"
#include "harness/report.hpp"
#include "kafka/kafka.hpp"
#include "messages/decode.hpp"
#include "messages/error.hpp"
#include "os_gateway/expected_ledger.hpp"
#include "os_gateway/state_json.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cmath>
#include <condition_variable>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>

namespace utsjekk::bench {

const char* const bench_usage =
    "usage: utsjekk-harness bench [OPTION VALUE]...\n"
    "Starts utsjekk and utsjekk-os (Kafka transport) against KAFKA_BROKERS,\n"
    "or an embedded cluster the harness hosts, produces generated input\n"
    "with one producer actor per fagsystem (a sak's next message only\n"
    "after its previous one's terminal status), checks I1, I2, I6-I8 and\n"
    "OS' ledger, and reports throughput, latency, memory and in-flight.\n"
    "Exits 0 when every check passed, 1 when not, 2 on a bad option.\n"
    "  --messages N        messages in all (1000)\n"
    "  --saker N           saker they spread over (messages / 5)\n"
    "  --rate R            messages per second, 0 = burst (0)\n"
    "  --skew S            share on the hottest 10 % of saker (0.1)\n"
    "  --invalid SHARE     invalid messages (0.05)\n"
    "  --redelivery SHARE  redelivered messages (0.05)\n"
    "  --opphor SHARE      opphør messages (0.1)\n"
    "  --os-latency MIN:MAX  kvittering latency range in ms (0:0)\n"
    "  --os-12 RATE        share of oppdrag OS answers 12 (0)\n"
    "  --os-lost RATE      share of kvitteringer OS loses (0)\n"
    "  --max-in-flight N   utsjekk's unfinished records per partition\n"
    "                      before it pauses the partition (200)\n"
    "  --seed N            seed of the generator and OS (1)\n"
    "  --report FILE.json  the JSON report; FILE.html and FILE.md go beside\n"
    "  --no-baseline       skip the bare-librdkafka baseline\n"
    "  --timeout SECONDS   the run's deadline (600)\n"
    "  --utsjekk PATH      the utsjekk program (<build>/utsjekk)\n"
    "  --utsjekk-os PATH   the utsjekk-os program\n"
    "                      (<build>/os_gateway/utsjekk-os)\n"
    "  --keep              keep the children's logs after a passed run\n"
    "  --quiet             no progress lines\n";

namespace {

using clock = std::chrono::steady_clock;

/// Set by SIGINT or SIGTERM: the run ends early, children are stopped.
volatile std::sig_atomic_t stop_signal = 0;

void on_stop_signal(int) {
  stop_signal = 1;
}

bool stop_requested() {
  return stop_signal != 0;
}

/// The first SIGINT or SIGTERM asks the run to stop in order; the handler
/// then reverts to the default, so a second one ends the harness at once
/// (its children then get their death signal from the kernel, see
/// child.hpp).
void catch_stop_signals() {
  struct sigaction act {};
  act.sa_handler = on_stop_signal;
  act.sa_flags = SA_RESETHAND | SA_RESTART;
  sigemptyset(&act.sa_mask);
  ::sigaction(SIGINT, &act, nullptr);
  ::sigaction(SIGTERM, &act, nullptr);
}

/// The error of a run stopped by a signal before it measured anything.
caf::error interrupted_while(std::string what) {
  return caf::make_error(ec::shutting_down, "interrupted while " + what);
}

caf::error bad(std::string what) {
  return caf::make_error(ec::invalid_config, std::move(what));
}

/// The folder of the running program.
std::filesystem::path own_folder() {
  std::error_code err;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", err);
  return err ? std::filesystem::current_path() : exe.parent_path();
}

/// "2025-01-06T10:00:00Z".
std::string utc_now() {
  auto t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

/// "Linux 6.1.0 x86_64, 2 cores".
std::string machine() {
  utsname u{};
  uname(&u);
  return std::string{u.sysname} + " " + u.release + " " + u.machine + ", " +
         std::to_string(std::thread::hardware_concurrency()) + " cores";
}

/// A key prefix no earlier run on the broker used: "b" and 6 hex digits.
std::string fresh_prefix() {
  std::random_device rd;
  std::ostringstream out;
  out << 'b' << std::hex
      << ((rd() ^ static_cast<unsigned>(getpid())) & 0xffffff);
  return out.str();
}

/// Whether a record read by the collector belongs to this run: keyed by
/// one of its keys, or naming one of its saker (the state topics).
bool of_run(const kafka::record& rec, const std::string& key_prefix,
            const std::string& quoted_prefix) {
  if (!rec.key)
    return false;
  return rec.key->rfind(key_prefix, 0) == 0 ||
         rec.key->find(quoted_prefix) != std::string::npos ||
         (rec.tp.topic == "helved.utbetalinger.v1" &&
          rec.value.find(quoted_prefix) != std::string::npos);
}

/// The topics utsjekk uses, for the embedded cluster.
std::vector<std::string> service_topics() {
  std::vector<std::string> result;
  for (auto fs : all_fagsystemer)
    result.emplace_back(default_input_topic(fs));
  for (auto name :
       {"helved.status.v1", "helved.oppdrag.v1", "helved.utbetalinger.v1",
        "helved.saker.v1", "utsjekk.journal.v1", defaults::baseline_topic})
    result.emplace_back(name);
  return result;
}

/// "150ms" for CAF's timespan options.
std::string ms(uint64_t x) {
  return std::to_string(x) + "ms";
}

/// Everything one run holds; the destructor stops what runs.
struct run_state {
  const bench_config& cfg;
  std::ostream& out;
  std::string prefix;
  std::filesystem::path work;
  std::unique_ptr<kafka::embedded_cluster> cluster;
  kafka::client_config kafka;
  std::unique_ptr<child> os;
  std::unique_ptr<child> utsjekk;
  std::string admin_url;
  std::string ledger_url;
  std::vector<generated_record> records;

  ~run_state() {
    // Children first: they use the cluster.
    if (utsjekk)
      utsjekk->stop();
    if (os)
      os->stop();
  }

  caf::error start_cluster() {
    if (auto env = kafka::config_from_env()) {
      kafka = std::move(*env);
      // Only the baseline's topic is the harness' own.
      kafka::create_topics(kafka, {{defaults::baseline_topic, 3, {}}});
      return caf::none;
    }
    auto started = kafka::embedded_cluster::start(1);
    if (!started)
      return started.error();
    cluster = std::move(*started);
    for (auto& name : service_topics())
      if (auto err = cluster->create_topic(name, 3))
        return err;
    kafka = cluster->config();
    return caf::none;
  }

  child_spec spec_of(std::string name, std::vector<std::string> argv) {
    auto dir = work / name;
    std::filesystem::create_directories(dir);
    child_spec result;
    result.name = name;
    result.argv = std::move(argv);
    result.env["KAFKA_BROKERS"] = kafka.brokers;
    result.stdout_path = (work / (name + ".out")).string();
    result.stderr_path = (work / (name + ".log")).string();
    // The embedded cluster dies with the harness: nothing is left to stop
    // in order for (utsjekk takes minutes of Kafka timeouts to find out).
    result.death_signal = cluster ? SIGKILL : SIGTERM;
    return result;
  }

  caf::error start_os() {
    auto bin = cfg.os_path.empty()
                   ? (own_folder().parent_path() / "os_gateway" / "utsjekk-os")
                         .string()
                   : cfg.os_path;
    auto spec = spec_of("utsjekk-os",
                        {bin, "--os.latency-min=" + ms(cfg.os_latency_min_ms),
                         "--os.latency-max=" + ms(cfg.os_latency_max_ms),
                         "--os.rate-12=" + std::to_string(cfg.os_rate_12),
                         "--os.rate-lost=" + std::to_string(cfg.os_rate_lost),
                         "--os.seed=" + std::to_string(cfg.seed)});
    spec.env["UTSJEKK_OS_STATE_DIR"] = (work / "utsjekk-os" / "state").string();
    spec.env["UTSJEKK_OS_PORT"] = "0";
    auto started = child::start(std::move(spec));
    if (!started)
      return started.error();
    os = std::move(*started);
    out << "bench: started utsjekk-os pid=" << os->pid() << std::endl;
    auto line =
        os->wait_for_line("ledger", std::chrono::seconds{60}, stop_requested);
    if (!line)
      return line.error();
    ledger_url = *line;
    return caf::none;
  }

  caf::error start_utsjekk() {
    auto bin = cfg.utsjekk_path.empty()
                   ? (own_folder().parent_path() / "utsjekk").string()
                   : cfg.utsjekk_path;
    std::vector<std::string> argv{bin, "--utsjekk.max-in-flight=" +
                                           std::to_string(cfg.max_in_flight)};
    // Lost kvitteringer are resent soon, whatever the hour.
    if (cfg.os_rate_lost > 0) {
      auto wait = std::max<uint64_t>(5000, 3 * cfg.os_latency_max_ms + 2000);
      argv.push_back("--utsjekk.kvittering-timeout=" + ms(wait));
      argv.push_back("--utsjekk.resend-outside-opening-hours");
    }
    auto spec = spec_of("utsjekk", std::move(argv));
    spec.env["UTSJEKK_ADMIN_PORT"] = "0";
    spec.env["UTSJEKK_OS_TRANSPORT"] = "kafka";
    spec.env["UTSJEKK_AUDIT_LOG"] = (work / "utsjekk" / "audit.log").string();
    auto started = child::start(std::move(spec));
    if (!started)
      return started.error();
    utsjekk = std::move(*started);
    out << "bench: started utsjekk pid=" << utsjekk->pid() << std::endl;
    auto line = utsjekk->wait_for_line("admin", std::chrono::seconds{120},
                                       stop_requested);
    if (!line)
      return line.error();
    admin_url = *line;
    // Ready: state loaded and partitions assigned.
    auto deadline = clock::now() + std::chrono::seconds{120};
    while (!http_get(admin_url, "/internal/isready")) {
      if (!utsjekk->running())
        return caf::make_error(ec::io_failed,
                               "utsjekk ended while starting:\n" +
                                   tail_of(utsjekk->spec().stderr_path));
      if (stop_requested())
        return interrupted_while("utsjekk got ready");
      if (clock::now() >= deadline)
        return caf::make_error(ec::timeout, "utsjekk did not get ready");
      std::this_thread::sleep_for(std::chrono::milliseconds{200});
    }
    return caf::none;
  }
};

/// The consumer's hand-over: the assignment, and where records go.
struct consumer_link {
  std::mutex mtx;
  std::condition_variable cv;
  bool assigned = false;
};

/// What OS should pay for this run's saker against what it pays.
caf::expected<std::vector<std::string>>
ledger_differences(const run_state& run, const collection& got) {
  // OS' ledger, narrowed to this run's saker.
  auto slash = run.ledger_url.find('/', std::string{"http://"}.size());
  auto text =
      http_get(run.ledger_url.substr(0, slash), run.ledger_url.substr(slash));
  if (!text)
    return text.error();
  auto ledger = os::parse_ledger(*text);
  if (!ledger)
    return ledger.error();
  auto sak_prefix = run.prefix + "-";
  for (auto i = ledger->begin(); i != ledger->end();)
    i = i->first.fagsystem_id.rfind(sak_prefix, 0) == 0 ? std::next(i)
                                                        : ledger->erase(i);
  // The messages that decode, in input order; a redelivery counts once.
  std::vector<os::outcome_of> messages;
  std::set<std::pair<std::string, std::string>> seen;
  for (auto& rec : run.records) {
    if (!seen.emplace(rec.key, rec.value).second)
      continue;
    auto msg = decode(rec.fagsystem, tx_id{rec.key}, rec.value);
    if (!msg)
      continue;
    auto accepted = false;
    if (auto i = got.statuses.find(rec.key); i != got.statuses.end())
      for (auto& s : i->second)
        if (is_terminal(s.status)) {
          accepted = s.status == status_kind::ok;
          break;
        }
    messages.push_back({std::move(*msg), accepted});
  }
  return os::compare(os::expected_payable(messages), os::payable_of(*ledger));
}

/// Adds the sampler's memory and in-flight figures to the timeline.
void merge_samples(result& r, const std::vector<probe_sample>& samples) {
  for (auto& x : samples) {
    r.peak_rss_kib = std::max({r.peak_rss_kib, x.rss_kib, x.hwm_kib});
    r.peak_in_flight = std::max(r.peak_in_flight, x.in_flight);
    if (x.pauses)
      r.pauses = std::max(r.pauses.value_or(0), *x.pauses);
    if (x.at_s < 0)
      continue;
    auto s = static_cast<size_t>(x.at_s);
    while (r.timeline.size() <= s) {
      second_sample empty;
      empty.at_s = static_cast<double>(r.timeline.size());
      r.timeline.push_back(empty);
    }
    r.timeline[s].rss_kib = std::max(r.timeline[s].rss_kib, x.rss_kib);
    r.timeline[s].in_flight = std::max(r.timeline[s].in_flight, x.in_flight);
  }
}

} // namespace

caf::expected<bench_args>
parse_bench_args(const std::vector<std::string>& args) {
  bench_args result;
  auto& c = result.config;
  auto no_baseline = false;
  uint64_t timeout_s = static_cast<uint64_t>(c.timeout.count());
  auto max_timeout_s = static_cast<uint64_t>(limits::timeout.count());
  // --os-latency MIN:MAX, each in milliseconds.
  auto latency = [&c](std::string_view value) -> caf::error {
    auto colon = value.find(':');
    auto lo = parse_count("--os-latency", value.substr(0, colon), 0,
                          limits::os_latency_ms);
    auto hi = colon == std::string_view::npos
                  ? caf::expected<uint64_t>{bad("")}
                  : parse_count("--os-latency", value.substr(colon + 1), 0,
                                limits::os_latency_ms);
    if (!lo || !hi)
      return bad("--os-latency takes MIN:MAX in milliseconds, each in [0, " +
                 std::to_string(limits::os_latency_ms) + "], got '" +
                 std::string{value} + "'");
    c.os_latency_min_ms = *lo;
    c.os_latency_max_ms = *hi;
    return caf::none;
  };
  option_parser options;
  options.count("--messages", c.messages, 1, limits::messages)
      .count("--saker", c.saker, 1, limits::messages)
      .number("--rate", c.rate, 0, limits::rate)
      .number("--skew", c.skew, 0, 1)
      .number("--invalid", c.invalid_share, 0, 1)
      .number("--redelivery", c.redelivery_share, 0, 1)
      .number("--opphor", c.opphor_share, 0, 1)
      .custom("--os-latency", latency)
      .number("--os-12", c.os_rate_12, 0, 1)
      .number("--os-lost", c.os_rate_lost, 0, 1)
      .count("--max-in-flight", c.max_in_flight, 1, limits::max_in_flight)
      .count("--seed", c.seed, 0, limits::seed)
      .count("--timeout", timeout_s, 1, max_timeout_s)
      .text("--report", c.report)
      .text("--utsjekk", c.utsjekk_path)
      .text("--utsjekk-os", c.os_path)
      .flag("--no-baseline", no_baseline)
      .flag("--keep", c.keep)
      .flag("--quiet", c.quiet);
  auto help = options.parse(args);
  if (!help)
    return std::move(help.error());
  result.help = *help;
  c.baseline = !no_baseline;
  c.timeout = std::chrono::seconds{timeout_s};
  // Saker not given: one per five messages.
  if (!options.given("--saker"))
    c.saker = std::max<uint64_t>(1, c.messages / 5);
  return result;
}

caf::error validate(const bench_config& x) {
  auto share = [](double v) { return v >= 0 && v <= 1; };
  if (x.messages == 0 || x.messages > limits::messages)
    return bad("--messages must lie in [1, " +
               std::to_string(limits::messages) + "]");
  if (x.saker == 0 || x.saker > x.messages)
    return bad("--saker must lie in [1, messages]");
  if (!(x.rate >= 0 && x.rate <= limits::rate))
    return bad("--rate must lie in [0, 10000000]");
  if (!share(x.skew) || x.skew == 0)
    return bad("--skew must lie in (0, 1]");
  if (!share(x.invalid_share) || !share(x.redelivery_share) ||
      !share(x.opphor_share))
    return bad("--invalid, --redelivery and --opphor must lie in [0, 1]");
  if (x.invalid_share + x.redelivery_share + x.opphor_share > 1)
    return bad("--invalid, --redelivery and --opphor must add up to at "
               "most 1");
  if (!share(x.os_rate_12) || !share(x.os_rate_lost))
    return bad("--os-12 and --os-lost must lie in [0, 1]");
  if (x.os_rate_12 >= 1 || x.os_rate_lost >= 1)
    return bad("--os-12 and --os-lost must stay below 1, or nothing ends");
  if (x.os_latency_max_ms > limits::os_latency_ms)
    return bad("--os-latency must lie in [0, " +
               std::to_string(limits::os_latency_ms) + "] milliseconds");
  if (x.os_latency_min_ms > x.os_latency_max_ms)
    return bad("--os-latency: MIN must not exceed MAX");
  if (x.max_in_flight == 0 || x.max_in_flight > limits::max_in_flight)
    return bad("--max-in-flight must lie in [1, " +
               std::to_string(limits::max_in_flight) + "]");
  if (x.seed > limits::seed)
    return bad("--seed must lie in [0, " + std::to_string(limits::seed) +
               "]");
  if (x.timeout.count() <= 0 || x.timeout > limits::timeout)
    return bad("--timeout must lie in [1, " +
               std::to_string(limits::timeout.count()) + "] seconds");
  return caf::none;
}

caf::expected<result> run_bench(const bench_config& cfg,
                                std::ostream& display) {
  if (auto err = validate(cfg))
    return err;
  // A stop signal ends the wait; the children are stopped on the way out.
  catch_stop_signals();
  result r;
  r.command = cfg.command;
  r.started_at = utc_now();
  r.machine = machine();
  r.load = {cfg.messages,
            cfg.saker,
            cfg.rate,
            cfg.skew,
            cfg.invalid_share,
            cfg.redelivery_share,
            cfg.opphor_share,
            cfg.os_latency_min_ms,
            cfg.os_latency_max_ms,
            cfg.os_rate_12,
            cfg.os_rate_lost,
            "",
            "",
            cfg.seed};
  run_state run{cfg, display, fresh_prefix(), {}, {}, {}, {}, {}, {}, {}, {}};
  // A folder for the children's state and logs.
  std::string pattern =
      (std::filesystem::temp_directory_path() / "utsjekk-bench.XXXXXX")
          .string();
  if (mkdtemp(pattern.data()) == nullptr)
    return caf::make_error(ec::io_failed, "cannot make a work folder");
  run.work = pattern;
  // The input: generated, keys unique to this run.
  generator_options gen;
  gen.messages = cfg.messages;
  gen.saker = cfg.saker;
  gen.seed = cfg.seed;
  gen.skew = cfg.skew;
  gen.invalid_share = cfg.invalid_share;
  gen.redelivery_share = cfg.redelivery_share;
  gen.opphor_share = cfg.opphor_share;
  gen.prefix = run.prefix;
  run.records = generate(gen);
  // The cluster and the children.
  if (auto err = run.start_cluster())
    return err;
  if (stop_requested())
    return interrupted_while("starting the cluster");
  r.load.cluster = run.cluster ? "embedded" : "kafka";
  r.load.bootstrap = run.kafka.brokers;
  display << "bench: " << cfg.messages << " messages over " << cfg.saker
          << " saker on " << r.load.cluster << " cluster " << r.load.bootstrap
          << ", keys " << run.prefix << "-*, logs in " << run.work.string()
          << std::endl;
  if (auto err = run.start_os())
    return err;
  if (auto err = run.start_utsjekk())
    return err;
  // The actors: the sharing scheduler suits two cores (DESIGN's facts).
  caf::actor_system_config acfg;
  register_types(acfg);
  acfg.set("scheduler.policy", caf::atom("sharing"));
  acfg.set("scheduler.max-threads", 2);
  caf::actor_system sys{acfg};
  caf::scoped_actor waiter{sys};
  collector_config ccfg;
  ccfg.total = run.records.size();
  ccfg.waiter = caf::actor_cast<caf::actor>(waiter);
  auto collector = spawn_collector(sys, ccfg);
  // The consumer hands this run's records to the collector.
  auto link = std::make_shared<consumer_link>();
  kafka::consumer_handlers handlers;
  handlers.on_assigned = [link](const auto&) {
    std::lock_guard<std::mutex> guard{link->mtx};
    link->assigned = true;
    link->cv.notify_all();
  };
  handlers.on_revoked = [](const auto&) {};
  handlers.on_records = [collector, key_prefix = run.prefix + "-",
                         quoted = "\"" + run.prefix +
                                  "-"](std::vector<kafka::record> batch) {
    std::vector<kafka::record> mine;
    for (auto& rec : batch)
      if (of_run(rec, key_prefix, quoted))
        mine.push_back(std::move(rec));
    if (!mine.empty())
      caf::anon_send(collector, atom::records::value, std::move(mine));
  };
  handlers.on_error = [](const caf::error&) {};
  auto consumer = kafka::consumer::make(
      run.kafka, "utsjekk-bench-" + run.prefix,
      {"helved.status.v1", "helved.oppdrag.v1", "utsjekk.journal.v1",
       "helved.utbetalinger.v1", "helved.saker.v1"},
      std::move(handlers));
  if (!consumer)
    return consumer.error();
  if (auto err = (*consumer)->start())
    return err;
  {
    // In short steps, so a stop signal is heard.
    std::unique_lock<std::mutex> guard{link->mtx};
    auto until = clock::now() + std::chrono::seconds{60};
    while (!link->cv.wait_for(guard, std::chrono::milliseconds{200},
                              [&] { return link->assigned; })) {
      if (stop_requested())
        return interrupted_while("the collector joined its group");
      if (clock::now() >= until)
        return caf::make_error(ec::timeout,
                               "the collector got no partitions");
    }
  }
  // One producer actor per fagsystem, sharing one Kafka producer.
  auto delivery_failures = std::make_shared<std::atomic<uint64_t>>(0);
  auto out = kafka::producer::make(run.kafka,
                                   [delivery_failures](uint64_t, caf::error e) {
                                     if (e)
                                       ++*delivery_failures;
                                   });
  if (!out)
    return out.error();
  std::shared_ptr<kafka::producer> shared_out{std::move(*out)};
  std::vector<producer_actor> producers;
  for (auto fs : all_fagsystemer) {
    producer_config pcfg;
    pcfg.fagsystem = fs;
    for (auto& rec : run.records)
      if (rec.fagsystem == fs)
        pcfg.records.push_back(rec);
    if (pcfg.records.empty())
      continue;
    pcfg.rate = cfg.rate * static_cast<double>(pcfg.records.size()) /
                static_cast<double>(run.records.size());
    pcfg.out = shared_out;
    pcfg.collector = collector;
    producers.push_back(spawn_producer(sys, std::move(pcfg)));
  }
  sampler_config scfg;
  scfg.pid = run.utsjekk->pid();
  scfg.admin_url = run.admin_url;
  scfg.collector = collector;
  scfg.out = cfg.quiet ? nullptr : &display;
  auto sampler = spawn_sampler(sys, scfg);
  // Go, and wait for the last terminal status, the deadline or a crash.
  for (auto& p : producers)
    caf::anon_send(p, atom::start::value);
  caf::anon_send(sampler, atom::tick::value);
  auto deadline = clock::now() + cfg.timeout;
  auto finished = false;
  while (!finished && clock::now() < deadline && run.utsjekk->running() &&
         run.os->running() && !stop_requested())
    waiter->receive([&](atom::done) { finished = true; },
                    caf::after(std::chrono::seconds{1}) >> [] {});
  // An interrupted run reports what it has; that is no failure of utsjekk.
  r.interrupted = !finished && stop_requested();
  if (r.interrupted)
    display << "bench: interrupted; stopping the children, no ledger check "
               "and no baseline"
            << std::endl;
  else if (!finished)
    r.outcome.failures.push_back(
        !run.utsjekk->running() ? "utsjekk ended during the run"
        : !run.os->running()    ? "utsjekk-os ended during the run"
                                : "the deadline passed before every record "
                                  "had its terminal status");
  // Let the audit and state records of the last messages arrive (not
  // when interrupted: the user wants out).
  uint64_t seen = 0;
  for (int quiet = r.interrupted ? 3 : 0, i = 0; quiet < 3 && i < 40; ++i) {
    waiter->receive([](atom::done) {},
                    caf::after(std::chrono::milliseconds{500}) >> [] {});
    waiter->request(collector, std::chrono::seconds{10}, atom::get::value)
        .receive(
            [&](const progress& p) {
              quiet = p.seen == seen ? quiet + 1 : 0;
              seen = p.seen;
            },
            [&](const caf::error&) { quiet = 3; });
  }
  // Hand-over from the actors.
  collection got;
  waiter->request(collector, std::chrono::seconds{30}, atom::collect::value)
      .receive([&](collection& x) { got = std::move(x); },
               [&](const caf::error& err) {
                 r.outcome.failures.push_back("the collector did not answer: " +
                                              render(err));
               });
  std::vector<probe_sample> samples;
  waiter->request(sampler, std::chrono::seconds{30}, atom::collect::value)
      .receive([&](std::vector<probe_sample>& x) { samples = std::move(x); },
               [](const caf::error&) {});
  (*consumer)->stop();
  for (auto& p : producers)
    caf::anon_send_exit(p, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(collector, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(sampler, caf::exit_reason::user_shutdown);
  // The figures.
  r.elapsed_s = got.elapsed_s;
  r.throughput = got.elapsed_s > 0
                     ? static_cast<double>(got.counts.finished) / got.elapsed_s
                     : 0;
  r.latency = summarize(got.latencies_ms);
  r.steady_latency = summarize(got.steady_latencies_ms);
  r.timeline = got.timeline;
  merge_samples(r, samples);
  if (*delivery_failures > 0)
    r.outcome.failures.push_back(std::to_string(*delivery_failures) +
                                 " input records were not delivered");
  // The invariants, on what the collector read, over the keys sent: a key
  // never sent is not lost.
  run_records rr;
  std::set<std::string> keys;
  for (auto& rec : run.records) {
    keys.insert(rec.key);
    if (got.sent_keys.count(rec.key) > 0)
      rr.kinds.emplace(rec.key, std::string{to_string(rec.kind)});
  }
  rr.statuses = got.statuses;
  rr.oppdrag = got.oppdrag;
  check_report checked;
  check_records(rr, cfg.os_rate_12 <= 0.2, checked);
  r.outcome.keys = keys.size();
  r.outcome.not_sent = keys.size() - rr.kinds.size();
  if (r.outcome.not_sent > 0 && !r.interrupted)
    r.outcome.failures.push_back(std::to_string(r.outcome.not_sent) +
                                 " keys were never sent");
  r.outcome.ok = checked.ok;
  r.outcome.feilet = checked.feilet;
  r.outcome.finished = checked.ok + checked.feilet;
  r.outcome.lost = checked.lost;
  r.outcome.duplicated = checked.duplicated;
  for (auto& f : checked.failures)
    r.outcome.failures.push_back(f);
  // OS' ledger against what the input asked for; in an interrupted run
  // oppdrag still waiting for their kvittering would read as differences.
  auto diff = r.interrupted ? caf::expected<std::vector<std::string>>{
                                std::vector<std::string>{}}
                            : ledger_differences(run, got);
  if (diff) {
    r.outcome.ledger_differences = diff->size();
    for (auto& d : *diff)
      r.outcome.failures.push_back("ledger: " + d);
  } else {
    r.outcome.failures.push_back("no ledger from utsjekk-os: " +
                                 render(diff.error()));
  }
  // What utsjekk sent to OS again, from its own counters.
  if (auto text = http_get(run.admin_url, "/internal/metrics"))
    r.retries = parse_metrics(*text).retries;
  // utsjekk must stop cleanly.
  auto stopped = run.utsjekk->stop();
  if (!stopped || *stopped != 0)
    r.outcome.failures.push_back(
        "utsjekk did not stop cleanly (status " +
        (stopped ? std::to_string(*stopped) : std::string{"killed"}) + ")");
  run.os->stop();
  // The baseline: the same Kafka I/O with no logic between.
  if (cfg.baseline && !r.interrupted && got.counts.produced > 0 &&
      got.records_out > 0) {
    baseline_options b;
    b.bootstrap = run.kafka.brokers;
    for (auto fs : all_fagsystemer)
      b.input_topics.emplace_back(default_input_topic(fs));
    b.messages = got.counts.produced;
    b.output_topic = defaults::baseline_topic;
    b.records_per_message = static_cast<double>(got.records_out) /
                            static_cast<double>(got.counts.produced);
    b.bytes_per_record = got.bytes_out / got.records_out;
    display << "bench: baseline over " << b.messages << " messages, "
            << b.records_per_message << " records of " << b.bytes_per_record
            << " bytes each" << std::endl;
    if (auto base = run_baseline(b)) {
      r.baseline = *base;
      if (base->throughput > 0)
        r.baseline_ratio = r.throughput / base->throughput;
    } else {
      display << "bench: the baseline failed: " << render(base.error())
              << std::endl;
    }
  }
  r.passed = finished && !r.interrupted && r.outcome.lost == 0 &&
             r.outcome.duplicated == 0 && r.outcome.ledger_differences == 0 &&
             r.outcome.failures.empty();
  // The logs stay when something failed.
  if (r.passed && !cfg.keep) {
    std::error_code ignored;
    std::filesystem::remove_all(run.work, ignored);
  } else {
    display << "bench: logs kept in " << run.work.string() << std::endl;
  }
  return r;
}

caf::error write_reports(const result& x, const std::string& path) {
  auto stem = path;
  constexpr std::string_view ext = ".json";
  if (stem.size() > ext.size() &&
      stem.compare(stem.size() - ext.size(), ext.size(), ext) == 0)
    stem.resize(stem.size() - ext.size());
  for (auto& [file, text] :
       {std::pair{path, to_json(x)}, std::pair{stem + ".html", to_html(x)},
        std::pair{stem + ".md", to_markdown(x)}}) {
    std::ofstream out{file, std::ios::trunc};
    out << text;
    if (!out)
      return caf::make_error(ec::io_failed, "cannot write " + file);
  }
  return caf::none;
}

std::string verdict(const result& x) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(1);
  out << (x.passed ? "PASSED" : x.interrupted ? "INTERRUPTED" : "FAILED")
      << ": " << x.outcome.finished << "/" << x.outcome.keys
      << " keys final (ok " << x.outcome.ok << ", feilet " << x.outcome.feilet
      << "), lost " << x.outcome.lost << ", not sent " << x.outcome.not_sent
      << ", duplicated " << x.outcome.duplicated << ", ledger differences "
      << x.outcome.ledger_differences << '\n'
      << "throughput " << x.throughput << " msg/s over " << x.elapsed_s
      << " s; latency p50 " << x.latency.p50_ms << " p90 " << x.latency.p90_ms
      << " p99 " << x.latency.p99_ms << " max " << x.latency.max_ms << " ms\n"
      << "steady state (after the first 10 % sent): latency p50 "
      << x.steady_latency.p50_ms << " p99 " << x.steady_latency.p99_ms
      << " ms; sent to OS again:";
  for (auto& [reason, n] : x.retries)
    out << ' ' << reason << ' ' << n;
  out << (x.retries.empty() ? " none\n" : "\n")
      << "peak rss " << x.peak_rss_kib / 1024 << " MiB, peak in-flight "
      << x.peak_in_flight << ", pauses "
      << (x.pauses ? std::to_string(*x.pauses) : std::string{"n/a"}) << '\n';
  if (x.baseline)
    out << "baseline " << x.baseline->throughput << " msg/s, ratio "
        << x.baseline_ratio.value_or(0) << '\n';
  size_t shown = 0;
  for (auto& f : x.outcome.failures)
    if (shown++ < 20)
      out << "FAILED " << f << '\n';
  if (x.outcome.failures.size() > 20)
    out << "... and " << x.outcome.failures.size() - 20 << " more\n";
  return out.str();
}

} // namespace utsjekk::bench
