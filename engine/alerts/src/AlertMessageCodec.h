// What the SQLite and the PostgreSQL alert logs share in how they keep an alert in text
// columns: its message parts (Alert::messageParts) in message_key and message_args, and its
// rule kind by name.
#pragma once

#include <string>

#include "twin/alerts/Alert.h"

namespace twin::alerts {

/** message_args for `parts`: {"args": [...], "rule", "rule_en", "sensor", "sensor_en"}; empty
    when the parts have no key. */
std::string messageArgsJson(const AlertMessageParts& parts);

/** The parts back from the two columns; an args text that does not parse gives parts without a
    key, so that the reader shows the stored message (another program may have written it). */
AlertMessageParts messageParts(const std::string& key, const std::string& args);

/** The rule kind named `name` (model::ruleKindName()); false for an unknown name. */
bool ruleKindFromName(const std::string& name, model::RuleKind& out);

}  // namespace twin::alerts
