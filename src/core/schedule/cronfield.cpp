#include "schedule/cronfield.h"

#include <QStringList>

#include <array>

namespace dynamight {

namespace {

struct FieldSpec
{
    QLatin1String name;
    int min;
    int max;
    // The largest step accepted: the number of values, which already matches only the first one.
    int maxStep;
    // Three-letter names for the values from min upwards, or empty.
    QStringList names;
    QLatin1String namesHint;
    bool isDayOfWeek = false;
};

const FieldSpec &specOf(CronField::Kind kind)
{
    static const std::array<FieldSpec, 5> specs = {{
        {QLatin1String("minute"), 0, 59, 60, {}, {}},
        {QLatin1String("hour"), 0, 23, 24, {}, {}},
        {QLatin1String("day-of-month"), 1, 31, 31, {}, {}},
        {QLatin1String("month"), 1, 12, 12,
         QStringList{QStringLiteral("JAN"), QStringLiteral("FEB"), QStringLiteral("MAR"),
                     QStringLiteral("APR"), QStringLiteral("MAY"), QStringLiteral("JUN"),
                     QStringLiteral("JUL"), QStringLiteral("AUG"), QStringLiteral("SEP"),
                     QStringLiteral("OCT"), QStringLiteral("NOV"), QStringLiteral("DEC")},
         QLatin1String("a month name (JAN-DEC)")},
        // 7 is Sunday as well as 0, as in Vixie cron, so that ranges such as 5-7 can end on it.
        {QLatin1String("day-of-week"), 0, 7, 7,
         QStringList{QStringLiteral("SUN"), QStringLiteral("MON"), QStringLiteral("TUE"),
                     QStringLiteral("WED"), QStringLiteral("THU"), QStringLiteral("FRI"),
                     QStringLiteral("SAT")},
         QLatin1String("a day name (SUN-SAT)"), true},
    }};
    return specs[static_cast<int>(kind)];
}

bool allowsQuestionMark(CronField::Kind kind)
{
    return kind == CronField::Kind::DayOfMonth || kind == CronField::Kind::DayOfWeek;
}

// One list item resolved to the values first, first + step, ... up to last.
struct ItemRange
{
    int first = 0;
    int last = 0;
    int step = 1;
    bool wildcard = false;
};

bool isDigits(const QString &text)
{
    if (text.isEmpty())
        return false;
    for (QChar c : text) {
        if (c < QLatin1Char('0') || c > QLatin1Char('9'))
            return false;
    }
    return true;
}

Error outOfRange(const FieldSpec &spec, const QString &text)
{
    return Error::invalid(QStringLiteral("%1 value %2 is out of range %3-%4")
                              .arg(spec.name, text)
                              .arg(spec.min)
                              .arg(spec.max));
}

Error notANumber(const FieldSpec &spec, const QString &text)
{
    if (spec.names.isEmpty())
        return Error::invalid(QStringLiteral("%1 value '%2' is not a number").arg(spec.name, text));
    return Error::invalid(
        QStringLiteral("%1 value '%2' is not a number or %3").arg(spec.name, text, spec.namesHint));
}

// Reads a number or a name, checked against the field's range.
Result<int> parseValue(const FieldSpec &spec, const QString &text)
{
    if (isDigits(text)) {
        bool ok = false;
        const int value = text.toInt(&ok);
        if (!ok || value < spec.min || value > spec.max)
            return outOfRange(spec, text);
        return value;
    }

    for (qsizetype i = 0; i < spec.names.size(); ++i) {
        if (text.compare(spec.names.at(i), Qt::CaseInsensitive) == 0)
            return spec.min + static_cast<int>(i);
    }
    return notANumber(spec, text);
}

Result<int> parseStep(const FieldSpec &spec, const QString &text)
{
    if (!isDigits(text))
        return Error::invalid(QStringLiteral("%1 step '%2' is not a number").arg(spec.name, text));

    bool ok = false;
    const int step = text.toInt(&ok);
    if (!ok || step < 1 || step > spec.maxStep) {
        return Error::invalid(QStringLiteral("%1 step %2 is out of range 1-%3")
                                  .arg(spec.name, text)
                                  .arg(spec.maxStep));
    }
    return step;
}

Error reversedRange(const FieldSpec &spec, const QString &text, int last)
{
    QString message = QStringLiteral("%1 range '%2' is reversed: its start is greater than its end")
                          .arg(spec.name, text);
    if (spec.isDayOfWeek && last == 0)
        message += QStringLiteral(" (use 7 for Sunday at the end of a range)");
    return Error::invalid(message);
}

Status checkRangeEnds(const FieldSpec &spec, const QString &text, const QStringList &ends)
{
    QString problem;
    if (ends.size() > 2)
        problem = QStringLiteral("has more than one '-'");
    else if (ends.size() == 2 && ends.at(0).isEmpty())
        problem = QStringLiteral("is missing its start");
    else if (ends.size() == 2 && ends.at(1).isEmpty())
        problem = QStringLiteral("is missing its end");
    else if (ends.size() == 2
             && (ends.contains(QLatin1String("*")) || ends.contains(QLatin1String("?"))))
        problem = QStringLiteral("cannot contain '*' or '?'");

    if (problem.isEmpty())
        return {};
    return Error::invalid(QStringLiteral("%1 range '%2' %3").arg(spec.name, text, problem));
}

// Reads "a" or "a-b". A single value followed by a step runs to the field's maximum, so "5/10"
// in the minute field is 5-59/10.
Result<ItemRange> parseRange(const FieldSpec &spec, const QString &text, bool hasStep)
{
    const QStringList ends = text.split(QLatin1Char('-'));
    const Status checked = checkRangeEnds(spec, text, ends);
    if (!checked)
        return checked.error();

    const Result<int> first = parseValue(spec, ends.at(0));
    if (!first)
        return first.error();
    if (ends.size() == 1 && hasStep)
        return ItemRange{*first, spec.max, 1, false};
    if (ends.size() == 1) {
        // A lone 7 is written back as 0, the usual spelling of Sunday.
        const int value = spec.isDayOfWeek && *first == 7 ? 0 : *first;
        return ItemRange{value, value, 1, false};
    }

    const Result<int> last = parseValue(spec, ends.at(1));
    if (!last)
        return last.error();
    if (*first > *last)
        return reversedRange(spec, text, *last);
    return ItemRange{*first, *last, 1, false};
}

Result<ItemRange> parseBase(CronField::Kind kind, const QString &text, bool hasStep)
{
    const FieldSpec &spec = specOf(kind);
    const bool questionMark = text == QLatin1String("?");
    if (questionMark && !allowsQuestionMark(kind)) {
        return Error::invalid(
            QStringLiteral("%1 value '?' is not allowed: '?' is only valid in the day-of-month "
                           "and day-of-week fields")
                .arg(spec.name));
    }
    if (questionMark || text == QLatin1String("*")) {
        // Sunday is matched once, as 0, so '*' stops at 6 in the day-of-week field.
        const int last = kind == CronField::Kind::DayOfWeek ? 6 : spec.max;
        return ItemRange{spec.min, last, 1, true};
    }
    return parseRange(spec, text, hasStep);
}

Result<ItemRange> parseItem(CronField::Kind kind, const QString &item)
{
    const FieldSpec &spec = specOf(kind);
    const QStringList parts = item.split(QLatin1Char('/'));
    if (parts.size() > 2) {
        return Error::invalid(
            QStringLiteral("%1 item '%2' contains more than one '/'").arg(spec.name, item));
    }
    if (parts.at(0).isEmpty()) {
        return Error::invalid(
            QStringLiteral("%1 item '%2' has no value before '/'").arg(spec.name, item));
    }

    const bool hasStep = parts.size() == 2;
    Result<ItemRange> range = parseBase(kind, parts.at(0), hasStep);
    if (!range || !hasStep)
        return range;

    const Result<int> step = parseStep(spec, parts.at(1));
    if (!step)
        return step.error();
    range->step = *step;
    return range;
}

QString normalizedItem(const ItemRange &range)
{
    const QString step = range.step > 1 ? QStringLiteral("/%1").arg(range.step) : QString();
    if (range.wildcard)
        return QLatin1String("*") + step;
    if (range.first == range.last)
        return QString::number(range.first);
    return QStringLiteral("%1-%2").arg(range.first).arg(range.last) + step;
}

} // namespace

Result<CronField> CronField::parse(Kind kind, const QString &text)
{
    CronField field(kind);
    const QStringList items = text.split(QLatin1Char(','));
    for (const QString &item : items) {
        if (item.isEmpty()) {
            return Error::invalid(
                QStringLiteral("%1 field '%2' contains an empty list item").arg(name(kind), text));
        }
        const Status added = field.addItem(item);
        if (!added)
            return added.error();
    }
    return field;
}

QString CronField::name(Kind kind) { return specOf(kind).name; }

bool CronField::contains(int value) const
{
    return value >= 0 && value < 64 && (m_bits & (quint64(1) << value)) != 0;
}

QList<int> CronField::values() const
{
    QList<int> values;
    for (int value = 0; value < 64; ++value) {
        if (contains(value))
            values.append(value);
    }
    return values;
}

Status CronField::addItem(const QString &item)
{
    const Result<ItemRange> range = parseItem(m_kind, item);
    if (!range)
        return range.error();

    for (int value = range->first; value <= range->last; value += range->step) {
        const int bit = m_kind == Kind::DayOfWeek && value == 7 ? 0 : value;
        m_bits |= quint64(1) << bit;
    }

    const bool isFirstItem = m_text.isEmpty();
    if (isFirstItem)
        m_startsWithWildcard = range->wildcard;
    // A step of 1 lists the same values as the plain range, so it counts as no step.
    m_hasWildcardOrStep = m_hasWildcardOrStep || range->wildcard || range->step > 1;
    m_text += (isFirstItem ? QString() : QStringLiteral(",")) + normalizedItem(*range);
    return {};
}

} // namespace dynamight
