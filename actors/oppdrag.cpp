#include "actors/oppdrag.hpp"

#include "actors/logging.hpp"
#include "messages/calendar.hpp"
#include "messages/error.hpp"
#include "messages/kvittering.hpp"
#include "messages/oppdrag_xml.hpp"
#include "messages/status_json.hpp"

#include <caf/stateful_actor.hpp>

namespace utsjekk {

namespace {

/// How long the request to a peer may take before the step is retried.
constexpr auto peer_timeout = std::chrono::seconds{30};

/// The uids an oppdrag carries, comma-separated (header `uids`).
std::string uids_of(const outgoing_oppdrag& x) {
  std::string result;
  for (auto& u : x.next_state) {
    if (!result.empty())
      result += ',';
    result += u.uid.to_string();
  }
  return result;
}

} // namespace

void oppdrag_state::start() {
  switch (journal.step) {
    case tx_step::queued:
      make_plan();
      return;
    case tx_step::planned:
      // Nothing reached OS: sending now cannot pay twice.
      send(false);
      return;
    case tx_step::sent:
      // OS may have it: wait for the kvittering, resend only on timeout.
      for (auto& x : journal.oppdrag)
        if (!x.answer)
          self->send(peers.gateway, atom::route::value, x.match_key,
                     oppdrag_actor{self});
      arm_timer(cfg.kvittering_timeout);
      if (std::all_of(journal.oppdrag.begin(), journal.oppdrag.end(),
                      [](auto& x) { return x.answer.has_value(); }))
        conclude();
      return;
    case tx_step::done:
      return;
  }
}

void oppdrag_state::make_plan() {
  self->request(peers.store, peer_timeout, atom::get::value, msg.sak)
    .then(
      [this](sak_state& accepted) {
        // A simulation is not a payment: it never reaches this path.
        if (msg.dryrun) {
          finish(feilet_status(caf::make_error(
            ec::invalid_field, std::string{"dryrun: simulering is not "
                                           "supported by utsjekk yet"})));
          return;
        }
        auto result = utsjekk::make_plan(msg, accepted, cfg.now(), next_id);
        if (!result) {
          UTSJEKK_LOG(info, "oppdrag")
            << "oppdrag actor rejected message tx=" << msg.key.value
            << " error=" << render(result.error());
          finish(feilet_status(result.error()));
          return;
        }
        // Nothing changes: OK at once, no oppdrag.
        if (result->oppdrag.empty()) {
          finish(status_reply{status_kind::ok, {}, {}, false});
          return;
        }
        for (auto& x : result->oppdrag) {
          outgoing_oppdrag out;
          out.xml = to_xml(x.oppdrag);
          out.match_key = match_key(x.oppdrag);
          out.next_state = std::move(x.next_state);
          journal.oppdrag.push_back(std::move(out));
        }
        journal.detaljer = std::move(result->detaljer);
        journal.step = tx_step::planned;
        report_journal();
        // Nothing reaches OS before the journal knows what it is; the
        // step and its MOTTATT are one Kafka transaction.
        persist([this] { send(false); }, status_kind::mottatt);
      },
      [this](const caf::error& err) {
        UTSJEKK_LOG(warning, "oppdrag")
          << "oppdrag actor could not read state tx=" << msg.key.value
          << " error=" << render(err);
        self->quit(err);
      });
}

void oppdrag_state::send(bool only_due) {
  auto gen = ++generation;
  // Count the sends in the journal first: after a crash, any further send
  // is then known to be a resend.
  std::vector<size_t> chosen;
  for (auto& x : journal.oppdrag) {
    if (x.answer || (only_due && !x.retry_due))
      continue;
    x.retry_due = false;
    ++x.sends;
    ++journal.attempts;
    chosen.push_back(static_cast<size_t>(&x - journal.oppdrag.data()));
  }
  if (chosen.empty())
    return;
  report_journal();
  persist([this, gen, chosen] {
    if (gen != generation || finishing)
      return;
    auto outstanding = std::make_shared<size_t>(chosen.size());
    auto failed = std::make_shared<bool>(false);
    for (auto index : chosen)
      send_one(index, gen, outstanding, failed);
  });
}

void oppdrag_state::send_one(size_t index, uint32_t gen,
                             std::shared_ptr<size_t> outstanding,
                             std::shared_ptr<bool> failed) {
  auto& x = journal.oppdrag[index];
  self
    ->request(peers.gateway, peer_timeout, atom::send::value, msg.key,
              msg.fagsystem, x.xml, uids_of(x), oppdrag_actor{self})
    .then(
      [this, gen, outstanding, failed, index](bool) {
        auto& out = journal.oppdrag[index];
        // The time of the send, for the kvittering wait metric.
        if (cfg.stats)
          cfg.stats->oppdrag_sent();
        if (sent_at.size() < journal.oppdrag.size())
          sent_at.resize(journal.oppdrag.size());
        sent_at[index] = now();
        if (cfg.audit)
          self
            ->request(peers.publisher, peer_timeout, atom::audit::value,
                      msg.key, msg.fagsystem, out.xml, uids_of(out))
            .then([](bool) {},
                  [this](const caf::error& err) {
                    UTSJEKK_LOG(warning, "oppdrag")
                      << "oppdrag actor could not audit oppdrag tx="
                      << msg.key.value << " error=" << render(err);
                  });
        if (--*outstanding > 0 || gen != generation)
          return;
        // Every send of this round reached the transport.
        // The step and its HOS_OPPDRAG are one Kafka transaction.
        if (journal.step == tx_step::planned) {
          journal.step = tx_step::sent;
          report_journal();
          persist([] {}, status_kind::hos_oppdrag);
        }
        if (*failed)
          return;
        arm_timer(cfg.kvittering_timeout);
      },
      [this, gen, outstanding, failed, index](const caf::error& err) {
        auto& out = journal.oppdrag[index];
        --*outstanding;
        *failed = true;
        ++out.retries;
        journal.last_error = render(err);
        UTSJEKK_LOG(warning, "oppdrag")
          << "oppdrag actor could not send oppdrag tx=" << msg.key.value
          << " attempt=" << out.sends << " error=" << render(err);
        if (gen != generation)
          return;
        // The transport never took it: OS cannot have it.
        if (out.retries > cfg.max_retries) {
          finish(feilet_status(caf::make_error(
            ec::transport_failed, "OS could not be reached: "
                                    + render(err))));
          return;
        }
        out.retry_due = true;
        if (cfg.stats)
          cfg.stats->retry(retry_reason::transport);
        auto next = ++generation;
        auto delay = backoff_for(cfg, out.retries);
        set_deadline(delay);
        report_journal();
        self->delayed_send(self, delay, atom::resend::value, next);
      });
}

void oppdrag_state::arm_timer(std::chrono::milliseconds delay) {
  auto gen = ++generation;
  set_deadline(delay);
  report_journal();
  self->delayed_send(self, delay, atom::timeout::value, gen);
}

local_time oppdrag_state::now() const {
  return cfg.now ? cfg.now() : local_time{};
}

void oppdrag_state::set_deadline(std::chrono::milliseconds delay) {
  journal.deadline = now() + delay;
}

void oppdrag_state::on_kvittering(const oppdrag& kvittering) {
  if (finishing || !kvittering.mmel)
    return;
  auto key = match_key(kvittering);
  auto i = std::find_if(journal.oppdrag.begin(), journal.oppdrag.end(),
                        [&](auto& x) { return x.match_key == key; });
  // An answered oppdrag, or one whose retry is already due (a duplicated
  // 12), takes no further kvittering.
  if (i == journal.oppdrag.end() || i->answer || i->retry_due) {
    UTSJEKK_LOG(debug, "oppdrag")
      << "oppdrag actor ignored a repeated kvittering tx=" << msg.key.value;
    return;
  }
  // Every kvittering goes to the audit topic as OS sent it, unless the
  // transport itself put it there.
  if (cfg.audit)
    self->request(peers.publisher, peer_timeout, atom::audit::value, msg.key,
                msg.fagsystem, to_xml(kvittering), uids_of(*i))
    .then([](bool) {},
          [this](const caf::error& err) {
            UTSJEKK_LOG(warning, "oppdrag")
              << "oppdrag actor could not audit kvittering tx="
              << msg.key.value << " error=" << render(err);
          });
  const auto& m = *kvittering.mmel;
  UTSJEKK_LOG(info, "oppdrag")
    << "oppdrag actor received kvittering tx=" << msg.key.value
    << " sak=" << msg.sak.sak_id << " alvorlighetsgrad=" << m.alvorlighetsgrad
    << " kodeMelding=" << m.kode_melding;
  // Count it, with its wait when this actor sent the oppdrag.
  if (cfg.stats) {
    cfg.stats->kvittering(m.alvorlighetsgrad);
    auto index = static_cast<size_t>(i - journal.oppdrag.begin());
    if (index < sent_at.size() && sent_at[index])
      cfg.stats->kvittering_wait(
        std::chrono::duration_cast<std::chrono::microseconds>(
          now() - *sent_at[index]));
  }
  switch (classify(m, i->sends > 1)) {
    case kvittering_outcome::accepted:
      i->answer = m;
      i->accepted = true;
      break;
    case kvittering_outcome::rejected:
      i->answer = m;
      break;
    case kvittering_outcome::retry:
      ++i->retries;
      if (i->retries > cfg.max_retries) {
        i->answer = m;
        break;
      }
      // The identical oppdrag again after a backoff.
      i->retry_due = true;
      journal.last_error = "OS answered 12: " + m.beskr_melding;
      if (cfg.stats)
        cfg.stats->retry(retry_reason::os_12);
      set_deadline(backoff_for(cfg, i->retries));
      report_journal();
      self->delayed_send(self, backoff_for(cfg, i->retries),
                         atom::resend::value, ++generation);
      return;
  }
  report_journal();
  persist([] {});
  auto all_answered
    = std::all_of(journal.oppdrag.begin(), journal.oppdrag.end(),
                  [](auto& x) { return x.answer.has_value(); });
  if (all_answered)
    conclude();
}

void oppdrag_state::on_timeout(uint32_t gen) {
  if (gen != generation || finishing)
    return;
  auto now = cfg.now();
  // OS is closed: resending now only piles up; wait for the opening.
  if (cfg.respect_opening_hours && !is_open(now)) {
    auto wait = next_opening(now) - now;
    arm_timer(std::chrono::duration_cast<std::chrono::milliseconds>(wait));
    return;
  }
  if (resends >= cfg.max_resends) {
    UTSJEKK_LOG(warning, "oppdrag")
      << "oppdrag actor still waits for kvittering tx=" << msg.key.value
      << " sak=" << msg.sak.sak_id << " resends=" << resends;
    arm_timer(cfg.kvittering_timeout);
    return;
  }
  ++resends;
  UTSJEKK_LOG(info, "oppdrag")
    << "oppdrag actor resends oppdrag with overdue kvittering tx="
    << msg.key.value << " resend=" << resends;
  journal.last_error = "no kvittering in time; resend "
                       + std::to_string(resends);
  if (cfg.stats)
    cfg.stats->retry(retry_reason::timeout);
  send(false);
}

void oppdrag_state::conclude() {
  // Accepted oppdrag become the accepted state, even when a sibling failed.
  std::vector<utbetaling> accepted;
  for (auto& x : journal.oppdrag)
    if (x.accepted)
      accepted.insert(accepted.end(), x.next_state.begin(),
                      x.next_state.end());
  // A rejected oppdrag decides the status.
  auto failed = std::find_if(journal.oppdrag.begin(), journal.oppdrag.end(),
                             [](auto& x) { return !x.accepted; });
  if (failed != journal.oppdrag.end()) {
    finish(status_for(*failed->answer, journal.detaljer),
           std::move(accepted));
    return;
  }
  // OK, keeping OS' warning text of a 04.
  auto warned = std::find_if(journal.oppdrag.begin(), journal.oppdrag.end(),
                             [](auto& x) {
                               return x.answer->alvorlighetsgrad == "04";
                             });
  auto m = warned != journal.oppdrag.end() ? *warned->answer
                                           : *journal.oppdrag[0].answer;
  if (m.alvorlighetsgrad != "04")
    m.alvorlighetsgrad = "00";
  finish(status_for(m, journal.detaljer), std::move(accepted));
}

void oppdrag_state::finish(status_reply status,
                           std::vector<utbetaling> accepted) {
  finishing = true;
  journal.deadline.reset();
  ++generation;
  ++publish_attempts;
  final_state = std::move(accepted);
  // The accepted state, the terminal journal record and the terminal
  // status: one Kafka transaction, so a crash leaves all or none.
  auto final_journal = journal;
  final_journal.step = tx_step::done;
  tx_record rec{msg.key, msg.fagsystem, msg.sak, hash, final_journal, status};
  self
    ->request(peers.store, peer_timeout, atom::apply::value, std::move(rec),
              final_state)
    .then(
      [this, status](bool) {
        journal.step = tx_step::done;
        done(status);
      },
      [this, status](const caf::error& err) {
        // Without its store the transaction cannot end safely; its
        // supervisor restarts it from the journal.
        if (err == caf::sec::request_receiver_down) {
          self->quit(err);
          return;
        }
        // A terminal status is never dropped: try again after a backoff.
        UTSJEKK_LOG(warning, "oppdrag")
          << "oppdrag actor could not end its transaction tx="
          << msg.key.value << " attempt=" << publish_attempts
          << " error=" << render(err);
        auto delay = backoff_for(cfg, publish_attempts);
        self->delayed_send(self, delay, atom::timeout::value,
                           uint32_t{0});
        pending_final = status;
      });
}

void oppdrag_state::done(const status_reply& status) {
  // The terminal status and the journal are durable: report and quit.
  for (auto& x : journal.oppdrag)
    self->send(peers.gateway, atom::forget::value, x.match_key);
  UTSJEKK_LOG(info, "oppdrag")
    << "oppdrag actor finished tx=" << msg.key.value
    << " sak=" << msg.sak.sak_id
    << " fagsystem=" << to_string(msg.fagsystem)
    << " status=" << to_string(status.status)
    << " statusCode=" << (status.error ? status.error->status_code : 0);
  self->send(peers.supervisor, atom::done::value,
             tx_outcome{msg.key, status});
  self->quit();
}

void oppdrag_state::persist(std::function<void()> next,
                            std::optional<status_kind> implied) {
  tx_record rec{msg.key, msg.fagsystem, msg.sak, hash, journal, {}};
  auto on_error = [this, next, implied](const caf::error& err) {
    // Without its store the transaction cannot go on safely; its
    // supervisor restarts it from the journal.
    if (err == caf::sec::request_receiver_down) {
      self->quit(err);
      return;
    }
    UTSJEKK_LOG(warning, "oppdrag")
      << "oppdrag actor could not journal tx=" << msg.key.value
      << " error=" << render(err);
    ++persist_failures;
    self->delayed_send(self, backoff_for(cfg, persist_failures),
                       atom::journal::value);
    pending_persist = {next, implied};
  };
  // A step alone, or with the status it implies in the same transaction;
  // once the terminal status is on its way, an implied one would come
  // after it (I7) and is left out.
  if (!implied || finishing) {
    self->request(peers.store, caf::infinite, atom::journal::value,
                  std::move(rec))
      .then([next](bool) { next(); }, on_error);
    return;
  }
  status_reply status{*implied, journal.detaljer, {}, false};
  self
    ->request(peers.store, caf::infinite, atom::journal::value,
              std::move(rec), std::move(status))
    .then([next](bool) { next(); }, on_error);
}

void oppdrag_state::report_journal() {
  self->send(peers.supervisor, atom::journal::value, msg.key, journal);
}

caf::error oppdrag_state::check_waiting() const {
  auto wrong = [this](std::string why) {
    return caf::make_error(ec::wrong_state,
                           "transaction " + msg.key.value + " " + why);
  };
  if (finishing)
    return wrong("is finishing");
  if (journal.step != tx_step::sent)
    return wrong("has not reached OS (step "
                 + std::string{to_string(journal.step)} + ")");
  if (std::all_of(journal.oppdrag.begin(), journal.oppdrag.end(),
                  [](auto& x) { return x.answer.has_value(); }))
    return wrong("has every kvittering");
  return caf::none;
}

caf::expected<uint32_t> oppdrag_state::resend_now() {
  if (auto err = check_waiting())
    return err;
  auto n = static_cast<uint32_t>(
    std::count_if(journal.oppdrag.begin(), journal.oppdrag.end(),
                  [](auto& x) { return !x.answer; }));
  UTSJEKK_LOG(info, "oppdrag")
    << "oppdrag actor resends oppdrag on operator request tx="
    << msg.key.value << " oppdrag=" << n;
  if (cfg.stats)
    for (uint32_t i = 0; i < n; ++i)
      cfg.stats->retry(retry_reason::operator_request);
  // The identical oppdrag, its sends counted: a "finnes fra før" answer
  // then proves the earlier send (I2).
  send(false);
  return n;
}

caf::expected<uint32_t> oppdrag_state::manual_kvittering(const mmel& m) {
  if (auto err = check_waiting())
    return err;
  // Each waiting oppdrag, answered as OS would: its own XML with mmel.
  std::vector<oppdrag> answers;
  for (auto& x : journal.oppdrag) {
    if (x.answer)
      continue;
    auto parsed = parse_oppdrag(x.xml);
    if (!parsed)
      return parsed.error();
    parsed->mmel = m;
    answers.push_back(std::move(*parsed));
  }
  UTSJEKK_LOG(info, "oppdrag")
    << "oppdrag actor records a manual kvittering tx=" << msg.key.value
    << " alvorlighetsgrad=" << m.alvorlighetsgrad
    << " oppdrag=" << answers.size();
  for (auto& x : answers)
    on_kvittering(x);
  return static_cast<uint32_t>(answers.size());
}

oppdrag_actor::behavior_type
oppdrag_tx(oppdrag_actor::stateful_pointer<oppdrag_state> self,
           decoded_message msg, content_hash hash, tx_journal journal,
           oppdrag_peers peers, oppdrag_config cfg, id_generator next_id) {
  auto& st = self->state;
  st.self = self;
  st.msg = std::move(msg);
  st.hash = std::move(hash);
  st.journal = std::move(journal);
  st.peers = std::move(peers);
  st.cfg = std::move(cfg);
  st.next_id = std::move(next_id);
  st.start();
  return {
    [self](atom::kvittering, const oppdrag& kvittering) {
      self->state.on_kvittering(kvittering);
    },
    [self](atom::timeout, uint32_t gen) {
      auto& st = self->state;
      // Generation 0 is the retry of a terminal status.
      if (gen == 0 && st.pending_final) {
        auto status = std::move(*st.pending_final);
        st.pending_final.reset();
        st.finish(std::move(status), st.final_state);
        return;
      }
      st.on_timeout(gen);
    },
    [self](atom::journal) {
      auto& st = self->state;
      if (!st.pending_persist)
        return;
      auto [next, implied] = std::move(*st.pending_persist);
      st.pending_persist.reset();
      st.persist(std::move(next), implied);
    },
    [self](atom::resend, uint32_t gen) {
      auto& st = self->state;
      if (gen != st.generation || st.finishing)
        return;
      st.send(true);
    },
    [self](atom::resend) -> caf::result<uint32_t> {
      auto n = self->state.resend_now();
      if (!n)
        return std::move(n.error());
      return *n;
    },
    [self](atom::kvittering, const mmel& m) -> caf::result<uint32_t> {
      auto n = self->state.manual_kvittering(m);
      if (!n)
        return std::move(n.error());
      return *n;
    },
  };
}

} // namespace utsjekk
