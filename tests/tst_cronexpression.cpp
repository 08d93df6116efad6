#include "schedule/cronexpression.h"
#include "schedule/schedulecalendar.h"
#include "schedule/schedulerule.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace dynamight;

namespace {

QDateTime utc(const QString &iso) { return QDateTime::fromString(iso, Qt::ISODate).toUTC(); }

QStringList isoTimes(const QList<QDateTime> &times)
{
    QStringList texts;
    for (const QDateTime &time : times)
        texts.append(time.toUTC().toString(Qt::ISODate));
    return texts;
}

// Returns the next five run times as ISO text, or the error message as the only item.
QStringList nextFive(const QString &expression, const QString &zone, const QString &after)
{
    const Result<CronExpression> parsed = CronExpression::parse(expression);
    if (!parsed)
        return {parsed.error().message()};
    const ScheduleCalendar calendar(ScheduleRule::custom(*parsed), QTimeZone(zone.toUtf8()));
    const Result<QList<QDateTime>> runs = calendar.nextRuns(utc(after), 5);
    if (!runs)
        return {runs.error().message()};
    return isoTimes(*runs);
}

QStringList texts(std::initializer_list<const char *> items)
{
    QStringList list;
    for (const char *item : items)
        list.append(QString::fromUtf8(item));
    return list;
}

QStringList toStringList(const QJsonArray &array)
{
    QStringList texts;
    for (const QJsonValue &value : array)
        texts.append(value.toString());
    return texts;
}

} // namespace

class TestCronExpression : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void referenceVectors_data();
    void referenceVectors();
    void handCheckedRuns_data();
    void handCheckedRuns();
    void invalidExpressions_data();
    void invalidExpressions();
    void invalidIsInvalidInput();
    void normalizedText_data();
    void normalizedText();
    void matchesWallClock_data();
    void matchesWallClock();
    void fixedHours_data();
    void fixedHours();
    void canMatchSomeDate_data();
    void canMatchSomeDate();
    void minutesOfDayAscending();
};

// The reference vectors were computed by npm's cron-parser 4, an independent implementation with
// Vixie-style day-of-month OR day-of-week semantics, in zones without DST.
void TestCronExpression::referenceVectors_data()
{
    QTest::addColumn<QString>("expression");
    QTest::addColumn<QString>("zone");
    QTest::addColumn<QString>("after");
    QTest::addColumn<QStringList>("expected");

    const QString path = QFINDTESTDATA("data/cron-vectors.json");
    QFile file(path);
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(QStringLiteral("Cannot open ") + path));
    const QJsonArray cases =
        QJsonDocument::fromJson(file.readAll()).object().value(u"cases").toArray();
    QCOMPARE(cases.size(), 58);

    for (qsizetype i = 0; i < cases.size(); ++i) {
        const QJsonObject row = cases.at(i).toObject();
        const QString expression = row.value(u"expression").toString();
        const QString zone = row.value(u"timezone").toString();
        const QString name = QStringLiteral("%1: %2 in %3").arg(i).arg(expression, zone);
        QTest::newRow(qPrintable(name)) << expression << zone << row.value(u"after").toString()
                                        << toStringList(row.value(u"next").toArray());
    }
}

void TestCronExpression::referenceVectors()
{
    QFETCH(QString, expression);
    QFETCH(QString, zone);
    QFETCH(QString, after);
    QFETCH(QStringList, expected);

    QCOMPARE(nextFive(expression, zone, after), expected);
}

