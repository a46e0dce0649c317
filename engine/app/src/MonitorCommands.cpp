#include "MonitorCommands.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>

#include "CliArgs.h"
#include "twin/app/MonitorView.h"
#include "twin/alerts/Monitor.h"
#include "twin/model/Sensor.h"
#include "twin/app/Cli.h"
#include "twin/core/Stopwatch.h"
#include "twin/sensors/MqttSource.h"
#include "twin/sensors/Partition.h"
#include "twin/sensors/Payload.h"
#include "twin/sensors/Replay.h"

namespace twin::app {

const char* const kMonitorUsage =
    "usage: twin monitor SCENE [--mqtt HOST:PORT] [--duration SECONDS] [--alerts-db FILE]\n"
    "                          [--history-db FILE] [--durability normal|full] [--no-replay]\n"
    "                          [--wait-for-broker] [--future-tolerance SECONDS]\n"
    "                          [--share GROUP [--worker I/N] [--partitions K]]\n"
    "Runs the scene's sensor ingestion (MQTT and replay files) and alert rules without rendering,\n"
    "until SECONDS pass or SIGINT/SIGTERM, then prints one JSON line: messages received, decoded,\n"
    "rejected by reason, alerts raised and cleared.\n"
    "  --mqtt HOST:PORT   broker to use instead of the scene's \"mqtt\" host and port\n"
    "  --duration S       stop after S seconds (default: run until interrupted)\n"
    "  --alerts-db FILE   durable alert log (default: the installation's, shared with the viewer:\n"
    "                     $XDG_STATE_HOME/communitytwin/alerts.db, else\n"
    "                     ~/.local/state/communitytwin/alerts.db); a postgresql:// URI shares one\n"
    "                     alarm state between seats (docs/alerts-postgresql.md)\n"
    "  --history-db FILE  reading history, 7 days per sensor in the data's time (default: beside\n"
    "                     the alert log, alerts-history.db)\n"
    "  --durability D     alert log sync: normal (default; survives a crash, commits without fsync)\n"
    "                     or full (also survives a power cut; one fsync per commit)\n"
    "  --no-replay        do not feed replay-bound sensors from their files\n"
    "  --wait-for-broker  keep retrying when the broker cannot be reached or refuses us at start\n"
    "                     (default: that is an error, exit 1)\n"
    "  --future-tolerance S  readings stamped more than S seconds past the receiving clock are\n"
    "                     rejected as bad_timestamp (default 300)\n"
    "  --share GROUP      one of several monitors splitting the sensor stream (MQTT 5 shared\n"
    "                     subscriptions; default: the scene's mqtt.share_group). Sensors are hashed\n"
    "                     into K partitions; publishers send a sensor's readings to\n"
    "                     twin/part/<k>/<its topic> (twin replay --partitions K does)\n"
    "  --worker I/N       this monitor is worker I (0-based) of N and judges the sensors of\n"
    "                     partitions k with k % N == I (default 0/1); its persistent MQTT session\n"
    "                     is <client id>-GROUP-IofN, so a restarted or standby worker of the same\n"
    "                     slot takes over what the broker queued for it\n"
    "  --partitions K     partitions (default: the scene's mqtt.partitions, else 12); every\n"
    "                     worker and publisher must use the same K, and N <= K\n"
    "A scene with mqtt.client_id keeps a persistent session (mqtt.clean_session false): QoS 1\n"
    "readings published while the monitor is down arrive when it returns, each judged once.\n"
    "Credentials: the scene's mqtt.username/password, else TWIN_MQTT_USER / TWIN_MQTT_PASSWORD.\n"
    "TLS: the scene's mqtt.tls/ca_file/cert_file/key_file, else TWIN_MQTT_CA_FILE (turns TLS on),\n"
    "TWIN_MQTT_CERT_FILE / TWIN_MQTT_KEY_FILE.\n";

const char* const kAlertsUsage =
    "usage: twin alerts [--db FILE] [--json] [--active|--open] [--limit N] [--scene SCENE]\n"
    "       twin alerts [--db FILE] --history [--state S] [--severity S] [--sensor ID] [--since TIME] [--json]\n"
    "       twin alerts [--db FILE] --ack ID --by NAME [--note TEXT]\n"
    "       twin alerts [--db FILE] --assign ID --to NAME [--by NAME]\n"
    "Lists the alerts in an alert log, newest first, each with its transitions (raise, ack with\n"
    "who and note, clear, assign, escalate), its building and floor, the reading's own time\n"
    "(raised; replayed data keeps its time) and when it arrived (received).\n"
    "  --db FILE     the alert log (default: the installation's, shared with the viewer and\n"
    "                `twin monitor`: $XDG_STATE_HOME/communitytwin/alerts.db, else\n"
    "                ~/.local/state/communitytwin/alerts.db), or a postgresql:// URI\n"
    "  --json        one JSON document instead of text\n"
    "  --active      only active alerts, worst severity first, then newest\n"
    "  --open        active alerts and cleared ones not yet acknowledged, in the same order\n"
    "  --history     past alerts, newest raised first, filtered by --state (active_unack,\n"
    "                active_ack, cleared_unack, cleared_ack), --severity, --sensor, and --since\n"
    "                (ISO-8601; raised at or after)\n"
    "  --limit N     at most N alerts\n"
    "  --scene SCENE show each rule's handling procedure from the scene's alert_rules\n"
    "  --ack ID      acknowledge alert ID as --by NAME with an optional --note\n"
    "  --assign ID   assign alert ID to --to NAME\n";

const char* const kReplayUsage =
    "usage: twin replay FILE --mqtt HOST:PORT --topic T [--speed X] [--columns COL=ID,...]\n"
    "                   [--time-column C] [--utc-offset-minutes N] [--qos 0|1] [--limit N] [--device]\n"
    "                   [--partitions K]\n"
    "Publishes a CSV or JSONL file through an MQTT broker as sensor payloads, paced by the data's\n"
    "time stamps divided by the speed factor (--speed 0: as fast as possible; default 1).\n"
    "CSV needs --columns (e.g. PM2.5=aoti.pm25,NO2=aoti.no2) and a time: --time-column (ISO-8601 or\n"
    "epoch ms) or the columns year, month, day, hour in local time at --utc-offset-minutes\n"
    "(Beijing: 480). Readings with the same time go out as one batch (a JSON array).\n"
    "JSONL files (.jsonl) hold one payload per line and are re-published as read.\n"
    "FILE must be a regular file; --device also accepts a FIFO or character device.\n"
    "--partitions K publishes each reading to twin/part/<k>/T, k its sensor's partition of K, for\n"
    "monitors sharing the stream (twin monitor --share).\n";

namespace {

bool parseHostPort(const std::string& text, std::string& host, int& port) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  host = text.substr(0, colon);
  return parsePositiveInt(text.substr(colon + 1), port) && port <= 65535;
}

bool parseSeconds(const std::string& text, double& out) {
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return !text.empty() && end == text.c_str() + text.size() && std::isfinite(out) && out >= 0;
}

std::atomic<bool> gStop{false};
void onSignal(int) { gStop.store(true); }

}  // namespace

