#include "harness/probe.hpp"

#include "messages/error.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <sys/socket.h>
#include <sys/time.h>

#include <charconv>
#include <fstream>

namespace utsjekk::bench {

namespace {

/// The number after the last space of a sample line, or nullopt.
std::optional<double> sample_value(std::string_view line) {
  auto space = line.rfind(' ');
  if (space == std::string_view::npos)
    return std::nullopt;
  auto text = line.substr(space + 1);
  double value = 0;
  auto [ptr, err] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (err != std::errc{})
    return std::nullopt;
  return value;
}

/// The value of label `name` in a sample line, or "" when absent.
std::string label_of(std::string_view line, std::string_view name) {
  auto key = std::string{name} + "=\"";
  auto open = line.find('{');
  auto at = line.find(key, open == std::string_view::npos ? 0 : open);
  if (open == std::string_view::npos || at == std::string_view::npos)
    return {};
  auto from = at + key.size();
  auto to = line.find('"', from);
  if (to == std::string_view::npos)
    return {};
  return std::string{line.substr(from, to - from)};
}

/// Whether `line` is a sample of metric `name` (with or without labels).
bool is_sample_of(std::string_view line, std::string_view name) {
  return line.substr(0, name.size()) == name && line.size() > name.size() &&
         (line[name.size()] == '{' || line[name.size()] == ' ');
}

} // namespace

caf::expected<memory_sample> read_memory(pid_t pid) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/status"};
  if (!in)
    return caf::make_error(ec::io_failed,
                           "process " + std::to_string(pid) + " is gone");
  memory_sample result;
  std::string line;
  while (std::getline(in, line)) {
    // Lines read "VmRSS:     12345 kB".
    auto read_kib = [&line](uint64_t& out) {
      auto first = line.find_first_of("0123456789");
      if (first != std::string::npos)
        std::from_chars(line.data() + first, line.data() + line.size(), out);
    };
    if (line.rfind("VmRSS:", 0) == 0)
      read_kib(result.rss_kib);
    else if (line.rfind("VmHWM:", 0) == 0)
      read_kib(result.hwm_kib);
  }
  return result;
}

metrics_sample parse_metrics(std::string_view text) {
  metrics_sample result;
  size_t pos = 0;
  while (pos < text.size()) {
    // One line at a time; comments (# HELP, # TYPE) are skipped.
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos)
      end = text.size();
    auto line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty() || line.front() == '#')
      continue;
    auto value = sample_value(line);
    if (!value || *value < 0)
      continue;
    auto n = static_cast<uint64_t>(*value);
    if (is_sample_of(line, "utsjekk_oppdrag_in_flight"))
      result.in_flight += n;
    else if (is_sample_of(line, "utsjekk_messages_queued"))
      result.queued += n;
    else if (is_sample_of(line, "utsjekk_partition_pauses_total"))
      result.pauses = result.pauses.value_or(0) + n;
    else if (is_sample_of(line, "utsjekk_retries_total"))
      result.retries[label_of(line, "reason")] += n;
  }
  return result;
}

caf::expected<std::string> http_get(const std::string& url,
                                    const std::string& target) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  using tcp = boost::asio::ip::tcp;
  auto failed = [&](const std::string& why) {
    return caf::make_error(ec::io_failed, "GET " + url + target + ": " + why);
  };
  // Only loopback: "http://127.0.0.1:PORT".
  constexpr std::string_view loopback = "http://127.0.0.1:";
  if (url.rfind(loopback, 0) != 0)
    return failed("not a loopback URL");
  unsigned port = 0;
  auto digits = url.substr(loopback.size());
  auto [ptr, perr] =
      std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (perr != std::errc{} || port == 0 || port > 65535)
    return failed("no port");
  // Connect, send, read the whole answer.
  boost::asio::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::error_code err;
  stream.socket().connect(
      tcp::endpoint{boost::asio::ip::make_address_v4("127.0.0.1"),
                    static_cast<uint16_t>(port)},
      err);
  if (err)
    return failed(err.message());
  // A server that takes the connection but never answers must not hang
  // the bench: the socket gives up after five seconds.
  timeval limit{5, 0};
  auto fd = stream.socket().native_handle();
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1");
  http::write(stream, req, err);
  if (err)
    return failed(err.message());
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(256 * 1024 * 1024);
  http::read(stream, buffer, parser, err);
  if (err && err != http::error::end_of_stream)
    return failed(err.message());
  auto& res = parser.get();
  if (res.result_int() != 200)
    return failed("status " + std::to_string(res.result_int()));
  return std::move(res.body());
}

} // namespace utsjekk::bench
