#include "twin/alerts/AlertEngine.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

namespace twin::alerts {

using core::fail;
using model::AlertRuleDef;
using model::RuleKind;

namespace {

using Key = std::pair<std::string, std::string>;  // (rule id, sensor id)

struct RuleState {
  std::int64_t alertId = 0;          // active alert of this rule x sensor, 0 = none
  std::int64_t pendingSinceMs = -1;  // engine time the raise condition began to hold, -1 = not holding
  double pendingValue = 0;
  std::int64_t pendingTsMs = 0;  // data time of the last reading that kept it pending
  bool hasPrevious = false;      // rate rules: the previous finite reading
  std::int64_t previousTsMs = 0;
  double previousValue = 0;
};

struct SensorRuntime {
  const model::SensorDef* def = nullptr;
  std::vector<const AlertRuleDef*> rules;
  bool seen = false;
  std::int64_t lastSeenMs = 0;  // engine time of the last reading, or of the engine's start
  bool hasValue = false;
  std::int64_t lastTsMs = 0;
  double lastValue = 0;
  std::string link;
};

std::string number(double v) {
  if (!std::isfinite(v)) return "NaN";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

struct AlertEngine::Impl {
  model::SensorConfig config;
  AlertStore* store = nullptr;
  const Clock* clock = nullptr;

  mutable std::mutex mutex;
  Listener listener;
  std::map<std::string, SensorRuntime> sensors;
  std::map<Key, RuleState> states;
  std::map<std::int64_t, Alert> alerts;  // open alerts: active, or cleared and not yet acknowledged
  std::set<std::int64_t> foreign;        // of those, raised by another process sharing the log
  std::int64_t nextId = 1;
  EngineCounters counters;

  // One call's changes, applied to the live maps only after the store commit succeeds.
  struct Batch {
    std::map<Key, RuleState> states;
    std::map<std::string, SensorRuntime> sensors;
    std::map<std::int64_t, Alert> alerts;
    std::vector<Transition> transitions;
    std::vector<std::pair<Alert, Transition>> shown;
    EngineCounters counters;
    std::int64_t nextId = 1;
    std::optional<core::Error> error;  // an id could not be reserved: apply() fails with it
  };

  RuleState& state(Batch& b, const Key& key) {
    auto it = b.states.find(key);
    if (it == b.states.end()) {
      auto live = states.find(key);
      it = b.states.emplace(key, live == states.end() ? RuleState{} : live->second).first;
    }
    return it->second;
  }
  SensorRuntime* sensor(Batch& b, const std::string& id) {
    auto it = b.sensors.find(id);
    if (it != b.sensors.end()) return &it->second;
    auto live = sensors.find(id);
    if (live == sensors.end()) return nullptr;
    return &b.sensors.emplace(id, live->second).first->second;
  }
  Alert* alert(Batch& b, std::int64_t id) {
    auto it = b.alerts.find(id);
    if (it != b.alerts.end()) return &it->second;
    auto live = alerts.find(id);
    if (live == alerts.end()) return nullptr;
    return &b.alerts.emplace(id, live->second).first->second;
  }

  void record(Batch& b, const Alert& a, TransitionKind kind, std::int64_t now, double value, const std::string& who,
              const std::string& comment) {
    Transition t{a.id, kind, a.state, now, value, who, comment, a.severity};
    b.transitions.push_back(t);
    b.shown.emplace_back(a, t);
    ++b.counters.changes;
  }

  // dataMs: the time of the reading that raised it (the engine clock when none did).
  std::int64_t raise(Batch& b, const AlertRuleDef& rule, const SensorRuntime& s, double value, std::int64_t dataMs,
                     std::int64_t now) {
    Alert a;
    // A log shared by several seats numbers the alerts itself; SQLite leaves it to us.
    auto reserved = store->reserveAlertId();
    if (!reserved) {
      if (!b.error) b.error = reserved.error();
      a.id = b.nextId++;
    } else if (reserved->has_value()) {
      a.id = **reserved;
      b.nextId = std::max(b.nextId, a.id + 1);
    } else {
      a.id = b.nextId++;
    }
    a.ruleId = rule.id;
    a.sensorId = s.def->id;
    a.kind = rule.kind;
    a.severity = a.raisedSeverity = rule.severity;
    a.state = AlertState::ActiveUnacknowledged;
    a.raisedMs = dataMs;
    a.receivedMs = now;
    a.value = value;
    a.building = s.def->building;
    if (!s.def->building.empty()) a.floor = s.def->floor;
    a.replay = s.def->source.kind == model::SourceKind::Replay;
    const std::string who = rule.name + ": " + (s.def->name.empty() ? s.def->id : s.def->name);
    AlertMessageParts& parts = a.messageParts;
    parts.rule = rule.name;
    parts.ruleEn = rule.nameEn;
    parts.sensor = s.def->name;
    parts.sensorEn = s.def->nameEn;
    if (rule.kind == RuleKind::Stale) {
      a.message = who + " silent for " + number(rule.staleSeconds) + " s";
      parts.key = "stale";
      parts.args = {number(rule.staleSeconds)};
    } else if (rule.kind == RuleKind::Quality) {
      a.message =
          who + " invalid reading " + number(value) +
          (std::isfinite(value) ? " (valid " + number(s.def->validMin) + " .. " + number(s.def->validMax) + ")" : "");
      parts.key = std::isfinite(value) ? "invalid_range" : "invalid";
      parts.args = {number(value)};
      if (std::isfinite(value)) parts.args.insert(parts.args.end(), {number(s.def->validMin), number(s.def->validMax)});
    } else if (rule.kind == RuleKind::Rate) {
      a.message =
          who + " changing faster than " + number(rule.level) + " " + s.def->unit + "/min, now " + number(value);
      parts.key = "rate";
      parts.args = {number(rule.level), s.def->unit, number(value)};
    } else {
      a.message = who + " = " + number(value) + " " + s.def->unit;
      parts.key = "level";
      parts.args = {number(value), s.def->unit};
    }
    ++b.counters.raised;
    auto& stored = b.alerts[a.id] = a;
    record(b, stored, TransitionKind::Raise, dataMs, value, "engine", "");
    return a.id;
  }

  // atMs: the clearing reading's data time, or the engine clock when no reading cleared it.
  void clearAlert(Batch& b, std::int64_t id, double value, std::int64_t atMs, const std::string& who,
                  const std::string& comment) {
    Alert* a = alert(b, id);
    if (!a || !isActive(a->state)) return;
    a->state = a->state == AlertState::ActiveAcknowledged ? AlertState::ClearedAcknowledged
                                                          : AlertState::ClearedUnacknowledged;
    a->clearedMs = atMs;
    ++b.counters.cleared;
    record(b, *a, TransitionKind::Clear, atMs, value, who, comment);
  }

  // The raise/clear state machine shared by every rule kind but stale.
  void step(Batch& b, const AlertRuleDef& rule, const SensorRuntime& s, bool raiseCond, bool clearCond, double value,
            std::int64_t dataMs, std::int64_t now) {
    RuleState& st = state(b, {rule.id, s.def->id});
    if (st.alertId != 0) {
      st.pendingSinceMs = -1;
      if (clearCond) {
        clearAlert(b, st.alertId, value, dataMs, "engine", "");
        st.alertId = 0;
      }
      return;
    }
    if (!raiseCond) {
      st.pendingSinceMs = -1;
      return;
    }
    if (st.pendingSinceMs < 0) st.pendingSinceMs = now;
    st.pendingValue = value;
    st.pendingTsMs = dataMs;
    if (static_cast<double>(now - st.pendingSinceMs) >= rule.pendingSeconds * 1000.0) {
      st.alertId = raise(b, rule, s, value, dataMs, now);
      st.pendingSinceMs = -1;
    }
  }

  void judge(Batch& b, const sensors::Reading& r, std::int64_t now) {
    SensorRuntime* s = sensor(b, r.sensorId);
    if (!s) return;
    ++b.counters.readings;
    s->seen = true;
    s->lastSeenMs = now;
    const bool bad = !r.finite || !std::isfinite(r.value) || r.value < s->def->validMin || r.value > s->def->validMax;
    if (bad) {
      ++b.counters.qualityEvents;
    } else {
      s->hasValue = true;
      s->lastTsMs = r.tsMs;
      s->lastValue = r.value;
    }
    const double v = r.finite ? r.value : std::nan("");
    for (const AlertRuleDef* rule : s->rules) {
      switch (rule->kind) {
        case RuleKind::Stale: {
          RuleState& st = state(b, {rule->id, s->def->id});
          if (st.alertId != 0) {
            clearAlert(b, st.alertId, v, r.tsMs, "engine", "");
            st.alertId = 0;
          }
          break;
        }
        case RuleKind::Quality: step(b, *rule, *s, bad, !bad, v, r.tsMs, now); break;
        case RuleKind::Above:
          if (!bad) step(b, *rule, *s, v > rule->level, v < rule->clearLevel, v, r.tsMs, now);
          break;
        case RuleKind::Below:
          if (!bad) step(b, *rule, *s, v<rule->level, v> rule->clearLevel, v, r.tsMs, now);
          break;
        case RuleKind::Outside:
          if (!bad)
            step(b, *rule, *s, v < rule->low || v > rule->high, v >= rule->lowClear && v <= rule->highClear, v, r.tsMs,
                 now);
          break;
        case RuleKind::Rate: {
          if (bad) break;
          RuleState& st = state(b, {rule->id, s->def->id});
          if (st.hasPrevious && r.tsMs <= st.previousTsMs) break;  // out of order or duplicate: no rate
          const bool had = st.hasPrevious;
          const double rate =
              had ? std::fabs(v - st.previousValue) / (static_cast<double>(r.tsMs - st.previousTsMs) / 60000.0) : 0;
          st.hasPrevious = true;
          st.previousTsMs = r.tsMs;
          st.previousValue = v;
          if (had) step(b, *rule, *s, rate > rule->level, rate < rule->clearLevel, v, r.tsMs, now);
          break;
        }
      }
    }
  }

  void tickLocked(Batch& b, std::int64_t now) {
    for (auto& [id, live] : sensors) {
      for (const AlertRuleDef* rule : live.rules) {
        const Key key{rule->id, id};
        auto it = states.find(key);
        const RuleState current = it == states.end() ? RuleState{} : it->second;
        if (current.alertId != 0) continue;
        if (rule->kind == RuleKind::Stale) {
          if (static_cast<double>(now - live.lastSeenMs) >= rule->staleSeconds * 1000.0) {
            SensorRuntime* s = sensor(b, id);
            state(b, key).alertId = raise(b, *rule, *s, std::nan(""), now, now);
          }
        } else if (current.pendingSinceMs >= 0 &&
                   static_cast<double>(now - current.pendingSinceMs) >= rule->pendingSeconds * 1000.0) {
          SensorRuntime* s = sensor(b, id);
          RuleState& st = state(b, key);
          st.alertId = raise(b, *rule, *s, st.pendingValue, st.pendingTsMs, now);
          st.pendingSinceMs = -1;
        }
      }
    }
  }

  const AlertRuleDef* ruleById(const std::string& id) const {
    for (const AlertRuleDef& r : config.rules)
      if (r.id == id) return &r;
    return nullptr;
  }

  // An unacknowledged alert rises one severity per escalateAfterSeconds of engine clock since it
  // arrived (receivedMs, not the data time: a replayed 2013 alert escalates by how long it has
  // waited on screen).
  void escalateLocked(Batch& b, std::int64_t now) {
    for (const auto& [id, live] : alerts) {
      if (isAcknowledged(live.state) || live.severity == model::AlertSeverity::Critical) continue;
      if (foreign.count(id)) continue;  // the seat that raised it escalates it
      const AlertRuleDef* rule = ruleById(live.ruleId);
      if (!rule || !(rule->escalateAfterSeconds > 0)) continue;
      const double due = static_cast<double>(live.escalations + 1) * rule->escalateAfterSeconds * 1000.0;
      if (static_cast<double>(now - live.receivedMs) < due) continue;
      Alert* a = alert(b, id);
      const model::AlertSeverity from = a->severity;
      a->severity = escalated(from);
      ++a->escalations;
      record(b, *a, TransitionKind::Escalate, now, std::nan(""), "engine",
             std::string(model::alertSeverityName(from)) + " -> " + model::alertSeverityName(a->severity) +
                 ": unacknowledged for " + number(static_cast<double>(now - a->receivedMs) / 1000.0) + " s");
    }
  }

  // Another process (`twin alerts --ack`/`--assign`, another seat) changed the log: take over
  // its acknowledgements, clears, assignments and escalations of the alerts held here, so that
  // the next commit of one of them does not write the old state back, and show the open alerts
  // it raised. `force`: also when the store saw no change (after a refused commit).
  core::Result<bool> syncFromStore(bool force) {
    if (!store->changedElsewhere() && !force) return false;
    auto open = store->openAlerts();
    if (!open) return open.error();
    std::map<std::int64_t, Alert> inLog;
    for (Alert& a : *open) inLog.emplace(a.id, std::move(a));
    bool changed = false;
    for (auto it = alerts.begin(); it != alerts.end();) {
      Alert& a = it->second;
      std::optional<Alert> stored;
      if (auto found = inLog.find(it->first); found != inLog.end()) {
        stored = found->second;
      } else {
        auto read = store->alert(it->first);  // closed there (cleared and acknowledged), or gone
        if (!read) return read.error();
        stored = *read;
      }
      if (stored) {
        const Alert& s = *stored;
        if (isAcknowledged(s.state) && !isAcknowledged(a.state)) {
          a.state = isActive(a.state) ? AlertState::ActiveAcknowledged : AlertState::ClearedAcknowledged;
          a.ackMs = s.ackMs;
          a.ackBy = s.ackBy;
          a.ackComment = s.ackComment;
          changed = true;
        }
        if (!isActive(s.state) && isActive(a.state)) {
          a.state = isAcknowledged(a.state) ? AlertState::ClearedAcknowledged : AlertState::ClearedUnacknowledged;
          a.clearedMs = s.clearedMs;
          for (auto& [key, st] : states)
            if (st.alertId == a.id) {
              st.alertId = 0;
              st.pendingSinceMs = -1;
            }
          changed = true;
        }
        if (s.assignedMs > a.assignedMs) {
          a.assignee = s.assignee;
          a.assignedMs = s.assignedMs;
          changed = true;
        }
        if (s.escalations > a.escalations) {
          a.escalations = s.escalations;
          a.severity = s.severity;
          changed = true;
        }
      }
      if (a.state == AlertState::ClearedAcknowledged) {
        foreign.erase(it->first);
        it = alerts.erase(it);
      } else {
        ++it;
      }
    }
    for (auto& [id, a] : inLog)
      if (!alerts.count(id)) {
        // An active alert of a rule this engine judges for that sensor is the one it would have
        // raised (seats judging the same sensor share it): its readings clear it here too.
        auto s = sensors.find(a.sensorId);
        if (isActive(a.state) && s != sensors.end())
          for (const AlertRuleDef* rule : s->second.rules)
            if (rule->id == a.ruleId && states[{a.ruleId, a.sensorId}].alertId == 0) {
              RuleState& st = states[{a.ruleId, a.sensorId}];
              st.alertId = id;
              st.pendingSinceMs = -1;
            }
        alerts.emplace(id, std::move(a));
        foreign.insert(id);
        nextId = std::max(nextId, id + 1);
        changed = true;
      }
    if (changed) ++counters.external;
    return changed;
  }

  // Moves the batch's own alert ids (those >= firstNewId) up by `offset`, as the store wrote them.
  static void renumber(Batch& b, std::int64_t firstNewId, std::int64_t offset) {
    auto moved = [&](std::int64_t id) { return id >= firstNewId ? id + offset : id; };
    std::map<std::int64_t, Alert> alerts;
    for (auto& [id, a] : b.alerts) {
      a.id = moved(a.id);
      alerts.emplace(moved(id), std::move(a));
    }
    b.alerts = std::move(alerts);
    for (auto& [key, st] : b.states) st.alertId = st.alertId == 0 ? 0 : moved(st.alertId);
    for (Transition& t : b.transitions) t.alertId = moved(t.alertId);
    for (auto& [a, t] : b.shown) {
      a.id = moved(a.id);
      t.alertId = moved(t.alertId);
    }
    b.nextId += offset;
  }

  // Commits the batch; on success makes it live and returns the transitions to show.
  core::Status apply(Batch& b) {
    if (b.error) return *b.error;
    if (!b.transitions.empty()) {
      std::vector<Alert> changed;
      changed.reserve(b.alerts.size());
      for (const auto& [id, a] : b.alerts) changed.push_back(a);
      // Ids from nextId on were made in this batch; another writer of the log (a second
      // worker) may have taken them meanwhile, and then the store moves ours past its own.
      auto offset = store->commitNumbered(changed, b.transitions, nextId);
      if (!offset) return offset.error();
      if (*offset != 0) renumber(b, nextId, *offset);
    }
    for (auto& [key, st] : b.states) states[key] = st;
    for (auto& [id, s] : b.sensors) sensors[id] = s;
    for (auto& [id, a] : b.alerts) {
      if (a.state != AlertState::ClearedAcknowledged) {
        alerts[id] = a;
      } else {
        alerts.erase(id);
        foreign.erase(id);
      }
    }
    nextId = b.nextId;
    counters.readings += b.counters.readings;
    counters.qualityEvents += b.counters.qualityEvents;
    counters.raised += b.counters.raised;
    counters.acknowledged += b.counters.acknowledged;
    counters.cleared += b.counters.cleared;
    counters.changes += b.counters.changes;
    return core::Ok{};
  }

  Batch newBatch() const {
    Batch b;
    b.nextId = nextId;
    return b;
  }
};

core::Result<std::unique_ptr<AlertEngine>> AlertEngine::create(const model::SensorConfig& config, AlertStore& store,
                                                               const Clock& clock, const EngineOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->config = config;
  impl->store = &store;
  impl->clock = &clock;
  const std::int64_t now = clock.nowMs();
  for (const model::SensorDef& def : impl->config.sensors) {
    SensorRuntime s;
    s.def = &def;
    s.rules = impl->config.rulesFor(def);
    s.lastSeenMs = now;
    impl->sensors.emplace(def.id, std::move(s));
  }
  auto open = store.openAlerts();
  if (!open) return open.error();
  store.changedElsewhere();  // takes note of the log's version (drains notifications): later changes are others'
  for (const Alert& a : *open) {
    if (options.onlyConfiguredSensors && impl->sensors.count(a.sensorId) == 0) continue;
    impl->alerts[a.id] = a;
    if (!isActive(a.state)) continue;
    auto s = impl->sensors.find(a.sensorId);
    if (s == impl->sensors.end()) continue;
    for (const AlertRuleDef* rule : s->second.rules)
      if (rule->id == a.ruleId) impl->states[{a.ruleId, a.sensorId}].alertId = a.id;
  }
  auto maxId = store.maxAlertId();
  if (!maxId) return maxId.error();
  impl->nextId = *maxId + 1;
  return std::unique_ptr<AlertEngine>(new AlertEngine(std::move(impl)));
}

AlertEngine::AlertEngine(std::unique_ptr<Impl> impl) : _impl(std::move(impl)) {}
AlertEngine::~AlertEngine() = default;

void AlertEngine::setListener(Listener listener) {
  std::lock_guard<std::mutex> lock(_impl->mutex);
  _impl->listener = std::move(listener);
}

namespace {
template <class F>
core::Status runBatch(AlertEngine::Impl& impl, F&& body) {
  std::vector<std::pair<Alert, Transition>> shown;
  AlertEngine::Listener listener;
  {
    std::lock_guard<std::mutex> lock(impl.mutex);
    auto synced = impl.syncFromStore(false);
    if (!synced) return synced.error();
    auto b = impl.newBatch();
    auto status = body(b);
    if (!status) return status;
    status = impl.apply(b);
    if (!status) {
      // A shared log refuses a change another seat made first (or the write failed): take over
      // what the log holds now and do the work once more from there; a second failure is the
      // caller's (an acknowledgement made there says "already acknowledged" here).
      synced = impl.syncFromStore(true);
      if (!synced) return status;
      b = impl.newBatch();
      status = body(b);
      if (!status) return status;
      status = impl.apply(b);
      if (!status) return status;
    }
    shown = std::move(b.shown);
    listener = impl.listener;
  }
  if (listener)
    for (const auto& [a, t] : shown) listener(a, t);
  return core::Ok{};
}
}  // namespace

core::Result<bool> AlertEngine::takeOverChanges() {
  std::lock_guard<std::mutex> lock(_impl->mutex);
  return _impl->syncFromStore(false);
}

core::Status AlertEngine::process(const std::vector<sensors::Reading>& readings) {
  return runBatch(*_impl, [&](Impl::Batch& b) -> core::Status {
    const std::int64_t now = _impl->clock->nowMs();
    for (const sensors::Reading& r : readings) _impl->judge(b, r, now);
    return core::Ok{};
  });
}

core::Status AlertEngine::tick() {
  return runBatch(*_impl, [&](Impl::Batch& b) -> core::Status {
    const std::int64_t now = _impl->clock->nowMs();
    _impl->tickLocked(b, now);
    _impl->escalateLocked(b, now);
    return core::Ok{};
  });
}

core::Status AlertEngine::acknowledge(std::int64_t alertId, const std::string& who, const std::string& comment) {
  return runBatch(*_impl, [&](Impl::Batch& b) -> core::Status {
    const std::string where = "alerts::AlertEngine::acknowledge(): ";
    Alert* a = _impl->alert(b, alertId);
    if (!a) {
      auto stored = _impl->store->alert(alertId);
      if (!stored) return stored.error();
      if (!stored->has_value()) return fail(where + "no alert " + std::to_string(alertId));
      a = &(b.alerts[alertId] = **stored);
    }
    if (isAcknowledged(a->state)) return fail(where + "alert " + std::to_string(alertId) + " is already acknowledged");
    const std::int64_t now = _impl->clock->nowMs();
    a->state = isActive(a->state) ? AlertState::ActiveAcknowledged : AlertState::ClearedAcknowledged;
    a->ackMs = now;
    a->ackBy = who;
    a->ackComment = comment;
    ++b.counters.acknowledged;
    _impl->record(b, *a, TransitionKind::Acknowledge, now, std::nan(""), who, comment);
    return core::Ok{};
  });
}

core::Status AlertEngine::clear(std::int64_t alertId, const std::string& who, const std::string& comment) {
  return runBatch(*_impl, [&](Impl::Batch& b) -> core::Status {
    const std::string where = "alerts::AlertEngine::clear(): ";
    Alert* a = _impl->alert(b, alertId);
    if (a && !isActive(a->state)) return fail(where + "alert " + std::to_string(alertId) + " is already cleared");
    if (!a) {
      auto stored = _impl->store->alert(alertId);
      if (!stored) return stored.error();
      return fail(where + (stored->has_value() ? "alert " + std::to_string(alertId) + " is already cleared"
                                               : "no alert " + std::to_string(alertId)));
    }
    const Key key{a->ruleId, a->sensorId};
    _impl->clearAlert(b, alertId, std::nan(""), _impl->clock->nowMs(), who, comment);
    RuleState& st = _impl->state(b, key);
    if (st.alertId == alertId) {
      st.alertId = 0;
      st.pendingSinceMs = -1;
    }
    return core::Ok{};
  });
}

core::Status AlertEngine::assign(std::int64_t alertId, const std::string& assignee, const std::string& who) {
  return runBatch(*_impl, [&](Impl::Batch& b) -> core::Status {
    const std::string where = "alerts::AlertEngine::assign(): ";
    if (assignee.empty()) return fail(where + "alert " + std::to_string(alertId) + ": no assignee given");
    Alert* a = _impl->alert(b, alertId);
    if (!a) {
      auto stored = _impl->store->alert(alertId);
      if (!stored) return stored.error();
      if (!stored->has_value()) return fail(where + "no alert " + std::to_string(alertId));
      a = &(b.alerts[alertId] = **stored);
    }
    const std::int64_t now = _impl->clock->nowMs();
    a->assignee = assignee;
    a->assignedMs = now;
    _impl->record(b, *a, TransitionKind::Assign, now, std::nan(""), who, assignee);
    return core::Ok{};
  });
}

void AlertEngine::setLinkStatus(const std::string& sensorId, const std::string& status) {
  std::lock_guard<std::mutex> lock(_impl->mutex);
  auto it = _impl->sensors.find(sensorId);
  if (it != _impl->sensors.end()) it->second.link = status;
}

std::vector<Alert> AlertEngine::activeAlerts() const {
  std::lock_guard<std::mutex> lock(_impl->mutex);
  std::vector<Alert> out;
  for (const auto& [id, a] : _impl->alerts)
    if (isActive(a.state)) out.push_back(a);
  return out;
}

std::vector<Alert> AlertEngine::openAlerts() const {
  std::vector<Alert> out;
  {
    std::lock_guard<std::mutex> lock(_impl->mutex);
    for (const auto& [id, a] : _impl->alerts) out.push_back(a);
  }
  sortForList(out);
  return out;
}

void sortForList(std::vector<Alert>& alerts) {
  std::stable_sort(alerts.begin(), alerts.end(), [](const Alert& a, const Alert& b) {
    if (a.severity != b.severity) return moreSevere(a.severity, b.severity);
    if (a.raisedMs != b.raisedMs) return a.raisedMs > b.raisedMs;
    return a.id > b.id;
  });
}

std::array<int, 4> AlertEngine::activeBySeverity() const {
  std::lock_guard<std::mutex> lock(_impl->mutex);
  std::array<int, 4> counts{};
  for (const auto& [id, a] : _impl->alerts)
    if (isActive(a.state)) ++counts[static_cast<int>(a.severity)];
  return counts;
}

std::vector<SensorState> AlertEngine::sensorStates() const {
  std::lock_guard<std::mutex> lock(_impl->mutex);
  std::vector<SensorState> out;
  for (const model::SensorDef& def : _impl->config.sensors) {
    const SensorRuntime& s = _impl->sensors.at(def.id);
    SensorState st;
    st.sensorId = def.id;
    st.hasValue = s.hasValue;
    st.lastTsMs = s.lastTsMs;
    st.lastValue = s.lastValue;
    st.lastSeenMs = s.seen ? s.lastSeenMs : 0;
    st.linkStatus = s.link;
    for (const auto& [id, a] : _impl->alerts) {
      if (a.sensorId != def.id || !isActive(a.state)) continue;
      ++st.activeAlerts;
      if (a.kind == RuleKind::Stale) st.stale = true;
      if (!st.hasAlert || a.severity < st.worstSeverity) st.worstSeverity = a.severity;
      st.hasAlert = true;
    }
    st.online = s.seen && !st.stale && s.link != "offline";
    out.push_back(std::move(st));
  }
  return out;
}

EngineCounters AlertEngine::counters() const {
  std::lock_guard<std::mutex> lock(_impl->mutex);
  return _impl->counters;
}

std::optional<model::AlertRuleDef> AlertEngine::rule(const std::string& ruleId) const {
  const AlertRuleDef* r = _impl->ruleById(ruleId);
  return r ? std::optional<model::AlertRuleDef>(*r) : std::nullopt;
}

const model::SensorConfig& AlertEngine::config() const { return _impl->config; }

std::vector<model::AlertRuleDef> AlertEngine::rulesFor(const std::string& sensorId) const {
  std::vector<model::AlertRuleDef> out;
  const model::SensorDef* def = _impl->config.find(sensorId);
  if (!def) return out;
  for (const AlertRuleDef* r : _impl->config.rulesFor(*def)) out.push_back(*r);
  return out;
}

}  // namespace twin::alerts
