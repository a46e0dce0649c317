// Routing by sensor for several monitors: the partition hash, partition topics, worker slots,
// and MQTT 5 shared subscriptions against a real mosquitto (one group member gets each message).
#include <catch2/catch.hpp>

#include <poll.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <map>
#include <set>

#include "TestBroker.h"
#include "twin/sensors/MqttSource.h"
#include "twin/sensors/Partition.h"
#include "twin/sensors/Payload.h"

using namespace twin::sensors;
using namespace std::chrono_literals;

TEST_CASE("sensorPartition is FNV-1a and fmix32 of the id: stable across runs and machines", "[sensors][partition]") {
  // FNV-1a 32-bit: "" -> 0x811c9dc5, "a" -> 0xe40c292c; after fmix32: 0xab3e7c0b, 0x1a80b1b3.
  CHECK(sensorPartition("", 1000) == static_cast<int>(0xab3e7c0bu % 1000u));
  CHECK(sensorPartition("a", 1000) == static_cast<int>(0x1a80b1b3u % 1000u));
  // Ids whose bytes differ only above the lowest bit (a q A Q c s C S are all odd): FNV-1a alone
  // gives them one parity, so two workers would get all or none of them.
  std::set<int> parities;
  for (const char* id :
       {"sensor-a", "sensor-q", "sensor-A", "sensor-Q", "sensor-c", "sensor-s", "sensor-C", "sensor-S"})
    parities.insert(sensorPartition(id, 2));
  CHECK(parities.size() == 2);
  CHECK(sensorPartition("anything", 1) == 0);
  // Spreads a community's sensors over the partitions: 1,200 ids over 12, none empty or over twice its share.
  std::map<int, int> counts;
  for (int i = 0; i < 1200; ++i) ++counts[sensorPartition("building-" + std::to_string(i) + ".noise", 12)];
  REQUIRE(counts.size() == 12);
  for (const auto& [k, n] : counts) {
    INFO("partition " << k);
    CHECK(n > 50);
    CHECK(n < 200);
  }
}

TEST_CASE("partition topics and shared subscriptions", "[sensors][partition]") {
  CHECK(partitionTopic(7, "community/noise/b3") == "twin/part/7/community/noise/b3");
  CHECK(partitionSubscription("mon", 7, "community/noise/#") == "$share/mon-7/twin/part/7/community/noise/#");
  auto split = splitPartitionTopic("twin/part/11/community/noise/b3");
  REQUIRE(split);
  CHECK(split->first == 11);
  CHECK(split->second == "community/noise/b3");
  CHECK_FALSE(splitPartitionTopic("community/noise/b3"));
  CHECK_FALSE(splitPartitionTopic("twin/part/x/t"));
  CHECK_FALSE(splitPartitionTopic("twin/part/07/t"));
  CHECK_FALSE(splitPartitionTopic("twin/part/3"));
}

TEST_CASE("share group names and worker slots are checked", "[sensors][partition]") {
  CHECK(checkShareGroup("monitors", "x").ok());
  CHECK(checkShareGroup("a/b", "--share").error().message ==
        "--share: share group 'a/b' must not contain '/', '+', '#' or control characters");
  CHECK(checkShareGroup("", "--share").error().message == "--share: share group '' must have 1 to 64 characters");
  CHECK_FALSE(checkShareGroup("a+", "x").ok());
  CHECK_FALSE(checkShareGroup(std::string(65, 'g'), "x").ok());

  auto slot = parseWorkerSlot("1/3");
  REQUIRE(slot);
  CHECK(slot->index == 1);
  CHECK(slot->count == 3);
  for (const char* bad : {"3/3", "1", "/3", "1/", "-1/3", "1/0", "a/b", "01/3", "1/3/4"}) {
    INFO(bad);
    CHECK_FALSE(parseWorkerSlot(bad).ok());
  }
  CHECK(parseWorkerSlot("3/3").error().message ==
        "sensors::parseWorkerSlot(): '3/3': expected I/N with 0 <= I < N <= 1024, e.g. 0/2");

  // Every partition belongs to exactly one worker.
  for (int workers = 1; workers <= 12; ++workers) {
    std::multiset<int> all;
    for (int i = 0; i < workers; ++i) {
      auto owned = workerPartitions({i, workers}, 12);
      REQUIRE(owned);
      CHECK_FALSE(owned->empty());
      all.insert(owned->begin(), owned->end());
    }
    CHECK(all.size() == 12);
    CHECK(std::set<int>(all.begin(), all.end()).size() == 12);
  }
  CHECK(*workerPartitions({1, 3}, 12) == std::vector<int>{1, 4, 7, 10});
  CHECK(workerPartitions({0, 5}, 4).error().message ==
        "sensors::workerPartitions(): 5 workers but only 4 partitions: some workers would receive nothing");
  CHECK(workerPartitions({0, 1}, 0).error().message ==
        "sensors::workerPartitions(): partitions must be 1 to 1024, got 0");
  CHECK(workerPartitions({2, 2}, 4).error().message == "sensors::workerPartitions(): worker 2/2 is not a worker of 2");
}

