#include "actors/admin.hpp"

#include "fixture.hpp"

#include <boost/json.hpp>
#include <caf/after.hpp>
#include <caf/event_based_actor.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>

using namespace utsjekk;
using namespace utsjekk::test;
using namespace std::chrono_literals;

namespace {

constexpr auto uid_a = "9a7d2c3e-1111-4222-8333-944455566677";
constexpr auto uid_b = "22222222-3333-4444-8555-666666666666";
constexpr auto personident = "05458410595";
constexpr auto token = "s3cret-token";

/// A temporary audit log file, removed at the end.
struct temp_file {
  std::string path;
  temp_file() {
    char name[] = "/tmp/utsjekk-audit-XXXXXX";
    auto fd = mkstemp(name);
    REQUIRE(fd >= 0);
    ::close(fd);
    path = name;
  }
  ~temp_file() {
    std::remove(path.c_str());
  }
  std::vector<std::string> lines() const {
    std::ifstream in{path};
    std::vector<std::string> result;
    for (std::string line; std::getline(in, line);)
      result.push_back(line);
    return result;
  }
};

/// The fixture with a historisk supervisor and an admin actor over it.
struct admin_fixture : fixture {
  temp_file audit_file;
  supervisor_actor sup;
  admin_actor adm;

  admin_fixture() {
    sup = make_supervisor(fagsystem::historisk);
    adm = make_admin({{fagsystem::historisk, sup}});
  }

  admin_actor make_admin(std::map<fagsystem, supervisor_actor> sups) {
    auto now = clock_now;
    return spawn(admin, std::move(sups), store, stats,
                 std::make_shared<audit_log>(audit_file.path),
                 std::function<local_time()>{[now] { return *now; }},
                 std::function<int64_t(const kafka::topic_partition&)>{},
                 std::chrono::milliseconds{2000}, uint32_t{200});
  }

  void submit(decoded_message msg) {
    auto hash = content_hash{msg.key.value};
    self->send(sup, atom::submit::value, std::move(msg), std::move(hash));
    run();
  }

  /// Asks the admin actor and returns its answer.
  http_answer ask(const admin_query& q, admin_actor to = {}) {
    self->send(to ? to : adm, atom::get::value, q);
    run();
    std::optional<http_answer> result;
    self->receive([&](http_answer& a) { result = std::move(a); },
                  caf::after(0s) >> [] {});
    REQUIRE(result);
    return std::move(*result);
  }

  /// Routes a request as the server would, then asks the admin actor.
  http_answer request(std::string method, std::string target,
                      std::string body = {}, bool with_token = true) {
    http_request req;
    req.method = std::move(method);
    req.target = std::move(target);
    req.body = std::move(body);
    if (with_token)
      req.authorization = std::string{"Bearer "} + token;
    auto routed = route(req, admin_route_config{token, 64 * 1024});
    if (auto* a = std::get_if<http_answer>(&routed))
      return *a;
    return ask(std::get<admin_query>(routed));
  }
};

boost::json::value parse(const http_answer& a) {
  return boost::json::parse(a.body);
}

admin_query query(admin_query::kind k) {
  admin_query q;
  q.what = k;
  return q;
}

} // namespace

