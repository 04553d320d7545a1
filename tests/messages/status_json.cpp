#include "messages/status_json.hpp"

#include "messages/error.hpp"
#include "output_builders.hpp"

#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <caf/sec.hpp>

using namespace utsjekk;
using namespace utsjekk::test;

namespace {

namespace json = boost::json;

/// The FEILET example of reference §5.
status_reply feilet_example() {
  status_reply x;
  x.status = status_kind::feilet;
  x.detaljer = status_detaljer{
    fagsystem::aap,
    {status_linje{"01JZ8K3Q2M", d("2025-06-02"), d("2025-06-13"),
                  kroner{1077}, kroner{553}, "AAPOR"}}};
  x.error = api_error{400, "Overlappende avvent-perioder",
                      "https://helved-docs.ansatt.dev.nav.no", "OSUR"};
  return x;
}

/// Parses `text` and requires success.
status_reply must_parse(std::string_view text) {
  auto result = parse_status(text);
  REQUIRE_MESSAGE(result, render(result.error()));
  return *result;
}

/// Keys of a JSON object in order.
std::vector<std::string> keys(const json::object& o) {
  std::vector<std::string> result;
  for (const auto& kv : o)
    result.emplace_back(kv.key());
  return result;
}

} // namespace

TEST_SUITE("messages/status_json") {

TEST_CASE("to_json writes exactly the StatusReply fields") {
  auto text = to_json(feilet_example());
  auto doc = json::parse(text).as_object();
  CHECK(keys(doc)
        == std::vector<std::string>{"status", "detaljer", "error",
                                    "simulering"});
  CHECK(doc.at("status") == "FEILET");
  CHECK(doc.at("simulering") == false);
  const auto& detaljer = doc.at("detaljer").as_object();
  CHECK(keys(detaljer) == std::vector<std::string>{"ytelse", "linjer"});
  CHECK(detaljer.at("ytelse") == "AAP");
  const auto& linje = detaljer.at("linjer").as_array().at(0).as_object();
  CHECK(keys(linje)
        == std::vector<std::string>{"behandlingId", "fom", "tom",
                                    "vedtakssats", "beløp", "klassekode"});
  CHECK(linje.at("fom") == "2025-06-02");
  CHECK(linje.at("vedtakssats") == 1077);
  CHECK(linje.at("beløp") == 553);
  const auto& error = doc.at("error").as_object();
  CHECK(keys(error)
        == std::vector<std::string>{"statusCode", "msg", "doc", "system"});
  CHECK(error.at("statusCode") == 400);
  CHECK(error.at("system") == "OSUR");
  INFO("beløp is written as UTF-8, not escaped");
  CHECK(text.find("\"beløp\":553") != std::string::npos);
}

TEST_CASE("absent optionals are written as null") {
  status_reply ok;
  ok.status = status_kind::ok;
  auto want
    = R"({"status":"OK","detaljer":null,"error":null,"simulering":false})";
  CHECK(to_json(ok) == want);
  auto x = feilet_example();
  x.detaljer->linjer[0].vedtakssats.reset();
  auto doc = json::parse(to_json(x)).as_object();
  CHECK(doc.at("detaljer").at("linjer").at(0).at("vedtakssats").is_null());
}

TEST_CASE("parse_status(to_json(x)) == x") {
  SUBCASE("FEILET with detaljer and error") {
    auto x = feilet_example();
    x.simulering = true;
    CHECK(must_parse(to_json(x)) == x);
  }
  SUBCASE("each status without optionals") {
    for (auto kind : {status_kind::mottatt, status_kind::hos_oppdrag,
                      status_kind::ok, status_kind::feilet}) {
      status_reply x;
      x.status = kind;
      CHECK(must_parse(to_json(x)) == x);
    }
  }
  SUBCASE("an opphør line without vedtakssats and with beløp 0") {
    auto x = feilet_example();
    x.status = status_kind::mottatt;
    x.error.reset();
    x.detaljer->ytelse = fagsystem::tilleggsstonader;
    x.detaljer->linjer.push_back(status_linje{
      "512", d("2025-08-01"), d("2025-08-31"), std::nullopt, kroner{0},
      "TSDRASISP1-OP"});
    CHECK(must_parse(to_json(x)) == x);
  }
}

TEST_CASE("parse_status reads the example of reference §5") {
  auto x = must_parse(R"({"status": "FEILET",
    "detaljer": {"ytelse": "AAP", "linjer": [{"behandlingId": "01JZ8K3Q2M",
      "fom": "2025-06-02", "tom": "2025-06-13", "vedtakssats": 1077,
      "beløp": 553, "klassekode": "AAPOR"}]},
    "error": {"statusCode": 400, "msg": "Overlappende avvent-perioder",
      "doc": "https://helved-docs.ansatt.dev.nav.no", "system": "OSUR"},
    "simulering": false})");
  CHECK(x == feilet_example());
  SUBCASE("omitted optionals read as absent") {
    auto ok = must_parse(R"({"status":"OK"})");
    CHECK(ok.status == status_kind::ok);
    CHECK_FALSE(ok.detaljer);
    CHECK_FALSE(ok.error);
    CHECK_FALSE(ok.simulering);
  }
}

