#include "actors/admin.hpp"

#include "actors/logging.hpp"
#include "messages/error.hpp"
#include "messages/json.hpp"
#include "messages/status_json.hpp"
#include "messages/time.hpp"
#include "messages/utbetaling_json.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/sec.hpp>
#include <caf/stateful_actor.hpp>

#include <algorithm>
#include <cctype>

namespace utsjekk {

namespace bj = boost::json;

namespace {

/// Longest operator name and reason an action accepts.
constexpr size_t max_operator = 100;
constexpr size_t max_reason = 1000;

/// The ASCII names of the fagsystemer in paths, in all_fagsystemer order.
constexpr std::array<std::string_view, 6> path_names
  = {"aap",       "dagpenger", "tiltakspenger",
     "tilleggsstonader", "historisk", "valp"};

http_answer json_answer(int status, const bj::value& body) {
  return http_answer{status, "application/json", bj::serialize(body), {}};
}

/// Compares without an early exit, so that the time taken tells nothing
/// about where a guessed token goes wrong.
bool same_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  unsigned diff = 0;
  for (size_t i = 0; i < a.size(); ++i)
    diff |= static_cast<unsigned>(static_cast<unsigned char>(a[i])
                                  ^ static_cast<unsigned char>(b[i]));
  return diff == 0;
}

/// Whether the Authorization header carries the configured token.
bool has_token(const http_request& req, const std::string& token) {
  constexpr std::string_view scheme = "Bearer ";
  if (token.empty() || req.authorization.size() <= scheme.size())
    return false;
  std::string_view auth = req.authorization;
  for (size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(auth[i]))
        != std::tolower(static_cast<unsigned char>(scheme[i])))
      return false;
  return same_secret(auth.substr(scheme.size()), token);
}

/// Splits a path into its non-empty, still encoded segments.
std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> result;
  while (!path.empty()) {
    auto slash = path.find('/');
    auto part = path.substr(0, slash);
    if (!part.empty())
      result.push_back(part);
    if (slash == std::string_view::npos)
      break;
    path.remove_prefix(slash + 1);
  }
  return result;
}

/// 405 naming the method the path allows.
http_answer not_allowed(std::string_view allowed) {
  auto result = json_error(405, "method not allowed; use "
                                  + std::string{allowed});
  result.headers.emplace_back("Allow", std::string{allowed});
  return result;
}

/// Reads the operator and the reason of an action (and its kvittering),
/// or answers 400.
std::optional<http_answer> read_action(const http_request& req,
                                       const admin_route_config& cfg,
                                       admin_query& q) {
  auto root = json::parse(req.body, cfg.max_body);
  if (!root)
    return json_error(400, "the body must be a JSON object: "
                             + error_message(root.error()));
  json::cursor doc{*root};
  if (auto err = json::require_object(doc))
    return json_error(400, "the body must be a JSON object");
  std::optional<std::string> who;
  std::optional<std::string> why;
  if (auto err = json::take(json::get_optional_string(doc["operator"]), who))
    return json_error(400, error_message(err));
  if (auto err = json::take(json::get_optional_string(doc["reason"]), why))
    return json_error(400, error_message(err));
  if (!who || who->empty())
    who = req.operator_header;
  if (who->empty() || who->size() > max_operator)
    return json_error(400, "operator: required (the body's operator field "
                           "or an X-Operator header), at most 100 bytes");
  if (!why || why->empty() || why->size() > max_reason)
    return json_error(400, "reason: required, at most 1000 bytes: say why");
  q.operator_name = std::move(*who);
  q.reason = std::move(*why);
  if (q.what != admin_query::kind::kvittering)
    return std::nullopt;
  // The manual kvittering: what OS would have put in mmel.
  std::string grade;
  std::optional<std::string> text;
  std::optional<std::string> code;
  if (auto err = json::take(json::get_string(doc["alvorlighetsgrad"]),
                            grade))
    return json_error(400, error_message(err));
  if (grade != "00" && grade != "04" && grade != "08" && grade != "12")
    return json_error(400, "alvorlighetsgrad: expected 00, 04, 08 or 12");
  if (auto err = json::take(json::get_optional_string(doc["beskrMelding"]),
                            text))
    return json_error(400, error_message(err));
  if (auto err = json::take(json::get_optional_string(doc["kodeMelding"]),
                            code))
    return json_error(400, error_message(err));
  q.manual = mmel{"UTSJEKK-ADMIN", code.value_or("MANUELL"), grade,
                  text.value_or(""), "", ""};
  return std::nullopt;
}

