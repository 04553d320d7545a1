#include "actors/http_server.hpp"

#include "actors/logging.hpp"
#include "messages/error.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace utsjekk {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;

class connection;

} // namespace

/// The server's shared core: owned by the server and by every responder
/// handed out, so that a late answer never meets a destroyed io_context.
/// Connections hold a plain pointer: they live inside its io_context.
struct http_server::impl {
  http_server_config cfg;
  http_handler handler;
  /// Connections open now; declared before the io_context so that it
  /// outlives the connections the io_context destroys.
  std::atomic<size_t> open{0};
  std::atomic<bool> stopped{false};
  std::mutex mtx;
  /// Every connection, to close them on stop.
  std::vector<std::weak_ptr<connection>> registry;
  uint16_t port = 0;
  std::unique_ptr<asio::io_context> ioc;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;

  ~impl() {
    // The threads are joined by stop(); the io_context destroys the
    // handlers still queued, and with them their connections.
    acceptor.reset();
    ioc.reset();
  }

  /// Accepts the next connection.
  void accept();
  /// Keeps `c` for stop().
  void enroll(const std::shared_ptr<connection>& c);
};

namespace {

/// The reason phrase for the status codes the endpoint uses.
bhttp::status to_status(int code) {
  return static_cast<bhttp::status>(code);
}

/// A plain JSON error body.
std::string error_body(std::string_view text) {
  std::string result = "{\"error\":\"";
  for (auto c : text) {
    if (c == '"' || c == '\\')
      result += '\\';
    if (static_cast<unsigned char>(c) >= 0x20)
      result += c;
  }
  result += "\"}";
  return result;
}

http_answer error_answer(int status, std::string_view text) {
  return http_answer{status, "application/json", error_body(text), {}};
}

/// One client connection: reads a request, hands it to the handler,
/// writes the answer, and so on while the client keeps it alive.
class connection : public std::enable_shared_from_this<connection> {
public:
  connection(http_server::impl* srv, tcp::socket socket)
    : srv_(srv),
      stream_(std::move(socket)),
      read_timer_(stream_.get_executor()),
      backstop_(stream_.get_executor()) {
    ++srv_->open;
  }

  ~connection() {
    --srv_->open;
  }

  /// Starts reading requests; refuses the client with 503 when
  /// `over_limit`.
  void start(bool over_limit) {
    if (over_limit) {
      send(error_answer(503, "too many connections"), false);
      return;
    }
    read();
  }

  /// Closes the socket and cancels the timers; runs on the strand.
  void shutdown() {
    beast::error_code ignored;
    backstop_.cancel();
    read_timer_.cancel();
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  /// The executor of this connection's strand.
  auto executor() {
    return stream_.get_executor();
  }

  /// Delivers the answer to request `serial`; later duplicates and
  /// answers to requests already answered are dropped.
  void answer(uint64_t serial, http_answer a) {
    if (serial != serial_ || !waiting_)
      return;
    waiting_ = false;
    backstop_.cancel();
    send(std::move(a), keep_alive_);
  }

  /// Makes the responder of request `serial`.
  static http_responder
  responder(std::shared_ptr<http_server::impl> core,
            std::weak_ptr<connection> weak, uint64_t serial) {
    return [core, weak, serial](http_answer a) {
      auto c = weak.lock();
      if (!c || core->stopped)
        return;
      asio::post(c->executor(), [c, serial, a = std::move(a)]() mutable {
        c->answer(serial, std::move(a));
      });
    };
  }

private:
  void read() {
    if (srv_->stopped)
      return;
    parser_.emplace();
    parser_->body_limit(srv_->cfg.max_body);
    parser_->header_limit(static_cast<uint32_t>(srv_->cfg.max_header));
    // An own timer, not the stream's: the stream would close the socket
    // on timeout, and a stalled client is to get its 408 first.
    stream_.expires_never();
    timed_out_ = false;
    read_timer_.expires_after(srv_->cfg.request_timeout);
    read_timer_.async_wait([self = shared_from_this()](beast::error_code err) {
      if (err)
        return;
      self->timed_out_ = true;
      beast::error_code ignored;
      self->stream_.socket().cancel(ignored);
    });
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&connection::on_read,
                                                shared_from_this()));
  }

