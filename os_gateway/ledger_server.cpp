#include "os_gateway/ledger_server.hpp"

#include "messages/error.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <thread>

// Boost.Asio and Beast report errors through error_code overloads here;
// no call that throws is used, so no exception leaves this file.

namespace utsjekk::os {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

/// How long one connection may take to send its request and read the
/// answer.
constexpr auto session_timeout = std::chrono::seconds{10};

/// One connection: read one request, answer it, close.
class session : public std::enable_shared_from_this<session> {
public:
  session(tcp::socket socket, const ledger_server::body_source& ledger)
    : stream_(std::move(socket)), ledger_(ledger) {
  }

  void run() {
    stream_.expires_after(session_timeout);
    http::async_read(stream_, buffer_, request_,
                     [self = shared_from_this()](beast::error_code err,
                                                 size_t) {
                       self->on_read(err);
                     });
  }

private:
  void on_read(beast::error_code err) {
    if (err)
      return close();
    // The path without a query decides; only GET /ledger exists.
    auto target = std::string{request_.target()};
    target = target.substr(0, target.find('?'));
    response_.version(request_.version());
    response_.keep_alive(false);
    response_.set(http::field::server, "utsjekk-os");
    if (target == "/ledger" && request_.method() == http::verb::get) {
      response_.result(http::status::ok);
      response_.set(http::field::content_type, "application/json");
      response_.body() = ledger_();
    } else {
      response_.result(http::status::not_found);
      response_.set(http::field::content_type, "text/plain");
      response_.body() = "not found\n";
    }
    response_.prepare_payload();
    http::async_write(stream_, response_,
                      [self = shared_from_this()](beast::error_code,
                                                  size_t) {
                        self->close();
                      });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  const ledger_server::body_source& ledger_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
};

} // namespace

struct ledger_server::impl {
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  body_source ledger;
  uint16_t port = 0;
  std::thread thread;
  bool stopped = false;

  /// Accepts the next connection, forever until the context stops.
  void accept() {
    acceptor.async_accept([this](beast::error_code err, tcp::socket socket) {
      if (err == asio::error::operation_aborted)
        return;
      if (!err)
        std::make_shared<session>(std::move(socket), ledger)->run();
      accept();
    });
  }
};

ledger_server::ledger_server() : impl_(std::make_unique<impl>()) {
}

ledger_server::~ledger_server() {
  stop();
}

caf::expected<std::unique_ptr<ledger_server>>
ledger_server::start(uint16_t port, body_source ledger) {
  std::unique_ptr<ledger_server> result{new ledger_server};
  auto& st = *result->impl_;
  st.ledger = std::move(ledger);
  // Loopback only.
  auto fail = [](const std::string& what, const beast::error_code& err) {
    return caf::make_error(ec::io_failed,
                           "ledger server: " + what + ": " + err.message());
  };
  tcp::endpoint at{asio::ip::make_address_v4("127.0.0.1"), port};
  beast::error_code err;
  st.acceptor.open(at.protocol(), err);
  if (err)
    return fail("open", err);
  st.acceptor.set_option(asio::socket_base::reuse_address(true), err);
  st.acceptor.bind(at, err);
  if (err)
    return fail("bind 127.0.0.1:" + std::to_string(port), err);
  st.acceptor.listen(asio::socket_base::max_listen_connections, err);
  if (err)
    return fail("listen", err);
  st.port = st.acceptor.local_endpoint(err).port();
  if (err)
    return fail("local endpoint", err);
  // Serve on a thread of its own.
  st.accept();
  st.thread = std::thread{[&st] { st.ioc.run(); }};
  return result;
}

uint16_t ledger_server::port() const {
  return impl_->port;
}

void ledger_server::stop() {
  auto& st = *impl_;
  if (st.stopped)
    return;
  st.stopped = true;
  st.ioc.stop();
  if (st.thread.joinable())
    st.thread.join();
  // The thread is gone: close the port, so no connection waits in vain.
  beast::error_code ignored;
  st.acceptor.close(ignored);
}

} // namespace utsjekk::os
