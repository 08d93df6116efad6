#pragma once

#include "result.h"
#include "schedule/cronfield.h"

#include <QDate>
#include <QList>
#include <QString>
#include <QTime>

#include <utility>

namespace dynamight {

// A standard 5-field cron expression: minute, hour, day of month, month and day of week.
//
// Each field takes '*', numbers, ranges (1-5), steps (*/15, 1-59/7, and 5/10 for 5 up to the
// field's maximum by 10) and comma-separated lists of those. Months also take JAN-DEC and days of
// the week SUN-SAT, in any case, and day of week 7 is Sunday like 0. '?' means '*' in the two day
// fields. The day fields combine as in Vixie cron: when either field starts with '*' or '?', a
// day must match both fields, so "0 0 * * MON" runs on Mondays only. When both are restricted, a
// day matching either field is enough, so "0 0 1 * MON" runs on the 1st and on every Monday.
class CronExpression
{
public:
    // Parses the expression. The error names the field and the value, and states what is allowed.
    static Result<CronExpression> parse(const QString &text);

    // The expression in a canonical form that parses back to the same schedule.
    QString toString() const;

    // Whether a job runs at this wall-clock date and time, seconds ignored.
    bool matches(QDate date, QTime time) const;
    bool matchesDate(QDate date) const;
    // Wall-clock minutes after midnight at which the job runs on a matching date, ascending.
    QList<int> minutesOfDay() const;

    // Whether the hour field lists fixed hours, with no '*' and no step. Jobs with fixed hours
    // follow the fixed-time DST rules of Vixie cron, and the others run at every matching minute.
    bool hasFixedHours() const;
    // Whether some date matches. Only an expression whose days of the month all fall outside its
    // months, such as "0 0 30 2 *", matches none.
    bool canMatchSomeDate() const;

    const CronField &field(CronField::Kind kind) const;

    bool operator==(const CronExpression &other) const = default;

private:
    explicit CronExpression(QList<CronField> fields)
        : m_fields(std::move(fields))
    { }

    QList<CronField> m_fields;
};

} // namespace dynamight