  void on_read(beast::error_code err, size_t) {
    read_timer_.cancel();
    if (err) {
      on_read_error(err);
      return;
    }
    auto& req = parser_->get();
    http_request out;
    out.method = std::string{req.method_string()};
    out.target = std::string{req.target()};
    out.authorization = std::string{req[bhttp::field::authorization]};
    out.operator_header = std::string{req["X-Operator"]};
    out.body = std::move(req.body());
    keep_alive_ = req.keep_alive();
    parser_.reset();
    // The handler answers through the responder; the backstop answers
    // 503 if it does not in time.
    auto serial = ++serial_;
    waiting_ = true;
    backstop_.expires_after(srv_->cfg.answer_timeout);
    backstop_.async_wait([self = shared_from_this(),
                          serial](beast::error_code err) {
      if (err)
        return;
      self->answer(serial, error_answer(503, "the service did not answer "
                                             "in time"));
    });
    auto core = current_core();
    if (!core)
      return;
    try {
      core->handler(std::move(out),
                    responder(core, weak_from_this(), serial));
    } catch (const std::exception& e) {
      UTSJEKK_LOG(error, "admin")
        << "admin endpoint handler failed error=" << e.what();
      answer(serial, error_answer(500, "internal error"));
    }
  }

  void on_read_error(const beast::error_code& err) {
    // A client that stalls mid-request gets 408; an idle one is closed.
    if (timed_out_) {
      if (parser_ && parser_->got_some())
        send(error_answer(408, "request timeout"), false);
      else
        shutdown();
      return;
    }
    if (err == bhttp::error::body_limit) {
      send(error_answer(413, "request body too large"), false);
      return;
    }
    if (err == bhttp::error::header_limit) {
      send(error_answer(431, "request header fields too large"), false);
      return;
    }
    if (err.category() == bhttp::make_error_code(bhttp::error::bad_target)
                            .category()
        && err != bhttp::error::end_of_stream
        && err != bhttp::error::partial_message) {
      send(error_answer(400, "malformed request: " + err.message()), false);
      return;
    }
    shutdown();
  }

  void send(http_answer a, bool keep_alive) {
    if (srv_->stopped) {
      shutdown();
      return;
    }
    res_.emplace();
    res_->version(11);
    res_->result(to_status(a.status));
    res_->set(bhttp::field::server, "utsjekk");
    res_->set(bhttp::field::content_type, a.content_type);
    res_->set(bhttp::field::cache_control, "no-store");
    for (auto& [name, value] : a.headers)
      res_->set(name, value);
    res_->body() = std::move(a.body);
    res_->keep_alive(keep_alive);
    res_->prepare_payload();
    stream_.expires_after(srv_->cfg.request_timeout);
    bhttp::async_write(stream_, *res_,
                       [self = shared_from_this(),
                        keep_alive](beast::error_code err, size_t) {
                         self->on_write(err, keep_alive);
                       });
  }

  void on_write(beast::error_code err, bool keep_alive) {
    res_.reset();
    if (err || !keep_alive) {
      shutdown();
      return;
    }
    read();
  }

  /// The core while the server runs, for the responders; a connection
  /// never keeps the core alive by itself.
  std::shared_ptr<http_server::impl> current_core();

  http_server::impl* srv_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::response<bhttp::string_body>> res_;
  /// Ends a request that takes too long to arrive.
  asio::steady_timer read_timer_;
  bool timed_out_ = false;
  asio::steady_timer backstop_;
  uint64_t serial_ = 0;
  bool waiting_ = false;
  bool keep_alive_ = false;
};

} // namespace

void http_server::impl::enroll(const std::shared_ptr<connection>& c) {
  std::lock_guard<std::mutex> guard{mtx};
  // Drop the entries of closed connections now and then.
  if (registry.size() > 2 * open + 64)
    std::erase_if(registry, [](auto& w) { return w.expired(); });
  registry.push_back(c);
}

namespace {

/// The core of the server whose thread this is: handlers run only on the
/// server's own threads, which set it when they start.
thread_local std::weak_ptr<http_server::impl> running_core;

} // namespace

std::shared_ptr<http_server::impl> connection::current_core() {
  return running_core.lock();
}

