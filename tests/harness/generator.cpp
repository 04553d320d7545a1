#include "harness/generator.hpp"

#include "messages/decode.hpp"

#include <doctest/doctest.h>

#include <map>
#include <set>

using namespace utsjekk;

TEST_SUITE("harness/generator") {

TEST_CASE("generated records decode as their kind says") {
  generator_options opts;
  opts.messages = 3000;
  opts.saker = 500;
  opts.seed = 7;
  auto records = generate(opts);
  REQUIRE(records.size() == 3000);
  std::map<generated_kind, size_t> kinds;
  std::set<std::string> saker;
  std::set<fagsystem> systems;
  for (auto& rec : records) {
    ++kinds[rec.kind];
    saker.insert(rec.sak_id);
    systems.insert(rec.fagsystem);
    auto fs = fagsystem_of_topic(rec.topic);
    REQUIRE(fs);
    CHECK(*fs == rec.fagsystem);
    auto msg = decode(*fs, tx_id{rec.key}, rec.value);
    INFO(rec.key, " ", to_string(rec.kind), " ", rec.value);
    if (rec.kind == generated_kind::invalid) {
      CHECK_FALSE(msg);
      continue;
    }
    REQUIRE(msg);
    CHECK(msg->sak.sak_id == rec.sak_id);
  }
  CHECK(saker.size() == 500);
  CHECK(systems.size() == 6);
  for (auto k : {generated_kind::create, generated_kind::change,
                 generated_kind::opphor, generated_kind::redelivery,
                 generated_kind::invalid})
    CHECK(kinds[k] > 0);
  CHECK(kinds[generated_kind::create] == 500);
}

TEST_CASE("a redelivery repeats the sak's last valid record exactly") {
  generator_options opts;
  opts.messages = 2000;
  opts.saker = 50;
  opts.redelivery_share = 0.2;
  auto records = generate(opts);
  std::map<std::string, const generated_record*> last_valid;
  size_t seen = 0;
  for (auto& rec : records) {
    if (rec.kind == generated_kind::redelivery) {
      auto i = last_valid.find(rec.sak_id);
      REQUIRE(i != last_valid.end());
      CHECK(rec.key == i->second->key);
      CHECK(rec.value == i->second->value);
      ++seen;
    }
    if (rec.kind != generated_kind::invalid)
      last_valid[rec.sak_id] = &rec;
  }
  CHECK(seen > 0);
}

TEST_CASE("the same seed gives the same records, another seed others") {
  generator_options opts;
  opts.messages = 200;
  opts.saker = 20;
  auto a = generate(opts);
  auto b = generate(opts);
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].key == b[i].key);
    CHECK(a[i].value == b[i].value);
  }
  opts.seed = 2;
  auto c = generate(opts);
  auto differs = false;
  for (size_t i = 0; i < a.size(); ++i)
    differs = differs || a[i].value != c[i].value;
  CHECK(differs);
}

}
