// The alarm history view's model: past alarms from the alert log (cleared and acknowledged
// included), filtered, paged, and the transitions of the selected one. No ImGui here: the
// window that shows it is ui::AlarmHistoryPanel; tests drive this model with a real AlertStore.
// Sections:
//   HistoryFilter ....... what a duty officer filters by (severity, state, text, period)
//   historyMatches() .... the filter applied to one alarm (pure)
//   AlarmHistoryModel ... query on change, paging, selection with its transitions
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "twin/alerts/Alert.h"
#include "twin/alerts/AlertStore.h"
#include "twin/core/Result.h"

namespace twin::ui {

/** Which alarms by state: All; Active (active_unack, active_ack); Cleared (cleared_unack,
    cleared_ack); Unacknowledged (active_unack, cleared_unack); Acknowledged (active_ack,
    cleared_ack). */
enum class HistoryStateFilter { All, Active, Cleared, Unacknowledged, Acknowledged };

/** How far back from the scene clock: alarms raised (data time) at or after the clock less 24
    hours, less 7 days, or everything. A period has a start only: an alarm stamped ahead of the
    clock (a sensor's clock a little fast) still shows. */
enum class HistoryPeriod { Day, Week, All };
/** The span of a period in ms; 0 for All. */
std::int64_t historyPeriodMs(HistoryPeriod period);

struct HistoryFilter {
  std::array<bool, 4> severities{{true, true, true, true}};  // index: model::AlertSeverity (current severity)
  HistoryStateFilter state = HistoryStateFilter::All;
  /** Case-insensitive (ASCII letters; other bytes as they are) substring of the alarm's sensor
      id, building reference, rule id, message, or the model's describe() text (place, rule and
      sensor names as the panels show them). Empty = any. Leading and trailing spaces are
      ignored. */
  std::string text;
  HistoryPeriod period = HistoryPeriod::All;

  bool operator==(const HistoryFilter& other) const {
    return severities == other.severities && state == other.state && text == other.text && period == other.period;
  }
  bool operator!=(const HistoryFilter& other) const { return !(*this == other); }
};

/** True when `alert` passes the filter's severity, state and text (the period is the query's,
    not checked here). `described` is the extra searchable text for the alert (may be empty). */
bool historyMatches(const alerts::Alert& alert, const HistoryFilter& filter, const std::string& described);

/** The history view's data. It reads the alert log only in refresh(), and only when something
    changed since the last read: the filter, the period's start (which moves with the scene
    clock, counted in whole minutes so that a running clock re-reads at most once a minute),
    or the log (another connection committed: the viewer's monitor, `twin alerts --ack`; seen
    through AlertStore::changedElsewhere() on this model's own connection). Drawing a frame
    without a change costs the database one `PRAGMA data_version`.
    Rows are newest raised first (data time), ties by highest id. At most `maxRows` of the
    newest alarms in the period are read and filtered (truncated() says when there were more).
    Not thread-safe; `store` must outlive the model and should be a connection of its own (the
    engine's connection does its own change tracking). */
class AlarmHistoryModel {
 public:
  /** Extra searchable text for an alarm (the place and names the panels show). */
  using Describe = std::function<std::string(const alerts::Alert&)>;

  /** pageSize 0 is taken as 1; maxRows 0 = no limit. */
  explicit AlarmHistoryModel(alerts::AlertStore& store, std::size_t pageSize = 100, std::size_t maxRows = 20000);

  /** A different filter re-reads at the next refresh() and goes back to the first page. */
  void setFilter(const HistoryFilter& filter);
  const HistoryFilter& filter() const { return _filter; }
  void setDescribe(Describe describe);
  /** The scene clock (UTC epoch ms) the period counts back from: data time in a replay, the
      wall clock live. 0 = unknown: a period other than All then has no start (all rows). */
  void setNowMs(std::int64_t nowMs) { _nowMs = nowMs; }

  /** Reads the log when needed (see the class comment). On a read error the previous rows stay
      and the error is returned (and kept in lastError() until a read succeeds). */
  core::Status refresh();

  /** Every matching alarm, newest first. */
  const std::vector<alerts::Alert>& rows() const { return _rows; }
  /** True when the period held more than maxRows alarms: only the newest were filtered. */
  bool truncated() const { return _truncated; }
  std::size_t pageSize() const { return _pageSize; }
  /** At least 1 (an empty result has one empty page). */
  std::size_t pageCount() const;
  /** 0-based; clamped to the last page after each read. */
  std::size_t page() const { return _page; }
  /** Goes to `page`, clamped to [0, pageCount() - 1]. */
  void setPage(std::size_t page);
  /** Indices into rows() of the current page: [first, last). */
  std::size_t pageBegin() const;
  std::size_t pageEnd() const;

  /** Selects an alarm by id (0 = none) and reads its transitions; they are read again when
      the log changes. An id no longer in the log reads no transitions and selects nothing. */
  core::Status select(std::int64_t alertId);
  std::int64_t selectedId() const { return _selectedId; }
  /** The selected alarm as last read (also when the filter now hides it); nullopt when none. */
  const std::optional<alerts::Alert>& selectedAlert() const { return _selectedAlert; }
  /** Its transitions in the order the log wrote them (raise, escalate, ack, assign, clear). */
  const std::vector<alerts::Transition>& selectedTransitions() const { return _transitions; }

  /** How many times the model has read the log (rows or transitions): a refresh() without a
      change adds nothing. */
  std::uint64_t reads() const { return _reads; }
  const std::string& lastError() const { return _lastError; }

 private:
  std::optional<std::int64_t> periodStart() const;
  core::Status readRows();
  core::Status readSelected();

  alerts::AlertStore& _store;
  std::size_t _pageSize, _maxRows;
  HistoryFilter _filter;
  Describe _describe;
  std::int64_t _nowMs = 0;
  bool _stale = true;                      // the next refresh() reads
  std::optional<std::int64_t> _readStart;  // periodStart() of the last read
  std::vector<alerts::Alert> _rows;
  bool _truncated = false;
  std::size_t _page = 0;
  std::int64_t _selectedId = 0;
  std::optional<alerts::Alert> _selectedAlert;
  std::vector<alerts::Transition> _transitions;
  std::uint64_t _reads = 0;
  std::string _lastError;
};

}  // namespace twin::ui
