// Sensor fan-in across several monitor processes: a sensor's readings go to one of K partitions
// by a stable hash of its id, each partition has a topic of its own and an MQTT 5 shared
// subscription group of its own, and a worker owns a fixed share of the partitions. See
// docs/sensors.md, "Several monitors on one stream".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "twin/core/Result.h"

namespace twin::sensors {

/** Partitions when the scene and the command line name none: divisible by 1, 2, 3, 4 and 6
    workers, so those counts share the load evenly. */
constexpr int kDefaultPartitions = 12;
/** The most partitions accepted (each is one subscription per topic on every worker). */
constexpr int kMaxPartitions = 1024;

/** The partition of a sensor: FNV-1a (32 bit) of the id's bytes, mixed by MurmurHash3's 32-bit
    finaliser (fmix32), modulo `partitions`. The same on every machine, build and run, so
    publishers and workers agree without talking to each other.
    Precondition: 1 <= partitions <= kMaxPartitions (TWIN_ASSERT). */
int sensorPartition(std::string_view sensorId, int partitions);

/** The topic a reading of partition `partition` travels on: "twin/part/<partition>/<topic>".
    `topic` is the sensor's own topic (or topic filter, for subscriptions). */
std::string partitionTopic(int partition, const std::string& topic);

/** Splits "twin/part/<k>/<rest>" into (k, rest); nullopt for any other topic. */
std::optional<std::pair<int, std::string>> splitPartitionTopic(const std::string& topic);

/** The MQTT 5 shared subscription of one partition: "$share/<group>-<partition>/twin/part/<partition>/<filter>".
    One group per partition: the broker delivers each message of a group to one member, so a
    partition with one member sends all of its sensors' readings, in order, to one worker. */
std::string partitionSubscription(const std::string& group, int partition, const std::string& filter);

/** Error unless `group` is usable as a share name: 1 to 64 characters, none of '/', '+', '#'
    (MQTT 5 section 4.8.2), no control characters. `where` starts the message. */
core::Status checkShareGroup(const std::string& group, const std::string& where);

/** Worker `index` of `count` (0-based). */
struct WorkerSlot {
  int index = 0;
  int count = 1;
};

/** Parses "I/N" (0 <= I < N <= kMaxPartitions), e.g. "1/3". Error names the text and the form. */
core::Result<WorkerSlot> parseWorkerSlot(const std::string& text);

/** The partitions worker `slot` owns: k with k % slot.count == slot.index, ascending. Every
    partition is owned by exactly one worker. Error when slot.count > partitions (a worker would
    own none) or the slot is out of range. */
core::Result<std::vector<int>> workerPartitions(const WorkerSlot& slot, int partitions);

}  // namespace twin::sensors