TEST_CASE("parse_status names what is wrong") {
  auto check_rejected = [](std::string_view text, ec code,
                           std::string_view where) {
    auto result = parse_status(text);
    REQUIRE_FALSE(result);
    CHECK(result.error() == code);
    auto msg = error_message(result.error());
    INFO(msg);
    CHECK(msg.find(where) != std::string::npos);
  };
  check_rejected(R"({"status":)", ec::malformed_json, "status");
  check_rejected(R"([])", ec::invalid_field, "object");
  check_rejected(R"({"status":"DONE"})", ec::invalid_field, "status");
  check_rejected(R"({})", ec::invalid_field, "status: missing");
  check_rejected(R"({"status":"OK","simulering":"no"})", ec::invalid_field,
                 "simulering");
  check_rejected(R"({"status":"OK","detaljer":{"ytelse":"AAP","linjer":[
    {"behandlingId":"b","fom":"2025-06-02","tom":"2025-06-13",
     "klassekode":"AAPOR"}]}})",
                 ec::invalid_field, "detaljer.linjer[0].beløp: missing");
  check_rejected(R"({"status":"OK","detaljer":{"ytelse":"AAP","linjer":[
    {"behandlingId":"b","fom":"2025-02-30","tom":"2025-06-13","beløp":1,
     "klassekode":"AAPOR"}]}})",
                 ec::invalid_field, "detaljer.linjer[0].fom");
  check_rejected(R"({"status":"OK","detaljer":{"ytelse":"AAP","linjer":[
    {"behandlingId":"b","fom":"2025-06-02","tom":"2025-06-13","beløp":-1,
     "klassekode":"AAPOR"}]}})",
                 ec::invalid_field, "detaljer.linjer[0].beløp");
  check_rejected(R"({"status":"FEILET","error":{"msg":"m","system":"HELVED"}})",
                 ec::invalid_field, "error.statusCode");
}

TEST_CASE("feilet_status gives each error its code and documentation") {
  auto check_status = [](ec code, int status_code) {
    auto s = feilet_status(caf::make_error(code, std::string{"the cause"}));
    INFO(to_string(code));
    CHECK(s.status == status_kind::feilet);
    CHECK_FALSE(s.detaljer);
    CHECK_FALSE(s.simulering);
    REQUIRE(s.error);
    CHECK(s.error->status_code == status_code);
    CHECK(s.error->msg == "the cause");
    CHECK(s.error->system == "HELVED");
    CHECK(s.error->doc
          == std::string{doc_base} + "#" + std::string{to_string(code)});
  };
  SUBCASE("input and validation: 400") {
    for (auto code :
         {ec::malformed_json, ec::invalid_field, ec::mangler_perioder,
          ec::engangs_over_arsskifte, ec::duplikate_perioder,
          ec::ugyldig_periode, ec::for_lang_utbetaling, ec::ugyldig_belop,
          ec::ugyldig_sak_id, ec::ugyldig_behandling_id,
          ec::immutable_field})
      check_status(code, 400);
  }
  SUBCASE("an unknown utbetaling: 404; a conflicting key: 409") {
    check_status(ec::unknown_utbetaling, 404);
    check_status(ec::conflicting_key, 409);
  }
  SUBCASE("the service's own failures: 500") {
    for (auto code : {ec::mixed_dryrun, ec::crashed, ec::os_technical,
                      ec::transport_failed, ec::kafka_failed, ec::timeout})
      check_status(code, 500);
  }
  SUBCASE("the example anchor") {
    auto s = feilet_status(
      caf::make_error(ec::ugyldig_periode, std::string{"perioder[0]: tom"}));
    REQUIRE(s.error);
    CHECK(s.error->doc
          == "https://helved-docs.ansatt.dev.nav.no/async#ugyldig_periode");
  }
  SUBCASE("errors from outside the project: 500") {
    auto s = feilet_status(caf::make_error(caf::sec::request_timeout));
    REQUIRE(s.error);
    CHECK(s.error->status_code == 500);
    CHECK_FALSE(s.error->msg.empty());
  }
}

}