/// A local time as JSON, or null.
bj::value time_json(const std::optional<local_time>& t) {
  if (!t)
    return nullptr;
  return bj::value(to_string(*t));
}

/// Seconds from `a` to `b`, never negative.
double seconds_between(local_time a, local_time b) {
  return std::max(0.0, std::chrono::duration<double>(b - a).count());
}

/// JSON our own writers produced, as a value (null if it is not JSON).
bj::value reparse(const std::string& text) {
  boost::system::error_code err;
  auto result = bj::parse(text, err);
  if (err)
    return nullptr;
  return result;
}

/// An utbetaling; without personident unless `authorized`.
bj::value utbetaling_json(const utbetaling& u, bool authorized) {
  auto result = reparse(to_json(u));
  if (!authorized && result.is_object())
    result.as_object().erase("personident");
  return result;
}

std::string_view place_name(tx_view::where x) {
  switch (x) {
    case tx_view::where::queued:
      return "queued";
    case tx_view::where::in_flight:
      return "in_flight";
    case tx_view::where::finished:
      return "finished";
  }
  return "unknown";
}

bj::object tx_json(const tx_view& x, bool authorized, local_time now) {
  bj::object o;
  o["key"] = x.key.value;
  o["sakId"] = x.sak.sak_id;
  o["fagsystem"] = to_string(x.sak.fagsystem);
  o["behandlingId"] = x.behandling_id;
  if (authorized)
    o["personident"] = x.personident;
  o["state"] = place_name(x.place);
  o["step"] = to_string(x.journal.step);
  o["attempt"] = x.journal.attempts;
  o["restarts"] = x.restarts;
  o["submitted"] = to_string(x.submitted);
  o["firstSent"] = time_json(x.first_sent);
  o["lastSent"] = time_json(x.last_sent);
  o["finished"] = time_json(x.finished);
  auto waits = waits_for_kvittering(x);
  o["waitingForKvittering"] = waits;
  o["waitSeconds"] = waits && x.first_sent
                       ? bj::value(seconds_between(*x.first_sent, now))
                       : bj::value(nullptr);
  o["deadline"] = time_json(x.journal.deadline);
  o["lastError"] = x.journal.last_error.empty()
                     ? bj::value(nullptr)
                     : bj::value(x.journal.last_error);
  bj::array oppdrag;
  for (auto& out : x.journal.oppdrag) {
    bj::object j;
    j["matchKey"] = out.match_key;
    j["sends"] = out.sends;
    j["retries"] = out.retries;
    j["retryDue"] = out.retry_due;
    if (out.answer) {
      bj::object k;
      k["alvorlighetsgrad"] = out.answer->alvorlighetsgrad;
      k["kodeMelding"] = out.answer->kode_melding;
      k["beskrMelding"] = out.answer->beskr_melding;
      j["kvittering"] = std::move(k);
    } else {
      j["kvittering"] = nullptr;
    }
    j["accepted"] = out.accepted;
    bj::array uids;
    for (auto& u : out.next_state)
      uids.emplace_back(u.uid.to_string());
    j["uids"] = std::move(uids);
    // The XML names the person: for operators only.
    if (authorized)
      j["xml"] = out.xml;
    oppdrag.emplace_back(std::move(j));
  }
  o["oppdrag"] = std::move(oppdrag);
  o["outcome"] = x.outcome ? reparse(to_json(*x.outcome))
                           : bj::value(nullptr);
  return o;
}

