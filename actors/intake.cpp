#include "actors/intake.hpp"

#include "actors/logging.hpp"

#include <caf/stateful_actor.hpp>

namespace utsjekk {

intake_actor::behavior_type intake(
  intake_actor::stateful_pointer<intake_state> self,
  std::map<std::string, fagsystem> topics,
  std::map<fagsystem, supervisor_actor> supervisors,
  status_publisher_actor publisher,
  std::function<partition_control(const kafka::topic_partition&)> control) {
  auto& st = self->state;
  st.topics = std::move(topics);
  st.supervisors = std::move(supervisors);
  st.publisher = std::move(publisher);
  st.control = std::move(control);
  // Readers stop with the intake.
  self->set_exit_handler([self](caf::exit_msg& em) {
    for (auto& [tp, worker] : self->state.readers)
      self->send_exit(worker, em.reason);
    self->quit(em.reason);
  });
  return {
    [self](atom::assigned, const std::vector<kafka::topic_partition>& tps) {
      auto& st = self->state;
      for (auto& tp : tps) {
        auto fs = st.topics.find(tp.topic);
        if (fs == st.topics.end() || st.readers.count(tp) > 0)
          continue;
        auto worker = self->spawn(reader, tp, fs->second,
                                  st.supervisors.at(fs->second),
                                  st.publisher, st.control(tp));
        st.readers.emplace(tp, worker);
      }
      UTSJEKK_LOG(info, "intake")
        << "intake assigned partitions count=" << tps.size()
        << " readers=" << st.readers.size();
    },
    [self](atom::revoked, const std::vector<kafka::topic_partition>& tps) {
      auto& st = self->state;
      for (auto& tp : tps) {
        auto i = st.readers.find(tp);
        if (i == st.readers.end())
          continue;
        self->send(i->second, atom::revoked::value);
        st.readers.erase(i);
      }
      UTSJEKK_LOG(info, "intake")
        << "intake revoked partitions count=" << tps.size()
        << " readers=" << st.readers.size();
    },
    [self](atom::records, std::vector<kafka::record>& batch) {
      auto& st = self->state;
      if (batch.empty())
        return;
      auto i = st.readers.find(batch.front().tp);
      if (i == st.readers.end()) {
        // Not stored, so the partition's next owner reads them again.
        st.dropped += batch.size();
        return;
      }
      self->send(i->second, atom::records::value, std::move(batch));
    },
  };
}

} // namespace utsjekk
