#include "jobs/jobstore.h"

#include "clock.h"
#include "jobs/jobvalidator.h"
#include "logging.h"
#include "schedule/schedulestore.h"
#include "storage/database.h"
#include "storage/sqlerror.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QSqlRecord>

namespace dynamight {

namespace {

const QString selectColumns = QStringLiteral(
    "SELECT id, name, description, enabled, source_dirs, destination_type, destination_config, "
    "sync_options, credential_id, created_at, updated_at FROM jobs");

QString toJsonText(const QJsonDocument &document)
{
    return QString::fromUtf8(document.toJson(QJsonDocument::Compact));
}

QJsonDocument fromJsonText(const QVariant &value)
{
    return QJsonDocument::fromJson(value.toString().toUtf8());
}

QVariant optionalId(const std::optional<qint64> &id)
{
    return id ? QVariant(*id) : QVariant(QMetaType::fromType<qint64>());
}

Job jobFromRow(const QSqlQuery &query)
{
    Job job;
    job.id = query.value(0).toLongLong();
    job.name = query.value(1).toString();
    job.description = query.value(2).toString();
    job.enabled = query.value(3).toBool();
    const QJsonArray sources = fromJsonText(query.value(4)).array();
    for (const QJsonValue &source : sources)
        job.sourceDirs.append(source.toString());
    job.destinationType = destinationTypeFromName(query.value(5).toString()).value_or(DestinationType::Local);
    job.destinationConfig = fromJsonText(query.value(6)).object();
    job.syncOptions = parseSyncOptions(fromJsonText(query.value(7)).object()).value();
    if (!query.value(8).isNull())
        job.credentialId = query.value(8).toLongLong();
    job.createdAt = fromStoredTime(query.value(9).toString());
    job.updatedAt = fromStoredTime(query.value(10).toString());
    return job;
}

QVariantList columnValues(const Job &job)
{
    return {
        job.name,
        // A null QString binds as SQL NULL, but the column stores '' for no description.
        job.description.isNull() ? QStringLiteral("") : job.description,
        job.enabled,
        toJsonText(QJsonDocument(QJsonArray::fromStringList(job.sourceDirs))),
        destinationTypeName(job.destinationType),
        toJsonText(QJsonDocument(job.destinationConfig)),
        toJsonText(QJsonDocument(syncOptionsToJson(job.syncOptions))),
        optionalId(job.credentialId),
    };
}

} // namespace

JobStore::JobStore(std::shared_ptr<Database> database)
    : m_database(std::move(database))
{
}

Result<QList<Job>> JobStore::list() const
{
    auto query = execute(m_database->connection(Database::Schema::Main), selectColumns + QStringLiteral(" ORDER BY id"));
    if (!query)
        return query.error();
    QList<Job> jobs;
    while (query->next())
        jobs.append(jobFromRow(*query));
    return jobs;
}

Result<Job> JobStore::find(qint64 id) const
{
    auto query = execute(m_database->connection(Database::Schema::Main),
                         selectColumns + QStringLiteral(" WHERE id = ?"), {id});
    if (!query)
        return query.error();
    if (!query->next())
        return Error::notFound(QStringLiteral("Job %1 not found").arg(id));
    return jobFromRow(*query);
}

Result<Job> JobStore::create(Job job, const QDateTime &now)
{
    const Status free = checkNameFree(job.name, 0);
    if (!free)
        return free.error();

    QVariantList values = columnValues(job);
    values << toStoredTime(now) << toStoredTime(now);
    auto query = execute(m_database->connection(Database::Schema::Main),
                         QStringLiteral("INSERT INTO jobs (name, description, enabled, source_dirs, "
                                        "destination_type, destination_config, sync_options, "
                                        "credential_id, created_at, updated_at) "
                                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                         values);
    if (!query)
        return query.error();
    const qint64 id = query->lastInsertId().toLongLong();
    qCInfo(lcJobs).noquote() << "Jobs: created job" << id << "named" << job.name;
    return find(id);
}

Result<Job> JobStore::update(qint64 id, Job job, const QDateTime &now)
{
    const auto existing = find(id);
    if (!existing)
        return existing.error();
    const Status free = checkNameFree(job.name, id);
    if (!free)
        return free.error();

    QVariantList values = columnValues(job);
    values << toStoredTime(now) << id;
    auto query = execute(m_database->connection(Database::Schema::Main),
                         QStringLiteral("UPDATE jobs SET name = ?, description = ?, enabled = ?, "
                                        "source_dirs = ?, destination_type = ?, "
                                        "destination_config = ?, sync_options = ?, "
                                        "credential_id = ?, updated_at = ? WHERE id = ?"),
                         values);
    if (!query)
        return query.error();
    qCInfo(lcJobs).noquote() << "Jobs: updated job" << id << "named" << job.name;
    return find(id);
}

Status JobStore::remove(qint64 id)
{
    auto query = execute(m_database->connection(Database::Schema::Main),
                         QStringLiteral("DELETE FROM jobs WHERE id = ?"), {id});
    if (!query)
        return query.error();
    if (query->numRowsAffected() == 0)
        return Error::notFound(QStringLiteral("Job %1 not found").arg(id));
    qCInfo(lcJobs) << "Jobs: deleted job" << id;
    return {};
}

Result<QString> JobStore::copyName(const QString &name) const
{
    for (int copy = 1; copy < 1000; ++copy) {
        const QString candidate = copy == 1 ? QStringLiteral("%1 (Copy)").arg(name)
                                            : QStringLiteral("%1 (Copy %2)").arg(name).arg(copy);
        auto taken = nameTaken(candidate, 0);
        if (!taken)
            return taken.error();
        if (!*taken)
            return candidate;
    }
    return Error::conflict(QStringLiteral("Too many copies of job '%1'; rename some first").arg(name));
}

Result<QList<Schedule>> JobStore::schedules(qint64 jobId) const
{
    return ScheduleStore(m_database).listForJob(jobId);
}

Result<bool> JobStore::nameTaken(const QString &name, qint64 exceptId) const
{
    auto query = execute(m_database->connection(Database::Schema::Main),
                         QStringLiteral("SELECT 1 FROM jobs WHERE name = ? AND id != ?"), {name, exceptId});
    if (!query)
        return query.error();
    return query->next();
}

Status JobStore::checkNameFree(const QString &name, qint64 exceptId) const
{
    auto taken = nameTaken(name, exceptId);
    if (!taken)
        return taken.error();
    if (*taken)
        return Error::conflict(QStringLiteral("A job named '%1' already exists; choose another name").arg(name));
    return {};
}

} // namespace dynamight
