#include "messages/diff.hpp"

#include "messages/error.hpp"
#include "output_builders.hpp"

#include <doctest/doctest.h>

using namespace utsjekk;
using namespace utsjekk::test;

namespace {

/// The DP sak of reference §3.3.1.
sak_profile dp() {
  return sak_profile{};
}

/// Runs diff() and requires success.
utbetaling_diff must_diff(const utbetaling& next, const utbetaling* prev,
                          const id_generator& ids) {
  auto result = diff(next, prev, ids);
  REQUIRE_MESSAGE(result, render(result.error()));
  return *result;
}

/// Checks that `l` is an opphør line of the chain ending in `last`, from
/// `fom`, carrying the period `siste`.
void check_opphor_line(const oppdragslinje& l, const uuid& last, date fom,
                       const periode& siste) {
  CHECK(l.kode_endring_linje == "ENDR");
  CHECK(l.kode_status_linje == "OPPH");
  CHECK(l.dato_status_fom == fom);
  CHECK(l.delytelse_id == last.to_base64());
  CHECK_FALSE(l.ref_delytelse_id);
  CHECK_FALSE(l.ref_fagsystem_id);
  CHECK(l.dato_vedtak_fom == siste.fom);
  CHECK(l.dato_vedtak_tom == siste.tom);
  CHECK(l.sats == siste.belop);
  CHECK(l.vedtakssats == siste.vedtakssats);
}

/// Checks that `l` is a NY line for `x` with id `id`, chained to `ref`.
void check_ny_line(const oppdragslinje& l, const periode& x, const uuid& id,
                   std::optional<uuid> ref) {
  CHECK(l.kode_endring_linje == "NY");
  CHECK_FALSE(l.kode_status_linje);
  CHECK_FALSE(l.dato_status_fom);
  CHECK(l.delytelse_id == id.to_base64());
  CHECK(l.dato_vedtak_fom == x.fom);
  CHECK(l.dato_klassifik_fom == x.fom);
  CHECK(l.dato_vedtak_tom == x.tom);
  CHECK(l.sats == x.belop);
  CHECK(l.vedtakssats == x.vedtakssats);
  if (ref)
    CHECK(l.ref_delytelse_id == ref->to_base64());
  else
    CHECK_FALSE(l.ref_delytelse_id);
  CHECK(l.ref_fagsystem_id.has_value() == ref.has_value());
}

} // namespace

