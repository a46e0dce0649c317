#include "twin/core/Diagnostics.h"

namespace twin::core {

std::string formatDiagnostic(const Diagnostic& d) {
  std::string out;
  if (!d.where.empty()) out += d.where + ": ";
  std::string subject = d.file;
  for (const std::string* part : {&d.layer, &d.recordId}) {
    if (part->empty()) continue;
    if (!subject.empty()) subject += ' ';
    subject += *part;
  }
  if (!subject.empty()) out += subject + ": ";
  out += d.message;
  if (!d.action.empty()) out += "; " + d.action;
  return out;
}

Diagnostics::Diagnostics(const Diagnostics& other) { *this = other; }

Diagnostics& Diagnostics::operator=(const Diagnostics& other) {
  if (this == &other) return *this;
  std::scoped_lock lock(_mutex, other._mutex);
  _maxKept = other._maxKept;
  _total = other._total;
  for (int i = 0; i < 3; ++i) _bySeverity[i] = other._bySeverity[i];
  _byMessage = other._byMessage;
  _items = other._items;
  return *this;
}

void Diagnostics::add(Diagnostic d) {
  std::lock_guard<std::mutex> lock(_mutex);
  ++_total;
  ++_bySeverity[static_cast<int>(d.severity)];
  ++_byMessage[d.message];
  if (_items.size() < _maxKept) _items.push_back(std::move(d));
}

void Diagnostics::add(Severity severity, std::string where, std::string file, std::string layer, std::string recordId,
                      std::string message, std::string action) {
  add(Diagnostic{severity, std::move(where), std::move(file), std::move(layer), std::move(recordId), std::move(message),
                 std::move(action)});
}

void Diagnostics::merge(const Diagnostics& other) {
  if (this == &other) return;
  std::scoped_lock lock(_mutex, other._mutex);
  _total += other._total;
  for (int i = 0; i < 3; ++i) _bySeverity[i] += other._bySeverity[i];
  for (const auto& [message, n] : other._byMessage) _byMessage[message] += n;
  for (const Diagnostic& d : other._items) {
    if (_items.size() >= _maxKept) break;
    _items.push_back(d);
  }
}

std::size_t Diagnostics::total() const {
  std::lock_guard<std::mutex> lock(_mutex);
  return _total;
}

std::size_t Diagnostics::count(Severity severity) const {
  std::lock_guard<std::mutex> lock(_mutex);
  return _bySeverity[static_cast<int>(severity)];
}

std::vector<Diagnostic> Diagnostics::items() const {
  std::lock_guard<std::mutex> lock(_mutex);
  return _items;
}

std::map<std::string, std::size_t> Diagnostics::countByMessage() const {
  std::lock_guard<std::mutex> lock(_mutex);
  return _byMessage;
}

}  // namespace twin::core
