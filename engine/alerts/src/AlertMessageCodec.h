// How an alert's message parts (Alert::messageParts) are kept in a log's text columns
// message_key and message_args, the same in the SQLite and the PostgreSQL store.
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

}  // namespace twin::alerts
