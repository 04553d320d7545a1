#pragma once

#include <caf/expected.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace utsjekk::os {

/// A small HTTP/1.1 server on 127.0.0.1 that answers `GET /ledger` with
/// a JSON body and every other path with 404, one request per connection,
/// on a thread of its own (Boost.Beast).
class ledger_server {
public:
  /// Makes the body of each answer; called on the server's thread.
  using body_source = std::function<std::string()>;

  ~ledger_server();
  ledger_server(const ledger_server&) = delete;
  ledger_server& operator=(const ledger_server&) = delete;

  /// Listens on 127.0.0.1:`port` (0 picks a free port) and serves until
  /// stop().
  static caf::expected<std::unique_ptr<ledger_server>>
  start(uint16_t port, body_source ledger);

  /// The port it listens on.
  uint16_t port() const;

  /// Stops listening and joins the thread. Idempotent.
  void stop();

private:
  ledger_server();
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace utsjekk::os
