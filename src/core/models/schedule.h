#pragma once

#include "result.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QStringList>

#include <optional>

namespace dynamight {

class ScheduleCalendar;
class ScheduleRule;

// The API's schedule_type values.
enum class ScheduleType {
    Daily,
    Weekly,
    Monthly,
    Custom,
};

QString scheduleTypeName(ScheduleType type);
std::optional<ScheduleType> scheduleTypeFromName(const QString &name);
QStringList scheduleTypeNames();

// One row of the schedules table. Which of the optional fields are set depends on the type:
// hour and minute for daily, weekly and monthly; dayOfWeek (0 = Sunday) for weekly; dayOfMonth
// for monthly; cronExpression for custom.
struct Schedule
{
    qint64 id = 0;
    qint64 jobId = 0;
    bool enabled = true;
    ScheduleType type = ScheduleType::Daily;
    std::optional<int> hour;
    std::optional<int> minute;
    std::optional<int> dayOfWeek;
    std::optional<int> dayOfMonth;
    QString cronExpression;
    // The IANA id of the zone whose wall-clock times the schedule names.
    QByteArray timezone;
    // The next due time that the scheduler has not handled yet, in UTC. Invalid while the
    // schedule or its job is disabled, and until the scheduler has planned the schedule.
    QDateTime nextRun;
    QDateTime createdAt;
    QDateTime updatedAt;
};

// Builds the rule of the schedule's fields. Fails when a field that the type needs is missing
// or out of range, or the cron expression does not parse. Validated schedules never fail.
Result<ScheduleRule> scheduleRule(const Schedule &schedule);

// Builds the calendar of the schedule's run times in its zone. Fails as scheduleRule() does, and
// when the zone is not known.
Result<ScheduleCalendar> calendarOf(const Schedule &schedule);

} // namespace dynamight
