#pragma once

#include "actors/http.hpp"

#include <caf/expected.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

/// A small HTTP/1.1 server on Boost.Beast for the admin endpoint. It runs
/// on its own threads and never waits for a handler: a handler answers
/// through its responder whenever it can, and a request whose handler does
/// not answer in time gets 503. Boost's exceptions stay inside.
namespace utsjekk {

/// How the server listens and what it tolerates.
struct http_server_config {
  /// The address to bind, e.g. "127.0.0.1" or "::".
  std::string bind = "127.0.0.1";
  /// The port; 0 picks a free one.
  uint16_t port = 8080;
  /// How long a client may take to send one request (and to read its
  /// answer); a keep-alive connection idle this long is closed.
  std::chrono::milliseconds request_timeout = std::chrono::seconds{10};
  /// How long a handler may take before the client gets 503.
  std::chrono::milliseconds answer_timeout = std::chrono::seconds{5};
  /// Connections open at once; further ones get 503 and are closed.
  size_t max_connections = 512;
  /// Largest request body; a larger one gets 413.
  size_t max_body = 64 * 1024;
  /// Largest request header block; a larger one gets 431.
  size_t max_header = 16 * 1024;
  /// Threads serving connections.
  size_t threads = 2;
};

/// Checks that every value is usable; names the first one that is not.
caf::error validate(const http_server_config& cfg);

/// A running server. Stops on destruction.
class http_server {
public:
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// Binds, listens and starts the threads. Fails with ec::invalid_config
  /// for a bad address or a port that cannot be bound.
  static caf::expected<std::unique_ptr<http_server>>
  start(http_server_config cfg, http_handler handler);

  /// The port bound (the one picked when the configured port was 0).
  uint16_t port() const;

  /// Connections open now.
  size_t connections() const;

  /// Stops accepting, closes every connection and joins the threads.
  /// Idempotent. Answers arriving later are dropped.
  void stop();

  struct impl;

private:
  http_server();
  std::shared_ptr<impl> impl_;
};

} // namespace utsjekk