int cmdMonitor(int argc, char** argv) {
  CliArgs args("monitor",
               {"--mqtt", "--duration", "--alerts-db", "--history-db", "--durability", "--future-tolerance", "--share",
                "--worker", "--partitions"},
               {"--no-replay", "--wait-for-broker", "--help"});
  if (!args.parse(argc, argv)) return args.usageError(args.error());
  if (args.has("--help")) {
    std::cout << kMonitorUsage;
    return kExitOk;
  }
  if (args.positionals().size() != 1)
    return args.usageError(args.positionals().empty() ? "missing SCENE"
                                                      : "unexpected argument '" + args.positionals()[1] + "'");
  alerts::MonitorOptions options;
  if (auto v = args.value("--mqtt")) {
    model::MqttConfig broker;
    if (!parseHostPort(*v, broker.host, broker.port))
      return args.usageError("--mqtt expects HOST:PORT, got '" + *v + "'");
    options.broker = broker;
  }
  if (auto v = args.value("--durability")) {
    if (*v != "normal" && *v != "full") return args.usageError("--durability expects normal or full, got '" + *v + "'");
    options.durability = *v == "full" ? alerts::Durability::Full : alerts::Durability::Normal;
  }
  double duration = -1;
  if (auto v = args.value("--duration"); v && !parseSeconds(*v, duration))
    return args.usageError("--duration expects seconds >= 0, got '" + *v + "'");
  double tolerance = -1;
  if (auto v = args.value("--future-tolerance"); v && !parseSeconds(*v, tolerance))
    return args.usageError("--future-tolerance expects seconds >= 0, got '" + *v + "'");
  if (tolerance >= 0) options.futureToleranceMs = static_cast<std::int64_t>(std::min(tolerance, 1e12) * 1000.0);
  options.waitForBroker = args.has("--wait-for-broker");
  if (auto v = args.value("--share")) {
    if (auto s = sensors::checkShareGroup(*v, "--share"); !s) return args.usageError(s.error().message);
    options.shareGroup = *v;
  }
  if (auto v = args.value("--worker")) {
    auto slot = sensors::parseWorkerSlot(*v);
    if (!slot) return args.usageError("--worker expects I/N with 0 <= I < N, e.g. 1/3, got '" + *v + "'");
    options.worker = *slot;
  }
  if (auto v = args.value("--partitions");
      v && (!parsePositiveInt(*v, options.partitions) || options.partitions > sensors::kMaxPartitions))
    return args.usageError("--partitions expects an integer from 1 to " + std::to_string(sensors::kMaxPartitions) +
                           ", got '" + *v + "'");
  auto config = model::loadSensorConfig(args.positionals()[0]);
  if (!config) {
    std::cerr << "twin monitor: " << config.error().message << "\n";
    return kExitBadInput;
  }
  if (config->sensors.empty()) {
    std::cerr << "twin monitor: " << args.positionals()[0] << ": the scene has no \"sensors\"\n";
    return kExitBadInput;
  }
  options.config = std::move(*config);
  if ((args.has("--partitions") || args.has("--worker")) && options.shareGroup.empty() &&
      options.config.mqtt.shareGroup.empty())
    return args.usageError("--worker and --partitions go with --share GROUP (or the scene's mqtt.share_group)");
  // One alarm log per installation: the viewer, `snapshot --monitor-seconds` and `alerts` use the same files.
  options.alertsDb = args.value("--alerts-db").value_or(defaultAlertsDb().string());
  options.historyDb = args.value("--history-db").value_or(historyDbBeside(options.alertsDb).string());
  options.replay = !args.has("--no-replay");
  alerts::SystemClock clock;
  auto monitor = alerts::Monitor::start(options, clock);
  if (!monitor) {
    std::cerr << "twin monitor: " << monitor.error().message << "\n";
    return kExitBadInput;
  }
  gStop.store(false);
  auto oldInt = std::signal(SIGINT, onSignal);
  auto oldTerm = std::signal(SIGTERM, onSignal);
  if (!(*monitor)->ownedPartitions().empty()) {
    std::string owned;
    for (int k : (*monitor)->ownedPartitions()) owned += (owned.empty() ? "" : ",") + std::to_string(k);
    std::cerr << "twin monitor: worker " << options.worker.index << "/" << options.worker.count << " of share group '"
              << (options.shareGroup.empty() ? options.config.mqtt.shareGroup : options.shareGroup)
              << "' judges partitions " << owned << "\n";
  }
  auto status = (*monitor)->runFor(duration >= 0 ? duration : 1e12, &gStop);
  std::signal(SIGINT, oldInt);
  std::signal(SIGTERM, oldTerm);
  // What the network thread acknowledged is judged before we go: nothing queued is lost.
  auto drained = (*monitor)->drain();
  if (status && !drained) status = drained;
  std::cout << alerts::Monitor::summaryJson((*monitor)->summary()) << std::endl;
  if (!status) {
    std::cerr << "twin monitor: " << status.error().message << "\n";
    return kExitBadInput;
  }
  return kExitOk;
}