bj::object sak_json(const sak_view& x, bool authorized, local_time now) {
  bj::object o;
  o["sakId"] = x.sak.sak_id;
  o["fagsystem"] = to_string(x.sak.fagsystem);
  o["parked"] = x.parked;
  bj::array queue;
  for (auto& t : x.queue)
    queue.emplace_back(tx_json(t, authorized, now));
  o["queue"] = std::move(queue);
  bj::array history;
  for (auto& t : x.history)
    history.emplace_back(tx_json(t, authorized, now));
  o["history"] = std::move(history);
  return o;
}

/// The name of the supervisor of `fs` in messages.
std::string supervisor_name(fagsystem fs) {
  return "the supervisor of " + std::string{to_string(fs)};
}

} // namespace

http_answer json_error(int status, std::string_view text) {
  bj::object o;
  o["error"] = text;
  return json_answer(status, o);
}

std::optional<std::string> percent_decode(std::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9')
      return c - '0';
    if (c >= 'a' && c <= 'f')
      return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
      return c - 'A' + 10;
    return -1;
  };
  std::string result;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      result += text[i];
      continue;
    }
    if (i + 2 >= text.size())
      return std::nullopt;
    auto hi = hex(text[i + 1]);
    auto lo = hex(text[i + 2]);
    if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
      return std::nullopt;
    result += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return result;
}

std::optional<fagsystem> fagsystem_of_path(std::string_view text) {
  if (auto fs = parse_fagsystem(text))
    return fs;
  std::string lower;
  for (auto c : text)
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (size_t i = 0; i < path_names.size(); ++i)
    if (lower == path_names[i])
      return all_fagsystemer[i];
  return std::nullopt;
}

std::variant<http_answer, admin_query> route(const http_request& req,
                                             const admin_route_config& cfg) {
  using kind = admin_query::kind;
  admin_query q;
  q.authorized = has_token(req, cfg.token);
  std::string_view target = req.target;
  auto path = target.substr(0, target.find('?'));
  if (path.empty() || path.front() != '/')
    return json_error(400, "the request target must be a path");
  auto raw = segments(path);
  std::vector<std::string> seg;
  for (auto part : raw) {
    auto decoded = percent_decode(part);
    if (!decoded)
      return json_error(400, "malformed percent-escape in the path");
    seg.push_back(std::move(*decoded));
  }
  auto is = [&](std::initializer_list<std::string_view> xs) {
    return seg.size() == xs.size()
           && std::equal(xs.begin(), xs.end(), seg.begin());
  };
  auto get = [&](kind k) -> std::variant<http_answer, admin_query> {
    if (req.method != "GET")
      return not_allowed("GET");
    q.what = k;
    return q;
  };
  // Health, metrics and the page.
  if (is({"internal", "isalive"}))
    return get(kind::ping);
  if (is({"internal", "isready"}))
    return get(kind::ready);
  if (is({"internal", "metrics"}))
    return get(kind::metrics);
  if (is({"admin"}))
    return get(kind::page);
  if (is({"admin", "actors"}))
    return get(kind::actors);
  // One transaction, and the actions on it.
  auto n = seg.size();
  std::optional<kind> action;
  if (n >= 3 && seg[0] == "admin" && seg[1] == "transactions") {
    q.key = tx_id{seg[2]};
    if (n == 3)
      return get(kind::transaction);
    if (n == 4 && seg[3] == "resend")
      action = kind::resend;
    else if (n == 4 && seg[3] == "kvittering")
      action = kind::kvittering;
  }
  // One sak, and the actions on it.
  if (n >= 4 && seg[0] == "admin" && seg[1] == "saker") {
    auto fs = fagsystem_of_path(seg[2]);
    if (!fs)
      return json_error(404, "unknown fagsystem " + json::quote(seg[2]));
    q.sak = sak_key{seg[3], *fs};
    if (n == 4)
      return get(kind::sak);
    if (n == 5 && seg[4] == "park")
      action = kind::park;
    else if (n == 5 && seg[4] == "unpark")
      action = kind::unpark;
  }
  if (!action)
    return json_error(404, "no such resource");
  // Operator actions: POST, the token, who and why.
  if (req.method != "POST")
    return not_allowed("POST");
  if (cfg.token.empty())
    return json_error(403, "operator actions are disabled: no operator "
                           "token (UTSJEKK_ADMIN_TOKEN) is configured");
  if (!q.authorized) {
    auto result = json_error(401, "operator actions need "
                                  "Authorization: Bearer <token>");
    result.headers.emplace_back("WWW-Authenticate",
                                "Bearer realm=\"utsjekk-admin\"");
    return result;
  }
  q.what = *action;
  if (auto bad = read_action(req, cfg, q))
    return std::move(*bad);
  return q;
}

