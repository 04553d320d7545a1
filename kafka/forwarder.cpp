#include "kafka/forwarder.hpp"

#include "messages/error.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <list>
#include <string>
#include <vector>

namespace utsjekk::kafka::detail {

namespace {

/// Bytes buffered per direction before reading from the sender pauses.
constexpr size_t buffer_limit = 1 << 20;

/// The loopback address with `port`.
sockaddr_in loopback(uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

/// Makes the error for a failed socket call.
caf::error socket_error(const std::string& what, int err) {
  return caf::make_error(ec::kafka_failed,
                         what + ": " + std::strerror(err));
}

/// Connects to 127.0.0.1:port and makes the socket non-blocking; -1 on
/// failure. Loopback connects complete at once, so blocking is fine.
int connect_loopback(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  auto addr = loopback(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

/// One forwarded connection: fd[0] is the client, fd[1] the broker;
/// out[i] holds the bytes still to be written to fd[i].
struct link {
  std::array<int, 2> fd{-1, -1};
  std::array<std::string, 2> out;
  bool broken = false;
  ~link() {
    for (auto x : fd)
      if (x >= 0)
        ::close(x);
  }
};

/// Writes as much of `buf` to `fd` as the socket takes; false when the
/// connection is gone.
bool write_some(int fd, std::string& buf) {
  while (!buf.empty()) {
    auto n = ::send(fd, buf.data(), buf.size(), MSG_NOSIGNAL);
    if (n > 0) {
      buf.erase(0, static_cast<size_t>(n));
      continue;
    }
    return n < 0 && (errno == EAGAIN || errno == EINTR);
  }
  return true;
}

/// Reads what `from` has and appends it to `to`; false at end of stream or
/// on an error.
bool read_some(int from, std::string& to) {
  std::array<char, 65536> buf;
  while (to.size() < buffer_limit) {
    auto n = ::recv(from, buf.data(), buf.size(), 0);
    if (n > 0) {
      to.append(buf.data(), static_cast<size_t>(n));
      continue;
    }
    return n < 0 && (errno == EAGAIN || errno == EINTR);
  }
  return true;
}

} // namespace

tcp_forwarder::tcp_forwarder(int listen_fd, int wake_fd, uint16_t target)
  : listen_fd_(listen_fd), wake_fd_(wake_fd), target_(target) {
  thread_ = std::thread{[this] { run(); }};
}

tcp_forwarder::~tcp_forwarder() {
  // Wake the loop, wait for it, then release the sockets it used.
  uint64_t one = 1;
  static_cast<void>(::write(wake_fd_, &one, sizeof one));
  thread_.join();
  ::close(listen_fd_);
  ::close(wake_fd_);
}

caf::expected<std::unique_ptr<tcp_forwarder>>
tcp_forwarder::start(uint16_t port, uint16_t target) {
  // Bind loopback only; SO_REUSEADDR lets a restart reuse a port in
  // TIME_WAIT, while a port someone listens on still fails.
  auto where = "bootstrap port 127.0.0.1:" + std::to_string(port);
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return socket_error(where, errno);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  auto addr = loopback(port);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0
      || ::listen(fd, 64) != 0) {
    auto err = errno;
    ::close(fd);
    if (err == EADDRINUSE)
      return socket_error(where + " is busy", err);
    return socket_error(where, err);
  }
  // The eventfd that stops the loop.
  int wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake < 0) {
    auto err = errno;
    ::close(fd);
    return socket_error("forwarder eventfd", err);
  }
  return std::unique_ptr<tcp_forwarder>{new tcp_forwarder(fd, wake, target)};
}

int tcp_forwarder::connections() const {
  return connections_.load();
}

void tcp_forwarder::run() {
  std::list<link> links;
  std::vector<pollfd> fds;
  for (;;) {
    // Watch the wake fd, the listener and both ends of every link: read
    // while the other direction has room, write while bytes wait.
    fds.clear();
    fds.push_back({wake_fd_, POLLIN, 0});
    fds.push_back({listen_fd_, POLLIN, 0});
    for (auto& l : links)
      for (size_t i = 0; i < 2; ++i) {
        short events = 0;
        if (l.out[1 - i].size() < buffer_limit)
          events |= POLLIN;
        if (!l.out[i].empty())
          events |= POLLOUT;
        fds.push_back({l.fd[i], events, 0});
      }
    if (::poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR)
      break;
    if (fds[0].revents != 0)
      break;
    // Move bytes and mark links whose either end is gone.
    auto pfd = fds.begin() + 2;
    for (auto& l : links)
      for (size_t i = 0; i < 2; ++i, ++pfd) {
        if (pfd->revents & (POLLIN | POLLHUP | POLLERR))
          l.broken |= !read_some(l.fd[i], l.out[1 - i]);
        if (!l.broken)
          l.broken |= !write_some(l.fd[1 - i], l.out[1 - i]);
        if (!l.broken && (pfd->revents & POLLOUT))
          l.broken |= !write_some(l.fd[i], l.out[i]);
      }
    // Kafka does not half-close: a gone end ends the whole link.
    connections_ -= static_cast<int>(links.remove_if([](const link& l) {
      return l.broken;
    }));
    // Accept new clients and connect each to the broker.
    if (fds[1].revents & POLLIN) {
      for (;;) {
        int client = ::accept4(listen_fd_, nullptr, nullptr,
                               SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (client < 0)
          break;
        int broker = connect_loopback(target_);
        if (broker < 0) {
          ::close(client);
          continue;
        }
        int one = 1;
        ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        links.emplace_back().fd = {client, broker};
        ++connections_;
      }
    }
  }
}

} // namespace utsjekk::kafka::detail
