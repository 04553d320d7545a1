#include "messages/journal.hpp"

#include "messages/error.hpp"
#include "messages/status_json.hpp"
#include "messages/time.hpp"
#include "messages/utbetaling_json.hpp"

#include <boost/json.hpp>

namespace utsjekk {

namespace {

namespace bj = boost::json;

caf::error bad(std::string what) {
  return caf::make_error(ec::malformed_json,
                         "journal record: " + std::move(what));
}

/// Parses JSON text written by this module into a value; null when it is
/// not JSON (never thrown: Boost.JSON's exceptions stay out of actors).
bj::value embed(const std::string& text) {
  bj::error_code err;
  auto result = bj::parse(text, err);
  if (err)
    return nullptr;
  return result;
}

bj::object to_value(const mmel& m) {
  return {{"systemId", m.system_id},
          {"kodeMelding", m.kode_melding},
          {"alvorlighetsgrad", m.alvorlighetsgrad},
          {"beskrMelding", m.beskr_melding},
          {"programId", m.program_id},
          {"sectionNavn", m.section_navn}};
}

std::string text(const bj::object& obj, std::string_view key) {
  auto i = obj.find(key);
  if (i == obj.end() || !i->value().is_string())
    return {};
  return std::string{i->value().as_string()};
}

uint32_t count(const bj::object& obj, std::string_view key) {
  auto i = obj.find(key);
  if (i == obj.end() || !i->value().is_int64() || i->value().as_int64() < 0)
    return 0;
  return static_cast<uint32_t>(i->value().as_int64());
}

bool flag(const bj::object& obj, std::string_view key) {
  auto i = obj.find(key);
  return i != obj.end() && i->value().is_bool() && i->value().as_bool();
}

} // namespace

std::string_view to_string(tx_step x) {
  switch (x) {
    case tx_step::queued:
      return "queued";
    case tx_step::planned:
      return "planned";
    case tx_step::sent:
      return "sent";
    case tx_step::done:
      return "done";
  }
  return "unknown";
}

std::optional<tx_step> parse_tx_step(std::string_view text) {
  for (auto x : {tx_step::queued, tx_step::planned, tx_step::sent,
                 tx_step::done})
    if (to_string(x) == text)
      return x;
  return std::nullopt;
}

std::string to_json(const tx_record& x) {
  bj::array oppdrag;
  for (auto& o : x.journal.oppdrag) {
    bj::array next;
    for (auto& u : o.next_state)
      next.push_back(embed(to_json(u)));
    bj::object item{{"xml", o.xml},
                    {"matchKey", o.match_key},
                    {"nextState", std::move(next)},
                    {"accepted", o.accepted},
                    {"sends", o.sends},
                    {"retries", o.retries},
                    {"retryDue", o.retry_due}};
    item["answer"] = o.answer ? bj::value(to_value(*o.answer)) : nullptr;
    oppdrag.push_back(std::move(item));
  }
  bj::object journal{{"step", to_string(x.journal.step)},
                     {"oppdrag", std::move(oppdrag)},
                     {"attempts", x.journal.attempts},
                     {"lastError", x.journal.last_error}};
  // detaljer travel in their status form.
  auto detaljer = embed(to_json(
    status_reply{status_kind::mottatt, x.journal.detaljer, {}, false}));
  journal["detaljer"] = detaljer.is_object()
                          ? detaljer.as_object()["detaljer"]
                          : bj::value(nullptr);
  journal["deadline"] = x.journal.deadline
                          ? bj::value(to_string(*x.journal.deadline))
                          : nullptr;
  bj::object root{{"key", x.key.value},
                  {"fagsystem", to_string(x.fagsystem)},
                  {"sak", embed(to_json(x.sak))},
                  {"hash", x.hash.hex},
                  {"journal", std::move(journal)}};
  root["outcome"] = x.outcome ? embed(to_json(*x.outcome)) : nullptr;
  return bj::serialize(root);
}

caf::expected<tx_record> parse_tx_record(std::string_view json) {
  bj::error_code err;
  auto doc = bj::parse(json, err);
  if (err || !doc.is_object())
    return bad("not a JSON object");
  auto& root = doc.as_object();
  tx_record result;
  result.key.value = text(root, "key");
  auto fs = parse_fagsystem(text(root, "fagsystem"));
  if (result.key.value.empty() || !fs)
    return bad("key or fagsystem missing");
  result.fagsystem = *fs;
  result.hash.hex = text(root, "hash");
  if (auto sak = root.find("sak"); sak != root.end()) {
    auto parsed = parse_sak_key(bj::serialize(sak->value()));
    if (!parsed)
      return parsed.error();
    result.sak = std::move(*parsed);
  }
  auto j = root.find("journal");
  if (j == root.end() || !j->value().is_object())
    return bad("journal missing");
  auto& journal = j->value().as_object();
  auto step = parse_tx_step(text(journal, "step"));
  if (!step)
    return bad("unknown step");
  result.journal.step = *step;
  result.journal.attempts = count(journal, "attempts");
  result.journal.last_error = text(journal, "lastError");
  if (auto d = text(journal, "deadline"); !d.empty())
    result.journal.deadline = parse_local_time(d);
  // detaljer travel in their status form.
  if (auto d = journal.find("detaljer");
      d != journal.end() && !d->value().is_null()) {
    bj::object wrapper{{"status", "MOTTATT"}, {"detaljer", d->value()}};
    auto status = parse_status(bj::serialize(wrapper));
    if (!status)
      return status.error();
    result.journal.detaljer = std::move(status->detaljer);
  }
  if (auto list = journal.find("oppdrag");
      list != journal.end() && list->value().is_array()) {
    for (auto& item : list->value().as_array()) {
      if (!item.is_object())
        return bad("an oppdrag is not an object");
      auto& obj = item.as_object();
      outgoing_oppdrag o;
      o.xml = text(obj, "xml");
      o.match_key = text(obj, "matchKey");
      o.accepted = flag(obj, "accepted");
      o.sends = count(obj, "sends");
      o.retries = count(obj, "retries");
      o.retry_due = flag(obj, "retryDue");
      if (auto a = obj.find("answer");
          a != obj.end() && a->value().is_object()) {
        auto& m = a->value().as_object();
        o.answer = mmel{text(m, "systemId"),     text(m, "kodeMelding"),
                        text(m, "alvorlighetsgrad"), text(m, "beskrMelding"),
                        text(m, "programId"),    text(m, "sectionNavn")};
      }
      if (auto n = obj.find("nextState");
          n != obj.end() && n->value().is_array()) {
        for (auto& u : n->value().as_array()) {
          auto parsed = parse_utbetaling(bj::serialize(u));
          if (!parsed)
            return parsed.error();
          o.next_state.push_back(std::move(*parsed));
        }
      }
      result.journal.oppdrag.push_back(std::move(o));
    }
  }
  if (auto o = root.find("outcome");
      o != root.end() && o->value().is_object()) {
    auto status = parse_status(bj::serialize(o->value()));
    if (!status)
      return status.error();
    result.outcome = std::move(*status);
  }
  return result;
}

} // namespace utsjekk
