#pragma once

#include "result.h"
#include "storage/database.h"

namespace dynamight {

// Brings the schema up to the newest version this build supports, in one transaction. A database
// written by a newer build is rejected rather than modified.
Status runMigrations(QSqlDatabase db, Database::Schema schema);

// The newest schema version this build supports.
int latestSchemaVersion(Database::Schema schema);

} // namespace dynamight
