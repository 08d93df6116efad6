#pragma once

#include <QDate>
#include <QList>
#include <QTimeZone>

#include <optional>

namespace dynamight {

// The UTC offsets of a time zone around one local date, for mapping that date's wall-clock times
// to UTC instants. It reads the zone's transitions itself instead of building a QDateTime from
// the wall-clock time, because Qt 6.4 documents no fixed result for times that a DST change skips
// or repeats.
class ZoneDay
{
public:
    ZoneDay(QDate date, const QTimeZone &zone);

    // Returns the instants, in seconds since the epoch and ascending, at which the zone's clock
    // shows this date at minuteOfDay: one as a rule, none in a DST gap, two in a repeated hour.
    QList<qint64> occurrences(int minuteOfDay) const;
    // Returns the instant at which the clock jumps over minuteOfDay, when a gap skips it.
    std::optional<qint64> gapEnd(int minuteOfDay) const;

private:
    // An offset from UTC, in seconds, in force from start until the next span's start.
    struct Span
    {
        qint64 start;
        int offset;
    };

    qint64 wallClockSeconds(int minuteOfDay) const;

    // 00:00 on the date, in seconds since the epoch as if the zone's clock were UTC.
    qint64 m_midnight;
    QList<Span> m_spans;
};

} // namespace dynamight