http_answer answer_for(const caf::error& err, std::string_view who) {
  if (err.category() == caf::atom("utsjekk")) {
    switch (static_cast<ec>(err.code())) {
      case ec::not_found:
        return json_error(404, error_message(err));
      case ec::wrong_state:
        return json_error(409, error_message(err));
      default:
        return json_error(500, render(err));
    }
  }
  if (err == caf::sec::request_timeout)
    return json_error(503, std::string{who} + " did not answer in time");
  return json_error(503, std::string{who} + " is not available: "
                           + render(err));
}

http_answer readiness(const metrics& stats) {
  std::string missing;
  auto add = [&](std::string_view why) {
    if (!missing.empty())
      missing += "; ";
    missing += why;
  };
  if (!stats.loaded())
    add("the accepted state is not loaded");
  if (stats.partitions_assigned() == 0)
    add("no input partition is assigned");
  if (!stats.producer_healthy())
    add("the producer's last delivery failed");
  bj::object o;
  o["ready"] = missing.empty();
  if (missing.empty())
    return json_answer(200, o);
  o["reason"] = missing;
  return json_answer(503, o);
}

std::string to_json(const tx_view& x, bool authorized, local_time now) {
  return bj::serialize(tx_json(x, authorized, now));
}

// -- the admin actor ---------------------------------------------------------

namespace {

/// Answers from every supervisor, in fagsystem order, each a value or the
/// error of its request.
template <class T>
using gathered = std::vector<std::pair<fagsystem, caf::expected<T>>>;

/// Asks every supervisor of `st` with `xs...`; calls `done` once each has
/// answered or failed.
template <class T, class... Ts>
void ask_supervisors(admin_state& st,
                     std::function<void(gathered<T>&)> done, Ts... xs) {
  auto results = std::make_shared<gathered<T>>();
  for (auto& [fs, sup] : st.supervisors)
    results->emplace_back(fs, caf::make_error(ec::timeout));
  auto left = std::make_shared<size_t>(results->size());
  auto shared_done = std::make_shared<std::function<void(gathered<T>&)>>(
    std::move(done));
  size_t index = 0;
  for (auto& [fs, sup] : st.supervisors) {
    auto finish = [results, left, shared_done, index](caf::expected<T> x) {
      (*results)[index].second = std::move(x);
      if (--*left == 0)
        (*shared_done)(*results);
    };
    st.self->request(sup, st.ask_timeout, xs...)
      .then([finish](T& x) { finish(std::move(x)); },
            [finish](caf::error& err) { finish(std::move(err)); });
    ++index;
  }
}

/// The first supervisor that did not answer, as an answer; none if all
/// did.
template <class T>
std::optional<http_answer> first_failure(const gathered<T>& xs) {
  for (auto& [fs, x] : xs)
    if (!x)
      return answer_for(x.error(), supervisor_name(fs));
  return std::nullopt;
}

} // namespace

void admin_state::answer(const admin_query& q,
                         caf::typed_response_promise<http_answer> rp) {
  using kind = admin_query::kind;
  switch (q.what) {
    case kind::ping:
      rp.deliver(json_answer(200, bj::object{{"alive", true}}));
      return;
    case kind::actors:
      actors(q, rp);
      return;
    case kind::transaction:
      transaction(q, rp);
      return;
    case kind::sak:
      sak(q, rp);
      return;
    case kind::resend:
    case kind::kvittering:
    case kind::park:
    case kind::unpark:
      act(q, rp);
      return;
    case kind::page:
    case kind::ready:
    case kind::metrics:
      break;
  }
  rp.deliver(json_error(404, "not a question for the actors"));
}

