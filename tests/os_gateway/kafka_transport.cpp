#include "os_gateway/kafka_transport.hpp"

#include "../kafka/fixture.hpp"
#include "fixture.hpp"

#include <doctest/doctest.h>

using namespace utsjekk;
using namespace utsjekk::os;
using namespace utsjekk::kafka::test;

namespace {

constexpr auto topic = "helved.oppdrag.v1";

/// What a reader handed on, for the test to wait on.
struct inbox {
  std::mutex mtx;
  std::condition_variable cv;
  std::vector<std::string> xml;

  kvittering_reader::handler handler() {
    return [this](std::string x) {
      std::lock_guard<std::mutex> guard{mtx};
      xml.push_back(std::move(x));
      cv.notify_all();
    };
  }

  bool wait_for(size_t n) {
    std::unique_lock<std::mutex> guard{mtx};
    return cv.wait_for(guard, deadline, [&] { return xml.size() >= n; });
  }
};

/// A kvittering of the test oppdrag with `grade`.
std::string kvittering_xml(const std::string& grade) {
  auto parsed = parse_oppdrag(utsjekk::test::new_sak_xml());
  REQUIRE(parsed);
  parsed->mmel = mmel{"231-OPPD", "", grade, "", "", ""};
  return to_xml(*parsed);
}

/// Starts a reader in group `group`, failing the test if it cannot.
std::unique_ptr<kvittering_reader>
start_reader(const kafka::embedded_cluster& cluster, const std::string& group,
             inbox& box) {
  kvittering_reader_config cfg{fast_group(cluster.config()), topic, group};
  auto reader = kvittering_reader::make(cfg, box.handler());
  REQUIRE_MESSAGE(reader, render(reader.error()));
  auto err = (*reader)->start();
  REQUIRE_MESSAGE(!err, render(err));
  return std::move(*reader);
}

} // namespace

TEST_SUITE("os_gateway/kafka_transport") {

TEST_CASE("is_kvittering looks for an mmel element, any prefix") {
  auto oppdrag_xml = utsjekk::test::new_sak_xml();
  auto kvittering = utsjekk::test::make_oppdrag("NY", {});
  kvittering.mmel = mmel{"231-OPPD", "", "00", "", "", ""};
  CHECK_FALSE(is_kvittering(oppdrag_xml));
  CHECK(is_kvittering(to_xml(kvittering)));
  CHECK(is_kvittering("<ns2:oppdrag xmlns:ns2=\"x\"><ns2:mmel>"
                      "<alvorlighetsgrad>00</alvorlighetsgrad></ns2:mmel>"
                      "</ns2:oppdrag>"));
  CHECK(is_kvittering("<oppdrag><mmel/></oppdrag>"));
  INFO("a text or another element named like it is not mmel");
  CHECK_FALSE(is_kvittering("<oppdrag><beskr>mmel</beskr></oppdrag>"));
  CHECK_FALSE(is_kvittering("<oppdrag><mmelding/></oppdrag>"));
  CHECK_FALSE(is_kvittering("<!-- <mmel> --><oppdrag/>"));
  CHECK_FALSE(is_kvittering("<oppdrag><![CDATA[<mmel>]]></oppdrag>"));
  CHECK(is_kvittering("<!-- x --><oppdrag><mmel/></oppdrag>"));
  CHECK_FALSE(is_kvittering(""));
}

TEST_CASE("the reader hands on kvitteringer and skips oppdrag") {
  auto cluster = start_cluster();
  REQUIRE_FALSE(cluster->create_topic(topic, 3));
  delivery_log deliveries;
  auto producer = make_producer(cluster->config(), deliveries);
  inbox box;
  auto reader = start_reader(*cluster, "utsjekk-kvitteringer", box);
  INFO("an oppdrag and its kvittering under one key, then another");
  auto ok = kvittering_xml("00");
  auto rejected = kvittering_xml("08");
  REQUIRE_FALSE(producer->produce(topic, std::string{"tx-1"},
                                  utsjekk::test::new_sak_xml(), {}, 1));
  REQUIRE_FALSE(producer->produce(topic, std::string{"tx-1"}, ok, {}, 2));
  REQUIRE_FALSE(producer->produce(topic, std::string{"tx-2"}, rejected, {},
                                  3));
  REQUIRE(deliveries.wait_for(3));
  REQUIRE(box.wait_for(2));
  {
    std::lock_guard<std::mutex> guard{box.mtx};
    CHECK(box.xml.size() == 2);
    CHECK(std::count(box.xml.begin(), box.xml.end(), ok) == 1);
    CHECK(std::count(box.xml.begin(), box.xml.end(), rejected) == 1);
  }
  CHECK(reader->handed_on() == 2);
  SUBCASE("after a restart the group goes on after what was handed on") {
    reader->stop();
    auto later = kvittering_xml("04");
    REQUIRE_FALSE(producer->produce(topic, std::string{"tx-3"}, later, {},
                                    4));
    REQUIRE(deliveries.wait_for(4));
    inbox again;
    auto restarted = start_reader(*cluster, "utsjekk-kvitteringer", again);
    REQUIRE(again.wait_for(1));
    std::lock_guard<std::mutex> guard{again.mtx};
    CHECK(again.xml == std::vector<std::string>{later});
    CHECK(restarted->assignments() == 3);
  }
}

}
