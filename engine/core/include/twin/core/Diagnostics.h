// Diagnostics: per-record problems found while reading outside data (a skipped or repaired
// feature, an out-of-range value), each naming its file, layer and record.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace twin::core {

enum class Severity { Info, Warning, Error };

/** One problem with one record. `action` says what the engine did ("skipped", "repaired", ...). */
struct Diagnostic {
  Severity severity = Severity::Warning;
  std::string where;     // function that found it, e.g. "geo::readVector()"
  std::string file;      // file name (not the full path) or connection string
  std::string layer;     // layer name, may be empty
  std::string recordId;  // e.g. "way 48213377", "relation 12", "fid 7", may be empty
  std::string message;   // what is wrong, e.g. "building ring not closed"
  std::string action;    // e.g. "skipped", "repaired", "clamped to 300 m"
};

/** "geo::readVector(): cau.osm multipolygons way 48213377: building ring not closed; repaired" */
std::string formatDiagnostic(const Diagnostic& d);

/** A list of diagnostics. Thread-safe: add() may be called from several threads. Keeps at most
    `maxKept` items in full (the first ones) but counts every one, so nothing goes unreported:
    countBy() and total() include the dropped ones and the UI says "and N more". */
class Diagnostics {
 public:
  explicit Diagnostics(std::size_t maxKept = 100000) : _maxKept(maxKept) {}
  Diagnostics(const Diagnostics& other);
  Diagnostics& operator=(const Diagnostics& other);

  void add(Diagnostic d);
  void add(Severity severity, std::string where, std::string file, std::string layer, std::string recordId,
           std::string message, std::string action);
  /** Appends all of `other`'s items and counts. */
  void merge(const Diagnostics& other);

  std::size_t total() const;  // every diagnostic added, kept or not
  std::size_t count(Severity severity) const;
  std::vector<Diagnostic> items() const;  // the kept ones, in the order added
  /** Counts keyed by message text (e.g. "building ring not closed" -> 3). */
  std::map<std::string, std::size_t> countByMessage() const;
  bool empty() const { return total() == 0; }

 private:
  mutable std::mutex _mutex;
  std::size_t _maxKept;
  std::size_t _total = 0;
  std::size_t _bySeverity[3] = {0, 0, 0};
  std::map<std::string, std::size_t> _byMessage;
  std::vector<Diagnostic> _items;
};

}  // namespace twin::core
