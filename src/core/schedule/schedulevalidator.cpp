#include "schedule/schedulevalidator.h"

#include "schedule/cronexpression.h"
#include "schedule/schedulecalendar.h"
#include "schedule/timezoneids.h"

#include <QJsonValue>
#include <QSet>

#include <array>
#include <cmath>

namespace dynamight {

namespace {

// Bit masks of the schedule types that a field applies to.
constexpr int dailyBit = 1 << static_cast<int>(ScheduleType::Daily);
constexpr int weeklyBit = 1 << static_cast<int>(ScheduleType::Weekly);
constexpr int monthlyBit = 1 << static_cast<int>(ScheduleType::Monthly);

constexpr qsizetype maxCronExpressionLength = 200;
constexpr qsizetype maxShownValueLength = 100;

struct IntegerField
{
    const char *key;
    std::optional<int> Schedule::*member;
    int minimum;
    int maximum;
    int types;
};

constexpr std::array<IntegerField, 4> integerFields{{
    {"hour", &Schedule::hour, 0, 23, dailyBit | weeklyBit | monthlyBit},
    {"minute", &Schedule::minute, 0, 59, dailyBit | weeklyBit | monthlyBit},
    {"day_of_week", &Schedule::dayOfWeek, 0, 6, weeklyBit},
    {"day_of_month", &Schedule::dayOfMonth, 1, 31, monthlyBit},
}};

const QLatin1String typeKey("schedule_type");
const QLatin1String enabledKey("enabled");
const QLatin1String cronKey("cron_expression");
const QLatin1String timezoneKey("timezone");

bool appliesTo(int types, ScheduleType type)
{
    return (types & (1 << static_cast<int>(type))) != 0;
}

bool isUnset(const QJsonValue &value)
{
    return value.isUndefined() || value.isNull();
}

Error invalidField(const QString &field, const QString &requirement)
{
    return Error::invalid(QStringLiteral("Field '%1' %2").arg(field, requirement));
}

Error notApplicable(const QString &field, ScheduleType type)
{
    return invalidField(field, QStringLiteral("does not apply to a %1 schedule; leave it out or send null")
                                   .arg(scheduleTypeName(type)));
}

// Shows a rejected JSON value in an error message, shortened.
QString shown(const QJsonValue &value)
{
    if (value.isString())
        return QStringLiteral("'%1'").arg(value.toString().left(maxShownValueLength));
    if (value.isDouble())
        return QString::number(value.toDouble());
    if (value.isBool())
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return value.isArray() ? QStringLiteral("an array") : QStringLiteral("an object");
}

Status rejectUnknownKeys(const QJsonObject &body)
{
    static const QSet<QString> known{
        typeKey,
        enabledKey,
        QStringLiteral("hour"),
        QStringLiteral("minute"),
        QStringLiteral("day_of_week"),
        QStringLiteral("day_of_month"),
        cronKey,
        timezoneKey,
        // Read-only fields, ignored so that a client may send back what it read.
        QStringLiteral("id"),
        QStringLiteral("job_id"),
        QStringLiteral("next_run"),
        QStringLiteral("created_at"),
        QStringLiteral("updated_at"),
    };
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (!known.contains(it.key())) {
            return Error::invalid(QStringLiteral("Unknown field '%1'; schedules take schedule_type, "
                                                 "hour, minute, day_of_week, day_of_month, "
                                                 "cron_expression, timezone and enabled")
                                      .arg(it.key().left(maxShownValueLength)));
        }
    }
    return {};
}

Result<ScheduleType> readType(const QJsonObject &body)
{
    const QJsonValue value = body.value(typeKey);
    const QString allowed = scheduleTypeNames().join(QStringLiteral(", "));
    if (isUnset(value))
        return invalidField(typeKey, QStringLiteral("is required: one of %1").arg(allowed));
    const auto type = value.isString() ? scheduleTypeFromName(value.toString()) : std::nullopt;
    if (!type)
        return invalidField(typeKey, QStringLiteral("must be one of: %1, got %2").arg(allowed, shown(value)));
    return *type;
}

Status readEnabled(const QJsonObject &body, Schedule &schedule)
{
    const QJsonValue value = body.value(enabledKey);
    if (isUnset(value))
        return {};
    if (!value.isBool())
        return invalidField(enabledKey, QStringLiteral("must be a boolean, got %1").arg(shown(value)));
    schedule.enabled = value.toBool();
    return {};
}

Status readInteger(const QJsonObject &body, const IntegerField &field, Schedule &schedule)
{
    const QString key = QLatin1String(field.key);
    const QJsonValue value = body.value(key);
    if (!appliesTo(field.types, schedule.type))
        return isUnset(value) ? Status() : Status(notApplicable(key, schedule.type));
    if (isUnset(value)) {
        return invalidField(key, QStringLiteral("is required for a %1 schedule: an integer from %2 to %3")
                                     .arg(scheduleTypeName(schedule.type))
                                     .arg(field.minimum)
                                     .arg(field.maximum));
    }

    const double number = value.toDouble();
    if (!value.isDouble() || std::trunc(number) != number || number < field.minimum || number > field.maximum) {
        return invalidField(key, QStringLiteral("must be an integer from %1 to %2, got %3")
                                     .arg(field.minimum)
                                     .arg(field.maximum)
                                     .arg(shown(value)));
    }
    schedule.*field.member = static_cast<int>(number);
    return {};
}

Status readCronExpression(const QJsonObject &body, Schedule &schedule)
{
    const QJsonValue value = body.value(cronKey);
    if (schedule.type != ScheduleType::Custom)
        return isUnset(value) ? Status() : Status(notApplicable(cronKey, schedule.type));
    if (isUnset(value))
        return invalidField(cronKey, QStringLiteral("is required for a custom schedule, such as \"0 2 * * 1-5\""));
    if (!value.isString())
        return invalidField(cronKey, QStringLiteral("must be a string, got %1").arg(shown(value)));

    const QString text = value.toString().trimmed();
    if (text.size() > maxCronExpressionLength)
        return invalidField(cronKey, QStringLiteral("must be at most %1 characters").arg(maxCronExpressionLength));
    const auto expression = CronExpression::parse(text);
    if (!expression)
        return Error::invalid(QStringLiteral("Field '%1': %2").arg(cronKey, expression.error().message()));
    schedule.cronExpression = text;
    return {};
}

Status readTimezone(const QJsonObject &body, const QByteArray &fallback, Schedule &schedule)
{
    const QJsonValue value = body.value(timezoneKey);
    if (isUnset(value)) {
        schedule.timezone = fallback;
        return {};
    }
    const QByteArray id = value.toString().toUtf8();
    if (!value.isString() || !isKnownTimeZoneId(id)) {
        return invalidField(timezoneKey, QStringLiteral("must be a known IANA time zone such as "
                                                        "\"Europe/Berlin\" or \"UTC\", got %1")
                                             .arg(shown(value)));
    }
    schedule.timezone = id;
    return {};
}

// Rejects a schedule that never runs, which only a custom expression can be.
Status checkHasRun(const Schedule &schedule, const QDateTime &now)
{
    const QString field = schedule.type == ScheduleType::Custom ? QString(cronKey) : QString(typeKey);
    const auto calendar = calendarOf(schedule);
    if (!calendar)
        return Error::invalid(QStringLiteral("Field '%1': %2").arg(field, calendar.error().message()));
    const auto next = calendar->nextRun(now);
    if (!next)
        return Error::invalid(QStringLiteral("Field '%1': %2").arg(field, next.error().message()));
    return {};
}

} // namespace

