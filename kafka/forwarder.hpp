#pragma once

#include <caf/expected.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>

/// Internal to kafka/: the TCP forwarder behind a pinned bootstrap port.
namespace utsjekk::kafka::detail {

/// Accepts connections on 127.0.0.1:port and pipes bytes both ways to
/// 127.0.0.1:target, on one thread it owns. Only loopback is touched.
class tcp_forwarder {
public:
  /// Stops the thread and closes every socket.
  ~tcp_forwarder();
  tcp_forwarder(const tcp_forwarder&) = delete;
  tcp_forwarder& operator=(const tcp_forwarder&) = delete;

  /// Binds 127.0.0.1:port (an error names a busy port) and starts
  /// forwarding to 127.0.0.1:target.
  static caf::expected<std::unique_ptr<tcp_forwarder>>
  start(uint16_t port, uint16_t target);

  /// Connections currently being forwarded.
  int connections() const;

private:
  tcp_forwarder(int listen_fd, int wake_fd, uint16_t target);
  /// The thread's loop: accept, read, write, until woken to stop.
  void run();
  /// The listening socket.
  int listen_fd_;
  /// An eventfd that wakes the loop to stop.
  int wake_fd_;
  /// The port forwarded to.
  uint16_t target_;
  /// The number of open forwarded connections.
  std::atomic<int> connections_{0};
  /// The forwarding thread.
  std::thread thread_;
};

} // namespace utsjekk::kafka::detail
