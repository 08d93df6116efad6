#pragma once

#include "result.h"
#include "schedule/cronexpression.h"

#include <QDate>
#include <QList>
#include <QString>

#include <optional>
#include <utility>

namespace dynamight {

// When a schedule runs, in wall-clock terms: the dates it runs on and the times on those dates.
// The four types match the API's schedule_type values daily, weekly, monthly and custom.
class ScheduleRule
{
public:
    // Checks hour 0-23 and minute 0-59.
    static Result<ScheduleRule> daily(int hour, int minute);
    // Checks dayOfWeek 0-6, where 0 is Sunday.
    static Result<ScheduleRule> weekly(int dayOfWeek, int hour, int minute);
    // Checks dayOfMonth 1-31. Day 29, 30 or 31 runs on the last day of shorter months.
    static Result<ScheduleRule> monthly(int dayOfMonth, int hour, int minute);
    // Keeps standard cron meaning: "0 0 31 * *" skips the months without a 31st.
    static ScheduleRule custom(CronExpression expression);

    bool matchesDate(QDate date) const;
    // Wall-clock minutes after midnight at which the schedule runs on a matching date, ascending.
    const QList<int> &minutesOfDay() const { return m_minutesOfDay; }
    // Whether the fixed-time DST rules apply: a time skipped by the clock runs once when the gap
    // ends, and a repeated time runs only at its first occurrence. This holds for daily, weekly
    // and monthly schedules and for cron expressions whose hour field has no '*' and no step.
    bool hasFixedTimes() const;
    bool canMatchSomeDate() const;

    // The rule as error messages show it, such as "daily at 02:30" or "cron '0 0 30 2 *'".
    QString description() const;

private:
    enum class Type {
        Daily,
        Weekly,
        Monthly,
        Custom,
    };

    ScheduleRule(Type type, QList<int> minutesOfDay)
        : m_type(type)
        , m_minutesOfDay(std::move(minutesOfDay))
    { }

    Type m_type;
    QList<int> m_minutesOfDay;
    int m_dayOfWeek = 0;
    int m_dayOfMonth = 1;
    std::optional<CronExpression> m_expression;
};

} // namespace dynamight