TEST_SUITE("messages/diff") {

TEST_CASE("create chains NY lines, the first without a reference") {
  counting_ids ids;
  auto periods = std::vector{p("2026-06-01", "2026-06-02", 1573, 1573),
                             p("2026-06-03", "2026-06-03", 900, 1573),
                             p("2026-06-04", "2026-06-05", 1573, 1573)};
  auto next = make_utbetaling(dp(), uid_of(1), "B1", periods);
  auto result = must_diff(next, nullptr, ids.generator());
  CHECK(result.kind == change_kind::create);
  REQUIRE(result.linjer.size() == 3);
  SUBCASE("each line refers to the one before it") {
    check_ny_line(result.linjer[0], periods[0], periode_id(1), std::nullopt);
    check_ny_line(result.linjer[1], periods[1], periode_id(2), periode_id(1));
    check_ny_line(result.linjer[2], periods[2], periode_id(3), periode_id(2));
  }
  SUBCASE("the lines carry the fields of reference §3.2") {
    const auto& l = result.linjer[1];
    CHECK(l.vedtak_id == "2026-06-20");
    CHECK(l.kode_klassifik == "DAGPENGER");
    CHECK(l.type_sats == "DAG");
    CHECK(l.fradrag_tillegg == "T");
    CHECK(l.bruk_kjoreplan == "N");
    CHECK(l.saksbeh_id == "dagpenger");
    CHECK(l.attestant_id == "dagpenger");
    CHECK(l.utbetales_til_id == "10049437035");
    CHECK(l.henvisning == "B1");
    CHECK(l.ref_fagsystem_id == "AZ6M2KLZfmOCyWnleGOMzg==");
  }
  SUBCASE("the new state ends its chain in the last line") {
    CHECK(result.next_state.action == action::create);
    CHECK(result.next_state.last_periode_id == periode_id(3));
    CHECK(result.next_state.siste_periode == periods[2]);
    CHECK(result.next_state.perioder == periods);
  }
}

TEST_CASE("create sorts periods by fom") {
  counting_ids ids;
  auto later = p("2026-06-08", "2026-06-09", 10);
  auto earlier = p("2026-06-01", "2026-06-02", 20);
  auto next = make_utbetaling(dp(), uid_of(1), "B1", {later, earlier});
  auto result = must_diff(next, nullptr, ids.generator());
  REQUIRE(result.linjer.size() == 2);
  CHECK(result.linjer[0].dato_vedtak_fom == earlier.fom);
  CHECK(result.next_state.siste_periode == later);
}

TEST_CASE("a changed amount re-sends the period chained to the old chain") {
  counting_ids ids;
  auto prev = accepted_version(
    make_utbetaling(dp(), uid_of(1), "B1",
                    {p("2025-06-02", "2025-06-13", 553, 1077)}),
    periode_id(100));
  auto changed = p("2025-06-02", "2025-06-13", 600, 1077);
  auto next = make_utbetaling(dp(), uid_of(1), "B2", {changed});
  auto result = must_diff(next, &prev, ids.generator());
  CHECK(result.kind == change_kind::update);
  REQUIRE(result.linjer.size() == 1);
  check_ny_line(result.linjer[0], changed, periode_id(1), periode_id(100));
  CHECK(result.linjer[0].henvisning == "B2");
  CHECK(result.next_state.action == action::update);
  CHECK(result.next_state.last_periode_id == periode_id(1));
  CHECK(result.next_state.siste_periode == changed);
}

TEST_CASE("shortening only the tom sends an opphør line and no new line") {
  counting_ids ids;
  auto old = p("2026-06-01", "2026-06-12", 1573, 1573);
  auto prev = accepted_version(
    make_utbetaling(dp(), uid_of(1), "B1", {old}), periode_id(100));
  auto shorter = p("2026-06-01", "2026-06-05", 1573, 1573);
  auto next = make_utbetaling(dp(), uid_of(1), "B2", {shorter});
  auto result = must_diff(next, &prev, ids.generator());
  CHECK(result.kind == change_kind::update);
  REQUIRE(result.linjer.size() == 1);
  check_opphor_line(result.linjer[0], periode_id(100), d("2026-06-06"), old);
  CHECK(result.linjer[0].henvisning == "B2");
  CHECK(*ids.calls == 0);
  INFO("the chain still ends in the old line");
  CHECK(result.next_state.last_periode_id == periode_id(100));
  CHECK(result.next_state.siste_periode == old);
  CHECK(result.next_state.perioder == std::vector{shorter});
}

TEST_CASE("reference §3.3.1: a new line on the opphør date needs no OPPH") {
  counting_ids ids;
  auto prev = accepted_version(
    make_utbetaling(dp(), uid_of(1), "AZ9fmWy6emq2B2CgZ6483A==",
                    {p("2026-06-02", "2026-06-04", 1573, 1573)}),
    periode_id(1));
  auto next = make_utbetaling(dp(), uid_of(1), "B-NEW",
                              {p("2026-06-02", "2026-06-02", 1573, 1573),
                               p("2026-06-03", "2026-06-03", 900, 1573)});
  SUBCASE("the update point") {
    auto point = find_update_point(prev.perioder, next.perioder);
    REQUIRE(point);
    CHECK(point->first_new == 1);
    CHECK(point->opphor_fom == d("2026-06-03"));
  }
  SUBCASE("the lines") {
    counting_ids from_two;
    *from_two.calls = 1;
    auto result = must_diff(next, &prev, from_two.generator());
    REQUIRE(result.linjer.size() == 1);
    const auto& l = result.linjer[0];
    check_ny_line(l, next.perioder[1], periode_id(2), periode_id(1));
    CHECK(l.kode_klassifik == "DAGPENGER");
    CHECK(l.type_sats == "DAG");
    CHECK(l.sats == kroner{900});
    CHECK(l.vedtakssats == kroner{1573});
    CHECK(l.henvisning == "B-NEW");
    CHECK(l.ref_fagsystem_id == "AZ6M2KLZfmOCyWnleGOMzg==");
    CHECK(result.next_state.last_periode_id == periode_id(2));
    CHECK(result.next_state.siste_periode
          == p("2026-06-03", "2026-06-03", 900, 1573));
    CHECK(result.next_state.perioder == next.perioder);
  }
}

TEST_CASE("extending adds only the new period") {
  counting_ids ids;
  auto first = p("2025-06-02", "2025-06-13", 553);
  auto prev = accepted_version(
    make_utbetaling(dp(), uid_of(1), "B1", {first}), periode_id(100));
  auto added = p("2025-06-16", "2025-06-27", 700);
  auto next = make_utbetaling(dp(), uid_of(1), "B2", {first, added});
  auto result = must_diff(next, &prev, ids.generator());
  REQUIRE(result.linjer.size() == 1);
  check_ny_line(result.linjer[0], added, periode_id(1), periode_id(100));
}

TEST_CASE("a later fom stops the old chain from its fom, before new lines") {
  counting_ids ids;
  auto old = p("2025-06-02", "2025-06-13", 553);
  auto prev = accepted_version(
    make_utbetaling(dp(), uid_of(1), "B1", {old}), periode_id(100));
  auto later = p("2025-06-05", "2025-06-13", 553);
  auto next = make_utbetaling(dp(), uid_of(1), "B2", {later});
  auto result = must_diff(next, &prev, ids.generator());
  REQUIRE(result.linjer.size() == 2);
  check_opphor_line(result.linjer[0], periode_id(100), old.fom, old);
  check_ny_line(result.linjer[1], later, periode_id(1), periode_id(100));
}

TEST_CASE("dropping the last period stops the chain after the new last tom") {
  counting_ids ids;
  auto a = p("2025-06-02", "2025-06-06", 100);
  auto b = p("2025-06-09", "2025-06-13", 100);
  auto prev = accepted_version(
    make_utbetaling(dp(), uid_of(1), "B1", {a, b}), periode_id(100));
  auto next = make_utbetaling(dp(), uid_of(1), "B2", {a});
  auto result = must_diff(next, &prev, ids.generator());
  REQUIRE(result.linjer.size() == 1);
  check_opphor_line(result.linjer[0], periode_id(100), d("2025-06-07"), b);
}

TEST_CASE("a changed middle period re-sends it and everything after it") {
  counting_ids ids;
  auto a = p("2025-06-02", "2025-06-06", 100);
  auto b = p("2025-06-09", "2025-06-13", 100);
  auto c = p("2025-06-16", "2025-06-20", 100);
  auto prev = accepted_version(
    make_utbetaling(dp(), uid_of(1), "B1", {a, b, c}), periode_id(100));
  auto b2 = p("2025-06-09", "2025-06-13", 50);
  auto next = make_utbetaling(dp(), uid_of(1), "B2", {a, b2, c});
  auto result = must_diff(next, &prev, ids.generator());
  REQUIRE(result.linjer.size() == 2);
  check_ny_line(result.linjer[0], b2, periode_id(1), periode_id(100));
  check_ny_line(result.linjer[1], c, periode_id(2), periode_id(1));
  CHECK(result.next_state.last_periode_id == periode_id(2));
}

TEST_CASE("a shortened tom with a later period re-sends the later period") {
  counting_ids ids;
  auto a = p("2025-06-02", "2025-06-13", 100);
  auto b = p("2025-06-16", "2025-06-20", 100);
  auto prev = accepted_version(
    make_utbetaling(dp(), uid_of(1), "B1", {a, b}), periode_id(100));
  auto a2 = p("2025-06-02", "2025-06-06", 100);
  auto next = make_utbetaling(dp(), uid_of(1), "B2", {a2, b});
  auto result = must_diff(next, &prev, ids.generator());
  INFO("OPPH from 06-07, then b again: its new line overrides from 06-16");
  REQUIRE(result.linjer.size() == 2);
  check_opphor_line(result.linjer[0], periode_id(100), d("2025-06-07"), b);
  check_ny_line(result.linjer[1], b, periode_id(1), periode_id(100));
}

TEST_CASE("an opphør stops the whole chain from its earliest fom") {
  counting_ids ids;
  auto a = p("2025-06-02", "2025-06-06", 100, 120);
  auto b = p("2025-06-09", "2025-06-13", 200, 120);
  auto prev = accepted_version(
    make_utbetaling(dp(), uid_of(1), "B1", {a, b}), periode_id(100));
  auto next = make_opphor(dp(), uid_of(1), "B2", action::fake_delete);
  auto result = must_diff(next, &prev, ids.generator());
  CHECK(result.kind == change_kind::opphor);
  REQUIRE(result.linjer.size() == 1);
  check_opphor_line(result.linjer[0], periode_id(100), a.fom, b);
  CHECK(result.linjer[0].henvisning == "B2");
  CHECK(result.linjer[0].kode_klassifik == "DAGPENGER");
  CHECK(*ids.calls == 0);
  INFO("the state keeps the previous version, now deleted");
  auto expected = prev;
  expected.action = action::del;
  CHECK(result.next_state == expected);
}

TEST_CASE("successive opphør") {
  counting_ids ids;
  auto a = p("2025-06-02", "2025-06-06", 100);
  auto b = p("2025-06-09", "2025-06-13", 100);
  auto c = p("2025-06-16", "2025-06-20", 100);
  auto prev = accepted_version(
    make_utbetaling(dp(), uid_of(1), "B1", {a, b, c}), periode_id(100));
  SUBCASE("removing the last period twice stops the same chain twice") {
    auto first = must_diff(make_utbetaling(dp(), uid_of(1), "B2", {a, b}),
                           &prev, ids.generator());
    REQUIRE(first.linjer.size() == 1);
    check_opphor_line(first.linjer[0], periode_id(100), d("2025-06-14"), c);
    auto second = must_diff(make_utbetaling(dp(), uid_of(1), "B3", {a}),
                            &first.next_state, ids.generator());
    REQUIRE(second.linjer.size() == 1);
    check_opphor_line(second.linjer[0], periode_id(100), d("2025-06-07"), c);
    CHECK(second.next_state.perioder == std::vector{a});
  }
  SUBCASE("an opphør of an opphørt utbetaling changes nothing") {
    auto first = must_diff(make_opphor(dp(), uid_of(1), "B2"), &prev,
                           ids.generator());
    auto second = must_diff(make_opphor(dp(), uid_of(1), "B3"),
                            &first.next_state, ids.generator());
    CHECK(second.kind == change_kind::none);
    CHECK(second.linjer.empty());
    CHECK(second.next_state == first.next_state);
  }
}

TEST_CASE("re-introducing after an opphør chains from the stopped line") {
  counting_ids ids;
  auto a = p("2025-08-01", "2025-08-31", 1840);
  auto deleted = accepted_version(
    make_utbetaling(dp(), uid_of(1), "B1", {a}), periode_id(100));
  deleted.action = action::del;
  auto next = make_utbetaling(dp(), uid_of(1), "B3", {a});
  auto result = must_diff(next, &deleted, ids.generator());
  CHECK(result.kind == change_kind::reintroduce);
  REQUIRE(result.linjer.size() == 1);
  check_ny_line(result.linjer[0], a, periode_id(1), periode_id(100));
  CHECK(result.next_state.action == action::create);
  CHECK(result.next_state.last_periode_id == periode_id(1));
}

TEST_CASE("unchanged periods produce nothing") {
  counting_ids ids;
  auto prev = accepted_version(
    make_utbetaling(dp(), uid_of(1), "B1",
                    {p("2025-06-16", "2025-06-27", 1077, 1077)}),
    periode_id(100));
  auto next = make_utbetaling(dp(), uid_of(1), "B4", prev.perioder);
  auto result = must_diff(next, &prev, ids.generator());
  CHECK(result.kind == change_kind::none);
  CHECK(result.linjer.empty());
  CHECK(result.next_state == prev);
  CHECK(*ids.calls == 0);
  CHECK_FALSE(find_update_point(prev.perioder, next.perioder));
}

TEST_CASE("fields that identify an utbetaling cannot change") {
  counting_ids ids;
  auto prev = accepted_version(
    make_utbetaling(dp(), uid_of(1), "B1", {p("2025-06-02", "2025-06-13", 5)}),
    periode_id(100));
  auto next = make_utbetaling(dp(), uid_of(1), "B2",
                              {p("2025-06-02", "2025-06-13", 6)});
  auto check_rejected = [&](const utbetaling& x, std::string_view field) {
    auto result = diff(x, &prev, ids.generator());
    REQUIRE_FALSE(result);
    CHECK(result.error() == ec::immutable_field);
    auto msg = error_message(result.error());
    INFO(msg);
    CHECK(msg.find(field) != std::string::npos);
    CHECK(msg.find(x.uid.to_string()) != std::string::npos);
    return msg;
  };
  SUBCASE("sakId") {
    auto x = next;
    x.sak_id = "OTHER";
    check_rejected(x, "sakId");
  }
  SUBCASE("personident, without either value in the message") {
    auto x = next;
    x.personident = "12345678910";
    auto msg = check_rejected(x, "personident");
    CHECK(msg.find("12345678910") == std::string::npos);
    CHECK(msg.find(prev.personident) == std::string::npos);
  }
  SUBCASE("stønad") {
    auto x = next;
    x.stonad = "DAGPENGERFERIE";
    check_rejected(x, "stønad");
  }
  SUBCASE("periodetype") {
    auto x = next;
    x.periodetype = periodetype::mnd;
    check_rejected(x, "periodetype");
  }
  SUBCASE("personident of an opphør") {
    auto x = make_opphor(dp(), uid_of(1), "B2");
    x.personident = "12345678910";
    check_rejected(x, "personident");
  }
  CHECK(*ids.calls == 0);
}

TEST_CASE("an opphør of an unknown utbetaling is a 404") {
  counting_ids ids;
  auto result = diff(make_opphor(dp(), uid_of(9), "B1"), nullptr,
                     ids.generator());
  REQUIRE_FALSE(result);
  CHECK(result.error() == ec::unknown_utbetaling);
  CHECK(error_message(result.error()).find(uid_of(9).to_string())
        != std::string::npos);
}

}
