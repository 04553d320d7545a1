#include "os_gateway/ledger_server.hpp"

#include "http_get.hpp"
#include "messages/error.hpp"

#include <doctest/doctest.h>

#include <atomic>

using namespace utsjekk;
using namespace utsjekk::os;
using namespace utsjekk::test;

TEST_SUITE("os_gateway/ledger_server") {

TEST_CASE("GET /ledger answers the body, every other path 404") {
  std::atomic<int> calls{0};
  auto server = ledger_server::start(0, [&calls] {
    ++calls;
    return std::string{"[{\"n\":"} + std::to_string(calls.load()) + "}]";
  });
  REQUIRE_MESSAGE(server, render(server.error()));
  auto port = (*server)->port();
  REQUIRE(port != 0);
  SUBCASE("the ledger, made fresh for each request") {
    auto first = http_request(port, "/ledger");
    CHECK(first.status == 200);
    CHECK(first.content_type == "application/json");
    CHECK(first.body == "[{\"n\":1}]");
    CHECK(http_request(port, "/ledger?pretty=1").body == "[{\"n\":2}]");
  }
  SUBCASE("other paths and methods") {
    CHECK(http_request(port, "/").status == 404);
    CHECK(http_request(port, "/ledger/x").status == 404);
    CHECK(http_request(port, "/internal/isalive").status == 404);
    CHECK(http_request(port, "/ledger", boost::beast::http::verb::post)
            .status
          == 404);
    CHECK(calls == 0);
  }
  SUBCASE("after stop() nothing answers") {
    (*server)->stop();
    CHECK(http_request(port, "/ledger").status == 0);
    (*server)->stop();
  }
}

TEST_CASE("a port in use is an error") {
  auto first = ledger_server::start(0, [] { return std::string{}; });
  REQUIRE(first);
  auto second = ledger_server::start((*first)->port(),
                                     [] { return std::string{}; });
  REQUIRE_FALSE(second);
  CHECK(second.error() == ec::io_failed);
}

}