namespace {

nlohmann::ordered_json alertJson(const alerts::Alert& a, const std::vector<alerts::Transition>& transitions,
                                 const std::optional<model::AlertRuleDef>& rule) {
  auto timeOrNull = [](std::int64_t ms) {
    return ms > 0 ? nlohmann::ordered_json(sensors::formatIsoTimeMs(ms)) : nlohmann::ordered_json(nullptr);
  };
  nlohmann::ordered_json j;
  j["id"] = a.id;
  j["rule"] = a.ruleId;
  j["sensor"] = a.sensorId;
  j["kind"] = model::ruleKindName(a.kind);
  j["severity"] = model::alertSeverityName(a.severity);
  j["raised_severity"] = model::alertSeverityName(a.raisedSeverity);
  j["escalations"] = a.escalations;
  j["state"] = alerts::alertStateName(a.state);
  j["active"] = alerts::isActive(a.state);
  j["acknowledged"] = alerts::isAcknowledged(a.state);
  j["raised"] = sensors::formatIsoTimeMs(a.raisedMs);
  j["received"] = timeOrNull(a.receivedMs);
  j["cleared"] = timeOrNull(a.clearedMs);
  j["replay"] = a.replay;
  j["building"] = a.building.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(a.building);
  j["floor"] = a.floor ? nlohmann::ordered_json(*a.floor) : nlohmann::ordered_json(nullptr);
  j["value"] = std::isfinite(a.value) ? nlohmann::ordered_json(a.value) : nlohmann::ordered_json(nullptr);
  j["message"] = a.message;
  j["acknowledged_at"] = timeOrNull(a.ackMs);
  j["acknowledged_by"] = a.ackBy;
  j["ack_note"] = a.ackComment;
  j["assignee"] = a.assignee;
  j["assigned_at"] = timeOrNull(a.assignedMs);
  if (rule) {
    j["procedure"] = rule->procedure;
    j["procedure_en"] = rule->procedureEn;
  }
  nlohmann::ordered_json ts = nlohmann::ordered_json::array();
  for (const alerts::Transition& t : transitions) {
    nlohmann::ordered_json tj;
    tj["action"] = alerts::transitionKindName(t.kind);
    tj["state"] = alerts::alertStateName(t.state);
    tj["severity"] = model::alertSeverityName(t.severity);
    tj["at"] = sensors::formatIsoTimeMs(t.atMs);
    tj["value"] = std::isfinite(t.value) ? nlohmann::ordered_json(t.value) : nlohmann::ordered_json(nullptr);
    tj["who"] = t.who;
    tj["comment"] = t.comment;
    ts.push_back(std::move(tj));
  }
  j["transitions"] = std::move(ts);
  return j;
}

}  // namespace

