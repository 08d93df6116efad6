#include "runs/logstore.h"

#include "clock.h"
#include "storage/database.h"
#include "storage/sqlerror.h"

#include <QSqlQuery>

namespace dynamight {

LogStore::LogStore(std::shared_ptr<Database> database)
    : m_database(std::move(database))
{
}

Result<QList<LogEntry>> LogStore::append(QList<LogEntry> entries)
{
    const auto db = m_database->connection(Database::Schema::Logs);
    QSqlQuery query(db);
    const Status stored = inTransaction(db, [&]() -> Status {
        if (!query.prepare(QStringLiteral("INSERT INTO log_entries (run_id, timestamp, level, message) "
                                          "VALUES (?, ?, ?, ?)"))) {
            return sqlError(query.lastError(), QStringLiteral("INSERT INTO log_entries"));
        }
        for (LogEntry &entry : entries) {
            query.addBindValue(entry.runId);
            query.addBindValue(toStoredTime(entry.timestamp));
            query.addBindValue(logLevelName(entry.level));
            query.addBindValue(entry.message);
            if (!query.exec())
                return sqlError(query.lastError(), QStringLiteral("INSERT INTO log_entries"));
            entry.id = query.lastInsertId().toLongLong();
        }
        return {};
    });
    if (!stored)
        return stored.error();
    return entries;
}

Result<QList<LogEntry>> LogStore::list(qint64 runId, const Filter &filter) const
{
    QString sql = QStringLiteral("SELECT id, run_id, timestamp, level, message FROM log_entries "
                                 "WHERE run_id = ? AND id > ?");
    QVariantList values{runId, filter.afterId};
    if (filter.level) {
        sql += QStringLiteral(" AND level = ?");
        values.append(logLevelName(*filter.level));
    }
    sql += QStringLiteral(" ORDER BY id LIMIT ? OFFSET ?");
    values << filter.limit << filter.offset;

    auto query = execute(m_database->connection(Database::Schema::Logs), sql, values);
    if (!query)
        return query.error();
    QList<LogEntry> entries;
    while (query->next()) {
        LogEntry entry;
        entry.id = query->value(0).toLongLong();
        entry.runId = query->value(1).toLongLong();
        entry.timestamp = fromStoredTime(query->value(2).toString());
        entry.level = logLevelFromName(query->value(3).toString()).value_or(LogLevel::Info);
        entry.message = query->value(4).toString();
        entries.append(entry);
    }
    return entries;
}

Status LogStore::removeForRuns(const QList<qint64> &runIds)
{
    if (runIds.isEmpty())
        return {};
    const auto db = m_database->connection(Database::Schema::Logs);
    return inTransaction(db, [&]() -> Status {
        QSqlQuery query(db);
        if (!query.prepare(QStringLiteral("DELETE FROM log_entries WHERE run_id = ?")))
            return sqlError(query.lastError(), QStringLiteral("DELETE FROM log_entries"));
        for (qint64 runId : runIds) {
            query.addBindValue(runId);
            if (!query.exec())
                return sqlError(query.lastError(), QStringLiteral("DELETE FROM log_entries"));
        }
        return {};
    });
}

} // namespace dynamight
