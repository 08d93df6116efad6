#include "runs/runstore.h"

#include "clock.h"
#include "storage/database.h"
#include "storage/sqlerror.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>

namespace dynamight {

namespace {

const QString selectColumns = QStringLiteral(
    "SELECT id, job_id, job_name, status, trigger, schedule_id, queued_at, started_at, "
    "completed_at, files_transferred, bytes_transferred, files_deleted, exit_code, "
    "error_message, commands FROM runs");

const QString finishedCondition = QStringLiteral("status NOT IN ('pending', 'running')");

QList<QStringList> commandsFromJson(const QString &text)
{
    QList<QStringList> commands;
    const QJsonArray array = QJsonDocument::fromJson(text.toUtf8()).array();
    for (const QJsonValue &command : array) {
        QStringList arguments;
        for (const QJsonValue &argument : command.toArray())
            arguments.append(argument.toString());
        commands.append(arguments);
    }
    return commands;
}

Run runFromRow(const QSqlQuery &query)
{
    Run run;
    run.id = query.value(0).toLongLong();
    run.jobId = query.value(1).toLongLong();
    run.jobName = query.value(2).toString();
    run.status = runStatusFromName(query.value(3).toString()).value_or(RunStatus::Failed);
    run.trigger = runTriggerFromName(query.value(4).toString()).value_or(RunTrigger::Manual);
    if (!query.value(5).isNull())
        run.scheduleId = query.value(5).toLongLong();
    run.queuedAt = fromStoredTime(query.value(6).toString());
    run.startedAt = fromStoredTime(query.value(7).toString());
    run.completedAt = fromStoredTime(query.value(8).toString());
    run.counters.filesTransferred = query.value(9).toLongLong();
    run.counters.bytesTransferred = query.value(10).toLongLong();
    run.counters.filesDeleted = query.value(11).toLongLong();
    if (!query.value(12).isNull())
        run.exitCode = query.value(12).toInt();
    run.errorMessage = query.value(13).toString();
    run.commands = commandsFromJson(query.value(14).toString());
    return run;
}

Result<QList<qint64>> collectIds(Result<QSqlQuery> query)
{
    if (!query)
        return query.error();
    QList<qint64> ids;
    while (query->next())
        ids.append(query->value(0).toLongLong());
    return ids;
}

} // namespace

RunStore::RunStore(std::shared_ptr<Database> database)
    : m_database(std::move(database))
{
}

Result<Run> RunStore::create(qint64 jobId, const QString &jobName, RunTrigger trigger,
                             std::optional<qint64> scheduleId, const QDateTime &queuedAt)
{
    const QVariant schedule = scheduleId ? QVariant(*scheduleId) : QVariant(QMetaType::fromType<qint64>());
    auto query = execute(m_database->connection(Database::Schema::Main),
                         QStringLiteral("INSERT INTO runs (job_id, job_name, status, trigger, "
                                        "schedule_id, queued_at) VALUES (?, ?, 'pending', ?, ?, ?)"),
                         {jobId, jobName, runTriggerName(trigger), schedule, toStoredTime(queuedAt)});
    if (!query)
        return query.error();
    return find(query->lastInsertId().toLongLong());
}

Status RunStore::markRunning(qint64 runId, const QDateTime &startedAt)
{
    auto query = execute(m_database->connection(Database::Schema::Main),
                         QStringLiteral("UPDATE runs SET status = 'running', started_at = ? WHERE id = ?"),
                         {toStoredTime(startedAt), runId});
    return query ? Status() : query.error();
}

Status RunStore::addProcess(qint64 runId, qint64 processId, const QStringList &command)
{
    auto run = find(runId);
    if (!run)
        return run.error();

    QJsonArray commands;
    for (const QStringList &existing : run->commands)
        commands.append(QJsonArray::fromStringList(existing));
    commands.append(QJsonArray::fromStringList(command));
    const QString json = QString::fromUtf8(QJsonDocument(commands).toJson(QJsonDocument::Compact));
    auto query = execute(m_database->connection(Database::Schema::Main),
                         QStringLiteral("UPDATE runs SET process_id = ?, commands = ? WHERE id = ?"),
                         {processId, json, runId});
    return query ? Status() : query.error();
}

Status RunStore::finish(qint64 runId, const RunOutcome &outcome, const QDateTime &completedAt)
{
    const QVariant exitCode = outcome.exitCode ? QVariant(*outcome.exitCode) : QVariant(QMetaType::fromType<int>());
    const QVariant message = outcome.errorMessage.isEmpty() ? QVariant(QMetaType::fromType<QString>())
                                                            : QVariant(outcome.errorMessage);
    auto query = execute(m_database->connection(Database::Schema::Main),
                         QStringLiteral("UPDATE runs SET status = ?, completed_at = ?, "
                                        "files_transferred = ?, bytes_transferred = ?, "
                                        "files_deleted = ?, exit_code = ?, error_message = ?, "
                                        "process_id = NULL WHERE id = ?"),
                         {runStatusName(outcome.status), toStoredTime(completedAt),
                          outcome.counters.filesTransferred, outcome.counters.bytesTransferred,
                          outcome.counters.filesDeleted, exitCode, message, runId});
    return query ? Status() : query.error();
}

Result<Run> RunStore::find(qint64 runId) const
{
    auto query = execute(m_database->connection(Database::Schema::Main),
                         selectColumns + QStringLiteral(" WHERE id = ?"), {runId});
    if (!query)
        return query.error();
    if (!query->next())
        return Error::notFound(QStringLiteral("Run %1 not found").arg(runId));
    return runFromRow(*query);
}

Result<QList<Run>> RunStore::listForJob(qint64 jobId, int limit, int offset) const
{
    auto query = execute(m_database->connection(Database::Schema::Main),
                         selectColumns + QStringLiteral(" WHERE job_id = ? ORDER BY id DESC LIMIT ? OFFSET ?"),
                         {jobId, limit, offset});
    if (!query)
        return query.error();
    QList<Run> runs;
    while (query->next())
        runs.append(runFromRow(*query));
    return runs;
}

Result<std::optional<Run>> RunStore::lastRun(qint64 jobId) const
{
    auto runs = listForJob(jobId, 1, 0);
    if (!runs)
        return runs.error();
    return runs->isEmpty() ? std::optional<Run>() : std::optional<Run>(runs->first());
}

Result<QList<RunStore::InterruptedRun>> RunStore::failInterruptedRuns(const QString &message,
                                                                        const QDateTime &now)
{
    const auto db = m_database->connection(Database::Schema::Main);
    auto query = execute(db, QStringLiteral("SELECT id, process_id FROM runs WHERE status IN ('pending', 'running')"));
    if (!query)
        return query.error();
    QList<InterruptedRun> interrupted;
    while (query->next()) {
        InterruptedRun run;
        run.runId = query->value(0).toLongLong();
        if (!query->value(1).isNull())
            run.processId = query->value(1).toLongLong();
        interrupted.append(run);
    }

    auto update = execute(db,
                          QStringLiteral("UPDATE runs SET status = 'failed', error_message = ?, "
                                         "completed_at = ?, process_id = NULL "
                                         "WHERE status IN ('pending', 'running')"),
                          {message, toStoredTime(now)});
    if (!update)
        return update.error();
    return interrupted;
}

Result<QList<qint64>> RunStore::prune(qint64 jobId, int keep)
{
    auto ids = collectIds(execute(m_database->connection(Database::Schema::Main),
                                  QStringLiteral("SELECT id FROM runs WHERE job_id = ? AND ")
                                      + finishedCondition
                                      + QStringLiteral(" ORDER BY id DESC LIMIT -1 OFFSET ?"),
                                  {jobId, keep}));
    if (!ids || ids->isEmpty())
        return ids;
    QStringList placeholders;
    QVariantList values;
    for (qint64 id : *ids) {
        placeholders.append(QStringLiteral("?"));
        values.append(id);
    }
    return removeWhere(QStringLiteral("id IN (%1)").arg(placeholders.join(QLatin1Char(','))), values);
}

Result<QList<qint64>> RunStore::removeRun(qint64 runId)
{
    return removeWhere(QStringLiteral("id = ?"), {runId});
}

Result<QList<qint64>> RunStore::removeForJob(qint64 jobId)
{
    return removeWhere(QStringLiteral("job_id = ?"), {jobId});
}

Result<QList<qint64>> RunStore::removeAll()
{
    return removeWhere(QStringLiteral("1 = 1"), {});
}

Result<QList<qint64>> RunStore::runIdsOfJob(qint64 jobId) const
{
    return collectIds(execute(m_database->connection(Database::Schema::Main),
                              QStringLiteral("SELECT id FROM runs WHERE job_id = ?"), {jobId}));
}

// The condition is one of the fixed strings above; values are bound, never spliced in.
Result<QList<qint64>> RunStore::removeWhere(const QString &condition, const QVariantList &values)
{
    const auto db = m_database->connection(Database::Schema::Main);
    const QString where = QStringLiteral(" WHERE ") + condition + QStringLiteral(" AND ") + finishedCondition;
    auto ids = collectIds(execute(db, QStringLiteral("SELECT id FROM runs") + where, values));
    if (!ids)
        return ids;
    auto query = execute(db, QStringLiteral("DELETE FROM runs") + where, values);
    if (!query)
        return query.error();
    return ids;
}

} // namespace dynamight
