#include "twin/sensors/Partition.h"

#include <cstdlib>

#include "twin/core/Assert.h"

namespace twin::sensors {

using core::fail;

namespace {

const std::string kPartitionPrefix = "twin/part/";

bool parseIndex(const std::string& text, int& out) {
  if (text.empty() || text.size() > 6) return false;
  for (char c : text)
    if (c < '0' || c > '9') return false;
  if (text.size() > 1 && text[0] == '0') return false;
  out = std::atoi(text.c_str());
  return true;
}

}  // namespace

int sensorPartition(std::string_view sensorId, int partitions) {
  TWIN_ASSERT(partitions >= 1 && partitions <= kMaxPartitions,
              "sensors::sensorPartition(): partitions must be 1.." + std::to_string(kMaxPartitions));
  // FNV-1a: fixed constants and byte order, unlike std::hash, which differs between libraries.
  std::uint32_t h = 2166136261u;
  for (unsigned char c : sensorId) {
    h ^= c;
    h *= 16777619u;
  }
  // FNV-1a's low bits depend only on the bytes' low bits (its last bit is their parity), and the
  // partition is taken modulo a small number: the finaliser spreads every input bit over them.
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return static_cast<int>(h % static_cast<std::uint32_t>(partitions));
}

std::string partitionTopic(int partition, const std::string& topic) {
  return kPartitionPrefix + std::to_string(partition) + "/" + topic;
}

std::optional<std::pair<int, std::string>> splitPartitionTopic(const std::string& topic) {
  if (topic.compare(0, kPartitionPrefix.size(), kPartitionPrefix) != 0) return std::nullopt;
  const std::size_t slash = topic.find('/', kPartitionPrefix.size());
  if (slash == std::string::npos) return std::nullopt;
  int k = 0;
  if (!parseIndex(topic.substr(kPartitionPrefix.size(), slash - kPartitionPrefix.size()), k)) return std::nullopt;
  return std::make_pair(k, topic.substr(slash + 1));
}

std::string partitionSubscription(const std::string& group, int partition, const std::string& filter) {
  return "$share/" + group + "-" + std::to_string(partition) + "/" + partitionTopic(partition, filter);
}

core::Status checkShareGroup(const std::string& group, const std::string& where) {
  if (group.empty() || group.size() > 64)
    return fail(where + ": share group '" + group + "' must have 1 to 64 characters");
  for (unsigned char c : group)
    if (c == '/' || c == '+' || c == '#' || c < 0x20 || c == 0x7f)
      return fail(where + ": share group '" + group + "' must not contain '/', '+', '#' or control characters");
  return core::Ok{};
}

core::Result<WorkerSlot> parseWorkerSlot(const std::string& text) {
  const std::size_t slash = text.find('/');
  WorkerSlot slot;
  if (slash == std::string::npos || !parseIndex(text.substr(0, slash), slot.index) ||
      !parseIndex(text.substr(slash + 1), slot.count) || slot.count < 1 || slot.count > kMaxPartitions ||
      slot.index >= slot.count)
    return fail("sensors::parseWorkerSlot(): '" + text +
                "': expected I/N with 0 <= I < N <= " + std::to_string(kMaxPartitions) + ", e.g. 0/2");
  return slot;
}

core::Result<std::vector<int>> workerPartitions(const WorkerSlot& slot, int partitions) {
  const char* where = "sensors::workerPartitions()";
  if (partitions < 1 || partitions > kMaxPartitions)
    return fail(std::string(where) + ": partitions must be 1 to " + std::to_string(kMaxPartitions) + ", got " +
                std::to_string(partitions));
  if (slot.count < 1 || slot.index < 0 || slot.index >= slot.count)
    return fail(std::string(where) + ": worker " + std::to_string(slot.index) + "/" + std::to_string(slot.count) +
                " is not a worker of " + std::to_string(slot.count));
  if (slot.count > partitions)
    return fail(std::string(where) + ": " + std::to_string(slot.count) + " workers but only " +
                std::to_string(partitions) + " partitions: some workers would receive nothing");
  std::vector<int> out;
  for (int k = slot.index; k < partitions; k += slot.count) out.push_back(k);
  return out;
}

}  // namespace twin::sensors
