#include "schedule/schedulerule.h"

namespace dynamight {

namespace {

Status checkRange(const char *name, int value, int min, int max)
{
    if (value >= min && value <= max)
        return {};
    return Error::invalid(QStringLiteral("Invalid schedule: %1 %2 is out of range %3-%4")
                              .arg(QLatin1String(name))
                              .arg(value)
                              .arg(min)
                              .arg(max));
}

Status checkTime(int hour, int minute)
{
    const Status hourChecked = checkRange("hour", hour, 0, 23);
    if (!hourChecked)
        return hourChecked;
    return checkRange("minute", minute, 0, 59);
}

QString timeText(int minuteOfDay)
{
    return QStringLiteral("%1:%2")
        .arg(minuteOfDay / 60, 2, 10, QLatin1Char('0'))
        .arg(minuteOfDay % 60, 2, 10, QLatin1Char('0'));
}

} // namespace

Result<ScheduleRule> ScheduleRule::daily(int hour, int minute)
{
    const Status checked = checkTime(hour, minute);
    if (!checked)
        return checked.error();
    return ScheduleRule(Type::Daily, {hour * 60 + minute});
}

Result<ScheduleRule> ScheduleRule::weekly(int dayOfWeek, int hour, int minute)
{
    Status checked = checkRange("day_of_week", dayOfWeek, 0, 6);
    if (checked)
        checked = checkTime(hour, minute);
    if (!checked)
        return checked.error();

    ScheduleRule rule(Type::Weekly, {hour * 60 + minute});
    rule.m_dayOfWeek = dayOfWeek;
    return rule;
}

Result<ScheduleRule> ScheduleRule::monthly(int dayOfMonth, int hour, int minute)
{
    Status checked = checkRange("day_of_month", dayOfMonth, 1, 31);
    if (checked)
        checked = checkTime(hour, minute);
    if (!checked)
        return checked.error();

    ScheduleRule rule(Type::Monthly, {hour * 60 + minute});
    rule.m_dayOfMonth = dayOfMonth;
    return rule;
}

ScheduleRule ScheduleRule::custom(CronExpression expression)
{
    ScheduleRule rule(Type::Custom, expression.minutesOfDay());
    rule.m_expression = std::move(expression);
    return rule;
}

bool ScheduleRule::matchesDate(QDate date) const
{
    switch (m_type) {
    case Type::Daily:
        return true;
    case Type::Weekly:
        // QDate numbers Monday to Sunday 1 to 7, and the API numbers Sunday 0.
        return date.dayOfWeek() % 7 == m_dayOfWeek;
    case Type::Monthly:
        return date.day() == qMin(m_dayOfMonth, date.daysInMonth());
    case Type::Custom:
        return m_expression->matchesDate(date);
    }
    return false;
}

bool ScheduleRule::hasFixedTimes() const
{
    return m_type != Type::Custom || m_expression->hasFixedHours();
}

bool ScheduleRule::canMatchSomeDate() const
{
    return m_type != Type::Custom || m_expression->canMatchSomeDate();
}

QString ScheduleRule::description() const
{
    const QString time = timeText(m_minutesOfDay.first());
    switch (m_type) {
    case Type::Daily:
        return QStringLiteral("daily at %1").arg(time);
    case Type::Weekly:
        return QStringLiteral("weekly on day %1 at %2").arg(m_dayOfWeek).arg(time);
    case Type::Monthly:
        return QStringLiteral("monthly on day %1 at %2").arg(m_dayOfMonth).arg(time);
    case Type::Custom:
        return QStringLiteral("cron '%1'").arg(m_expression->toString());
    }
    return {};
}

} // namespace dynamight