void TestCronExpression::handCheckedRuns_data()
{
    QTest::addColumn<QString>("expression");
    QTest::addColumn<QString>("zone");
    QTest::addColumn<QString>("after");
    QTest::addColumn<QStringList>("expected");

    // 2025-01-15 is a Wednesday.
    QTest::newRow("weekday range by name") << "0 9 * * MON-FRI" << "UTC" << "2025-01-15T10:17:00Z"
        << texts({"2025-01-16T09:00:00Z", "2025-01-17T09:00:00Z", "2025-01-20T09:00:00Z",
                  "2025-01-21T09:00:00Z", "2025-01-22T09:00:00Z"});
    QTest::newRow("both day fields: either matches") << "30 8 1 * MON" << "UTC"
        << "2025-01-15T10:17:00Z"
        << texts({"2025-01-20T08:30:00Z", "2025-01-27T08:30:00Z", "2025-02-01T08:30:00Z",
                  "2025-02-03T08:30:00Z", "2025-02-10T08:30:00Z"});
    QTest::newRow("both day fields, sunday as 0") << "0 0 1,15 * 0" << "UTC"
        << "2025-01-15T10:17:00Z"
        << texts({"2025-01-19T00:00:00Z", "2025-01-26T00:00:00Z", "2025-02-01T00:00:00Z",
                  "2025-02-02T00:00:00Z", "2025-02-09T00:00:00Z"});
    // Vixie cron tests the first character: a day-of-month field starting with '*' makes a day
    // match both fields, so this runs on odd-numbered Mondays only.
    QTest::newRow("star step day of month: both must match") << "0 0 */2 * 1" << "UTC"
        << "2025-01-15T10:17:00Z"
        << texts({"2025-01-27T00:00:00Z", "2025-02-03T00:00:00Z", "2025-02-17T00:00:00Z",
                  "2025-03-03T00:00:00Z", "2025-03-17T00:00:00Z"});
    QTest::newRow("february 29 across 2100") << "0 0 29 2 *" << "UTC" << "2096-03-01T00:00:00Z"
        << texts({"2104-02-29T00:00:00Z", "2108-02-29T00:00:00Z", "2112-02-29T00:00:00Z",
                  "2116-02-29T00:00:00Z", "2120-02-29T00:00:00Z"});
    QTest::newRow("end of february in leap and common years") << "59 23 28-31 2 *" << "UTC"
        << "2027-01-01T00:00:00Z"
        << texts({"2027-02-28T23:59:00Z", "2028-02-28T23:59:00Z", "2028-02-29T23:59:00Z",
                  "2029-02-28T23:59:00Z", "2030-02-28T23:59:00Z"});
    QTest::newRow("31st only in long months") << "0 0 31 * *" << "UTC" << "2025-01-15T10:17:00Z"
        << texts({"2025-01-31T00:00:00Z", "2025-03-31T00:00:00Z", "2025-05-31T00:00:00Z",
                  "2025-07-31T00:00:00Z", "2025-08-31T00:00:00Z"});
    QTest::newRow("7 is sunday") << "0 12 * * 7" << "UTC" << "2025-01-15T10:17:00Z"
                                 << texts({"2025-01-19T12:00:00Z", "2025-01-26T12:00:00Z",
                                           "2025-02-02T12:00:00Z", "2025-02-09T12:00:00Z",
                                           "2025-02-16T12:00:00Z"});
    QTest::newRow("range ending on 7") << "0 12 * * 5-7" << "UTC" << "2025-01-15T10:17:00Z"
        << texts({"2025-01-17T12:00:00Z", "2025-01-18T12:00:00Z", "2025-01-19T12:00:00Z",
                  "2025-01-24T12:00:00Z", "2025-01-25T12:00:00Z"});
    QTest::newRow("question mark day of month") << "15 10 ? * SUN" << "UTC"
        << "2025-01-15T10:17:00Z"
        << texts({"2025-01-19T10:15:00Z", "2025-01-26T10:15:00Z", "2025-02-02T10:15:00Z",
                  "2025-02-09T10:15:00Z", "2025-02-16T10:15:00Z"});
    QTest::newRow("question mark day of week") << "0 0 1 * ?" << "UTC" << "2025-01-15T10:17:00Z"
        << texts({"2025-02-01T00:00:00Z", "2025-03-01T00:00:00Z", "2025-04-01T00:00:00Z",
                  "2025-05-01T00:00:00Z", "2025-06-01T00:00:00Z"});
    QTest::newRow("minute step in an hour range") << "*/20 9-10 * * *" << "UTC"
        << "2025-01-15T10:17:00Z"
        << texts({"2025-01-15T10:20:00Z", "2025-01-15T10:40:00Z", "2025-01-16T09:00:00Z",
                  "2025-01-16T09:20:00Z", "2025-01-16T09:40:00Z"});
    QTest::newRow("lower-case month list") << "0 0 1 jan,jul *" << "UTC" << "2025-01-15T10:17:00Z"
        << texts({"2025-07-01T00:00:00Z", "2026-01-01T00:00:00Z", "2026-07-01T00:00:00Z",
                  "2027-01-01T00:00:00Z", "2027-07-01T00:00:00Z"});
    QTest::newRow("month name range") << "0 6 * mar-may sat" << "UTC" << "2025-01-15T10:17:00Z"
        << texts({"2025-03-01T06:00:00Z", "2025-03-08T06:00:00Z", "2025-03-15T06:00:00Z",
                  "2025-03-22T06:00:00Z", "2025-03-29T06:00:00Z"});
    QTest::newRow("start and step") << "5/20 * * * *" << "UTC" << "2025-01-15T10:17:00Z"
        << texts({"2025-01-15T10:25:00Z", "2025-01-15T10:45:00Z", "2025-01-15T11:05:00Z",
                  "2025-01-15T11:25:00Z", "2025-01-15T11:45:00Z"});
    QTest::newRow("day of month range and step") << "0 0 1-31/10 * *" << "UTC"
        << "2025-01-15T10:17:00Z"
        << texts({"2025-01-21T00:00:00Z", "2025-01-31T00:00:00Z", "2025-02-01T00:00:00Z",
                  "2025-02-11T00:00:00Z", "2025-02-21T00:00:00Z"});
    QTest::newRow("mixed-case day names") << "0 22 * * sun,WED" << "UTC" << "2025-01-15T10:17:00Z"
        << texts({"2025-01-15T22:00:00Z", "2025-01-19T22:00:00Z", "2025-01-22T22:00:00Z",
                  "2025-01-26T22:00:00Z", "2025-01-29T22:00:00Z"});
    QTest::newRow("day of week start and step reaches 7") << "0 4 * * 1/2" << "UTC"
        << "2025-01-15T10:17:00Z"
        << texts({"2025-01-17T04:00:00Z", "2025-01-19T04:00:00Z", "2025-01-20T04:00:00Z",
                  "2025-01-22T04:00:00Z", "2025-01-24T04:00:00Z"});
    QTest::newRow("after is exclusive") << "0 9 * * 1-5" << "Asia/Kolkata" << "2025-01-17T03:30:00Z"
        << texts({"2025-01-20T03:30:00Z", "2025-01-21T03:30:00Z", "2025-01-22T03:30:00Z",
                  "2025-01-23T03:30:00Z", "2025-01-24T03:30:00Z"});
    QTest::newRow("whitespace and tabs") << "  0\t12   *  *  *  " << "UTC" << "2025-01-15T10:17:00Z"
        << texts({"2025-01-15T12:00:00Z", "2025-01-16T12:00:00Z", "2025-01-17T12:00:00Z",
                  "2025-01-18T12:00:00Z", "2025-01-19T12:00:00Z"});
}