void admin_state::actors(const admin_query& q,
                         caf::typed_response_promise<http_answer> rp) {
  auto authorized = q.authorized;
  auto limit = list_limit;
  std::function<void(gathered<supervisor_view>&)> done
    = [this, rp, authorized, limit](gathered<supervisor_view>& xs) mutable {
        if (auto failed = first_failure(xs)) {
          rp.deliver(std::move(*failed));
          return;
        }
        auto t = now();
        bj::array sups;
        std::vector<const tx_view*> waiting;
        std::vector<const tx_view*> failed;
        for (auto& [fs, x] : xs) {
          auto& v = *x;
          bj::object o;
          o["fagsystem"] = to_string(v.fagsystem);
          o["inFlight"] = v.in_flight;
          o["queued"] = v.queued;
          o["finished"] = v.finished;
          o["crashed"] = v.crashed;
          o["omitted"] = v.omitted;
          bj::array saker;
          for (auto& s : v.saker) {
            saker.emplace_back(sak_json(s, authorized, t));
            if (!s.queue.empty() && waits_for_kvittering(s.queue.front()))
              waiting.push_back(&s.queue.front());
          }
          o["saker"] = std::move(saker);
          sups.emplace_back(std::move(o));
          for (auto& r : v.recent)
            if (r.outcome && r.outcome->status == status_kind::feilet)
              failed.push_back(&r);
        }
        // Waiting longest first; failed newest first.
        std::sort(waiting.begin(), waiting.end(), [](auto a, auto b) {
          return a->first_sent < b->first_sent;
        });
        std::sort(failed.begin(), failed.end(),
                  [](auto a, auto b) { return a->finished > b->finished; });
        if (failed.size() > limit)
          failed.resize(limit);
        bj::array waiting_json;
        for (auto x : waiting)
          waiting_json.emplace_back(tx_json(*x, authorized, t));
        bj::array failed_json;
        for (auto x : failed)
          failed_json.emplace_back(tx_json(*x, authorized, t));
        // The readers, from the metrics: positions and lag.
        bj::array readers;
        if (stats)
          for (auto& p : stats->snapshot(t, high_watermark).partitions) {
            bj::object r;
            r["topic"] = p.tp.topic;
            r["partition"] = p.tp.partition;
            r["position"] = p.position;
            r["highWatermark"] = p.high_watermark;
            r["lag"] = p.high_watermark < 0
                         ? bj::value(nullptr)
                         : bj::value(std::max<int64_t>(
                           0, p.high_watermark - std::max<int64_t>(
                                                   0, p.position)));
            readers.emplace_back(std::move(r));
          }
        bj::object o;
        o["generatedAt"] = to_string(t);
        o["supervisors"] = std::move(sups);
        o["waiting"] = std::move(waiting_json);
        o["failed"] = std::move(failed_json);
        o["readers"] = std::move(readers);
        rp.deliver(json_answer(200, o));
      };
  ask_supervisors<supervisor_view>(*this, std::move(done),
                                   atom::status::value, list_limit);
}

void admin_state::transaction(const admin_query& q,
                              caf::typed_response_promise<http_answer> rp) {
  auto authorized = q.authorized;
  auto key = q.key;
  using answers = gathered<std::optional<tx_view>>;
  std::function<void(answers&)> done
    = [this, rp, authorized, key](answers& xs) mutable {
        // One that has it wins even if another did not answer.
        for (auto& [fs, x] : xs)
          if (x && *x) {
            rp.deliver(json_answer(200, tx_json(**x, authorized, now())));
            return;
          }
        if (auto failed = first_failure(xs)) {
          rp.deliver(std::move(*failed));
          return;
        }
        rp.deliver(json_error(404, "no transaction with key "
                                     + json::quote(key.value)
                                     + " is queued, in flight or recent"));
      };
  ask_supervisors<std::optional<tx_view>>(*this, std::move(done),
                                          atom::get::value, q.key);
}

