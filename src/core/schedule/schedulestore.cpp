#include "schedule/schedulestore.h"

#include "clock.h"
#include "logging.h"
#include "storage/database.h"
#include "storage/sqlerror.h"

#include <QSqlQuery>

namespace dynamight {

namespace {

const QString selectColumns = QStringLiteral(
    "SELECT id, job_id, enabled, schedule_type, hour, minute, day_of_week, day_of_month, "
    "cron_expression, timezone, next_run, created_at, updated_at FROM schedules");

std::optional<int> optionalInt(const QVariant &value)
{
    return value.isNull() ? std::nullopt : std::optional<int>(value.toInt());
}

QVariant nullableInt(const std::optional<int> &value)
{
    return value ? QVariant(*value) : QVariant(QMetaType::fromType<int>());
}

QVariant nullableText(const QString &text)
{
    return text.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(text);
}

Schedule scheduleFromRow(const QSqlQuery &query)
{
    Schedule schedule;
    schedule.id = query.value(0).toLongLong();
    schedule.jobId = query.value(1).toLongLong();
    schedule.enabled = query.value(2).toBool();
    schedule.type = scheduleTypeFromName(query.value(3).toString()).value_or(ScheduleType::Daily);
    schedule.hour = optionalInt(query.value(4));
    schedule.minute = optionalInt(query.value(5));
    schedule.dayOfWeek = optionalInt(query.value(6));
    schedule.dayOfMonth = optionalInt(query.value(7));
    schedule.cronExpression = query.value(8).toString();
    schedule.timezone = query.value(9).toString().toUtf8();
    schedule.nextRun = fromStoredTime(query.value(10).toString());
    schedule.createdAt = fromStoredTime(query.value(11).toString());
    schedule.updatedAt = fromStoredTime(query.value(12).toString());
    return schedule;
}

// The values of the settings columns, in the order enabled, schedule_type, hour, minute,
// day_of_week, day_of_month, cron_expression, timezone.
QVariantList settingsValues(const Schedule &schedule)
{
    return {
        schedule.enabled,
        scheduleTypeName(schedule.type),
        nullableInt(schedule.hour),
        nullableInt(schedule.minute),
        nullableInt(schedule.dayOfWeek),
        nullableInt(schedule.dayOfMonth),
        nullableText(schedule.cronExpression),
        QString::fromUtf8(schedule.timezone),
    };
}

} // namespace

ScheduleStore::ScheduleStore(std::shared_ptr<Database> database)
    : m_database(std::move(database))
{
}

Result<QList<Schedule>> ScheduleStore::list() const
{
    return select(QString(), {});
}

Result<QList<Schedule>> ScheduleStore::listForJob(qint64 jobId) const
{
    return select(QStringLiteral(" WHERE job_id = ?"), {jobId});
}

Result<Schedule> ScheduleStore::find(qint64 id) const
{
    auto schedules = select(QStringLiteral(" WHERE id = ?"), {id});
    if (!schedules)
        return schedules.error();
    if (schedules->isEmpty())
        return Error::notFound(QStringLiteral("Schedule %1 not found").arg(id));
    return schedules->first();
}

Result<Schedule> ScheduleStore::create(Schedule schedule, const QDateTime &now)
{
    const QSqlDatabase db = m_database->connection(Database::Schema::Main);
    auto job = execute(db, QStringLiteral("SELECT 1 FROM jobs WHERE id = ?"), {schedule.jobId});
    if (!job)
        return job.error();
    if (!job->next())
        return Error::notFound(QStringLiteral("Job %1 not found").arg(schedule.jobId));

    QVariantList values{schedule.jobId};
    values << settingsValues(schedule) << toStoredTime(now) << toStoredTime(now);
    auto query = execute(db,
                         QStringLiteral("INSERT INTO schedules (job_id, enabled, schedule_type, hour, "
                                        "minute, day_of_week, day_of_month, cron_expression, "
                                        "timezone, created_at, updated_at) "
                                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                         values);
    if (!query)
        return query.error();
    const qint64 id = query->lastInsertId().toLongLong();
    qCInfo(lcScheduler).noquote() << QStringLiteral("Schedules: created schedule %1 of job %2 (%3 in %4)")
                                         .arg(id)
                                         .arg(schedule.jobId)
                                         .arg(scheduleTypeName(schedule.type), QString::fromUtf8(schedule.timezone));
    return find(id);
}

Result<Schedule> ScheduleStore::update(qint64 id, Schedule schedule, const QDateTime &now)
{
    QVariantList values = settingsValues(schedule);
    values << toStoredTime(now) << id;
    auto query = execute(m_database->connection(Database::Schema::Main),
                         QStringLiteral("UPDATE schedules SET enabled = ?, schedule_type = ?, hour = ?, "
                                        "minute = ?, day_of_week = ?, day_of_month = ?, "
                                        "cron_expression = ?, timezone = ?, next_run = NULL, "
                                        "updated_at = ? WHERE id = ?"),
                         values);
    if (!query)
        return query.error();
    if (query->numRowsAffected() == 0)
        return Error::notFound(QStringLiteral("Schedule %1 not found").arg(id));
    qCInfo(lcScheduler).noquote() << QStringLiteral("Schedules: updated schedule %1 (%2 in %3, %4)")
                                         .arg(id)
                                         .arg(scheduleTypeName(schedule.type), QString::fromUtf8(schedule.timezone),
                                              schedule.enabled ? QStringLiteral("enabled") : QStringLiteral("disabled"));
    return find(id);
}

Status ScheduleStore::remove(qint64 id)
{
    auto query = execute(m_database->connection(Database::Schema::Main),
                         QStringLiteral("DELETE FROM schedules WHERE id = ?"), {id});
    if (!query)
        return query.error();
    if (query->numRowsAffected() == 0)
        return Error::notFound(QStringLiteral("Schedule %1 not found").arg(id));
    qCInfo(lcScheduler) << "Schedules: deleted schedule" << id;
    return {};
}

Status ScheduleStore::setNextRun(qint64 id, const QDateTime &nextRun)
{
    const QVariant value = nextRun.isValid() ? QVariant(toStoredTime(nextRun))
                                             : QVariant(QMetaType::fromType<QString>());
    auto query = execute(m_database->connection(Database::Schema::Main),
                         QStringLiteral("UPDATE schedules SET next_run = ? WHERE id = ?"), {value, id});
    if (!query)
        return query.error();
    return {};
}

Result<QList<Schedule>> ScheduleStore::select(const QString &condition, const QVariantList &values) const
{
    auto query = execute(m_database->connection(Database::Schema::Main),
                         selectColumns + condition + QStringLiteral(" ORDER BY id"), values);
    if (!query)
        return query.error();
    QList<Schedule> schedules;
    while (query->next())
        schedules.append(scheduleFromRow(*query));
    return schedules;
}

} // namespace dynamight