void TestCronExpression::handCheckedRuns()
{
    QFETCH(QString, expression);
    QFETCH(QString, zone);
    QFETCH(QString, after);
    QFETCH(QStringList, expected);

    QCOMPARE(nextFive(expression, zone, after), expected);
}

void TestCronExpression::invalidExpressions_data()
{
    QTest::addColumn<QString>("expression");
    QTest::addColumn<QString>("message");

    const auto row = [](const char *name, const char *expression, const QByteArray &detail) {
        QTest::newRow(name) << QString::fromUtf8(expression)
                            << QStringLiteral("Invalid cron expression '%1': %2")
                                   .arg(QString::fromUtf8(expression), QString::fromUtf8(detail));
    };
    const QByteArray found = "expected 5 fields (minute hour day-of-month month day-of-week) "
                             "separated by spaces, found ";

    row("empty", "", found + '0');
    row("blank", "   ", found + '0');
    row("four fields", "* * * *", found + '4');
    row("six fields", "* * * * * *", found + '6');
    row("macro", "@daily", found + '1');
    row("minute too large", "61 * * * *", "minute value 61 is out of range 0-59");
    row("hour too large", "0 24 * * *", "hour value 24 is out of range 0-23");
    row("day of month zero", "0 0 0 * *", "day-of-month value 0 is out of range 1-31");
    row("day of month too large", "0 0 32 * *", "day-of-month value 32 is out of range 1-31");
    row("month too large", "0 0 * 13 *", "month value 13 is out of range 1-12");
    row("month zero", "0 0 * 0 *", "month value 0 is out of range 1-12");
    row("day of week too large", "0 0 * * 8", "day-of-week value 8 is out of range 0-7");
    row("huge number", "0 0 * * 99999999999", "day-of-week value 99999999999 is out of range 0-7");
    row("range end out of range", "0-60 * * * *", "minute value 60 is out of range 0-59");
    row("empty list item", "1,,2 * * * *", "minute field '1,,2' contains an empty list item");
    row("trailing comma", "0 1, * * *", "hour field '1,' contains an empty list item");
    row("not a number", "a * * * *", "minute value 'a' is not a number");
    row("trailing junk", "5x * * * *", "minute value '5x' is not a number");
    row("negative number", "-5 * * * *", "minute range '-5' is missing its start");
    row("missing range end", "5- * * * *", "minute range '5-' is missing its end");
    row("three range ends", "1-2-3 * * * *", "minute range '1-2-3' has more than one '-'");
    row("star in range", "*-5 * * * *", "minute range '*-5' cannot contain '*' or '?'");
    row("reversed range", "30-10 * * * *",
        "minute range '30-10' is reversed: its start is greater than its end");
    row("reversed weekday range", "0 0 * * FRI-SUN",
        "day-of-week range 'FRI-SUN' is reversed: its start is greater than its end "
        "(use 7 for Sunday at the end of a range)");
    row("zero step", "*/0 * * * *", "minute step 0 is out of range 1-60");
    row("zero step in range", "0 0 * * 1-7/0", "day-of-week step 0 is out of range 1-7");
    row("step too large", "*/61 * * * *", "minute step 61 is out of range 1-60");
    row("step not a number", "*/x * * * *", "minute step 'x' is not a number");
    row("step with junk", "*/5x * * * *", "minute step '5x' is not a number");
    row("empty step", "*/ * * * *", "minute step '' is not a number");
    row("two steps", "1-5/2/3 * * * *", "minute item '1-5/2/3' contains more than one '/'");
    row("step without value", "/5 * * * *", "minute item '/5' has no value before '/'");
    row("question mark in minute", "? * * * *",
        "minute value '?' is not allowed: '?' is only valid in the day-of-month and day-of-week "
        "fields");
    row("name in hour", "0 MON * * *", "hour value 'MON' is not a number");
    row("unknown month", "0 0 * FOO *",
        "month value 'FOO' is not a number or a month name (JAN-DEC)");
    row("long month name", "0 0 * JANUARY *",
        "month value 'JANUARY' is not a number or a month name (JAN-DEC)");
    row("unknown day", "0 0 * * FUN",
        "day-of-week value 'FUN' is not a number or a day name (SUN-SAT)");
    row("quartz last day", "0 0 L * *", "day-of-month value 'L' is not a number");
    row("quartz nth weekday", "0 0 * * 1#2",
        "day-of-week value '1#2' is not a number or a day name (SUN-SAT)");
}

