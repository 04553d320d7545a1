#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

/// The plain vocabulary of the admin endpoint's HTTP side: a request as
/// the router reads it and the answer it gets. No I/O here.
namespace utsjekk {

/// One HTTP request, reduced to what the admin endpoint reads.
struct http_request {
  /// "GET", "POST", ...
  std::string method;
  /// The request target: path and query, still percent-encoded.
  std::string target;
  /// The `Authorization` header, if any.
  std::string authorization;
  /// The `X-Operator` header, if any.
  std::string operator_header;
  /// The body; at most the server's body limit.
  std::string body;
};

/// One HTTP answer.
struct http_answer {
  /// The status code, e.g. 200, 404, 503.
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  /// Further headers, e.g. {"Allow", "GET"}.
  std::vector<std::pair<std::string, std::string>> headers;
};

/// Hands an answer back to the connection that asked; callable from any
/// thread, once.
using http_responder = std::function<void(http_answer)>;

/// Answers one request, now or later, through the responder.
using http_handler = std::function<void(http_request, http_responder)>;

} // namespace utsjekk
