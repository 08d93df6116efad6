#include "schedule/schedulecalendar.h"

#include "clock.h"
#include "schedule/zoneday.h"

#include <set>
#include <utility>

namespace dynamight {

namespace {

constexpr qint64 secondsPerDay = 24 * 60 * 60;

// Every run listed for a date comes after 00:00 on that date, read as UTC, minus one day, because
// UTC offsets are less than a day. Runs of later dates can't come before this bound.
qint64 earliestRunOn(QDate date)
{
    return QDateTime(date, QTime(0, 0), Qt::UTC).toSecsSinceEpoch() - secondsPerDay;
}

QDate dateOfRun(qint64 seconds, const QTimeZone &zone)
{
    return QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC).toTimeZone(zone).date();
}

} // namespace

ScheduleCalendar::ScheduleCalendar(ScheduleRule rule, QTimeZone zone)
    : m_rule(std::move(rule))
    , m_zone(std::move(zone))
{ }

Result<QList<QDateTime>> ScheduleCalendar::nextRuns(const QDateTime &after, int count) const
{
    const Status checked = checkCanRun(after);
    if (!checked)
        return checked.error();
    if (count <= 0)
        return QList<QDateTime>();

    const QList<qint64> runs = searchRuns(after, count);
    if (runs.isEmpty()) {
        return Error::invalid(QStringLiteral("Schedule %1 has no run within %2 years after %3")
                                  .arg(m_rule.description())
                                  .arg(searchHorizonYears)
                                  .arg(toApiTime(after)));
    }

    QList<QDateTime> times;
    for (qint64 run : runs)
        times.append(QDateTime::fromSecsSinceEpoch(run, Qt::UTC));
    return times;
}

Result<QDateTime> ScheduleCalendar::nextRun(const QDateTime &after) const
{
    const Result<QList<QDateTime>> runs = nextRuns(after, 1);
    if (!runs)
        return runs.error();
    return runs->first();
}

Status ScheduleCalendar::checkCanRun(const QDateTime &after) const
{
    if (!m_zone.isValid()) {
        return Error::invalid(
            QStringLiteral(
                "Invalid time zone for schedule %1: use an IANA name such as Europe/Berlin")
                .arg(m_rule.description()));
    }
    if (!after.isValid()) {
        return Error::invalid(QStringLiteral("Invalid start time for the run times of schedule %1")
                                  .arg(m_rule.description()));
    }
    if (!m_rule.canMatchSomeDate()) {
        return Error::invalid(
            QStringLiteral("Schedule %1 never runs: none of its days of the month occurs in any of "
                           "its months")
                .arg(m_rule.description()));
    }
    return {};
}

// Returns the first `count` runs after `after`, in seconds since the epoch. The walk starts at the
// date before `after`'s and goes on until no later date can add an earlier run. Both margins are
// needed because a clock that falls back across midnight, from 00:30 to 23:30 for example, shows
// the start of a date before it repeats the end of the previous one.
QList<qint64> ScheduleCalendar::searchRuns(const QDateTime &after, int count) const
{
    const qint64 afterMs = after.toMSecsSinceEpoch();
    std::set<qint64> runs;
    const auto complete = [&](QDate date) {
        return qsizetype(runs.size()) >= count
            && earliestRunOn(date) > *std::next(runs.begin(), count - 1);
    };

    QDate date = after.toTimeZone(m_zone).date().addDays(-1);
    QDate horizon = date.addYears(searchHorizonYears);
    for (; date <= horizon && !complete(date); date = date.addDays(1)) {
        if (!m_rule.matchesDate(date))
            continue;
        for (qint64 run : runsOn(date)) {
            if (run * 1000 > afterMs)
                runs.insert(run);
        }
        // The horizon bounds the wait for each run, not for all of them.
        if (!runs.empty())
            horizon = qMax(horizon, dateOfRun(*runs.rbegin(), m_zone).addYears(searchHorizonYears));
    }
    return QList<qint64>(runs.begin(),
                         std::next(runs.begin(), qMin(qsizetype(runs.size()), qsizetype(count))));
}

// Lists the runs whose wall-clock date is `date`, applying the DST rules described in the header:
// a fixed time runs at its first occurrence or, in a gap, when the gap ends, and other times run
// at every occurrence. Runs that collapse onto one instant, as several times in a gap do, are
// listed once by the caller's set.
QList<qint64> ScheduleCalendar::runsOn(QDate date) const
{
    const ZoneDay day(date, m_zone);
    const bool fixedTimes = m_rule.hasFixedTimes();
    QList<qint64> runs;
    for (int minuteOfDay : m_rule.minutesOfDay()) {
        const QList<qint64> occurrences = day.occurrences(minuteOfDay);
        if (!occurrences.isEmpty()) {
            runs.append(fixedTimes ? occurrences.mid(0, 1) : occurrences);
            continue;
        }
        const std::optional<qint64> gapEnd = day.gapEnd(minuteOfDay);
        if (fixedTimes && gapEnd)
            runs.append(*gapEnd);
    }
    return runs;
}

} // namespace dynamight