void http_server::impl::accept() {
  // The io_context dies with the core: its handlers may hold `this`.
  acceptor->async_accept(
    asio::make_strand(*ioc), [this](beast::error_code err,
                                    tcp::socket socket) {
      if (err || stopped) {
        if (!stopped && err != asio::error::operation_aborted) {
          UTSJEKK_LOG(warning, "admin")
            << "admin endpoint could not accept error=" << err.message();
          accept();
        }
        return;
      }
      auto over = open >= cfg.max_connections;
      auto c = std::make_shared<connection>(this, std::move(socket));
      enroll(c);
      c->start(over);
      accept();
    });
}

http_server::http_server() = default;

http_server::~http_server() {
  stop();
}

caf::error validate(const http_server_config& cfg) {
  auto invalid = [](std::string what) {
    return caf::make_error(ec::invalid_config, std::move(what));
  };
  beast::error_code err;
  asio::ip::make_address(cfg.bind, err);
  if (err)
    return invalid("admin.bind is not an IP address: " + cfg.bind);
  if (cfg.request_timeout <= std::chrono::milliseconds{0}
      || cfg.answer_timeout <= std::chrono::milliseconds{0})
    return invalid("admin timeouts must be positive");
  if (cfg.max_connections == 0 || cfg.threads == 0)
    return invalid("admin.max-connections and threads must be positive");
  return caf::none;
}

caf::expected<std::unique_ptr<http_server>>
http_server::start(http_server_config cfg, http_handler handler) {
  if (auto err = validate(cfg))
    return err;
  std::unique_ptr<http_server> result{new http_server};
  auto core = std::make_shared<impl>();
  result->impl_ = core;
  core->cfg = std::move(cfg);
  core->handler = std::move(handler);
  core->ioc = std::make_unique<asio::io_context>(
    static_cast<int>(core->cfg.threads));
  // Bind and listen, naming the address on failure.
  auto where = core->cfg.bind + ":" + std::to_string(core->cfg.port);
  auto fail = [&](const beast::error_code& err) {
    return caf::make_error(ec::invalid_config,
                           "admin endpoint cannot listen on " + where + ": "
                             + err.message());
  };
  beast::error_code err;
  auto address = asio::ip::make_address(core->cfg.bind, err);
  if (err)
    return fail(err);
  tcp::endpoint endpoint{address, core->cfg.port};
  core->acceptor = std::make_unique<tcp::acceptor>(*core->ioc);
  core->acceptor->open(endpoint.protocol(), err);
  if (!err)
    core->acceptor->set_option(asio::socket_base::reuse_address{true}, err);
  if (!err)
    core->acceptor->bind(endpoint, err);
  if (!err)
    core->acceptor->listen(asio::socket_base::max_listen_connections, err);
  if (err)
    return fail(err);
  core->port = core->acceptor->local_endpoint(err).port();
  core->accept();
  // The threads; an exception escaping a handler is logged and the
  // thread goes on serving.
  std::weak_ptr<impl> weak = core;
  for (size_t i = 0; i < core->cfg.threads; ++i)
    core->threads.emplace_back([raw = core.get(), weak] {
      running_core = weak;
      for (;;) {
        try {
          raw->ioc->run();
          return;
        } catch (const std::exception& e) {
          UTSJEKK_LOG(error, "admin")
            << "admin endpoint thread caught error=" << e.what();
        }
      }
    });
  UTSJEKK_LOG(info, "admin")
    << "admin endpoint listens address=" << core->cfg.bind
    << " port=" << core->port;
  return result;
}

uint16_t http_server::port() const {
  return impl_->port;
}

size_t http_server::connections() const {
  return impl_->open;
}

void http_server::stop() {
  if (!impl_ || impl_->stopped.exchange(true))
    return;
  auto& st = *impl_;
  // Close the acceptor and every connection on their own strands.
  asio::post(*st.ioc, [raw = &st] {
    beast::error_code ignored;
    raw->acceptor->close(ignored);
  });
  {
    std::lock_guard<std::mutex> guard{st.mtx};
    for (auto& weak : st.registry)
      if (auto c = weak.lock())
        asio::post(c->executor(), [c] { c->shutdown(); });
    st.registry.clear();
  }
  // Give the aborted operations a moment to finish, then stop.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{1};
  while (st.open > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  st.ioc->stop();
  for (auto& t : st.threads)
    if (t.joinable())
      t.join();
  st.threads.clear();
  UTSJEKK_LOG(info, "admin") << "admin endpoint stopped";
}

} // namespace utsjekk
