// The PostgreSQL alert log (libpq), private to the alerts module: AlertStore::open() chooses it
// for a postgresql:// or postgres:// location.
#pragma once

#include <memory>
#include <string>

#include "twin/alerts/AlertStore.h"

namespace twin::alerts {

/** Connects to `uri` (a libpq URI), creates or checks the schema, and LISTENs on twin_alerts.
    See AlertStore for the contract. */
core::Result<std::unique_ptr<AlertStore>> openPgAlertStore(const std::string& uri, Durability durability);

/** `uri` with the password of its user part, if any, replaced by "***", for messages. */
std::string redactedUri(const std::string& uri);

}  // namespace twin::alerts
