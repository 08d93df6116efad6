#include "schedule/zoneday.h"

#include <QDateTime>

#include <limits>

namespace dynamight {

namespace {

constexpr qint64 secondsPerDay = 24 * 60 * 60;
// UTC offsets are less than a day (from -12 to +14 hours in current tzdata), so two days on
// either side of the date cover every instant at which its clock can show one of its times.
constexpr qint64 windowSeconds = 2 * secondsPerDay;

QDateTime utcFromSeconds(qint64 seconds) { return QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC); }

} // namespace

ZoneDay::ZoneDay(QDate date, const QTimeZone &zone)
    : m_midnight(QDateTime(date, QTime(0, 0), Qt::UTC).toSecsSinceEpoch())
{
    const qint64 from = m_midnight - windowSeconds;
    const qint64 to = m_midnight + secondsPerDay + windowSeconds;
    m_spans.append({std::numeric_limits<qint64>::min(), zone.offsetFromUtc(utcFromSeconds(from))});

    const QTimeZone::OffsetDataList transitions =
        zone.transitions(utcFromSeconds(from), utcFromSeconds(to));
    for (const QTimeZone::OffsetData &transition : transitions) {
        const qint64 at = transition.atUtc.toSecsSinceEpoch();
        // Some transitions change only the zone's name or DST flag, which moves no clock.
        if (at > from && transition.offsetFromUtc != m_spans.last().offset)
            m_spans.append({at, transition.offsetFromUtc});
    }
}

QList<qint64> ZoneDay::occurrences(int minuteOfDay) const
{
    const qint64 wallClock = wallClockSeconds(minuteOfDay);
    QList<qint64> instants;
    for (qsizetype i = 0; i < m_spans.size(); ++i) {
        const qint64 instant = wallClock - m_spans.at(i).offset;
        const bool beforeNext = i + 1 == m_spans.size() || instant < m_spans.at(i + 1).start;
        if (instant >= m_spans.at(i).start && beforeNext)
            instants.append(instant);
    }
    return instants;
}

std::optional<qint64> ZoneDay::gapEnd(int minuteOfDay) const
{
    const qint64 wallClock = wallClockSeconds(minuteOfDay);
    for (qsizetype i = 1; i < m_spans.size(); ++i) {
        // At a transition the clock jumps from the old offset's wall-clock time to the new one's.
        const qint64 at = m_spans.at(i).start;
        const qint64 clockBefore = at + m_spans.at(i - 1).offset;
        const qint64 clockAfter = at + m_spans.at(i).offset;
        if (wallClock >= clockBefore && wallClock < clockAfter)
            return at;
    }
    return std::nullopt;
}

qint64 ZoneDay::wallClockSeconds(int minuteOfDay) const
{
    return m_midnight + qint64(minuteOfDay) * 60;
}

} // namespace dynamight
