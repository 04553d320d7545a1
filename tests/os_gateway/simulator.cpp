#include "os_gateway/simulator.hpp"

#include "messages/time.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

using namespace utsjekk;
using namespace utsjekk::os;
using namespace std::chrono;

namespace {

/// The sak every test writes to, and its base in OS.
const std::string sak = "AZ6M2KLZfmOCyWnleGOMzg==";
const base_key key{"DP", sak};

/// A delytelseId in its wire form: base64 of a periode id.
std::string pid(uint8_t n) {
  auto u = uuid{};
  u.bytes[0] = 0x01;
  u.bytes[6] = 0x7a;
  u.bytes[15] = n;
  return u.to_base64();
}

/// A local time from its text form; fails the test on a typo.
utsjekk::local_time at(std::string_view text) {
  auto t = parse_local_time(text);
  REQUIRE_MESSAGE(t, text);
  return *t;
}

/// Wednesday 11 June 2025, 10:00: OS is open.
utsjekk::local_time wednesday() {
  return at("2025-06-11T10:00:00");
}

/// A NY line of 2025 with a daily sats.
oppdragslinje ny(const std::string& id, std::optional<std::string> ref,
                 date fom, date tom, uint64_t sats,
                 std::string type_sats = "DAG") {
  auto l = oppdragslinje{};
  l.kode_endring_linje = "NY";
  l.vedtak_id = "2025-06-11";
  l.delytelse_id = id;
  l.kode_klassifik = "DAGPENGER";
  l.dato_klassifik_fom = fom;
  l.dato_vedtak_fom = fom;
  l.dato_vedtak_tom = tom;
  l.sats = kroner{sats};
  l.type_sats = std::move(type_sats);
  l.saksbeh_id = "dagpenger";
  l.utbetales_til_id = "12345678910";
  l.henvisning = "AZ9fmWy6emq2B2CgZ6483A==";
  if (ref)
    l.ref_fagsystem_id = sak;
  l.ref_delytelse_id = std::move(ref);
  l.attestant_id = "dagpenger";
  return l;
}

/// An opphør line on `id` from `from`, carrying the period it stops.
oppdragslinje opph(const std::string& id, date from, date fom, date tom,
                   uint64_t sats) {
  auto l = ny(id, std::nullopt, fom, tom, sats);
  l.kode_endring_linje = "ENDR";
  l.kode_status_linje = "OPPH";
  l.dato_status_fom = from;
  return l;
}

/// An oppdrag on the test sak.
oppdrag make(std::string kode_endring, std::vector<oppdragslinje> linjer,
             std::string fagsystem_id = sak) {
  auto x = oppdrag{};
  x.kode_endring = std::move(kode_endring);
  x.kode_fagomraade = "DP";
  x.fagsystem_id = std::move(fagsystem_id);
  x.oppdrag_gjelder_id = "12345678910";
  x.dato_oppdrag_gjelder_fom = 2000y / January / 1d;
  x.saksbeh_id = "dagpenger";
  x.kode_komponent = "DP";
  x.nokkel_avstemming = "2025-06-11-10.10.00.000000";
  x.tidspkt_melding = "2025-06-11-10.00.00.000000";
  x.enheter = {oppdrags_enhet{"BOS", "8020", 1970y / January / 1d}};
  x.linjer = std::move(linjer);
  return x;
}

/// The alvorlighetsgrad of an answer, or "lost".
std::string grade(const answer& a) {
  if (!a.kvittering)
    return "lost";
  REQUIRE(a.kvittering->mmel);
  return a.kvittering->mmel->alvorlighetsgrad;
}

/// The beskrMelding of an answer.
std::string text(const answer& a) {
  REQUIRE(a.kvittering);
  REQUIRE(a.kvittering->mmel);
  return a.kvittering->mmel->beskr_melding;
}

/// One ledger line as expected.
ledger_line line(const std::string& id, date fom, date tom, uint64_t sats,
                 std::optional<date> stop = std::nullopt,
                 std::string type_sats = "DAG") {
  return ledger_line{id,   "DAGPENGER", fom, tom, kroner{sats},
                     type_sats, stop};
}

/// Adds `sats` on every Monday to Friday of [fom, tom] to `days`.
void weekdays(std::map<date, uint64_t>& days, date fom, date tom,
              uint64_t sats) {
  for (auto d = fom; d <= tom; d = next_day(d))
    if (!is_weekend(d))
      days[d] += sats;
}

/// A simulator that answers at once and never fails.
simulator plain() {
  return simulator{simulator_profile{}};
}

/// Creates the sak: P1 pays 1000 a weekday 2–13 June 2025.
void create(simulator& os) {
  auto a = os.receive(
    make("NY", {ny(pid(1), std::nullopt, 2025y / June / 2d,
                   2025y / June / 13d, 1000)}),
    wednesday());
  REQUIRE(grade(a) == "00");
}

} // namespace

