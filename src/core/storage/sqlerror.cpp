#include "storage/sqlerror.h"

#include "logging.h"

#include <functional>

namespace dynamight {

Error sqlError(const QSqlError &error, const QString &context)
{
    const QString text = error.databaseText();
    if (text.contains(QLatin1String("UNIQUE constraint failed"))
        || text.contains(QLatin1String("FOREIGN KEY constraint failed"))) {
        return Error::conflict(text);
    }
    qCWarning(lcStorage).noquote() << "Failed to run" << context << "cause:" << error.text();
    return Error::storage(QStringLiteral("Database error: %1").arg(error.text()));
}

Result<QSqlQuery> execute(const QSqlDatabase &db, const QString &sql, const QVariantList &values)
{
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        return sqlError(query.lastError(), sql);
    for (const QVariant &value : values)
        query.addBindValue(value);
    if (!query.exec())
        return sqlError(query.lastError(), sql);
    return query;
}

Status inTransaction(QSqlDatabase db, const std::function<Status()> &work)
{
    if (!db.transaction())
        return sqlError(db.lastError(), QStringLiteral("BEGIN"));

    const Status status = work();
    if (!status) {
        db.rollback();
        return status;
    }
    if (!db.commit()) {
        const Error error = sqlError(db.lastError(), QStringLiteral("COMMIT"));
        db.rollback();
        return error;
    }
    return {};
}

} // namespace dynamight
