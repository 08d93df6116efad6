#pragma once

#include "result.h"
#include "schedule/schedulerule.h"

#include <QDateTime>
#include <QList>
#include <QTimeZone>

namespace dynamight {

// The run times of a schedule rule whose times are wall-clock times in one time zone.
//
// DST changes follow Vixie cron and cronie. Schedules with fixed times run once per matching
// time. These are daily, weekly and monthly schedules and cron expressions whose hour field has
// no '*' and no step. A time that the spring-forward gap skips runs when the gap ends, so a daily
// 02:30 in America/New_York runs at 03:00 EDT (07:00Z) on 2025-03-09. A time that the clock
// repeats when it falls back runs at its first occurrence only.
//
// Other cron expressions run at every instant at which the clock shows a matching minute. They
// skip the gap's minutes and run in both passes of a repeated hour. Because current DST changes
// move clocks by whole or half hours, "*/15 * * * *" keeps a 15-minute cadence in real time
// through both changes.
//
// NOTE: cronie counts a job as fixed-time when neither its minute nor its hour field starts
// with '*'. Here only the hour field decides, so "*/15 2 * * *" runs once after the gap, and
// "0 1-23/2 * * *" runs in both passes of a repeated 01:00.
class ScheduleCalendar
{
public:
    // The maximum wait for one run that the search accepts. February 29 alone waits at most 8
    // years, from 2096 to 2104. Combined with a day of the week it can wait longer, and then the
    // search gives up.
    static constexpr int searchHorizonYears = 9;

    ScheduleCalendar(ScheduleRule rule, QTimeZone zone);

    // Lists the first `count` run times strictly after `after`, ascending, in UTC. The list stops
    // early before a run that comes more than searchHorizonYears after the run before it. An
    // InvalidInput error reports an invalid zone, a rule that matches no date, or no run within
    // searchHorizonYears after `after`.
    Result<QList<QDateTime>> nextRuns(const QDateTime &after, int count) const;
    Result<QDateTime> nextRun(const QDateTime &after) const;

private:
    Status checkCanRun(const QDateTime &after) const;
    QList<qint64> searchRuns(const QDateTime &after, int count) const;
    QList<qint64> runsOn(QDate date) const;

    ScheduleRule m_rule;
    QTimeZone m_zone;
};

} // namespace dynamight
