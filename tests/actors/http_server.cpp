#include "actors/http_server.hpp"

#include "actors/logging.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <thread>

using namespace utsjekk;
using namespace std::chrono_literals;

namespace {

/// One status line and body read back from the server.
struct reply {
  int status = 0;
  std::string head;
  std::string body;
};

/// A blocking loopback client whose every read gives up after a deadline.
class client {
public:
  explicit client(uint16_t port, std::chrono::seconds deadline = 5s) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd_ >= 0);
    timeval tv{static_cast<time_t>(deadline.count()), 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr))
            == 0);
  }

  ~client() {
    ::close(fd_);
  }

  void send(std::string_view data) {
    while (!data.empty()) {
      auto n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0)
        return;
      data.remove_prefix(static_cast<size_t>(n));
    }
  }

  /// Reads one response; status 0 when the connection closed first or
  /// the deadline passed.
  reply read() {
    reply result;
    while (buf_.find("\r\n\r\n") == std::string::npos)
      if (!fill())
        return result;
    auto end = buf_.find("\r\n\r\n");
    result.head = buf_.substr(0, end);
    buf_.erase(0, end + 4);
    result.status = std::atoi(result.head.c_str() + 9);
    size_t length = 0;
    auto at = result.head.find("Content-Length: ");
    if (at != std::string::npos)
      length = std::strtoul(result.head.c_str() + at + 16, nullptr, 10);
    while (buf_.size() < length)
      if (!fill())
        return result;
    result.body = buf_.substr(0, length);
    buf_.erase(0, length);
    return result;
  }

  /// True when the server closed the connection (before the deadline).
  bool closed() {
    while (fill()) {
    }
    return eof_;
  }

private:
  bool fill() {
    char chunk[4096];
    auto n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) {
      eof_ = n == 0;
      return false;
    }
    buf_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string buf_;
  bool eof_ = false;
};

std::string get(std::string_view path, bool close = false) {
  return "GET " + std::string{path} + " HTTP/1.1\r\nHost: x\r\n"
         + (close ? "Connection: close\r\n" : "") + "\r\n";
}

http_server_config test_config() {
  http_server_config cfg;
  cfg.port = 0;
  cfg.request_timeout = 300ms;
  cfg.answer_timeout = 300ms;
  cfg.max_connections = 8;
  cfg.max_body = 1024;
  return cfg;
}

/// Echoes method, target and body; never answers "/mute".
void echo(http_request req, http_responder respond) {
  if (req.target == "/mute")
    return;
  respond(http_answer{200, "text/plain",
                      req.method + " " + req.target + " " + req.body,
                      {{"X-Test", "1"}}});
}

struct log_once {
  log_once() {
    log::init(std::getenv("UTSJEKK_TEST_LOG") ? "debug" : "warning");
  }
} init_logging;

} // namespace

TEST_SUITE("actors/http_server") {

TEST_CASE("answers requests, several on one kept-alive connection") {
  auto srv = http_server::start(test_config(), echo);
  REQUIRE(srv);
  auto port = (*srv)->port();
  CHECK(port != 0);
  client c{port};
  c.send(get("/a"));
  auto first = c.read();
  CHECK(first.status == 200);
  CHECK(first.body == "GET /a ");
  CHECK(first.head.find("X-Test: 1") != std::string::npos);
  c.send("POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
  auto second = c.read();
  CHECK(second.status == 200);
  CHECK(second.body == "POST /b hello");
}

TEST_CASE("an answer from another thread, later, reaches the client") {
  std::mutex mtx;
  std::condition_variable cv;
  std::optional<http_responder> parked;
  auto handler = [&](http_request, http_responder respond) {
    std::lock_guard<std::mutex> guard{mtx};
    parked = std::move(respond);
    cv.notify_all();
  };
  auto cfg = test_config();
  cfg.answer_timeout = 5s;
  auto srv = http_server::start(cfg, handler);
  REQUIRE(srv);
  client c{(*srv)->port()};
  c.send(get("/later"));
  std::thread answerer{[&] {
    std::unique_lock<std::mutex> guard{mtx};
    cv.wait_for(guard, 5s, [&] { return parked.has_value(); });
    if (parked)
      (*parked)(http_answer{201, "text/plain", "late", {}});
  }};
  auto r = c.read();
  answerer.join();
  CHECK(r.status == 201);
  CHECK(r.body == "late");
}

TEST_CASE("hostile requests get 4xx or 503 and never stall the server") {
  auto srv = http_server::start(test_config(), echo);
  REQUIRE(srv);
  auto port = (*srv)->port();
  SUBCASE("a body over the limit: 413 and closed") {
    client c{port};
    c.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n");
    CHECK(c.read().status == 413);
    CHECK(c.closed());
  }
  SUBCASE("garbage instead of HTTP: 400") {
    client c{port};
    c.send("HELLO THERE\r\n\r\n");
    CHECK(c.read().status == 400);
  }
  SUBCASE("a handler that never answers: 503 after the answer timeout") {
    client c{port};
    c.send(get("/mute"));
    auto r = c.read();
    CHECK(r.status == 503);
    INFO("the connection goes on serving");
    c.send(get("/after"));
    CHECK(c.read().body == "GET /after ");
  }
  SUBCASE("a client that stalls mid-request: 408, then closed") {
    client slow{port};
    slow.send("GET /slow HTTP/1.1\r\nHo");
    INFO("others are served meanwhile");
    client other{port};
    other.send(get("/quick"));
    CHECK(other.read().status == 200);
    CHECK(slow.read().status == 408);
    CHECK(slow.closed());
  }
  SUBCASE("more connections than allowed: the rest get 503") {
    std::vector<std::unique_ptr<client>> idle;
    for (int i = 0; i < 8; ++i) {
      idle.push_back(std::make_unique<client>(port));
      idle.back()->send(get("/hold"));
      CHECK(idle.back()->read().status == 200);
    }
    client extra{port};
    CHECK(extra.read().status == 503);
    INFO("once they go, new clients are served again");
    idle.clear();
    auto served = false;
    auto deadline = std::chrono::steady_clock::now() + 3s;
    while (!served && std::chrono::steady_clock::now() < deadline) {
      client again{port};
      again.send(get("/again", true));
      served = again.read().status == 200;
    }
    CHECK(served);
  }
}

TEST_CASE("a port in use or a bad address is an error, not a crash") {
  auto srv = http_server::start(test_config(), echo);
  REQUIRE(srv);
  auto cfg = test_config();
  cfg.port = (*srv)->port();
  auto second = http_server::start(cfg, echo);
  REQUIRE_FALSE(second);
  cfg.port = 0;
  cfg.bind = "not-an-address";
  CHECK_FALSE(http_server::start(cfg, echo));
}

TEST_CASE("stop closes connections and drops later answers") {
  std::optional<http_responder> parked;
  std::mutex mtx;
  std::condition_variable cv;
  auto handler = [&](http_request, http_responder respond) {
    std::lock_guard<std::mutex> guard{mtx};
    parked = std::move(respond);
    cv.notify_all();
  };
  auto cfg = test_config();
  cfg.answer_timeout = 5s;
  auto srv = http_server::start(cfg, handler);
  REQUIRE(srv);
  client c{(*srv)->port()};
  c.send(get("/x"));
  {
    std::unique_lock<std::mutex> guard{mtx};
    REQUIRE(cv.wait_for(guard, 5s, [&] { return parked.has_value(); }));
  }
  (*srv)->stop();
  CHECK(c.closed());
  (*parked)(http_answer{});
  srv->reset();
}

}