Result<Schedule> parseSchedule(const QJsonObject &body, const ScheduleDefaults &defaults)
{
    const Status unknown = rejectUnknownKeys(body);
    if (!unknown)
        return unknown.error();
    const auto type = readType(body);
    if (!type)
        return type.error();

    Schedule schedule;
    schedule.type = *type;
    Status status = readEnabled(body, schedule);
    for (const IntegerField &field : integerFields) {
        if (status)
            status = readInteger(body, field, schedule);
    }
    if (status)
        status = readCronExpression(body, schedule);
    if (status)
        status = readTimezone(body, defaults.timezone, schedule);
    if (status)
        status = checkHasRun(schedule, defaults.now);
    if (!status)
        return status.error();
    return schedule;
}

Result<Schedule> parseScheduleUpdate(const Schedule &stored, const QJsonObject &body,
                                     const ScheduleDefaults &defaults)
{
    QJsonObject merged{
        {typeKey, scheduleTypeName(stored.type)},
        {enabledKey, stored.enabled},
        {timezoneKey, QString::fromUtf8(stored.timezone)},
    };
    for (const IntegerField &field : integerFields) {
        if (const std::optional<int> value = stored.*field.member)
            merged.insert(QLatin1String(field.key), *value);
    }
    if (stored.type == ScheduleType::Custom)
        merged.insert(cronKey, stored.cronExpression);

    const auto newType = scheduleTypeFromName(body.value(typeKey).toString());
    if (newType && *newType != stored.type) {
        for (const IntegerField &field : integerFields) {
            if (!appliesTo(field.types, *newType))
                merged.remove(QLatin1String(field.key));
        }
        if (*newType != ScheduleType::Custom)
            merged.remove(cronKey);
    }
    for (auto it = body.begin(); it != body.end(); ++it)
        merged.insert(it.key(), it.value());
    return parseSchedule(merged, defaults);
}

} // namespace dynamight
