#pragma once

#include "kafka/kafka.hpp"
#include "messages/error.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

/// Helpers shared by the kafka/ suites: collectors that handlers report
/// into, waits with deadlines, a running mock cluster.
namespace utsjekk::kafka::test {

/// How long any wait of these suites may take before it fails.
inline constexpr auto deadline = std::chrono::seconds{30};

/// A lock and a signal that several logs may share, so one wait can look
/// at all of them.
struct board {
  std::mutex mtx;
  std::condition_variable cv;
};

/// Collects what a consumer reports and lets a test wait for it.
struct consumer_log {
  /// Reports into `shared`, or into a board of its own.
  explicit consumer_log(std::shared_ptr<board> shared
                        = std::make_shared<board>())
    : where(std::move(shared)), mtx(where->mtx), cv(where->cv) {
  }
  /// Keeps the board alive.
  std::shared_ptr<board> where;
  /// Guards everything below.
  std::mutex& mtx;
  /// Signalled on every report.
  std::condition_variable& cv;
  /// Every record handed on, in the order of the calls.
  std::vector<record> records;
  /// The batches as handed on: partition and record count.
  std::vector<std::pair<topic_partition, size_t>> batches;
  /// The partitions held now, by on_assigned and on_revoked.
  std::set<topic_partition> assignment;
  /// Every on_assigned call.
  std::vector<std::vector<topic_partition>> assigned;
  /// Every on_revoked call.
  std::vector<std::vector<topic_partition>> revoked;
  /// Every error, rendered.
  std::vector<std::string> errors;
  /// Runs on the poll thread for each batch, before it is recorded.
  std::function<void(const std::vector<record>&)> hook;

  /// Handlers that fill this log.
  consumer_handlers handlers() {
    consumer_handlers result;
    result.on_assigned = [this](const std::vector<topic_partition>& tps) {
      std::lock_guard<std::mutex> guard{mtx};
      assigned.push_back(tps);
      assignment.insert(tps.begin(), tps.end());
      cv.notify_all();
    };
    result.on_revoked = [this](const std::vector<topic_partition>& tps) {
      std::lock_guard<std::mutex> guard{mtx};
      revoked.push_back(tps);
      for (const auto& tp : tps)
        assignment.erase(tp);
      cv.notify_all();
    };
    result.on_records = [this](std::vector<record> batch) {
      if (hook)
        hook(batch);
      std::lock_guard<std::mutex> guard{mtx};
      batches.emplace_back(batch.front().tp, batch.size());
      for (auto& rec : batch)
        records.push_back(std::move(rec));
      cv.notify_all();
    };
    result.on_error = [this](const caf::error& err) {
      std::lock_guard<std::mutex> guard{mtx};
      errors.push_back(render(err));
      cv.notify_all();
    };
    return result;
  }

  /// Waits until `pred` holds (called under the lock) or the deadline.
  template <class Predicate>
  bool wait(Predicate pred) {
    std::unique_lock<std::mutex> guard{mtx};
    return cv.wait_for(guard, deadline, pred);
  }

  /// The offsets received from `tp`, in the order received.
  std::vector<int64_t> offsets(const topic_partition& tp) {
    std::lock_guard<std::mutex> guard{mtx};
    std::vector<int64_t> result;
    for (const auto& rec : records)
      if (rec.tp == tp)
        result.push_back(rec.offset);
    return result;
  }

  /// The number of records received from `tp`; call under the lock.
  size_t count_locked(const topic_partition& tp) const {
    size_t n = 0;
    for (const auto& rec : records)
      n += rec.tp == tp ? 1 : 0;
    return n;
  }
};

/// Collects delivery reports.
struct delivery_log {
  /// Guards everything below.
  std::mutex mtx;
  /// Signalled on every report.
  std::condition_variable cv;
  /// Token and rendered error ("none" for success), in report order.
  std::vector<std::pair<uint64_t, std::string>> reports;

  /// A handler that fills this log.
  delivery_handler handler() {
    return [this](uint64_t token, caf::error err) {
      std::lock_guard<std::mutex> guard{mtx};
      reports.emplace_back(token, render(err));
      cv.notify_all();
    };
  }

  /// Waits until `n` reports arrived or the deadline.
  bool wait_for(size_t n) {
    std::unique_lock<std::mutex> guard{mtx};
    return cv.wait_for(guard, deadline, [&] { return reports.size() >= n; });
  }
};

/// Starts a one-broker mock cluster, failing the test if it cannot.
inline std::unique_ptr<embedded_cluster> start_cluster(int brokers = 1) {
  auto cluster = embedded_cluster::start(brokers);
  REQUIRE_MESSAGE(cluster, render(cluster.error()));
  return std::move(*cluster);
}

/// Makes a producer, failing the test if it cannot.
inline std::unique_ptr<producer> make_producer(const client_config& cfg,
                                               delivery_log& log) {
  auto result = producer::make(cfg, log.handler());
  REQUIRE_MESSAGE(result, render(result.error()));
  return std::move(*result);
}

/// Properties that make group rebalances on the mock quick.
inline client_config fast_group(client_config cfg) {
  cfg.properties["session.timeout.ms"] = "3000";
  cfg.properties["heartbeat.interval.ms"] = "200";
  return cfg;
}

/// Makes a consumer reporting into `log`, not started yet.
inline std::unique_ptr<consumer>
make_consumer(const client_config& cfg, const std::string& group,
              const std::vector<std::string>& topics, consumer_log& log) {
  auto result = consumer::make(fast_group(cfg), group, topics,
                               log.handlers());
  REQUIRE_MESSAGE(result, render(result.error()));
  return std::move(*result);
}

/// Makes and starts a consumer reporting into `log`.
inline std::unique_ptr<consumer>
start_consumer(const client_config& cfg, const std::string& group,
               const std::vector<std::string>& topics, consumer_log& log) {
  auto result = make_consumer(cfg, group, topics, log);
  auto err = result->start();
  REQUIRE_MESSAGE(!err, render(err));
  return result;
}

/// Produces `n` records with values "<prefix><i>" and no key to `topic`
/// and waits until they are delivered.
inline void produce_values(producer& p, delivery_log& log,
                           const std::string& topic,
                           const std::string& prefix, int n) {
  size_t before = 0;
  {
    std::lock_guard<std::mutex> guard{log.mtx};
    before = log.reports.size();
  }
  for (int i = 0; i < n; ++i) {
    auto err = p.produce(topic, std::nullopt, prefix + std::to_string(i), {},
                         static_cast<uint64_t>(i));
    REQUIRE_MESSAGE(!err, render(err));
  }
  REQUIRE(log.wait_for(before + static_cast<size_t>(n)));
}

/// The offsets first..last, for comparing with what was received.
inline std::vector<int64_t> iota(int64_t first, int64_t last) {
  std::vector<int64_t> result;
  for (auto i = first; i <= last; ++i)
    result.push_back(i);
  return result;
}

/// A loopback port that was free a moment ago.
inline uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

} // namespace utsjekk::kafka::test