TEST_SUITE("os_gateway/simulator") {

TEST_CASE("a new oppdrag is applied, echoed and answered 00") {
  auto os = plain();
  auto x = make("NY", {ny(pid(1), std::nullopt, 2025y / June / 2d,
                          2025y / June / 6d, 1000),
                       ny(pid(2), pid(1), 2025y / June / 9d,
                          2025y / June / 13d, 1200)});
  auto a = os.receive(x, wednesday());
  SUBCASE("the kvittering is the oppdrag with mmel") {
    REQUIRE(grade(a) == "00");
    CHECK(a.kvittering->mmel->system_id == "231-OPPD");
    CHECK(a.copies == 1);
    CHECK(a.delay == 0ms);
    auto echo = *a.kvittering;
    echo.mmel.reset();
    CHECK(echo == x);
  }
  SUBCASE("both lines are in the ledger") {
    auto expected = std::vector<ledger_line>{
      line(pid(1), 2025y / June / 2d, 2025y / June / 6d, 1000),
      line(pid(2), 2025y / June / 9d, 2025y / June / 13d, 1200)};
    auto ledger = os.ledger();
    REQUIRE(ledger.size() == 1);
    CHECK(ledger.at(key) == expected);
  }
  SUBCASE("OS pays weekdays only") {
    auto expected = std::map<date, uint64_t>{};
    weekdays(expected, 2025y / June / 2d, 2025y / June / 6d, 1000);
    weekdays(expected, 2025y / June / 9d, 2025y / June / 13d, 1200);
    CHECK(expected.size() == 10);
    CHECK(os.payable(key) == expected);
    CHECK_FALSE(os.payable(key).contains(2025y / June / 7d));
    CHECK(os.payable(base_key{"DP", "other"}).empty());
  }
  CHECK(os.received() == 1);
}

TEST_CASE("every 08 rule rejects and changes nothing") {
  auto os = plain();
  create(os);
  auto before = os.ledger();
  auto rejected = [&](const oppdrag& x, std::string_view expected) {
    auto a = os.receive(x, wednesday());
    CHECK(grade(a) == "08");
    CHECK(text(a) == expected);
    CHECK(a.kvittering->mmel->program_id == "K231BB10");
    CHECK(a.kvittering->mmel->section_navn == "CA10-INPUTKONTROLL");
    CHECK_FALSE(a.kvittering->mmel->kode_melding.empty());
    CHECK(os.ledger() == before);
  };
  SUBCASE("NY on an existing base") {
    rejected(make("NY", {ny(pid(9), std::nullopt, 2025y / June / 16d,
                            2025y / June / 20d, 1000)}),
             "Oppdraget finnes fra før");
  }
  SUBCASE("ENDR on a missing base") {
    rejected(make("ENDR",
                  {ny(pid(9), std::nullopt, 2025y / June / 16d,
                      2025y / June / 20d, 1000)},
                  "AZ6M2KLZfmOCyWnleGOMzh=="),
             "OPPDRAGET/FAGSYSTEM-ID finnes ikke fra før");
    CHECK(os.ledger().size() == 1);
  }
  SUBCASE("a NY line whose delytelseId exists") {
    rejected(make("ENDR", {ny(pid(1), std::nullopt, 2025y / June / 16d,
                              2025y / June / 20d, 1000)}),
             "DELYTELSE-ID finnes i oppdragsbasen fra før");
  }
  SUBCASE("a delytelseId twice in one oppdrag") {
    rejected(make("ENDR", {ny(pid(2), pid(1), 2025y / June / 16d,
                              2025y / June / 16d, 1000),
                           ny(pid(2), pid(1), 2025y / June / 17d,
                              2025y / June / 17d, 1000)}),
             "DELYTELSE-ID finnes i oppdragsbasen fra før");
  }
  SUBCASE("a NY line referring to an unknown line") {
    rejected(make("ENDR", {ny(pid(2), pid(7), 2025y / June / 16d,
                              2025y / June / 20d, 1000)}),
             "Referert vedtak/linje ikke funnet");
  }
  SUBCASE("an opphør of an unknown line") {
    rejected(make("ENDR", {opph(pid(7), 2025y / June / 2d, 2025y / June / 2d,
                                2025y / June / 13d, 1000)}),
             "DELYTELSE-ID/LINJE-ID ved endring finnes ikke");
  }
  SUBCASE("an opphør without its date") {
    auto l = opph(pid(1), 2025y / June / 2d, 2025y / June / 2d,
                  2025y / June / 13d, 1000);
    l.dato_status_fom.reset();
    rejected(make("ENDR", {l}), "DATO-STATUS-FOM mangler ved opphør");
  }
  SUBCASE("rules are checked in order") {
    INFO("a NY oppdrag resent: the base wins over the line");
    rejected(make("NY", {ny(pid(1), std::nullopt, 2025y / June / 2d,
                            2025y / June / 13d, 1000)}),
             "Oppdraget finnes fra før");
    INFO("a repeated id wins over an unknown reference after it");
    rejected(make("ENDR", {ny(pid(3), pid(7), 2025y / June / 16d,
                              2025y / June / 16d, 1000),
                           ny(pid(1), std::nullopt, 2025y / June / 17d,
                              2025y / June / 17d, 1000)}),
             "DELYTELSE-ID finnes i oppdragsbasen fra før");
  }
  SUBCASE("a valid line before a bad one is not applied either") {
    auto good = ny(pid(2), pid(1), 2025y / June / 16d, 2025y / June / 20d,
                   1000);
    rejected(make("ENDR", {good, ny(pid(3), pid(7), 2025y / June / 23d,
                                    2025y / June / 27d, 1000)}),
             "Referert vedtak/linje ikke funnet");
    INFO("the good line alone is still new to OS");
    CHECK(grade(os.receive(make("ENDR", {good}), wednesday())) == "00");
  }
}

TEST_CASE("a month sats ending mid-month is applied with 04") {
  auto os = plain();
  SUBCASE("tom before the month's end") {
    auto a = os.receive(
      make("NY", {ny(pid(1), std::nullopt, 2025y / June / 1d,
                     2025y / June / 20d, 9000, "MND")}),
      wednesday());
    CHECK(grade(a) == "04");
    CHECK(text(a) == "Vedtak-tom er ikke siste i mnd ved månedssats");
    CHECK(os.ledger().at(key).size() == 1);
    INFO("a month sats pays once, on its fom");
    CHECK(os.payable(key)
          == std::map<date, uint64_t>{{2025y / June / 1d, 9000}});
  }
  SUBCASE("tom on the month's last day") {
    auto a = os.receive(
      make("NY", {ny(pid(1), std::nullopt, 2024y / February / 1d,
                     2024y / February / 29d, 9000, "MND")}),
      wednesday());
    CHECK(grade(a) == "00");
  }
}

TEST_CASE("the ledger follows OS' chain rule") {
  auto os = plain();
  create(os);
  SUBCASE("a new chained line overrides the chain from its fom") {
    auto a = os.receive(make("ENDR", {ny(pid(2), pid(1), 2025y / June / 9d,
                                         2025y / June / 13d, 800)}),
                        wednesday());
    REQUIRE(grade(a) == "00");
    auto expected = std::vector<ledger_line>{
      line(pid(1), 2025y / June / 2d, 2025y / June / 13d, 1000,
           2025y / June / 9d),
      line(pid(2), 2025y / June / 9d, 2025y / June / 13d, 800)};
    CHECK(os.ledger().at(key) == expected);
    auto pays = std::map<date, uint64_t>{};
    weekdays(pays, 2025y / June / 2d, 2025y / June / 6d, 1000);
    weekdays(pays, 2025y / June / 9d, 2025y / June / 13d, 800);
    CHECK(os.payable(key) == pays);
    SUBCASE("an opphør on the last line stops the whole chain") {
      auto b = os.receive(
        make("ENDR", {opph(pid(2), 2025y / June / 4d, 2025y / June / 9d,
                           2025y / June / 13d, 800)}),
        wednesday());
      REQUIRE(grade(b) == "00");
      auto left = std::vector<ledger_line>{line(pid(1), 2025y / June / 2d,
                                                2025y / June / 13d, 1000,
                                                2025y / June / 4d)};
      CHECK(os.ledger().at(key) == left);
      CHECK(os.payable(key)
            == std::map<date, uint64_t>{{2025y / June / 2d, 1000},
                                        {2025y / June / 3d, 1000}});
    }
  }
  SUBCASE("a line chained after the last day extends the chain") {
    auto a = os.receive(make("ENDR", {ny(pid(2), pid(1), 2025y / June / 16d,
                                         2025y / June / 20d, 1000)}),
                        wednesday());
    REQUIRE(grade(a) == "00");
    auto pays = std::map<date, uint64_t>{};
    weekdays(pays, 2025y / June / 2d, 2025y / June / 20d, 1000);
    CHECK(os.payable(key) == pays);
    CHECK_FALSE(os.ledger().at(key).front().opphort_fom);
  }
  SUBCASE("opphør of everything, then re-introduction") {
    auto a = os.receive(
      make("ENDR", {opph(pid(1), 2025y / June / 2d, 2025y / June / 2d,
                         2025y / June / 13d, 1000)}),
      wednesday());
    REQUIRE(grade(a) == "00");
    CHECK(os.ledger().at(key).empty());
    CHECK(os.payable(key).empty());
    INFO("the stopped line stays known: its id cannot come back");
    CHECK(grade(os.receive(make("ENDR", {ny(pid(1), std::nullopt,
                                            2025y / June / 2d,
                                            2025y / June / 13d, 1000)}),
                           wednesday()))
          == "08");
    INFO("a new line chained from the stopped one pays again");
    auto b = os.receive(make("ENDR", {ny(pid(2), pid(1), 2025y / June / 16d,
                                         2025y / June / 20d, 500)}),
                        wednesday());
    REQUIRE(grade(b) == "00");
    auto expected = std::vector<ledger_line>{
      line(pid(2), 2025y / June / 16d, 2025y / June / 20d, 500)};
    CHECK(os.ledger().at(key) == expected);
    auto pays = std::map<date, uint64_t>{};
    weekdays(pays, 2025y / June / 16d, 2025y / June / 20d, 500);
    CHECK(os.payable(key) == pays);
  }
  SUBCASE("chains of one base are independent") {
    auto a = os.receive(
      make("ENDR", {ny(pid(10), std::nullopt, 2025y / June / 2d,
                       2025y / June / 13d, 300, "DAG7"),
                    ny(pid(11), pid(10), 2025y / June / 9d,
                       2025y / June / 9d, 100, "DAG7")}),
      wednesday());
    REQUIRE(grade(a) == "00");
    auto pays = std::map<date, uint64_t>{};
    weekdays(pays, 2025y / June / 2d, 2025y / June / 13d, 1000);
    for (auto d = 2025y / June / 2d; d <= 2025y / June / 8d; d = next_day(d))
      pays[d] += 300;
    pays[2025y / June / 9d] += 100;
    CHECK(os.payable(key) == pays);
    CHECK_FALSE(os.ledger().at(key).front().opphort_fom);
  }
}

TEST_CASE("a technical error applies nothing") {
  auto profile = simulator_profile{};
  profile.rate_12 = 1.0;
  auto os = simulator{profile};
  auto a = os.receive(make("NY", {ny(pid(1), std::nullopt, 2025y / June / 2d,
                                     2025y / June / 13d, 1000)}),
                      wednesday());
  CHECK(grade(a) == "12");
  CHECK(text(a) == "Teknisk feil i OS");
  CHECK(os.ledger().empty());
  CHECK(os.payable(key).empty());
  CHECK(os.sends_per_delytelse().at(pid(1)) == 1);
}

TEST_CASE("lost and duplicated kvitteringer") {
  auto profile = simulator_profile{};
  auto x = make("NY", {ny(pid(1), std::nullopt, 2025y / June / 2d,
                          2025y / June / 13d, 1000)});
  SUBCASE("a lost kvittering is still applied") {
    profile.rate_lost = 1.0;
    auto os = simulator{profile};
    auto a = os.receive(x, wednesday());
    CHECK_FALSE(a.kvittering);
    CHECK(os.ledger().at(key).size() == 1);
    INFO("the resend proves the first send arrived");
    CHECK_FALSE(os.receive(x, wednesday()).kvittering);
    CHECK(os.ledger().at(key).size() == 1);
  }
  SUBCASE("a duplicated kvittering comes twice") {
    profile.rate_duplicate = 1.0;
    auto os = simulator{profile};
    auto a = os.receive(x, wednesday());
    CHECK(grade(a) == "00");
    CHECK(a.copies == 2);
  }
  SUBCASE("a lost kvittering is not duplicated") {
    profile.rate_lost = 1.0;
    profile.rate_duplicate = 1.0;
    auto os = simulator{profile};
    auto a = os.receive(x, wednesday());
    CHECK_FALSE(a.kvittering);
    CHECK(a.copies == 1);
  }
}

TEST_CASE("draws are deterministic for a seed") {
  auto profile = simulator_profile{};
  profile.latency_min = 10ms;
  profile.latency_max = 500ms;
  profile.rate_12 = 0.3;
  profile.rate_lost = 0.3;
  profile.rate_duplicate = 0.3;
  profile.seed = 42;
  // Runs 200 new saker through a fresh simulator.
  auto run = [](simulator_profile p) {
    auto os = simulator{p};
    auto result = std::vector<answer>{};
    for (int i = 0; i < 200; ++i) {
      auto x = make("NY",
                    {ny(pid(1), std::nullopt, 2025y / June / 2d,
                        2025y / June / 13d, 1000)},
                    "sak-" + std::to_string(i));
      result.push_back(os.receive(x, wednesday()));
    }
    return result;
  };
  auto first = run(profile);
  auto again = run(profile);
  CHECK(first.size() == 200);
  for (size_t i = 0; i < first.size(); ++i) {
    INFO("send " << i);
    CHECK(first[i].kvittering == again[i].kvittering);
    CHECK(first[i].delay == again[i].delay);
    CHECK(first[i].copies == again[i].copies);
  }
  SUBCASE("each outcome occurs near its rate") {
    auto count = [&](auto pred) {
      return std::count_if(first.begin(), first.end(), pred);
    };
    auto lost = count([](const answer& a) { return !a.kvittering; });
    auto twelve = count([](const answer& a) {
      return a.kvittering && a.kvittering->mmel->alvorlighetsgrad == "12";
    });
    auto twice = count([](const answer& a) { return a.copies == 2; });
    INFO("of 200: lost " << lost << ", 12 " << twelve << ", twice "
                         << twice);
    CHECK((lost > 30 && lost < 90));
    CHECK((twelve > 15 && twelve < 75));
    CHECK((twice > 15 && twice < 75));
  }
  SUBCASE("another seed draws otherwise") {
    profile.seed = 43;
    auto other = run(profile);
    auto same = 0;
    for (size_t i = 0; i < first.size(); ++i)
      same += first[i].delay == other[i].delay ? 1 : 0;
    CHECK(same < 20);
  }
}

TEST_CASE("latency stays within its bounds") {
  auto profile = simulator_profile{};
  profile.latency_min = 100ms;
  profile.latency_max = 250ms;
  profile.seed = 7;
  auto os = simulator{profile};
  auto low = milliseconds::max();
  auto high = milliseconds::min();
  for (int i = 0; i < 500; ++i) {
    auto x = make("NY",
                  {ny(pid(1), std::nullopt, 2025y / June / 2d,
                      2025y / June / 13d, 1000)},
                  "sak-" + std::to_string(i));
    auto a = os.receive(x, wednesday());
    low = std::min(low, a.delay);
    high = std::max(high, a.delay);
  }
  CHECK(low >= 100ms);
  CHECK(high <= 250ms);
  INFO("500 uniform draws reach near both ends");
  CHECK(low < 110ms);
  CHECK(high > 240ms);
  SUBCASE("equal bounds give that latency") {
    profile.latency_min = 70ms;
    profile.latency_max = 70ms;
    auto fixed = simulator{profile};
    CHECK(fixed.receive(make("NY", {}), wednesday()).delay == 70ms);
  }
}

TEST_CASE("opening hours hold kvitteringer until OS opens") {
  auto profile = simulator_profile{};
  profile.latency_min = 100ms;
  profile.latency_max = 100ms;
  profile.opening_hours = true;
  auto os = simulator{profile};
  auto x = make("NY", {ny(pid(1), std::nullopt, 2025y / June / 2d,
                          2025y / June / 13d, 1000)});
  SUBCASE("Friday evening waits for Monday 06:00") {
    auto friday = at("2025-06-13T21:30:00");
    auto a = os.receive(x, friday);
    CHECK(grade(a) == "00");
    CHECK(a.delay == 56h + 30min + 100ms);
    CHECK(friday + a.delay == at("2025-06-16T06:00:00.1"));
    INFO("the oppdrag is applied as of the opening");
    CHECK(os.ledger().at(key).size() == 1);
  }
  SUBCASE("Sunday waits for Monday 06:00 too") {
    auto sunday = at("2025-06-15T23:59:00");
    CHECK(sunday + os.receive(x, sunday).delay
          == at("2025-06-16T06:00:00.1"));
  }
  SUBCASE("inside opening hours only the latency counts") {
    CHECK(os.receive(x, wednesday()).delay == 100ms);
  }
  SUBCASE("without opening hours OS answers at night") {
    profile.opening_hours = false;
    auto always = simulator{profile};
    CHECK(always.receive(x, at("2025-06-13T21:30:00")).delay == 100ms);
  }
}

TEST_CASE("every send is counted per delytelseId") {
  auto os = plain();
  auto x = make("NY", {ny(pid(1), std::nullopt, 2025y / June / 2d,
                          2025y / June / 6d, 1000),
                       ny(pid(2), pid(1), 2025y / June / 9d,
                          2025y / June / 13d, 1000)});
  CHECK(grade(os.receive(x, wednesday())) == "00");
  INFO("a resend is rejected and still counted");
  CHECK(grade(os.receive(x, wednesday())) == "08");
  CHECK(os.receive(make("ENDR", {ny(pid(3), pid(2), 2025y / June / 16d,
                                    2025y / June / 20d, 1000),
                                 opph(pid(2), 2025y / June / 30d,
                                      2025y / June / 9d, 2025y / June / 13d,
                                      1000)}),
                   wednesday())
          .kvittering);
  INFO("opphør lines are not sends of a delytelse");
  auto expected = std::map<std::string, int>{
    {pid(1), 2}, {pid(2), 2}, {pid(3), 1}};
  CHECK(os.sends_per_delytelse() == expected);
  CHECK(os.received() == 3);
}

TEST_CASE("a lost kvittering is kept aside for who must repeat it") {
  auto profile = simulator_profile{};
  profile.rate_lost = 1.0;
  auto os = simulator{profile};
  auto a = os.receive(make("NY", {ny(pid(1), std::nullopt, 2025y / June / 2d,
                                     2025y / June / 13d, 1000)}),
                      wednesday());
  CHECK_FALSE(a.kvittering);
  REQUIRE(a.lost_kvittering);
  REQUIRE(a.lost_kvittering->mmel);
  CHECK(a.lost_kvittering->mmel->alvorlighetsgrad == "00");
  CHECK(a.lost_kvittering->linjer.size() == 1);
  INFO("a kvittering that arrives is not also kept aside");
  auto b = plain().receive(make("NY", {}), wednesday());
  CHECK(b.kvittering);
  CHECK_FALSE(b.lost_kvittering);
}

TEST_CASE("a restored simulator goes on where the saved one stopped") {
  auto profile = simulator_profile{};
  profile.latency_min = 10ms;
  profile.latency_max = 900ms;
  profile.rate_12 = 0.2;
  profile.seed = 7;
  auto os = simulator{profile};
  create(os);
  auto change = make("ENDR", {ny(pid(2), pid(1), 2025y / June / 9d,
                                 2025y / June / 13d, 1500),
                              opph(pid(1), 2025y / June / 11d,
                                   2025y / June / 2d, 2025y / June / 13d,
                                   1000)});
  auto saved = os.snapshot();
  auto restored = simulator{profile, saved};
  SUBCASE("the state reads back whole") {
    CHECK(restored.snapshot() == saved);
    CHECK(restored.ledger() == os.ledger());
    CHECK(restored.payable(key) == os.payable(key));
    CHECK(restored.sends_per_delytelse() == os.sends_per_delytelse());
    CHECK(restored.received() == os.received());
  }
  SUBCASE("the same oppdrag get the same answers after the restore") {
    for (int i = 0; i < 5; ++i) {
      auto x = make("ENDR", {ny(pid(static_cast<uint8_t>(10 + i)), pid(1),
                                2025y / June / 16d, 2025y / June / 20d,
                                100u + static_cast<uint64_t>(i))});
      auto a = os.receive(x, wednesday());
      auto b = restored.receive(x, wednesday());
      CHECK(grade(a) == grade(b));
      CHECK(a.delay == b.delay);
    }
    CHECK(grade(os.receive(change, wednesday()))
          == grade(restored.receive(change, wednesday())));
    CHECK(restored.ledger() == os.ledger());
  }
  SUBCASE("an unreadable generator state starts from the seed") {
    saved.rng = "not a generator";
    auto fresh = simulator{profile, saved};
    auto seeded = simulator{profile};
    auto x = make("NY", {}, "another sak");
    CHECK(fresh.receive(x, wednesday()).delay
          == seeded.receive(x, wednesday()).delay);
    CHECK(fresh.ledger().at(key) == os.ledger().at(key));
  }
}

TEST_CASE("payable() of the ledger's lines is what the base pays") {
  auto os = plain();
  create(os);
  CHECK(grade(os.receive(
          make("ENDR", {opph(pid(1), 2025y / June / 11d, 2025y / June / 2d,
                             2025y / June / 13d, 1000)}),
          wednesday()))
        == "00");
  auto expected = std::map<date, uint64_t>{};
  weekdays(expected, 2025y / June / 2d, 2025y / June / 10d, 1000);
  CHECK(payable(os.ledger().at(key)) == expected);
  CHECK(os.payable(key) == expected);
  INFO("a line stopped from its fom pays nothing");
  auto gone = line(pid(9), 2025y / June / 2d, 2025y / June / 13d, 500,
                   2025y / June / 2d);
  CHECK(payable({gone}).empty());
  INFO("a one-off pays once, on its fom");
  auto once = line(pid(8), 2025y / June / 2d, 2025y / June / 13d, 500,
                   std::nullopt, "ENG");
  CHECK(payable({once}) == std::map<date, uint64_t>{{2025y / June / 2d,
                                                     500}});
}

}
