#include "schedule/cronexpression.h"

#include <QStringList>

namespace dynamight {

namespace {

constexpr int fieldCount = 5;

Error invalidExpression(const QString &text, const QString &detail)
{
    return Error::invalid(QStringLiteral("Invalid cron expression '%1': %2").arg(text, detail));
}

// The maximum number of days in the month, counting February 29 of leap years.
int maxDaysInMonth(int month) { return QDate(2000, month, 1).daysInMonth(); }

} // namespace

Result<CronExpression> CronExpression::parse(const QString &text)
{
    const QString simplified = text.simplified();
    const QStringList parts =
        simplified.isEmpty() ? QStringList() : simplified.split(QLatin1Char(' '));
    if (parts.size() != fieldCount) {
        return invalidExpression(text,
                                 QStringLiteral("expected 5 fields (minute hour day-of-month month "
                                                "day-of-week) separated by spaces, found %1")
                                     .arg(parts.size()));
    }

    QList<CronField> fields;
    for (int i = 0; i < fieldCount; ++i) {
        Result<CronField> field = CronField::parse(static_cast<CronField::Kind>(i), parts.at(i));
        if (!field)
            return invalidExpression(text, field.error().message());
        fields.append(std::move(field).value());
    }
    return CronExpression(std::move(fields));
}

QString CronExpression::toString() const
{
    QStringList parts;
    for (const CronField &field : m_fields)
        parts.append(field.toString());
    return parts.join(QLatin1Char(' '));
}

bool CronExpression::matches(QDate date, QTime time) const
{
    return matchesDate(date) && field(CronField::Kind::Hour).contains(time.hour())
        && field(CronField::Kind::Minute).contains(time.minute());
}

bool CronExpression::matchesDate(QDate date) const
{
    if (!field(CronField::Kind::Month).contains(date.month()))
        return false;

    const CronField &dayOfMonth = field(CronField::Kind::DayOfMonth);
    const CronField &dayOfWeek = field(CronField::Kind::DayOfWeek);
    const bool dayOfMonthMatches = dayOfMonth.contains(date.day());
    // QDate numbers Monday to Sunday 1 to 7, and cron numbers Sunday 0.
    const bool dayOfWeekMatches = dayOfWeek.contains(date.dayOfWeek() % 7);
    if (dayOfMonth.startsWithWildcard() || dayOfWeek.startsWithWildcard())
        return dayOfMonthMatches && dayOfWeekMatches;
    return dayOfMonthMatches || dayOfWeekMatches;
}

QList<int> CronExpression::minutesOfDay() const
{
    QList<int> minutes;
    const QList<int> minuteValues = field(CronField::Kind::Minute).values();
    for (int hour : field(CronField::Kind::Hour).values()) {
        for (int minute : minuteValues)
            minutes.append(hour * 60 + minute);
    }
    return minutes;
}

bool CronExpression::hasFixedHours() const
{
    return !field(CronField::Kind::Hour).hasWildcardOrStep();
}

bool CronExpression::canMatchSomeDate() const
{
    const CronField &dayOfMonth = field(CronField::Kind::DayOfMonth);
    const bool bothDaysRestricted =
        !dayOfMonth.startsWithWildcard() && !field(CronField::Kind::DayOfWeek).startsWithWildcard();
    // Every month has every day of the week, and each date falls on each day of the week in
    // some year, so only the day-of-month and month fields can rule out every date.
    if (bothDaysRestricted)
        return true;

    const QList<int> days = dayOfMonth.values();
    for (int month : field(CronField::Kind::Month).values()) {
        if (!days.isEmpty() && days.first() <= maxDaysInMonth(month))
            return true;
    }
    return false;
}

const CronField &CronExpression::field(CronField::Kind kind) const
{
    return m_fields.at(static_cast<int>(kind));
}

} // namespace dynamight