void TestCronExpression::invalidExpressions()
{
    QFETCH(QString, expression);
    QFETCH(QString, message);

    const Result<CronExpression> parsed = CronExpression::parse(expression);
    QVERIFY(!parsed);
    QCOMPARE(parsed.error().message(), message);
}

void TestCronExpression::invalidIsInvalidInput()
{
    const Result<CronExpression> parsed = CronExpression::parse(QStringLiteral("61 * * * *"));
    QVERIFY(!parsed);
    QCOMPARE(parsed.error().kind(), Error::Kind::InvalidInput);
}

void TestCronExpression::normalizedText_data()
{
    QTest::addColumn<QString>("expression");
    QTest::addColumn<QString>("normalized");

    QTest::newRow("steps kept") << "*/15 * * * *" << "*/15 * * * *";
    QTest::newRow("names to numbers") << "0 9 * * MON-FRI" << "0 9 * * 1-5";
    QTest::newRow("month names") << "0 0 1,15 jan-mar,JUL *" << "0 0 1,15 1-3,7 *";
    QTest::newRow("question marks") << "0 0 ? * sun" << "0 0 * * 0";
    QTest::newRow("lone 7 as 0") << "0 0 * * 7" << "0 0 * * 0";
    QTest::newRow("range end 7 kept") << "0 0 * * 5-7" << "0 0 * * 5-7";
    QTest::newRow("start and step") << "5/10 * * * *" << "5-59/10 * * * *";
    QTest::newRow("weekday start and step") << "0 0 * * 1/2" << "0 0 * * 1-7/2";
    QTest::newRow("step of 1 dropped") << "*/1 1-5/1 * * *" << "* 1-5 * * *";
    QTest::newRow("one-value range") << "3-3 * * * *" << "3 * * * *";
    QTest::newRow("leading zeros") << "05 007 * * *" << "5 7 * * *";
    QTest::newRow("whitespace") << "  0\t12   *  *  *  " << "0 12 * * *";
    QTest::newRow("star step day kept") << "0 0 */2 * 1" << "0 0 */2 * 1";
}