void admin_state::sak(const admin_query& q,
                      caf::typed_response_promise<http_answer> rp) {
  auto i = supervisors.find(q.sak.fagsystem);
  if (i == supervisors.end()) {
    rp.deliver(json_error(404, "no supervisor for this fagsystem"));
    return;
  }
  auto authorized = q.authorized;
  auto key = q.sak;
  auto who = supervisor_name(q.sak.fagsystem);
  // The queue and history, then what OS accepted.
  self->request(i->second, ask_timeout, atom::get::value, q.sak)
    .then(
      [this, rp, authorized, key](sak_view& view) mutable {
        self->request(store, ask_timeout, atom::get::value, key)
          .then(
            [this, rp, authorized, view](sak_state& accepted) mutable {
              auto t = now();
              auto o = sak_json(view, authorized, t);
              o["exists"] = accepted.exists;
              bj::array utbetalinger;
              for (auto& [uid, u] : accepted.utbetalinger)
                utbetalinger.emplace_back(utbetaling_json(u, authorized));
              o["accepted"] = std::move(utbetalinger);
              rp.deliver(json_answer(200, o));
            },
            [rp](caf::error& err) mutable {
              rp.deliver(answer_for(err, "the state store"));
            });
      },
      [rp, who](caf::error& err) mutable {
        rp.deliver(answer_for(err, who));
      });
}

void admin_state::act(const admin_query& q,
                      caf::typed_response_promise<http_answer> rp) {
  using kind = admin_query::kind;
  // The answer of an action on a transaction, once every supervisor
  // answered: the one that had it, else 404.
  auto on_tx = [this, rp, q](gathered<uint32_t>& xs) mutable {
    std::optional<http_answer> result;
    for (auto& [fs, x] : xs)
      if (x) {
        bj::object o;
        o["action"] = q.what == kind::resend ? "resend" : "kvittering";
        o["key"] = q.key.value;
        o["fagsystem"] = to_string(fs);
        o["oppdrag"] = *x;
        result = json_answer(202, o);
      }
    for (auto& [fs, x] : xs)
      if (!result && !x
          && !(x.error().category() == caf::atom("utsjekk")
               && static_cast<ec>(x.error().code()) == ec::not_found))
        result = answer_for(x.error(), supervisor_name(fs));
    if (!result)
      result = json_error(404, "no transaction in flight has key "
                                 + json::quote(q.key.value));
    audit_action(q, *result);
    rp.deliver(std::move(*result));
  };
  switch (q.what) {
    case kind::resend:
      ask_supervisors<uint32_t>(
        *this, std::function<void(gathered<uint32_t>&)>{on_tx},
        atom::resend::value, q.key);
      return;
    case kind::kvittering:
      ask_supervisors<uint32_t>(
        *this, std::function<void(gathered<uint32_t>&)>{on_tx},
        atom::kvittering::value, q.key, q.manual);
      return;
    default:
      break;
  }
  // Park and unpark go to the sak's supervisor.
  auto i = supervisors.find(q.sak.fagsystem);
  if (i == supervisors.end()) {
    rp.deliver(json_error(404, "no supervisor for this fagsystem"));
    return;
  }
  auto on_sak = [this, rp, q](sak_view& view) mutable {
    bj::object o;
    o["action"] = q.what == kind::park ? "park" : "unpark";
    o["sak"] = sak_json(view, q.authorized, now());
    auto result = json_answer(200, o);
    audit_action(q, result);
    rp.deliver(std::move(result));
  };
  auto on_error = [this, rp, q](caf::error& err) mutable {
    auto result = answer_for(err, supervisor_name(q.sak.fagsystem));
    audit_action(q, result);
    rp.deliver(std::move(result));
  };
  if (q.what == kind::park)
    self->request(i->second, ask_timeout, atom::park::value, q.sak)
      .then(on_sak, on_error);
  else
    self->request(i->second, ask_timeout, atom::unpark::value, q.sak)
      .then(on_sak, on_error);
}

