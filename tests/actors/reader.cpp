#include "actors/reader.hpp"

#include "fixture.hpp"

#include <boost/json.hpp>

#include <fstream>

using namespace utsjekk;
using namespace utsjekk::test;
using namespace std::chrono_literals;

namespace {

/// The offsets a reader stored and the records it released.
struct partition_log {
  std::vector<int64_t> stored;
  size_t released = 0;
};

kafka::record make_record(int64_t offset, std::string key,
                          std::string value) {
  kafka::record rec;
  rec.tp = {"historisk.utbetaling.v1", 0};
  rec.offset = offset;
  rec.key = std::move(key);
  rec.value = std::move(value);
  return rec;
}

std::string historisk(std::string sak, std::string uid, int belop) {
  return R"({"id": ")" + uid + R"(", "sakId": ")" + sak
         + R"(", "behandlingId": "B1", "personident": "05458410595",)"
           R"( "stønad": "HØREAPPARAT_ANSKAFFELSE",)"
           R"( "vedtakstidspunkt": "2025-03-10T13:00:00",)"
           R"( "periodetype": "EN_GANG", "perioder": [{"fom": "2025-03-10",)"
           R"( "tom": "2025-03-10", "beløp": )"
         + std::to_string(belop) + "}]}";
}

reader_actor spawn_reader(fixture& f, std::shared_ptr<partition_log> log) {
  partition_control control;
  control.store_offset = [log](int64_t next) { log->stored.push_back(next); };
  control.released = [log](size_t n) { log->released += n; };
  auto sup = f.make_supervisor(fagsystem::historisk);
  return f.spawn(reader, kafka::topic_partition{"historisk.utbetaling.v1",
                                                    0},
                     fagsystem::historisk, sup, f.publisher, control);
}

constexpr auto uid_a = "9a7d2c3e-1111-4222-8333-944455566677";
constexpr auto uid_b = "22222222-3333-4444-8555-666666666666";

} // namespace

TEST_SUITE("actors/reader") {

TEST_CASE("offsets are stored only up to the first unfinished record (I3)") {
  fixture f;
  auto log = std::make_shared<partition_log>();
  auto r = spawn_reader(f, log);
  std::vector<kafka::record> batch{
    make_record(10, "k-a", historisk("SAK-A", uid_a, 100)),
    make_record(11, "k-bad", "{\"sakId\": "),
    make_record(12, "k-b", historisk("SAK-B", uid_b, 100)),
  };
  caf::anon_send(r, atom::records::value, batch);
  f.run();
  INFO("the invalid record is answered at once with FEILET 400");
  auto bad = f.statuses("k-bad");
  REQUIRE(bad.size() == 1);
  CHECK(bad[0].status == status_kind::feilet);
  REQUIRE(bad[0].error);
  CHECK(bad[0].error->status_code == 400);
  INFO("but offset 10 is unfinished, so nothing is stored yet");
  CHECK(log->stored.empty());
  REQUIRE(f.os->sends.size() == 2);
  SUBCASE("finishing 12 first stores nothing; then 10 stores 13") {
    f.answer(1, "00");
    CHECK(log->stored.empty());
    f.answer(0, "00");
    CHECK(log->stored == std::vector<int64_t>{13});
  }
  SUBCASE("finishing 10 stores 12: past the invalid 11, not past 12") {
    f.answer(0, "00");
    CHECK(log->stored == std::vector<int64_t>{12});
  }
}

TEST_CASE("a key that is not UTF-8 gets FEILET 400; the partition moves on") {
  fixture f;
  auto log = std::make_shared<partition_log>();
  auto r = spawn_reader(f, log);
  std::vector<kafka::record> batch{
    make_record(0, "poison\xff", historisk("SAK-A", uid_a, 100)),
    make_record(1, "k-b", historisk("SAK-B", uid_b, 100)),
  };
  caf::anon_send(r, atom::records::value, batch);
  f.run();
  auto bad = f.statuses("poison\xff");
  REQUIRE(bad.size() == 1);
  CHECK(bad[0].status == status_kind::feilet);
  CHECK(bad[0].error->status_code == 400);
  REQUIRE(f.os->sends.size() == 1);
  f.answer(0, "00");
  CHECK(f.kinds("k-b").back() == status_kind::ok);
  CHECK(log->stored == std::vector<int64_t>{1, 2});
}

TEST_CASE("a record is released once its outcome is durable, or at once "
          "when read before") {
  fixture f;
  auto log = std::make_shared<partition_log>();
  auto r = spawn_reader(f, log);
  std::vector<kafka::record> batch;
  for (int i = 0; i < 4; ++i) {
    auto uid = "00000000-0000-4000-8000-00000000000" + std::to_string(i);
    batch.push_back(make_record(i, "k" + std::to_string(i),
                                historisk("SAK-" + std::to_string(i), uid,
                                          100)));
  }
  caf::anon_send(r, atom::records::value, batch);
  f.run();
  CHECK(log->released == 0);
  f.answer(0, "00");
  CHECK(log->released == 1);
  INFO("the same batch again (a fetch after resume): released at once");
  caf::anon_send(r, atom::records::value, batch);
  f.run();
  CHECK(log->released == 5);
  f.answer(1, "00");
  CHECK(log->released == 6);
}

TEST_CASE("the basic examples' invalid records all get FEILET 400 (I8)") {
  fixture f;
  auto log = std::make_shared<partition_log>();
  std::ifstream in{UTSJEKK_EXAMPLES_DIR "/basic.jsonl"};
  REQUIRE(in);
  std::string line;
  size_t invalid = 0;
  while (std::getline(in, line)) {
    auto v = boost::json::parse(line).as_object();
    auto key = std::string{v["key"].as_string()};
    if (key.find("bad") == std::string::npos
        && key.find("negative") == std::string::npos
        && key.find("string") == std::string::npos
        && key.find("year") == std::string::npos)
      continue;
    auto topic = std::string{v["topic"].as_string()};
    auto fs = fagsystem_of_topic(topic);
    REQUIRE(fs);
    partition_control control;
    control.store_offset = [log](int64_t n) { log->stored.push_back(n); };
    auto sup = f.make_supervisor(*fs);
    auto r = f.spawn(reader, kafka::topic_partition{topic, 0}, *fs, sup,
                         f.publisher, control);
    auto rec = make_record(0, key, std::string{v["value"].as_string()});
    rec.tp.topic = topic;
    caf::anon_send(r, atom::records::value, std::vector<kafka::record>{rec});
    f.run();
    auto s = f.statuses(key);
    REQUIRE(s.size() == 1);
    CHECK(s[0].status == status_kind::feilet);
    REQUIRE(s[0].error);
    CHECK(s[0].error->status_code == 400);
    CHECK_FALSE(s[0].error->msg.empty());
    INFO("no personident in the error text");
    CHECK(s[0].error->msg.find("05458410595") == std::string::npos);
    ++invalid;
  }
  CHECK(invalid == 6);
  CHECK(f.os->sends.empty());
}

}