TEST_SUITE("actors/admin") {

TEST_CASE("the actor tree shows each waiting oppdrag with its journal") {
  admin_fixture f;
  f.submit(simple_message("k1", "SAK-1", uid_a, 100));
  f.submit(simple_message("k2", "SAK-1", uid_a, 200));
  f.advance(90s);
  auto answer = f.ask(query(admin_query::kind::actors));
  REQUIRE(answer.status == 200);
  auto doc = parse(answer).as_object();
  INFO(answer.body);
  auto& sups = doc.at("supervisors").as_array();
  REQUIRE(sups.size() == 1);
  auto& hist = sups[0].as_object();
  CHECK(hist.at("fagsystem") == "HISTORISK");
  CHECK(hist.at("inFlight") == 1);
  CHECK(hist.at("queued") == 1);
  SUBCASE("the sak with k1 in flight and k2 queued behind it") {
    auto& saker = hist.at("saker").as_array();
    REQUIRE(saker.size() == 1);
    auto& queue = saker[0].at("queue").as_array();
    REQUIRE(queue.size() == 2);
    CHECK(queue[0].at("key") == "k1");
    CHECK(queue[0].at("state") == "in_flight");
    CHECK(queue[0].at("step") == "sent");
    CHECK(queue[0].at("attempt") == 1);
    CHECK(queue[0].at("deadline") == "2025-06-03T10:10:00");
    CHECK(queue[1].at("key") == "k2");
    CHECK(queue[1].at("state") == "queued");
  }
  SUBCASE("the waiting list names k1 and how long it waits") {
    auto& waiting = doc.at("waiting").as_array();
    REQUIRE(waiting.size() == 1);
    CHECK(waiting[0].at("key") == "k1");
    CHECK(waiting[0].at("waitSeconds").to_number<double>() == 90.0);
    CHECK(waiting[0].at("oppdrag").at(0).at("sends") == 1);
  }
  SUBCASE("no personident and no XML without the operator token") {
    CHECK(answer.body.find(personident) == std::string::npos);
    CHECK(answer.body.find("\"xml\"") == std::string::npos);
    auto q = query(admin_query::kind::actors);
    q.authorized = true;
    auto with = f.ask(q);
    CHECK(with.body.find(personident) != std::string::npos);
  }
}

TEST_CASE("a supervisor that does not answer in time gives 503") {
  admin_fixture f;
  // A stand-in that takes every request and never answers it.
  std::vector<caf::response_promise> held;
  auto mute = f.sys.spawn([&held](caf::event_based_actor* self) {
    return caf::behavior{
      [self, &held](atom::status, uint32_t) {
        held.push_back(self->make_response_promise());
        return held.back();
      },
    };
  });
  f.spawned.push_back(mute.address());
  auto adm = f.make_admin({{fagsystem::historisk, f.sup},
                           {fagsystem::aap,
                            caf::actor_cast<supervisor_actor>(mute)}});
  f.self->send(adm, atom::get::value, query(admin_query::kind::actors));
  f.run();
  INFO("nothing is answered before the timeout");
  auto early = false;
  f.self->receive([&](http_answer&) { early = true; },
                  caf::after(0s) >> [] {});
  CHECK_FALSE(early);
  f.advance(2s);
  std::optional<http_answer> late;
  f.self->receive([&](http_answer& a) { late = a; },
                  caf::after(0s) >> [] {});
  REQUIRE(late);
  CHECK(late->status == 503);
  CHECK(late->body.find("supervisor of AAP") != std::string::npos);
}

TEST_CASE("one transaction: in flight, then finished with its outcome") {
  admin_fixture f;
  f.submit(simple_message("k1", "SAK-1", uid_a, 100));
  auto flying = f.request("GET", "/admin/transactions/k1");
  REQUIRE(flying.status == 200);
  auto doc = parse(flying).as_object();
  CHECK(doc.at("state") == "in_flight");
  CHECK(doc.at("waitingForKvittering") == true);
  CHECK(doc.at("outcome").is_null());
  INFO("with the token the personident shows");
  CHECK(doc.at("personident") == personident);
  f.answer(0, "08", "Referert vedtak/linje ikke funnet");
  auto done = f.request("GET", "/admin/transactions/k1", {}, false);
  REQUIRE(done.status == 200);
  doc = parse(done).as_object();
  CHECK(doc.at("state") == "finished");
  CHECK(doc.at("step") == "done");
  CHECK(doc.at("outcome").at("status") == "FEILET");
  CHECK_FALSE(doc.contains("personident"));
  SUBCASE("it is among the failed transactions of the tree") {
    auto tree = parse(f.ask(query(admin_query::kind::actors))).as_object();
    auto& failed = tree.at("failed").as_array();
    REQUIRE(failed.size() == 1);
    CHECK(failed[0].at("key") == "k1");
  }
  SUBCASE("an unknown key is 404") {
    CHECK(f.request("GET", "/admin/transactions/nope").status == 404);
  }
}

TEST_CASE("one sak: its queue, history and accepted utbetalinger") {
  admin_fixture f;
  f.submit(simple_message("k1", "SAK-1", uid_a, 100));
  f.answer(0, "00");
  f.submit(simple_message("k2", "SAK-1", uid_a, 200));
  auto answer = f.request("GET", "/admin/saker/historisk/SAK-1", {}, false);
  REQUIRE(answer.status == 200);
  auto doc = parse(answer).as_object();
  CHECK(doc.at("parked") == false);
  CHECK(doc.at("queue").at(0).at("key") == "k2");
  CHECK(doc.at("history").at(0).at("key") == "k1");
  auto& accepted = doc.at("accepted").as_array();
  REQUIRE(accepted.size() == 1);
  CHECK(accepted[0].at("uid") == uid_a);
  CHECK_FALSE(accepted[0].as_object().contains("personident"));
  CHECK(answer.body.find(personident) == std::string::npos);
}

TEST_CASE("park holds a sak's next message; unpark sends it") {
  admin_fixture f;
  f.submit(simple_message("k1", "SAK-1", uid_a, 100));
  auto parked = f.request("POST", "/admin/saker/HISTORISK/SAK-1/park",
                          R"({"operator":"kari","reason":"OS asked"})");
  REQUIRE(parked.status == 200);
  CHECK(parse(parked).at("sak").at("parked") == true);
  f.submit(simple_message("k2", "SAK-1", uid_a, 200));
  f.submit(simple_message("k3", "SAK-2", uid_b, 300));
  INFO("the one in flight goes on; another sak is not held");
  f.answer(0, "00");
  CHECK(f.kinds("k1").back() == status_kind::ok);
  REQUIRE(f.os->sends.size() == 2);
  CHECK(f.os->sends[1].key.value == "k3");
  CHECK(f.kinds("k2").empty());
  auto snap = f.stats->snapshot(*f.clock_now, {});
  auto hist = static_cast<size_t>(fagsystem::historisk);
  CHECK(snap.saker_parked[hist] == 1);
  CHECK(snap.messages_queued[hist] == 1);
  auto unparked = f.request("POST", "/admin/saker/HISTORISK/SAK-1/unpark",
                            R"({"operator":"kari","reason":"OS is ready"})");
  REQUIRE(unparked.status == 200);
  REQUIRE(f.os->sends.size() == 3);
  CHECK(f.os->sends[2].key.value == "k2");
  INFO("both actions are in the audit log");
  auto lines = f.audit_file.lines();
  REQUIRE(lines.size() == 2);
  auto first = boost::json::parse(lines[0]).as_object();
  CHECK(first.at("operator") == "kari");
  CHECK(first.at("action") == "park");
  CHECK(first.at("target") == "sak HISTORISK/SAK-1");
  CHECK(first.at("reason") == "OS asked");
  CHECK(first.at("status") == 200);
  CHECK(boost::json::parse(lines[1]).at("action") == "unpark");
}

TEST_CASE("resend: the identical oppdrag, counted as a resend (I2)") {
  admin_fixture f;
  f.submit(simple_message("k1", "SAK-1", uid_a, 100));
  auto answer = f.request("POST", "/admin/transactions/k1/resend",
                          R"({"operator":"ola","reason":"lost at OS"})");
  REQUIRE(answer.status == 202);
  CHECK(parse(answer).at("oppdrag") == 1);
  REQUIRE(f.os->sends.size() == 2);
  CHECK(f.os->sends[1].xml == f.os->sends[0].xml);
  auto view = parse(f.request("GET", "/admin/transactions/k1"));
  CHECK(view.at("oppdrag").at(0).at("sends") == 2);
  CHECK(f.stats->snapshot(*f.clock_now, {}).retries[3] == 1);
  SUBCASE("OS saying it has it already proves the first send: OK") {
    f.answer(1, "08", "Oppdraget finnes fra før");
    CHECK(f.kinds("k1").back() == status_kind::ok);
  }
  SUBCASE("one audit line: who, why, what, which") {
    auto lines = f.audit_file.lines();
    REQUIRE(lines.size() == 1);
    auto line = boost::json::parse(lines[0]).as_object();
    CHECK(line.at("operator") == "ola");
    CHECK(line.at("action") == "resend");
    CHECK(line.at("target") == "transaction k1");
    CHECK(line.at("reason") == "lost at OS");
    CHECK(line.at("status") == 202);
  }
}

TEST_CASE("an action that does not fit is 409 or 404, and audited") {
  admin_fixture f;
  SUBCASE("no such transaction: 404") {
    auto answer = f.request("POST", "/admin/transactions/nope/resend",
                            R"({"operator":"ola","reason":"try"})");
    CHECK(answer.status == 404);
  }
  SUBCASE("a transaction the transport never took: 409") {
    f.os->fail_next = 1;
    f.submit(simple_message("k1", "SAK-1", uid_a, 100));
    REQUIRE(f.os->sends.empty());
    auto answer = f.request("POST", "/admin/transactions/k1/kvittering",
                            R"({"operator":"ola","reason":"try",)"
                            R"("alvorlighetsgrad":"00"})");
    CHECK(answer.status == 409);
    CHECK(answer.body.find("has not reached OS") != std::string::npos);
    INFO("the transaction goes on as before");
    f.advance(1s);
    CHECK(f.os->sends.size() == 1);
  }
  auto lines = f.audit_file.lines();
  REQUIRE(lines.size() == 1);
  CHECK(boost::json::parse(lines[0]).at("status").to_number<int>() >= 400);
}

TEST_CASE("a manual kvittering takes the normal path to the status") {
  admin_fixture f;
  f.submit(simple_message("k1", "SAK-1", uid_a, 100));
  SUBCASE("00: OK, and the state is accepted") {
    auto answer = f.request("POST", "/admin/transactions/k1/kvittering",
                            R"({"operator":"kari","reason":"OS by phone",)"
                            R"("alvorlighetsgrad":"00"})");
    REQUIRE(answer.status == 202);
    CHECK(f.kinds("k1")
          == std::vector<status_kind>{status_kind::mottatt,
                                      status_kind::hos_oppdrag,
                                      status_kind::ok});
    f.submit(simple_message("k2", "SAK-1", uid_a, 200));
    REQUIRE(f.os->sends.size() == 2);
    CHECK(parse_oppdrag(f.os->sends[1].xml)->kode_endring == "ENDR");
  }
  SUBCASE("08: FEILET with the operator's text") {
    auto answer = f.request("POST", "/admin/transactions/k1/kvittering",
                            R"({"operator":"kari","reason":"OS said no",)"
                            R"("alvorlighetsgrad":"08",)"
                            R"("beskrMelding":"Avvist manuelt"})");
    REQUIRE(answer.status == 202);
    auto k1 = f.statuses("k1");
    REQUIRE(k1.back().status == status_kind::feilet);
    REQUIRE(k1.back().error);
    CHECK(k1.back().error->msg == "Avvist manuelt");
  }
  auto snap = f.stats->snapshot(*f.clock_now, {});
  CHECK(snap.kvitteringer.at("00") + snap.kvitteringer.at("08") == 1);
}

TEST_CASE("routing: methods, paths, the token, who and why") {
  admin_route_config cfg{token, 1024};
  auto routed = [&](std::string method, std::string target,
                    std::string body = {}, std::string auth = {},
                    std::string op = {}) {
    http_request req{std::move(method), std::move(target), std::move(auth),
                     std::move(op), std::move(body)};
    return route(req, cfg);
  };
  auto status_of = [](const std::variant<http_answer, admin_query>& x) {
    auto* a = std::get_if<http_answer>(&x);
    return a ? a->status : 0;
  };
  auto bearer = std::string{"Bearer "} + token;
  CHECK(status_of(routed("GET", "/nope")) == 404);
  CHECK(status_of(routed("GET", "/admin/transactions/k1/x")) == 404);
  CHECK(status_of(routed("GET", "/admin/saker/NOPE/1")) == 404);
  CHECK(status_of(routed("POST", "/admin/actors")) == 405);
  CHECK(status_of(routed("GET", "/admin/transactions/k1/resend")) == 405);
  CHECK(status_of(routed("GET", "/admin/transactions/%4")) == 400);
  SUBCASE("an action without the token is 401") {
    auto x = routed("POST", "/admin/transactions/k1/resend",
                    R"({"operator":"a","reason":"b"})");
    REQUIRE(status_of(x) == 401);
    CHECK(std::get<http_answer>(x).headers.at(0).first == "WWW-Authenticate");
    CHECK(status_of(routed("POST", "/admin/transactions/k1/resend",
                           R"({"operator":"a","reason":"b"})",
                           "Bearer wrong"))
          == 401);
  }
  SUBCASE("no token configured: actions are disabled") {
    cfg.token.clear();
    CHECK(status_of(routed("POST", "/admin/transactions/k1/resend",
                           R"({"operator":"a","reason":"b"})", bearer))
          == 403);
  }
  SUBCASE("who and why are required; bad JSON is 400") {
    auto post = [&](std::string body, std::string op = {}) {
      return routed("POST", "/admin/transactions/k1/resend",
                    std::move(body), bearer, std::move(op));
    };
    CHECK(status_of(post(R"({"operator":"a"})")) == 400);
    CHECK(status_of(post(R"({"reason":"b"})")) == 400);
    CHECK(status_of(post(R"({"reason":"b"})", "ola")) == 0);
    CHECK(status_of(post("{bad")) == 400);
    CHECK(status_of(post("[]")) == 400);
    CHECK(status_of(post(R"({"operator":1,"reason":"b"})")) == 400);
    auto ok = post(R"({"operator":"a","reason":"b"})");
    REQUIRE(std::holds_alternative<admin_query>(ok));
    CHECK(std::get<admin_query>(ok).operator_name == "a");
    CHECK(std::get<admin_query>(ok).authorized);
  }
  SUBCASE("a manual kvittering needs a known alvorlighetsgrad") {
    auto post = [&](std::string body) {
      return routed("POST", "/admin/transactions/k1/kvittering",
                    std::move(body), bearer);
    };
    CHECK(status_of(post(R"({"operator":"a","reason":"b"})")) == 400);
    CHECK(status_of(post(R"({"operator":"a","reason":"b",)"
                         R"("alvorlighetsgrad":"99"})"))
          == 400);
    auto ok = post(R"({"operator":"a","reason":"b",)"
                   R"("alvorlighetsgrad":"04","beskrMelding":"x"})");
    REQUIRE(std::holds_alternative<admin_query>(ok));
    CHECK(std::get<admin_query>(ok).manual.alvorlighetsgrad == "04");
    CHECK(std::get<admin_query>(ok).manual.beskr_melding == "x");
  }
  SUBCASE("paths decode escapes; fagsystemer by wire or ASCII name") {
    auto x = routed("GET", "/admin/saker/TILLEGGSST%C3%98NADER/a%2Fb?x=1");
    REQUIRE(std::holds_alternative<admin_query>(x));
    auto& q = std::get<admin_query>(x);
    CHECK(q.sak.sak_id == "a/b");
    CHECK(q.sak.fagsystem == fagsystem::tilleggsstonader);
    CHECK(fagsystem_of_path("dagpenger") == fagsystem::dagpenger);
    CHECK_FALSE(q.authorized);
  }
}

TEST_CASE("readiness names what is missing") {
  metrics stats;
  auto first = readiness(stats);
  CHECK(first.status == 503);
  CHECK(first.body.find("not loaded") != std::string::npos);
  CHECK(first.body.find("no input partition") != std::string::npos);
  stats.state_loaded();
  stats.assigned({{"aap.utbetaling.v1", 0}});
  CHECK(readiness(stats).status == 200);
  stats.delivery(false);
  auto sick = readiness(stats);
  CHECK(sick.status == 503);
  CHECK(sick.body.find("producer") != std::string::npos);
}

}