void TestCronExpression::normalizedText()
{
    QFETCH(QString, expression);
    QFETCH(QString, normalized);

    const Result<CronExpression> parsed = CronExpression::parse(expression);
    QVERIFY2(parsed.ok(), qPrintable(parsed ? QString() : parsed.error().message()));
    QCOMPARE(parsed->toString(), normalized);

    const Result<CronExpression> reparsed = CronExpression::parse(parsed->toString());
    QVERIFY(reparsed.ok());
    QVERIFY(*reparsed == *parsed);
}

void TestCronExpression::matchesWallClock_data()
{
    QTest::addColumn<QString>("expression");
    QTest::addColumn<QDate>("date");
    QTest::addColumn<QTime>("time");
    QTest::addColumn<bool>("matches");

    // 2025-02-01 is a Saturday and 2025-02-03 a Monday.
    QTest::newRow("either day: day of month")
        << "30 8 1 * MON" << QDate(2025, 2, 1) << QTime(8, 30) << true;
    QTest::newRow("either day: day of week")
        << "30 8 1 * MON" << QDate(2025, 2, 3) << QTime(8, 30) << true;
    QTest::newRow("either day: neither")
        << "30 8 1 * MON" << QDate(2025, 2, 4) << QTime(8, 30) << false;
    QTest::newRow("wrong minute") << "30 8 1 * MON" << QDate(2025, 2, 3) << QTime(8, 31) << false;
    QTest::newRow("wrong hour") << "30 8 1 * MON" << QDate(2025, 2, 3) << QTime(9, 30) << false;
    QTest::newRow("seconds ignored")
        << "30 8 1 * MON" << QDate(2025, 2, 3) << QTime(8, 30, 59) << true;
    QTest::newRow("star day of month: monday only")
        << "0 0 * * MON" << QDate(2025, 2, 1) << QTime(0, 0) << false;
    QTest::newRow("star day of week: 1st only")
        << "0 0 1 * *" << QDate(2025, 2, 3) << QTime(0, 0) << false;
    QTest::newRow("question mark day of week")
        << "0 0 1 * ?" << QDate(2025, 2, 3) << QTime(0, 0) << false;
    QTest::newRow("star step: odd monday")
        << "0 0 */2 * 1" << QDate(2025, 1, 27) << QTime(0, 0) << true;
    QTest::newRow("star step: even monday")
        << "0 0 */2 * 1" << QDate(2025, 1, 20) << QTime(0, 0) << false;
    QTest::newRow("star step: odd wednesday")
        << "0 0 */2 * 1" << QDate(2025, 1, 29) << QTime(0, 0) << false;
    QTest::newRow("wrong month") << "0 0 * FEB *" << QDate(2025, 3, 1) << QTime(0, 0) << false;
    QTest::newRow("leap day") << "0 0 29 2 *" << QDate(2028, 2, 29) << QTime(0, 0) << true;
}