namespace {

twin::model::MqttConfig brokerAt(int port, const std::string& clientId = "") {
  twin::model::MqttConfig c;
  c.host = "127.0.0.1";
  c.port = port;
  c.keepaliveSeconds = 5;
  c.clientId = clientId;
  return c;
}

std::unique_ptr<MqttSource> subscriber(int port, const std::string& filter, const std::string& clientId = "") {
  MqttSourceOptions o;
  o.broker = brokerAt(port, clientId);
  o.topics = {{filter, 1}};
  o.reconnectMinSeconds = o.reconnectMaxSeconds = 1;
  auto s = MqttSource::start(o);
  REQUIRE(s.ok());
  return std::move(*s);
}

// Time stamps of the readings in what `source` has queued, until `want` arrived in all or 10 s pass.
void collect(std::vector<MqttSource*> sources, std::size_t want, std::vector<std::vector<std::int64_t>>& out) {
  out.assign(sources.size(), {});
  const auto end = std::chrono::steady_clock::now() + 10s;
  std::size_t total = 0;
  while (total < want && std::chrono::steady_clock::now() < end) {
    for (std::size_t i = 0; i < sources.size(); ++i) {
      std::vector<MqttMessage> batch;
      sources[i]->pop(batch, 256, 10ms);
      std::vector<Reading> readings;
      IngestStats stats;
      for (const MqttMessage& m : batch) decodePayload(m.payload, m.receivedMs, DecodeOptions{}, readings, stats);
      for (const Reading& r : readings) out[i].push_back(r.tsMs);
      total += readings.size();
    }
  }
}

}  // namespace

TEST_CASE("MQTT 5 shared subscription: two members of a group get each message once", "[sensors][mqtt][share]") {
  twin::test::TestBroker broker;
  REQUIRE(broker.error().empty());
  auto a = subscriber(broker.port(), "$share/g-0/twin/part/0/t/#");
  auto b = subscriber(broker.port(), "$share/g-0/twin/part/0/t/#");
  REQUIRE(a->waitConnected(5000ms));
  REQUIRE(b->waitConnected(5000ms));
  auto pub = MqttPublisher::connect(brokerAt(broker.port()), 5000ms);
  REQUIRE(pub.ok());
  for (int i = 0; i < 200; ++i)
    REQUIRE((*pub)->publish(partitionTopic(0, "t/x"), encodeReading({"x", 1000000 + i, double(i)}), 1).ok());
  REQUIRE((*pub)->flush(5000ms).ok());
  std::vector<std::vector<std::int64_t>> got;
  collect({a.get(), b.get()}, 200, got);
  std::set<std::int64_t> all(got[0].begin(), got[0].end());
  all.insert(got[1].begin(), got[1].end());
  CHECK(got[0].size() + got[1].size() == 200);
  CHECK(all.size() == 200);
  // Round robin per message: a group with two members splits even one sensor's readings, which is
  // why the monitors give each partition a group with one member (docs/sensors.md).
  CHECK(got[0].size() > 0);
  CHECK(got[1].size() > 0);
}

TEST_CASE("MQTT 5 persistent session of a shared subscription keeps what arrives while away",
          "[sensors][mqtt][share][restart]") {
  twin::test::TestBroker broker;
  REQUIRE(broker.error().empty());
  const std::string filter = "$share/g-3/twin/part/3/t/#";
  {
    auto first = subscriber(broker.port(), filter, "fanin-slot-0of1");
    REQUIRE(first->waitConnected(5000ms));
  }
  auto pub = MqttPublisher::connect(brokerAt(broker.port()), 5000ms);
  REQUIRE(pub.ok());
  for (int i = 0; i < 100; ++i)
    REQUIRE((*pub)->publish(partitionTopic(3, "t/x"), encodeReading({"x", 2000000 + i, double(i)}), 1).ok());
  REQUIRE((*pub)->flush(5000ms).ok());
  // MQTT 5 ends a session at disconnect unless CONNECT asks to keep it: all 100 prove it was kept.
  auto second = subscriber(broker.port(), filter, "fanin-slot-0of1");
  std::vector<std::vector<std::int64_t>> got;
  collect({second.get()}, 100, got);
  CHECK(got[0].size() == 100);
  CHECK(std::is_sorted(got[0].begin(), got[0].end()));
}