int cmdAlerts(int argc, char** argv) {
  CliArgs args("alerts",
               {"--db", "--limit", "--ack", "--assign", "--by", "--to", "--note", "--state", "--severity", "--sensor",
                "--since", "--scene"},
               {"--json", "--active", "--open", "--history", "--help"});
  if (!args.parse(argc, argv)) return args.usageError(args.error());
  if (args.has("--help")) {
    std::cout << kAlertsUsage;
    return kExitOk;
  }
  if (!args.positionals().empty()) return args.usageError("unexpected argument '" + args.positionals()[0] + "'");
  int limit = 0;
  if (auto v = args.value("--limit"); v && !parsePositiveInt(*v, limit))
    return args.usageError("--limit expects a positive integer, got '" + *v + "'");
  const bool ack = args.has("--ack"), assign = args.has("--assign");
  if (ack && assign) return args.usageError("--ack and --assign are separate commands");
  int actOn = 0;
  if (ack || assign) {
    const std::string option = ack ? "--ack" : "--assign";
    if (!parsePositiveInt(*args.value(option), actOn))
      return args.usageError(option + " expects an alert id, got '" + *args.value(option) + "'");
    if (!args.has("--by") && ack) return args.usageError("--ack needs --by NAME");
    if (assign && !args.has("--to")) return args.usageError("--assign needs --to NAME");
  } else if (args.has("--by") || args.has("--to") || args.has("--note")) {
    return args.usageError("--by, --to and --note go with --ack or --assign");
  }
  alerts::AlertQuery query;
  if (auto v = args.value("--state")) {
    alerts::AlertState state;
    if (!alerts::alertStateFromName(*v, state))
      return args.usageError("--state expects active_unack, active_ack, cleared_unack or cleared_ack, got '" + *v +
                             "'");
    query.state = state;
  }
  if (auto v = args.value("--severity")) {
    model::AlertSeverity severity;
    if (!model::alertSeverityFromName(*v, severity))
      return args.usageError("--severity expects critical, major, minor or warning, got '" + *v + "'");
    query.severity = severity;
  }
  if (auto v = args.value("--sensor")) query.sensorId = *v;
  if (auto v = args.value("--since")) {
    query.sinceMs = sensors::parseIsoTimeMs(*v);
    if (!query.sinceMs)
      return args.usageError("--since expects an ISO-8601 time such as 2013-05-01T00:00:00Z, got '" + *v + "'");
  }
  const bool filtered = query.state || query.severity || !query.sensorId.empty() || query.sinceMs;
  if (filtered && !args.has("--history"))
    return args.usageError("--state, --severity, --sensor and --since go with --history");
  const std::filesystem::path file = args.value("--db").value_or(defaultAlertsDb().string());
  std::error_code ec;
  if (!alerts::AlertStore::isServerLocation(file.string()) && !std::filesystem::is_regular_file(file, ec)) {
    std::cerr << "twin alerts: " << file.string() << ": no such alert log\n";
    return kExitBadInput;
  }
  auto store = alerts::AlertStore::open(file);
  if (!store) {
    std::cerr << "twin alerts: " << store.error().message << "\n";
    return kExitBadInput;
  }
  // Rules (procedures) come from the scene when one is named; the log alone has no rules.
  model::SensorConfig config;
  if (auto scene = args.value("--scene")) {
    auto loaded = model::loadSensorConfig(*scene);
    if (!loaded) {
      std::cerr << "twin alerts: " << loaded.error().message << "\n";
      return kExitBadInput;
    }
    config = std::move(*loaded);
  }
  if (ack || assign) {
    // Through an engine, so the change follows the same lifecycle rules and is logged as a
    // transition; a running monitor takes it over before its next change (changedElsewhere()).
    alerts::SystemClock clock;
    auto engine = alerts::AlertEngine::create(config, **store, clock);
    if (!engine) {
      std::cerr << "twin alerts: " << engine.error().message << "\n";
      return kExitBadInput;
    }
    const std::string by = args.value("--by").value_or("");
    auto status = ack ? (*engine)->acknowledge(actOn, by, args.value("--note").value_or(""))
                      : (*engine)->assign(actOn, *args.value("--to"), by.empty() ? "cli" : by);
    if (!status) {
      std::cerr << "twin alerts: " << status.error().message << "\n";
      return kExitBadInput;
    }
    std::cout << (ack ? "acknowledged #" : "assigned #") << actOn << "\n";
    return kExitOk;
  }
  core::Result<std::vector<alerts::Alert>> list = std::vector<alerts::Alert>{};
  if (args.has("--history")) {
    query.limit = static_cast<std::size_t>(limit);
    list = (*store)->history(query);
  } else if (args.has("--open")) {
    list = (*store)->openAlerts();
  } else if (args.has("--active")) {
    list = (*store)->activeAlerts();
    if (list) alerts::sortForList(*list);
  } else {
    list = (*store)->allAlerts();
  }
  if (!list) {
    std::cerr << "twin alerts: " << list.error().message << "\n";
    return kExitBadInput;
  }
  if (limit > 0 && list->size() > static_cast<std::size_t>(limit)) list->resize(static_cast<std::size_t>(limit));
  nlohmann::ordered_json doc = nlohmann::ordered_json::array();
  for (const alerts::Alert& a : *list) {
    auto transitions = (*store)->transitions(a.id);
    if (!transitions) {
      std::cerr << "twin alerts: " << transitions.error().message << "\n";
      return kExitBadInput;
    }
    std::optional<model::AlertRuleDef> rule;
    for (const model::AlertRuleDef& r : config.rules)
      if (r.id == a.ruleId) rule = r;
    if (args.has("--json")) {
      doc.push_back(alertJson(a, *transitions, rule));
      continue;
    }
    std::cout << "#" << a.id << "  " << model::alertSeverityName(a.severity) << "  " << alerts::alertStateName(a.state)
              << "  " << a.ruleId << "  " << a.sensorId;
    if (!a.building.empty())
      std::cout << "  building " << a.building << (a.floor ? " floor " + std::to_string(*a.floor) : "");
    std::cout << "  raised " << sensors::formatIsoTimeMs(a.raisedMs) << (a.replay ? " (replay)" : "") << "  "
              << a.message << "\n";
    if (!a.assignee.empty()) std::cout << "    assigned to " << a.assignee << "\n";
    if (rule)
      for (std::size_t i = 0; i < rule->procedure.size(); ++i)
        std::cout << "    " << (i + 1) << ". " << rule->procedure[i] << "\n";
    for (const alerts::Transition& t : *transitions) {
      std::cout << "    " << sensors::formatIsoTimeMs(t.atMs) << "  " << alerts::transitionKindName(t.kind) << " -> "
                << alerts::alertStateName(t.state) << " (" << model::alertSeverityName(t.severity) << ")  by " << t.who;
      if (!t.comment.empty()) std::cout << "  \"" << t.comment << "\"";
      std::cout << "\n";
    }
  }
  if (args.has("--json"))
    std::cout << doc.dump(2) << "\n";
  else if (list->empty())
    std::cout << "no alerts\n";
  return kExitOk;
}