void TestCronExpression::matchesWallClock()
{
    QFETCH(QString, expression);
    QFETCH(QDate, date);
    QFETCH(QTime, time);
    QFETCH(bool, matches);

    const Result<CronExpression> parsed = CronExpression::parse(expression);
    QVERIFY(parsed.ok());
    QCOMPARE(parsed->matches(date, time), matches);
}

void TestCronExpression::fixedHours_data()
{
    QTest::addColumn<QString>("expression");
    QTest::addColumn<bool>("fixed");

    QTest::newRow("one hour") << "30 2 * * *" << true;
    QTest::newRow("hour range") << "0 1-5 * * *" << true;
    QTest::newRow("hour list") << "0,30 2,3 * * *" << true;
    QTest::newRow("minute step, fixed hour") << "*/15 2 * * *" << true;
    QTest::newRow("every minute") << "*/15 * * * *" << false;
    QTest::newRow("hourly") << "30 * * * *" << false;
    QTest::newRow("star step hour") << "0 */2 * * *" << false;
    QTest::newRow("range step hour") << "0 1-23/2 * * *" << false;
    QTest::newRow("step inside a list") << "0 2,*/6 * * *" << false;
}

void TestCronExpression::fixedHours()
{
    QFETCH(QString, expression);
    QFETCH(bool, fixed);

    const Result<CronExpression> parsed = CronExpression::parse(expression);
    QVERIFY(parsed.ok());
    QCOMPARE(parsed->hasFixedHours(), fixed);
}

void TestCronExpression::canMatchSomeDate_data()
{
    QTest::addColumn<QString>("expression");
    QTest::addColumn<bool>("canMatch");

    QTest::newRow("february 30") << "0 0 30 2 *" << false;
    QTest::newRow("31st of short months") << "0 0 31 4,6,9,11 *" << false;
    QTest::newRow("february 30 with star step day") << "0 0 30 2 */7" << false;
    QTest::newRow("february 29") << "0 0 29 2 *" << true;
    QTest::newRow("february 30 or mondays") << "0 0 30 2 MON" << true;
    QTest::newRow("31st of february or march") << "0 0 31 2,3 *" << true;
    QTest::newRow("every day") << "* * * * *" << true;
}

void TestCronExpression::canMatchSomeDate()
{
    QFETCH(QString, expression);
    QFETCH(bool, canMatch);

    const Result<CronExpression> parsed = CronExpression::parse(expression);
    QVERIFY(parsed.ok());
    QCOMPARE(parsed->canMatchSomeDate(), canMatch);
}

void TestCronExpression::minutesOfDayAscending()
{
    const Result<CronExpression> parsed = CronExpression::parse(QStringLiteral("45,5 23,1 * * *"));
    QVERIFY(parsed.ok());
    QCOMPARE(parsed->minutesOfDay(), (QList<int>{65, 105, 23 * 60 + 5, 23 * 60 + 45}));
}

QTEST_GUILESS_MAIN(TestCronExpression)
#include "tst_cronexpression.moc"
