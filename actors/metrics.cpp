#include "actors/metrics.hpp"

#include "messages/calendar.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace utsjekk {

std::string_view to_string(retry_reason x) {
  switch (x) {
    case retry_reason::os_12:
      return "os_12";
    case retry_reason::transport:
      return "transport";
    case retry_reason::timeout:
      return "timeout";
    case retry_reason::operator_request:
      return "operator";
  }
  return "unknown";
}

namespace {

constexpr std::array<std::string_view, 5> grade_names
  = {"00", "04", "08", "12", "other"};

constexpr std::array<status_kind, 4> status_kinds
  = {status_kind::mottatt, status_kind::hos_oppdrag, status_kind::ok,
     status_kind::feilet};

constexpr std::array<retry_reason, 4> retry_reasons
  = {retry_reason::os_12, retry_reason::transport, retry_reason::timeout,
     retry_reason::operator_request};

/// A label value with \, " and newline escaped.
std::string escape(std::string_view text) {
  std::string result;
  for (auto c : text) {
    if (c == '\\' || c == '"')
      result += '\\';
    if (c == '\n') {
      result += "\\n";
      continue;
    }
    result += c;
  }
  return result;
}

/// A sample value: integers as such, others with enough digits.
std::string number(double x) {
  if (std::isinf(x))
    return x > 0 ? "+Inf" : "-Inf";
  char buf[64];
  if (x == std::floor(x) && std::fabs(x) < 1e15)
    std::snprintf(buf, sizeof(buf), "%.0f", x);
  else
    std::snprintf(buf, sizeof(buf), "%.6g", x);
  return buf;
}

/// Writes the HELP and TYPE lines of a metric family.
void family(std::string& out, std::string_view name, std::string_view type,
            std::string_view help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

/// Writes one sample with labels `{k="v",...}`.
void sample(std::string& out, std::string_view name,
            std::initializer_list<std::pair<std::string_view, std::string>>
              labels,
            double value) {
  out += name;
  if (labels.size() > 0) {
    out += '{';
    auto first = true;
    for (auto& [k, v] : labels) {
      if (!first)
        out += ',';
      first = false;
      out += k;
      out += "=\"";
      out += escape(v);
      out += '"';
    }
    out += '}';
  }
  out += ' ';
  out += number(value);
  out += '\n';
}

/// Writes one gauge family with a sample per fagsystem.
void per_fagsystem(std::string& out, std::string_view name,
                   std::string_view help,
                   const std::array<uint64_t, 6>& values) {
  family(out, name, "gauge", help);
  for (size_t i = 0; i < all_fagsystemer.size(); ++i)
    sample(out, name,
           {{"fagsystem", std::string{to_string(all_fagsystemer[i])}}},
           static_cast<double>(values[i]));
}

/// The index of a grade; any unknown one counts as "other", the last.
size_t grade_index(std::string_view grade) {
  auto last = grade_names.end() - 1;
  return static_cast<size_t>(std::find(grade_names.begin(), last, grade)
                             - grade_names.begin());
}

} // namespace

std::string render_prometheus(const metrics_snapshot& x) {
  std::string out;
  out.reserve(8192);
  // Input.
  family(out, "utsjekk_records_consumed_total", "counter",
         "Records read from each input topic.");
  for (auto& [topic, n] : x.consumed)
    sample(out, "utsjekk_records_consumed_total", {{"topic", topic}},
           static_cast<double>(n));
  // Output.
  family(out, "utsjekk_statuses_total", "counter",
         "Statuses published on the status topic, by value.");
  for (size_t i = 0; i < status_kinds.size(); ++i)
    sample(out, "utsjekk_statuses_total",
           {{"status", std::string{to_string(status_kinds[i])}}},
           static_cast<double>(x.statuses[i]));
  family(out, "utsjekk_oppdrag_sent_total", "counter",
         "Oppdrag handed to the transport to OS, resends included.");
  sample(out, "utsjekk_oppdrag_sent_total", {},
         static_cast<double>(x.oppdrag_sent));
  family(out, "utsjekk_partition_pauses_total", "counter",
         "Times a reader paused its partition for backpressure.");
  sample(out, "utsjekk_partition_pauses_total", {},
         static_cast<double>(x.partition_pauses));
  family(out, "utsjekk_kvitteringer_total", "counter",
         "Kvitteringer received, by alvorlighetsgrad.");
  for (auto grade : grade_names) {
    auto i = x.kvitteringer.find(std::string{grade});
    auto n = i == x.kvitteringer.end() ? 0 : i->second;
    sample(out, "utsjekk_kvitteringer_total",
           {{"alvorlighetsgrad", std::string{grade}}},
           static_cast<double>(n));
  }
  family(out, "utsjekk_retries_total", "counter",
         "Oppdrag sent to OS again, by reason.");
  for (size_t i = 0; i < retry_reasons.size(); ++i)
    sample(out, "utsjekk_retries_total",
           {{"reason", std::string{to_string(retry_reasons[i])}}},
           static_cast<double>(x.retries[i]));
  // Work in progress.
  per_fagsystem(out, "utsjekk_oppdrag_in_flight",
                "Transactions with an oppdrag actor, per fagsystem.",
                x.in_flight);
  per_fagsystem(out, "utsjekk_saker_queued",
                "Saker with messages waiting for their turn or a slot.",
                x.saker_queued);
  per_fagsystem(out, "utsjekk_messages_queued",
                "Messages waiting behind their sak or for a slot.",
                x.messages_queued);
  per_fagsystem(out, "utsjekk_saker_parked",
                "Saker an operator parked.", x.saker_parked);
  // The kvittering wait.
  family(out, "utsjekk_kvittering_wait_seconds", "histogram",
         "Time from sending an oppdrag to its kvittering.");
  uint64_t cumulative = 0;
  for (size_t i = 0; i < wait_buckets.size(); ++i) {
    cumulative += x.wait_counts[i];
    sample(out, "utsjekk_kvittering_wait_seconds_bucket",
           {{"le", number(wait_buckets[i])}},
           static_cast<double>(cumulative));
  }
  cumulative += x.wait_counts.back();
  sample(out, "utsjekk_kvittering_wait_seconds_bucket", {{"le", "+Inf"}},
         static_cast<double>(cumulative));
  sample(out, "utsjekk_kvittering_wait_seconds_sum", {}, x.wait_sum);
  sample(out, "utsjekk_kvittering_wait_seconds_count", {},
         static_cast<double>(x.wait_count));
  // Consumer lag.
  family(out, "utsjekk_consumer_lag", "gauge",
         "Records of an assigned partition not read yet.");
  for (auto& p : x.partitions) {
    if (p.high_watermark < 0)
      continue;
    auto lag = p.position < 0 ? p.high_watermark
                              : std::max<int64_t>(0, p.high_watermark
                                                       - p.position);
    sample(out, "utsjekk_consumer_lag",
           {{"topic", p.tp.topic},
            {"partition", std::to_string(p.tp.partition)}},
           static_cast<double>(lag));
  }
  // The missing-kvittering alert.
  family(out, "utsjekk_oppdrag_unanswered", "gauge",
         "Transactions with oppdrag at OS waiting for a kvittering.");
  sample(out, "utsjekk_oppdrag_unanswered", {},
         static_cast<double>(x.unanswered));
  family(out, "utsjekk_oldest_unanswered_oppdrag_seconds", "gauge",
         "Age of the oldest oppdrag without kvittering; 0 when none.");
  sample(out, "utsjekk_oldest_unanswered_oppdrag_seconds", {},
         x.oldest_unanswered);
  family(out, "utsjekk_kvittering_missing", "gauge",
         "Oppdrag without kvittering for over an hour while OS is open.");
  sample(out, "utsjekk_kvittering_missing", {},
         static_cast<double>(x.missing));
  // Health.
  family(out, "utsjekk_state_loaded", "gauge",
         "1 once the accepted state and the journal are loaded.");
  sample(out, "utsjekk_state_loaded", {}, x.state_loaded ? 1 : 0);
  family(out, "utsjekk_producer_healthy", "gauge",
         "1 unless the producer's last delivery failed.");
  sample(out, "utsjekk_producer_healthy", {}, x.producer_healthy ? 1 : 0);
  family(out, "utsjekk_deliveries_failed_total", "counter",
         "Records the producer could not deliver.");
  sample(out, "utsjekk_deliveries_failed_total", {},
         static_cast<double>(x.deliveries_failed));
  family(out, "utsjekk_partitions_assigned", "gauge",
         "Input partitions assigned to this instance.");
  sample(out, "utsjekk_partitions_assigned", {},
         static_cast<double>(x.partitions.size()));
  return out;
}

void metrics::read(const kafka::topic_partition& tp, size_t n,
                   int64_t next_offset) {
  std::lock_guard<std::mutex> guard{mtx_};
  consumed_[tp.topic] += n;
  auto& pos = positions_[tp];
  pos = std::max(pos, next_offset);
}

void metrics::assigned(const std::vector<kafka::topic_partition>& tps) {
  std::lock_guard<std::mutex> guard{mtx_};
  for (auto& tp : tps)
    positions_.emplace(tp, -1);
}

void metrics::revoked(const std::vector<kafka::topic_partition>& tps) {
  std::lock_guard<std::mutex> guard{mtx_};
  for (auto& tp : tps)
    positions_.erase(tp);
}

void metrics::status_published(status_kind x) {
  ++statuses_[static_cast<size_t>(x)];
}

void metrics::delivery(bool ok) {
  producer_ok_ = ok;
  if (!ok)
    ++deliveries_failed_;
}

void metrics::oppdrag_sent() {
  ++sent_;
}

void metrics::partition_paused() {
  ++pauses_;
}

void metrics::kvittering(std::string_view alvorlighetsgrad) {
  ++grades_[grade_index(alvorlighetsgrad)];
}

void metrics::kvittering_wait(std::chrono::microseconds wait) {
  auto us = std::max<int64_t>(0, wait.count());
  auto seconds = static_cast<double>(us) / 1e6;
  auto bucket = static_cast<size_t>(
    std::lower_bound(wait_buckets.begin(), wait_buckets.end(), seconds)
    - wait_buckets.begin());
  ++wait_[bucket];
  wait_sum_us_ += static_cast<uint64_t>(us);
  ++wait_count_;
}

void metrics::retry(retry_reason why) {
  ++retries_[static_cast<size_t>(why)];
}

void metrics::transactions(fagsystem fs, size_t in_flight,
                           size_t saker_queued, size_t messages_queued,
                           size_t saker_parked) {
  auto i = static_cast<size_t>(fs);
  in_flight_[i] = in_flight;
  saker_queued_[i] = saker_queued;
  messages_queued_[i] = messages_queued;
  saker_parked_[i] = saker_parked;
}

void metrics::waiting(const tx_id& key, local_time since) {
  std::lock_guard<std::mutex> guard{mtx_};
  waiting_.emplace(key, since);
}

void metrics::answered(const tx_id& key) {
  std::lock_guard<std::mutex> guard{mtx_};
  waiting_.erase(key);
}

void metrics::state_loaded() {
  loaded_ = true;
}

size_t metrics::partitions_assigned() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return positions_.size();
}