int cmdReplay(int argc, char** argv) {
  CliArgs args("replay",
               {"--mqtt", "--topic", "--speed", "--columns", "--time-column", "--utc-offset-minutes", "--qos",
                "--limit", "--partitions"},
               {"--device", "--help"});
  if (!args.parse(argc, argv)) return args.usageError(args.error());
  if (args.has("--help")) {
    std::cout << kReplayUsage;
    return kExitOk;
  }
  if (args.positionals().size() != 1)
    return args.usageError(args.positionals().empty() ? "missing FILE"
                                                      : "unexpected argument '" + args.positionals()[1] + "'");
  if (!args.has("--mqtt")) return args.usageError("missing --mqtt HOST:PORT");
  if (!args.has("--topic")) return args.usageError("missing --topic T");
  model::MqttConfig broker;
  if (!parseHostPort(*args.value("--mqtt"), broker.host, broker.port))
    return args.usageError("--mqtt expects HOST:PORT, got '" + *args.value("--mqtt") + "'");
  const std::string topic = *args.value("--topic");
  if (topic.empty() || topic.find_first_of("#+") != std::string::npos)
    return args.usageError("--topic expects a topic without wildcards, got '" + topic + "'");
  double speed = 1;
  if (auto v = args.value("--speed"); v && !parseSeconds(*v, speed))
    return args.usageError("--speed expects a factor >= 0, got '" + *v + "'");
  int qos = 1;
  if (auto v = args.value("--qos")) {
    if (*v != "0" && *v != "1") return args.usageError("--qos expects 0 or 1, got '" + *v + "'");
    qos = *v == "1" ? 1 : 0;
  }
  int limit = 0;
  if (auto v = args.value("--limit"); v && !parsePositiveInt(*v, limit))
    return args.usageError("--limit expects a positive integer, got '" + *v + "'");
  int partitions = 0;
  if (auto v = args.value("--partitions");
      v && (!parsePositiveInt(*v, partitions) || partitions > sensors::kMaxPartitions))
    return args.usageError("--partitions expects an integer from 1 to " + std::to_string(sensors::kMaxPartitions) +
                           ", got '" + *v + "'");
  const std::filesystem::path file = args.positionals()[0];
  const bool jsonl = file.extension() == ".jsonl" || file.extension() == ".ndjson";
  sensors::ReplayFileOptions limits;
  limits.allowDevice = args.has("--device");

  std::vector<sensors::Reading> readings;
  core::Diagnostics diag;
  std::uint64_t skipped = 0;
  if (jsonl) {
    sensors::IngestStats stats;
    auto r = sensors::readReplayJsonl(file, sensors::DecodeOptions{}, stats, diag, limits);
    if (!r) {
      std::cerr << "twin replay: " << r.error().message << "\n";
      return kExitBadInput;
    }
    readings = std::move(*r);
    // Non-finite values are published as null (they are data-quality events), not skipped.
    skipped = stats.rejectedTotal() - stats.rejectedCount(sensors::RejectReason::NonFinite);
  } else {
    if (!args.has("--columns")) return args.usageError("a CSV file needs --columns COL=ID,...");
    sensors::CsvMapping mapping;
    const std::string spec = *args.value("--columns");
    std::size_t start = 0;
    while (start <= spec.size()) {
      const std::size_t end = std::min(spec.find(',', start), spec.size());
      const std::string item = spec.substr(start, end - start);
      const auto eq = item.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == item.size())
        return args.usageError("--columns expects COL=ID,..., got '" + item + "'");
      mapping.columns[item.substr(0, eq)] = item.substr(eq + 1);
      start = end + 1;
    }
    mapping.timeColumn = args.value("--time-column").value_or("");
    if (auto v = args.value("--utc-offset-minutes")) {
      char* end = nullptr;
      const long m = std::strtol(v->c_str(), &end, 10);
      if (v->empty() || end != v->c_str() + v->size() || m < -840 || m > 840)
        return args.usageError("--utc-offset-minutes expects an integer from -840 to 840, got '" + *v + "'");
      mapping.utcOffsetMinutes = static_cast<int>(m);
    }
    sensors::ReplayStats stats;
    auto r = sensors::readReplayCsv(file, mapping, diag, &stats, limits);
    if (!r) {
      std::cerr << "twin replay: " << r.error().message << "\n";
      return kExitBadInput;
    }
    readings = std::move(*r);
    skipped = stats.missing + stats.badCells + stats.badRows;
  }
  for (const auto& d : diag.items()) std::cerr << "twin replay: " << core::formatDiagnostic(d) << "\n";
  if (limit > 0 && readings.size() > static_cast<std::size_t>(limit)) readings.resize(static_cast<std::size_t>(limit));
  if (readings.empty()) {
    std::cerr << "twin replay: " << file.string() << ": no readings to publish\n";
    return kExitBadInput;
  }
  auto publisher = sensors::MqttPublisher::connect(broker, std::chrono::seconds(10));
  if (!publisher) {
    std::cerr << "twin replay: " << publisher.error().message << "\n";
    return kExitBadInput;
  }
  core::Stopwatch watch;
  const sensors::ReplayPacer pacer(readings.front().tsMs, speed);
  std::uint64_t messages = 0;
  // Partitioned: one batch per partition, so each goes to the one worker that owns its sensors.
  std::map<int, std::vector<sensors::Reading>> byPartition;
  for (std::size_t i = 0; i < readings.size();) {
    std::size_t j = i + 1;
    while (j < readings.size() && readings[j].tsMs == readings[i].tsMs && j - i < 256) ++j;
    std::this_thread::sleep_until(pacer.dueAt(readings[i].tsMs));
    byPartition.clear();
    for (std::size_t r = i; r < j; ++r)
      byPartition[partitions > 0 ? sensors::sensorPartition(readings[r].sensorId, partitions) : -1].push_back(
          readings[r]);
    for (const auto& [k, batch] : byPartition) {
      const std::string payload =
          batch.size() == 1 ? sensors::encodeReading(batch.front()) : sensors::encodeBatch(batch);
      auto s = (*publisher)->publish(k < 0 ? topic : sensors::partitionTopic(k, topic), payload, qos);
      if (!s) {
        std::cerr << "twin replay: " << s.error().message << "\n";
        return kExitBadInput;
      }
      ++messages;
    }
    i = j;
  }
  auto flushed = (*publisher)->flush(std::chrono::seconds(30));
  if (!flushed) {
    std::cerr << "twin replay: " << flushed.error().message << "\n";
    return kExitBadInput;
  }
  nlohmann::ordered_json summary;
  summary["messages_published"] = messages;
  summary["readings"] = readings.size();
  summary["skipped"] = skipped;
  summary["seconds"] = watch.elapsedMs() / 1000.0;
  std::cout << summary.dump() << std::endl;
  return kExitOk;
}

}  // namespace twin::app