void admin_state::audit_action(const admin_query& q,
                               const http_answer& result) {
  using kind = admin_query::kind;
  audit_entry e;
  e.time = now();
  e.operator_name = q.operator_name;
  switch (q.what) {
    case kind::resend:
      e.action = "resend";
      break;
    case kind::kvittering:
      e.action = "kvittering " + q.manual.alvorlighetsgrad;
      break;
    case kind::park:
      e.action = "park";
      break;
    case kind::unpark:
      e.action = "unpark";
      break;
    default:
      e.action = "other";
      break;
  }
  if (q.what == kind::resend || q.what == kind::kvittering)
    e.target = "transaction " + q.key.value;
  else
    e.target = "sak " + std::string{to_string(q.sak.fagsystem)} + "/"
               + q.sak.sak_id;
  e.reason = q.reason;
  e.status = result.status;
  e.result = result.status < 300 ? "done" : result.body;
  auto line = to_json_line(e);
  UTSJEKK_LOG(info, "admin") << "admin audit " << line;
  if (!audit)
    return;
  if (auto err = audit->append(e))
    UTSJEKK_LOG(error, "admin")
      << "admin could not write the audit log error=" << render(err);
}

admin_actor::behavior_type
admin(admin_actor::stateful_pointer<admin_state> self,
      std::map<fagsystem, supervisor_actor> supervisors,
      state_store_actor store, std::shared_ptr<metrics> stats,
      std::shared_ptr<audit_log> audit, std::function<local_time()> now,
      std::function<int64_t(const kafka::topic_partition&)> high_watermark,
      std::chrono::milliseconds ask_timeout, uint32_t list_limit) {
  auto& st = self->state;
  st.self = self;
  st.supervisors = std::move(supervisors);
  st.store = std::move(store);
  st.stats = std::move(stats);
  st.audit = std::move(audit);
  st.now = std::move(now);
  st.high_watermark = std::move(high_watermark);
  st.ask_timeout = ask_timeout;
  st.list_limit = list_limit;
  return {
    [self](atom::get,
           const admin_query& q) -> caf::typed_response_promise<http_answer> {
      auto rp = self->make_response_promise<http_answer>();
      self->state.answer(q, rp);
      return rp;
    },
  };
}

// -- the HTTP side -----------------------------------------------------------

http_handler make_admin_handler(admin_http_context ctx) {
  auto shared = std::make_shared<admin_http_context>(std::move(ctx));
  return [shared](http_request req, http_responder respond) {
    using kind = admin_query::kind;
    auto routed = route(req, shared->routes);
    if (auto* answer = std::get_if<http_answer>(&routed)) {
      respond(std::move(*answer));
      return;
    }
    auto q = std::get<admin_query>(std::move(routed));
    // What needs no actor is answered on the server's thread.
    switch (q.what) {
      case kind::page:
        respond(http_answer{200, "text/html; charset=utf-8",
                            std::string{admin_page()}, {}});
        return;
      case kind::ready:
        respond(readiness(*shared->stats));
        return;
      case kind::metrics: {
        auto snapshot = shared->stats->snapshot(shared->now(),
                                                shared->high_watermark);
        respond(http_answer{200, "text/plain; version=0.0.4; charset=utf-8",
                            render_prometheus(snapshot), {}});
        return;
      }
      default:
        break;
    }
    // The rest asks the admin actor through a bridge that lives for one
    // request.
    auto timeout = shared->ask_timeout + std::chrono::milliseconds{500};
    shared->sys->spawn([admin = shared->admin, q = std::move(q), respond,
                        timeout](caf::event_based_actor* self) {
      self->request(admin, timeout, atom::get::value, q)
        .then(
          [self, respond](http_answer& a) {
            respond(std::move(a));
            self->quit();
          },
          [self, respond](caf::error& err) {
            respond(answer_for(err, "the admin actor"));
            self->quit();
          });
    });
  };
}

} // namespace utsjekk
