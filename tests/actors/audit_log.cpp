#include "actors/audit_log.hpp"

#include "messages/time.hpp"

#include <boost/json.hpp>
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <unistd.h>

using namespace utsjekk;

TEST_SUITE("actors/audit_log") {

TEST_CASE("eleven digits in a row are masked, other numbers are not") {
  CHECK(mask_personident("ident 05458410595 here")
        == "ident *********** here");
  CHECK(mask_personident("05458410595") == "***********");
  CHECK(mask_personident("sak 1234567890 and 123456789012")
        == "sak 1234567890 and 123456789012");
  CHECK(mask_personident("a12345678901b12345678901")
        == "a***********b***********");
}

TEST_CASE("one JSON line per action, appended") {
  char name[] = "/tmp/utsjekk-audit-test-XXXXXX";
  auto fd = mkstemp(name);
  REQUIRE(fd >= 0);
  ::close(fd);
  audit_log log{name};
  CHECK_FALSE(log.check());
  audit_entry e;
  e.time = *parse_local_time("2025-06-03T10:00:00");
  e.operator_name = "kari";
  e.action = "park";
  e.target = "sak AAP/SAK-1";
  e.reason = "the person 05458410595 called";
  e.status = 200;
  e.result = "done";
  REQUIRE_FALSE(log.append(e));
  e.action = "unpark";
  REQUIRE_FALSE(log.append(e));
  std::ifstream in{name};
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  std::remove(name);
  REQUIRE(lines.size() == 2);
  auto first = boost::json::parse(lines[0]).as_object();
  CHECK(first.at("time") == "2025-06-03T10:00:00");
  CHECK(first.at("operator") == "kari");
  CHECK(first.at("action") == "park");
  CHECK(first.at("target") == "sak AAP/SAK-1");
  CHECK(first.at("reason") == "the person *********** called");
  CHECK(first.at("status") == 200);
  CHECK(lines[0].find("05458410595") == std::string::npos);
  CHECK(boost::json::parse(lines[1]).at("action") == "unpark");
}

TEST_CASE("an unwritable audit log is an error") {
  audit_log log{"/nonexistent-dir/audit.log"};
  CHECK(log.check());
  CHECK(log.append(audit_entry{}));
}

}
