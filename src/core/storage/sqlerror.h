#pragma once

#include "result.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariantList>

#include <functional>

namespace dynamight {

// Turns a failed statement into the project's error: a UNIQUE or FOREIGN KEY violation becomes a
// Conflict, anything else a Storage error that names what was being done.
Error sqlError(const QSqlError &error, const QString &context);

// Prepares sql on db, binds the values in order and executes it.
Result<QSqlQuery> execute(const QSqlDatabase &db, const QString &sql,
                          const QVariantList &values = {});

// Runs work inside one transaction, committing when it succeeds and rolling back otherwise.
Status inTransaction(QSqlDatabase db, const std::function<Status()> &work);

} // namespace dynamight