bool metrics::loaded() const {
  return loaded_;
}

bool metrics::producer_healthy() const {
  return producer_ok_;
}

metrics_snapshot metrics::snapshot(
  local_time now,
  const std::function<int64_t(const kafka::topic_partition&)>&
    high_watermark) const {
  metrics_snapshot x;
  for (size_t i = 0; i < x.statuses.size(); ++i)
    x.statuses[i] = statuses_[i];
  x.oppdrag_sent = sent_;
  x.partition_pauses = pauses_;
  for (size_t i = 0; i < grade_names.size(); ++i)
    x.kvitteringer[std::string{grade_names[i]}] = grades_[i];
  for (size_t i = 0; i < x.retries.size(); ++i)
    x.retries[i] = retries_[i];
  for (size_t i = 0; i < n_fs; ++i) {
    x.in_flight[i] = in_flight_[i];
    x.saker_queued[i] = saker_queued_[i];
    x.messages_queued[i] = messages_queued_[i];
    x.saker_parked[i] = saker_parked_[i];
  }
  for (size_t i = 0; i < x.wait_counts.size(); ++i)
    x.wait_counts[i] = wait_[i];
  x.wait_sum = static_cast<double>(wait_sum_us_.load()) / 1e6;
  x.wait_count = wait_count_;
  x.state_loaded = loaded_;
  x.producer_healthy = producer_ok_;
  x.deliveries_failed = deliveries_failed_;
  // The maps, copied under the lock; the watermarks are asked outside it.
  std::vector<local_time> since;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    x.consumed = consumed_;
    for (auto& [tp, pos] : positions_)
      x.partitions.push_back({tp, pos, -1});
    since.reserve(waiting_.size());
    for (auto& [key, t] : waiting_)
      since.push_back(t);
  }
  if (high_watermark)
    for (auto& p : x.partitions)
      p.high_watermark = high_watermark(p.tp);
  // The waiting oppdrag and the alert.
  x.unanswered = since.size();
  auto open = is_open(now);
  for (auto t : since) {
    auto age = now - t;
    auto seconds = std::max(0.0, std::chrono::duration<double>(age).count());
    x.oldest_unanswered = std::max(x.oldest_unanswered, seconds);
    if (open && age > missing_kvittering_after)
      ++x.missing;
  }
  return x;
}

} // namespace utsjekk
