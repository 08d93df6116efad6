#pragma once

#include <QDateTime>

namespace dynamight {

// The source of the current time, injected so that tests can set it.
class Clock
{
public:
    virtual ~Clock() = default;
    virtual QDateTime now() const = 0;
};

class SystemClock final : public Clock
{
public:
    QDateTime now() const override { return QDateTime::currentDateTimeUtc(); }
};

// Formats a time the way the API returns it: ISO 8601 in UTC with a 'Z', whole seconds.
inline QString toApiTime(const QDateTime &time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODate) : QString();
}

// Formats a time the way it is stored: ISO 8601 in UTC with milliseconds, which sorts as text.
inline QString toStoredTime(const QDateTime &time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODateWithMs) : QString();
}

inline QDateTime fromStoredTime(const QString &text)
{
    return text.isEmpty() ? QDateTime() : QDateTime::fromString(text, Qt::ISODateWithMs).toUTC();
}

} // namespace dynamight
