#pragma once

#include "result.h"

#include <QList>
#include <QString>

namespace dynamight {

// One of the five fields of a cron expression: the set of values it matches, the flags that
// decide how the day fields combine and which DST rule applies, and its normalized text.
class CronField
{
public:
    enum class Kind {
        Minute,
        Hour,
        DayOfMonth,
        Month,
        DayOfWeek,
    };

    // Parses one field: '*', '?' (day fields only), values, names, ranges, steps and lists.
    // The error message names the field and the value, without the whole expression.
    static Result<CronField> parse(Kind kind, const QString &text);

    // The field's name as error messages spell it: "minute", "day-of-month" and so on.
    static QString name(Kind kind);

    Kind kind() const { return m_kind; }
    bool contains(int value) const;
    QList<int> values() const;

    // Whether the field's first item is '*' or '?', which is what Vixie cron tests to decide
    // that a day field is unrestricted.
    bool startsWithWildcard() const { return m_startsWithWildcard; }
    // Whether any item is '*', '?' or has a step greater than 1.
    bool hasWildcardOrStep() const { return m_hasWildcardOrStep; }

    // The field with names turned into numbers, '?' into '*' and "a/step" into "a-max/step".
    QString toString() const { return m_text; }

    bool operator==(const CronField &other) const = default;

private:
    explicit CronField(Kind kind)
        : m_kind(kind)
    { }

    Status addItem(const QString &item);

    Kind m_kind;
    // Bit n is set when the field matches value n. Day-of-week 7 is stored as 0, Sunday.
    quint64 m_bits = 0;
    bool m_startsWithWildcard = false;
    bool m_hasWildcardOrStep = false;
    QString m_text;
};

} // namespace dynamight
