// AlarmHistoryModel: reads the alert log on change only, filters and pages in memory.
#include "twin/ui/AlarmHistory.h"

#include <algorithm>
#include <utility>

namespace twin::ui {
namespace {

constexpr std::int64_t kMinuteMs = 60 * 1000;

char lowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lowered(const std::string& s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), lowerAscii);
  return out;
}

std::string trimmed(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  const auto last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

bool stateMatches(alerts::AlertState s, HistoryStateFilter filter) {
  switch (filter) {
    case HistoryStateFilter::All: return true;
    case HistoryStateFilter::Active: return alerts::isActive(s);
    case HistoryStateFilter::Cleared: return !alerts::isActive(s);
    case HistoryStateFilter::Unacknowledged: return !alerts::isAcknowledged(s);
    case HistoryStateFilter::Acknowledged: return alerts::isAcknowledged(s);
  }
  return true;
}

}  // namespace

std::int64_t historyPeriodMs(HistoryPeriod period) {
  switch (period) {
    case HistoryPeriod::Day: return 24 * 3600 * 1000LL;
    case HistoryPeriod::Week: return 7 * 24 * 3600 * 1000LL;
    case HistoryPeriod::All: return 0;
  }
  return 0;
}

bool historyMatches(const alerts::Alert& alert, const HistoryFilter& filter, const std::string& described) {
  const auto severity = std::size_t(alert.severity);
  if (severity >= filter.severities.size() || !filter.severities[severity]) return false;
  if (!stateMatches(alert.state, filter.state)) return false;
  const std::string needle = lowered(trimmed(filter.text));
  if (needle.empty()) return true;
  for (const std::string* haystack :
       {&alert.sensorId, &alert.building, &alert.ruleId, &alert.message, &described, &alert.assignee, &alert.ackBy})
    if (lowered(*haystack).find(needle) != std::string::npos) return true;
  return false;
}

AlarmHistoryModel::AlarmHistoryModel(alerts::AlertStore& store, std::size_t pageSize, std::size_t maxRows)
    : _store(store), _pageSize(std::max<std::size_t>(1, pageSize)), _maxRows(maxRows) {
  _store.changedElsewhere();  // the first call only takes note of the log's version
}

void AlarmHistoryModel::setFilter(const HistoryFilter& filter) {
  if (filter == _filter) return;
  _filter = filter;
  _page = 0;
  _stale = true;
}

void AlarmHistoryModel::setDescribe(Describe describe) {
  _describe = std::move(describe);
  _stale = true;
}

// The period's start on the scene clock, rounded down to a whole minute: the view re-reads as
// the clock runs, but at most once a minute (a replay's clock may run hours per second; it then
// re-reads each frame, which is what an officer scrubbing through data time wants).
std::optional<std::int64_t> AlarmHistoryModel::periodStart() const {
  const std::int64_t span = historyPeriodMs(_filter.period);
  if (span == 0 || _nowMs <= 0) return std::nullopt;
  const std::int64_t start = _nowMs - span;
  return start - ((start % kMinuteMs) + kMinuteMs) % kMinuteMs;
}

core::Status AlarmHistoryModel::refresh() {
  const bool changed = _store.changedElsewhere();
  if (!_stale && !changed && periodStart() == _readStart) return core::Ok{};
  auto rows = readRows();
  // The selected alarm's transitions follow the log (an acknowledgement adds one).
  if (rows && (changed || _stale) && _selectedId != 0) rows = readSelected();
  return rows;
}

core::Status AlarmHistoryModel::readRows() {
  alerts::AlertQuery query;
  query.sinceMs = periodStart();
  query.limit = _maxRows == 0 ? 0 : _maxRows + 1;  // one more tells whether there were more
  ++_reads;
  auto read = _store.history(query);
  if (!read) {
    _lastError = read.error().message;
    return read.error();
  }
  _lastError.clear();
  std::vector<alerts::Alert> all = std::move(read).value();
  _truncated = _maxRows != 0 && all.size() > _maxRows;
  if (_truncated) all.resize(_maxRows);
  _rows.clear();
  for (alerts::Alert& a : all)
    if (historyMatches(a, _filter, _describe ? _describe(a) : std::string())) _rows.push_back(std::move(a));
  _readStart = query.sinceMs;
  _stale = false;
  _page = std::min(_page, pageCount() - 1);
  return core::Ok{};
}

core::Status AlarmHistoryModel::readSelected() {
  _transitions.clear();
  _selectedAlert.reset();
  if (_selectedId == 0) return core::Ok{};
  ++_reads;
  auto alert = _store.alert(_selectedId);
  if (!alert) {
    _lastError = alert.error().message;
    return alert.error();
  }
  if (!*alert) {
    _selectedId = 0;
    return core::Ok{};
  }
  auto transitions = _store.transitions(_selectedId);
  if (!transitions) {
    _lastError = transitions.error().message;
    return transitions.error();
  }
  _selectedAlert = std::move(*alert);
  _transitions = std::move(transitions).value();
  return core::Ok{};
}

core::Status AlarmHistoryModel::select(std::int64_t alertId) {
  if (alertId == _selectedId && (alertId == 0 || _selectedAlert)) return core::Ok{};
  _selectedId = alertId;
  return readSelected();
}

std::size_t AlarmHistoryModel::pageCount() const {
  return std::max<std::size_t>(1, (_rows.size() + _pageSize - 1) / _pageSize);
}

void AlarmHistoryModel::setPage(std::size_t page) { _page = std::min(page, pageCount() - 1); }

std::size_t AlarmHistoryModel::pageBegin() const { return std::min(_rows.size(), _page * _pageSize); }

std::size_t AlarmHistoryModel::pageEnd() const { return std::min(_rows.size(), pageBegin() + _pageSize); }

}  // namespace twin::ui