namespace {

// Just enough of an MQTT 3.1.1 broker to refuse every subscription (SUBACK 0x80), which mosquitto
// 2.0 never does (it grants a filter its ACL denies and then delivers nothing): accepts one client,
// answers CONNECT with CONNACK 0 and each SUBSCRIBE with one failure code per filter.
class RefusingBroker {
 public:
  RefusingBroker() {
    _listen = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(_listen, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 && ::listen(_listen, 1) == 0 &&
        ::getsockname(_listen, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
      _port = ntohs(addr.sin_port);
    _thread = std::thread([this] { serve(); });
  }
  ~RefusingBroker() {
    _stop = true;
    _thread.join();
    ::close(_listen);
  }
  int port() const { return _port; }

 private:
  bool readAll(int fd, unsigned char* out, std::size_t n) {
    std::size_t got = 0;
    while (got < n && !_stop) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      const ssize_t r = ::read(fd, out + got, n - got);
      if (r <= 0) return false;
      got += static_cast<std::size_t>(r);
    }
    return got == n;
  }
  void serve() {
    int fd = -1;
    while (fd < 0 && !_stop) {
      pollfd p{_listen, POLLIN, 0};
      if (::poll(&p, 1, 100) > 0) fd = ::accept(_listen, nullptr, nullptr);
    }
    while (fd >= 0 && !_stop) {
      unsigned char header = 0, byte = 0;
      if (!readAll(fd, &header, 1)) break;
      std::size_t length = 0;
      for (int shift = 0; shift < 28; shift += 7) {
        if (!readAll(fd, &byte, 1)) break;
        length |= static_cast<std::size_t>(byte & 0x7f) << shift;
        if (!(byte & 0x80)) break;
      }
      std::vector<unsigned char> body(length);
      if (length > 0 && !readAll(fd, body.data(), length)) break;
      std::vector<unsigned char> reply;
      if ((header >> 4) == 1) reply = {0x20, 0x02, 0x00, 0x00};  // CONNECT -> CONNACK accepted
      if ((header >> 4) == 12) reply = {0xd0, 0x00};             // PINGREQ -> PINGRESP
      if ((header >> 4) == 8 && length >= 2) {                   // SUBSCRIBE -> SUBACK, all refused
        std::vector<unsigned char> codes;
        for (std::size_t at = 2; at + 2 <= length;) {
          at += 2 + (static_cast<std::size_t>(body[at]) << 8 | body[at + 1]) + 1;
          codes.push_back(0x80);
        }
        reply = {0x90, static_cast<unsigned char>(2 + codes.size()), body[0], body[1]};
        reply.insert(reply.end(), codes.begin(), codes.end());
      }
      if (!reply.empty() && ::write(fd, reply.data(), reply.size()) != static_cast<ssize_t>(reply.size())) break;
    }
    if (fd >= 0) ::close(fd);
  }
  int _listen = -1, _port = 0;
  std::atomic<bool> _stop{false};
  std::thread _thread;
};

}  // namespace

TEST_CASE("A subscription the broker refuses is reported with its filter", "[sensors][mqtt][share]") {
  RefusingBroker broker;
  REQUIRE(broker.port() > 0);
  MqttSourceOptions o;
  o.broker = brokerAt(broker.port());
  o.broker.statusTopic.clear();
  o.topics = {{"community/noise/#", 1}};
  auto s = MqttSource::start(o);
  REQUIRE(s.ok());
  auto first = (*s)->waitFirstConnection(5000ms);
  REQUIRE_FALSE(first.ok());
  CHECK(first.error().message == "sensors::MqttSource: 127.0.0.1:" + std::to_string(broker.port()) +
                                     ": broker refused the subscription to 'community/noise/#' (reason code 128)");
  CHECK_FALSE((*s)->connected());
  CHECK((*s)->lastError() == first.error().message);
}
