#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cstdint>
#include <string>

/// A blocking HTTP client for the ledger endpoint in tests.
namespace utsjekk::test {

/// What one request got back.
struct http_reply {
  int status = 0;
  std::string content_type;
  std::string body;
};

/// Sends `method` `target` to 127.0.0.1:`port` and reads the answer;
/// status 0 when the request failed.
inline http_reply http_request(uint16_t port, const std::string& target,
                               boost::beast::http::verb method
                               = boost::beast::http::verb::get) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  using tcp = boost::asio::ip::tcp;
  http_reply result;
  boost::asio::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::error_code err;
  stream.socket().connect(
    tcp::endpoint{boost::asio::ip::make_address_v4("127.0.0.1"), port}, err);
  if (err)
    return result;
  http::request<http::empty_body> req{method, target, 11};
  req.set(http::field::host, "127.0.0.1");
  http::write(stream, req, err);
  if (err)
    return result;
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res, err);
  if (err && err != http::error::end_of_stream)
    return result;
  result.status = static_cast<int>(res.result_int());
  result.content_type = std::string{res[http::field::content_type]};
  result.body = res.body();
  return result;
}

} // namespace utsjekk::test
