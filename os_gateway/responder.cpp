#include "os_gateway/responder.hpp"

#include "messages/calendar.hpp"
#include "messages/oppdrag_xml.hpp"
#include "messages/uid.hpp"
#include "os_gateway/kafka_transport.hpp"

#include <span>

namespace utsjekk::os {

std::string oppdrag_hash(std::string_view xml) {
  auto bytes = std::span<const uint8_t>{
    reinterpret_cast<const uint8_t*>(xml.data()), xml.size()};
  auto digest = sha256(bytes);
  constexpr auto hex = "0123456789abcdef";
  std::string result;
  result.reserve(digest.size() * 2);
  for (auto b : digest) {
    result += hex[b >> 4];
    result += hex[b & 0x0F];
  }
  return result;
}

responder::responder(simulator_profile profile, size_t max_answered)
  : profile_(profile), sim_(profile), max_answered_(max_answered) {
}

responder::responder(simulator_profile profile, const responder_state& saved,
                     size_t max_answered)
  : profile_(profile), sim_(profile, saved.sim), max_answered_(max_answered) {
  for (const auto& x : saved.answered)
    remember(x.oppdrag, x.mmel);
}

response responder::on_record(std::string_view xml, local_time now) {
  response result;
  // Kvitteringer share the topic with the oppdrag they answer.
  if (is_kvittering(xml))
    return result;
  // OS reads the XML itself.
  auto parsed = parse_oppdrag(xml);
  if (!parsed) {
    result.what = response::kind::unreadable;
    result.error = std::move(parsed.error());
    return result;
  }
  // An oppdrag answered before: the same kvittering, nothing applied.
  auto hash = oppdrag_hash(xml);
  if (auto i = answered_.find(hash); i != answered_.end()) {
    parsed->mmel = i->second;
    result.what = response::kind::answer;
    result.kvittering = to_xml(*parsed);
    result.repeated = true;
    if (profile_.opening_hours && !is_open(now))
      result.delay = std::chrono::ceil<std::chrono::milliseconds>(
        next_opening(now) - now);
    return result;
  }
  auto out = sim_.receive(*parsed, now);
  result.changed = true;
  result.change = responder_change{std::move(out.change), std::nullopt};
  result.delay = out.delay;
  const auto& made = out.kvittering ? *out.kvittering : *out.lost_kvittering;
  // A 12 changed nothing; its retry must be processed anew.
  if (made.mmel->alvorlighetsgrad != "12") {
    remember(hash, *made.mmel);
    result.change->answered = answered_oppdrag{hash, *made.mmel};
  }
  if (!out.kvittering) {
    result.what = response::kind::lost;
    return result;
  }
  result.what = response::kind::answer;
  result.kvittering = to_xml(made);
  result.copies = out.copies;
  return result;
}

void responder::replay(const responder_change& x) {
  sim_.replay(x.sim);
  if (x.answered)
    remember(x.answered->oppdrag, x.answered->mmel);
}

responder_state responder::state() const {
  responder_state result;
  result.sim = sim_.snapshot();
  for (const auto& hash : order_)
    result.answered.push_back({hash, answered_.at(hash)});
  return result;
}

const simulator& responder::sim() const {
  return sim_;
}

void responder::remember(const std::string& hash, const utsjekk::mmel& m) {
  if (!answered_.insert_or_assign(hash, m).second)
    return;
  order_.push_back(hash);
  // Forget the oldest answer beyond the bound.
  while (order_.size() > max_answered_) {
    answered_.erase(order_.front());
    order_.pop_front();
  }
}

} // namespace utsjekk::os
