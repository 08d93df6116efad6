#include "models/schedule.h"

#include "schedule/cronexpression.h"
#include "schedule/schedulecalendar.h"
#include "schedule/schedulerule.h"

#include <QTimeZone>

#include <array>
#include <utility>

namespace dynamight {

namespace {

constexpr std::array<std::pair<ScheduleType, const char *>, 4> typeNames{{
    {ScheduleType::Daily, "daily"},
    {ScheduleType::Weekly, "weekly"},
    {ScheduleType::Monthly, "monthly"},
    {ScheduleType::Custom, "custom"},
}};

Error missingField(const char *field, ScheduleType type)
{
    return Error::invalid(QStringLiteral("Schedule field '%1' is missing for a %2 schedule")
                              .arg(QLatin1String(field), scheduleTypeName(type)));
}

} // namespace

QString scheduleTypeName(ScheduleType type)
{
    for (const auto &[candidate, name] : typeNames) {
        if (candidate == type)
            return QLatin1String(name);
    }
    return {};
}

std::optional<ScheduleType> scheduleTypeFromName(const QString &name)
{
    for (const auto &[type, candidate] : typeNames) {
        if (name == QLatin1String(candidate))
            return type;
    }
    return std::nullopt;
}

QStringList scheduleTypeNames()
{
    QStringList names;
    for (const auto &entry : typeNames)
        names.append(QLatin1String(entry.second));
    return names;
}

Result<ScheduleRule> scheduleRule(const Schedule &schedule)
{
    if (schedule.type == ScheduleType::Custom) {
        auto expression = CronExpression::parse(schedule.cronExpression);
        if (!expression)
            return expression.error();
        return ScheduleRule::custom(*expression);
    }

    if (!schedule.hour)
        return missingField("hour", schedule.type);
    if (!schedule.minute)
        return missingField("minute", schedule.type);
    switch (schedule.type) {
    case ScheduleType::Weekly:
        if (!schedule.dayOfWeek)
            return missingField("day_of_week", schedule.type);
        return ScheduleRule::weekly(*schedule.dayOfWeek, *schedule.hour, *schedule.minute);
    case ScheduleType::Monthly:
        if (!schedule.dayOfMonth)
            return missingField("day_of_month", schedule.type);
        return ScheduleRule::monthly(*schedule.dayOfMonth, *schedule.hour, *schedule.minute);
    default:
        return ScheduleRule::daily(*schedule.hour, *schedule.minute);
    }
}

Result<ScheduleCalendar> calendarOf(const Schedule &schedule)
{
    auto rule = scheduleRule(schedule);
    if (!rule)
        return rule.error();
    const QTimeZone zone(schedule.timezone);
    if (!zone.isValid()) {
        return Error::invalid(QStringLiteral("Schedule %1 names an unknown time zone '%2'")
                                  .arg(schedule.id)
                                  .arg(QString::fromUtf8(schedule.timezone)));
    }
    return ScheduleCalendar(std::move(rule).value(), zone);
}

} // namespace dynamight
