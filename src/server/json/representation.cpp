#include "json/representation.h"

#include "clock.h"
#include "jobs/jobvalidator.h"

namespace dynamight {

QJsonValue nullable(const std::optional<qint64> &value)
{
    return value ? QJsonValue(*value) : QJsonValue();
}

QJsonValue nullable(const std::optional<int> &value)
{
    return value ? QJsonValue(*value) : QJsonValue();
}

QJsonValue nullableText(const QString &text)
{
    return text.isEmpty() ? QJsonValue() : QJsonValue(text);
}

QJsonValue nullableTime(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(toApiTime(time)) : QJsonValue();
}

namespace {

QJsonObject lastRunToJson(const Run &run)
{
    return {
        {QStringLiteral("id"), run.id},
        {QStringLiteral("status"), runStatusName(run.status)},
        {QStringLiteral("started_at"), nullableTime(run.startedAt)},
        {QStringLiteral("completed_at"), nullableTime(run.completedAt)},
    };
}

QJsonArray commandsToJson(const QList<QStringList> &commands)
{
    QJsonArray array;
    for (const QStringList &command : commands)
        array.append(QJsonArray::fromStringList(command));
    return array;
}

} // namespace

QJsonObject jobToJson(const Job &job, const std::optional<Run> &lastRun,
                      const QList<Schedule> &schedules)
{
    QJsonArray scheduleArray;
    for (const Schedule &schedule : schedules)
        scheduleArray.append(scheduleToJson(schedule));

    return {
        {QStringLiteral("id"), job.id},
        {QStringLiteral("name"), job.name},
        {QStringLiteral("description"), job.description},
        {QStringLiteral("enabled"), job.enabled},
        {QStringLiteral("source_dirs"), QJsonArray::fromStringList(job.sourceDirs)},
        {QStringLiteral("destination_type"), destinationTypeName(job.destinationType)},
        {QStringLiteral("destination_config"), job.destinationConfig},
        {QStringLiteral("sync_options"), syncOptionsToJson(job.syncOptions)},
        {QStringLiteral("credential_id"), nullable(job.credentialId)},
        {QStringLiteral("created_at"), toApiTime(job.createdAt)},
        {QStringLiteral("updated_at"), toApiTime(job.updatedAt)},
        {QStringLiteral("last_run"), lastRun ? QJsonValue(lastRunToJson(*lastRun)) : QJsonValue()},
        {QStringLiteral("schedules"), scheduleArray},
    };
}

QJsonObject scheduleToJson(const Schedule &schedule)
{
    return {
        {QStringLiteral("id"), schedule.id},
        {QStringLiteral("job_id"), schedule.jobId},
        {QStringLiteral("enabled"), schedule.enabled},
        {QStringLiteral("schedule_type"), scheduleTypeName(schedule.type)},
        {QStringLiteral("hour"), nullable(schedule.hour)},
        {QStringLiteral("minute"), nullable(schedule.minute)},
        {QStringLiteral("day_of_week"), nullable(schedule.dayOfWeek)},
        {QStringLiteral("day_of_month"), nullable(schedule.dayOfMonth)},
        {QStringLiteral("cron_expression"), nullableText(schedule.cronExpression)},
        {QStringLiteral("timezone"), QString::fromUtf8(schedule.timezone)},
        {QStringLiteral("next_run"), nullableTime(schedule.nextRun)},
        {QStringLiteral("created_at"), nullableTime(schedule.createdAt)},
        {QStringLiteral("updated_at"), nullableTime(schedule.updatedAt)},
    };
}

QJsonObject runToJson(const Run &run)
{
    return {
        {QStringLiteral("id"), run.id},
        {QStringLiteral("job_id"), run.jobId},
        {QStringLiteral("job_name"), run.jobName},
        {QStringLiteral("status"), runStatusName(run.status)},
        {QStringLiteral("trigger"), runTriggerName(run.trigger)},
        {QStringLiteral("schedule_id"), nullable(run.scheduleId)},
        {QStringLiteral("queued_at"), nullableTime(run.queuedAt)},
        {QStringLiteral("started_at"), nullableTime(run.startedAt)},
        {QStringLiteral("completed_at"), nullableTime(run.completedAt)},
        {QStringLiteral("files_transferred"), run.counters.filesTransferred},
        {QStringLiteral("bytes_transferred"), run.counters.bytesTransferred},
        {QStringLiteral("files_deleted"), run.counters.filesDeleted},
        {QStringLiteral("exit_code"), nullable(run.exitCode)},
        {QStringLiteral("error_message"), nullableText(run.errorMessage)},
        {QStringLiteral("commands"), commandsToJson(run.commands)},
    };
}

QJsonObject logEntryToJson(const LogEntry &entry)
{
    return {
        {QStringLiteral("id"), entry.id},
        {QStringLiteral("run_id"), entry.runId},
        {QStringLiteral("timestamp"), entry.timestamp.toUTC().toString(Qt::ISODateWithMs)},
        {QStringLiteral("level"), logLevelName(entry.level)},
        {QStringLiteral("message"), entry.message},
    };
}

QJsonObject userToJson(const User &user)
{
    return {
        {QStringLiteral("id"), user.id},
        {QStringLiteral("username"), user.username},
    };
}

QJsonObject credentialToJson(const Credential &credential)
{
    return {
        {QStringLiteral("id"), credential.id},
        {QStringLiteral("name"), credential.name},
        {QStringLiteral("provider_type"), destinationTypeName(credential.providerType)},
        {QStringLiteral("created_at"), nullableTime(credential.createdAt)},
        {QStringLiteral("updated_at"), nullableTime(credential.updatedAt)},
    };
}

} // namespace dynamight
