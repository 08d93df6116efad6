#include "schedule/cronexpression.h"
#include "schedule/schedulecalendar.h"
#include "schedule/schedulerule.h"

#include <QtTest>

using namespace dynamight;

namespace {

QDateTime utc(const QString &iso) { return QDateTime::fromString(iso, Qt::ISODate).toUTC(); }

QStringList texts(std::initializer_list<const char *> items)
{
    QStringList list;
    for (const char *item : items)
        list.append(QString::fromUtf8(item));
    return list;
}

QStringList isoTimes(const QList<QDateTime> &times)
{
    QStringList list;
    for (const QDateTime &time : times)
        list.append(time.toUTC().toString(Qt::ISODate));
    return list;
}

ScheduleRule cron(const QString &expression)
{
    const Result<CronExpression> parsed = CronExpression::parse(expression);
    if (!parsed)
        qFatal("Test expression '%s' does not parse: %s", qPrintable(expression),
               qPrintable(parsed.error().message()));
    return ScheduleRule::custom(*parsed);
}

// Returns the run times as ISO text in UTC, or the error message as the only item.
QStringList runs(const ScheduleRule &rule, const QString &zone, const QString &after, int count)
{
    const ScheduleCalendar calendar(rule, QTimeZone(zone.toUtf8()));
    const Result<QList<QDateTime>> times = calendar.nextRuns(utc(after), count);
    if (!times)
        return {times.error().message()};
    return isoTimes(*times);
}

// Returns the runs whose wall-clock date in the zone is `date`.
QStringList runsOnDate(const ScheduleRule &rule, const QString &zone, QDate date)
{
    const QTimeZone timeZone(zone.toUtf8());
    const QDateTime after(date.addDays(-2), QTime(0, 0), Qt::UTC);
    const Result<QList<QDateTime>> times = ScheduleCalendar(rule, timeZone).nextRuns(after, 8);
    if (!times)
        return {times.error().message()};

    QList<QDateTime> onDate;
    for (const QDateTime &time : *times) {
        if (time.toTimeZone(timeZone).date() == date)
            onDate.append(time);
    }
    return isoTimes(onDate);
}

// Returns the gaps between consecutive runs, in seconds.
QList<qint64> gapsBetween(const QList<QDateTime> &times)
{
    QList<qint64> gaps;
    for (qsizetype i = 1; i < times.size(); ++i)
        gaps.append(times.at(i - 1).secsTo(times.at(i)));
    return gaps;
}

QStringList wallClockTimes(const QList<QDateTime> &times, const QTimeZone &zone)
{
    QStringList list;
    for (const QDateTime &time : times)
        list.append(time.toTimeZone(zone).toString(Qt::ISODate));
    return list;
}

} // namespace

class TestScheduleCalendar : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fixedTimeOnDstDay_data();
    void fixedTimeOnDstDay();
    void dailyAroundSpringForward();
    void dailyAroundFallBack();
    void quarterHourCadence_data();
    void quarterHourCadence();
    void quarterHourBothPasses();
    void periodicHours_data();
    void periodicHours();
    void fixedHourCron_data();
    void fixedHourCron();
    void utcScheduleInLondonProcess();
    void monthlyClampsToLastDay_data();
    void monthlyClampsToLastDay();
    void customCronSkipsMissingDays();
    void weeklySundayIsZero();
    void weeklyInZone();
    void dailyMidnightAcrossYearEnd_data();
    void dailyMidnightAcrossYearEnd();
    void neverMatchingRejected_data();
    void neverMatchingRejected();
    void searchHorizonBounded();
    void searchHorizonStopsList();
    void invalidSimpleRules_data();
    void invalidSimpleRules();
    void invalidZoneRejected();
    void zeroCountIsEmpty();
    void afterIsExclusive();
    void resultsInUtc();
    void nextRunReturnsFirst();
};

// Fixed times follow Vixie cron: a time in the spring-forward gap runs once, when the gap ends,
// and a time in the repeated hour runs once, at its first occurrence.
void TestScheduleCalendar::fixedTimeOnDstDay_data()
{
    QTest::addColumn<QString>("zone");
    QTest::addColumn<QDate>("date");
    QTest::addColumn<int>("hour");
    QTest::addColumn<int>("minute");
    QTest::addColumn<QString>("expected");

    // New York: 02:00 EST jumps to 03:00 EDT at 07:00Z, and 02:00 EDT falls back to 01:00 EST
    // at 06:00Z.
    QTest::newRow("new york gap") << "America/New_York" << QDate(2025, 3, 9) << 2 << 30
                                  << "2025-03-09T07:00:00Z";
    QTest::newRow("new york after fall back")
        << "America/New_York" << QDate(2025, 11, 2) << 2 << 30 << "2025-11-02T07:30:00Z";
    QTest::newRow("new york repeated hour")
        << "America/New_York" << QDate(2025, 11, 2) << 1 << 30 << "2025-11-02T05:30:00Z";
    // Berlin: 02:00 CET jumps to 03:00 CEST at 01:00Z, and 03:00 CEST falls back to 02:00 CET at
    // 01:00Z.
    QTest::newRow("berlin gap") << "Europe/Berlin" << QDate(2025, 3, 30) << 2 << 30
                                << "2025-03-30T01:00:00Z";
    QTest::newRow("berlin gap start")
        << "Europe/Berlin" << QDate(2025, 3, 30) << 2 << 0 << "2025-03-30T01:00:00Z";
    QTest::newRow("berlin gap end")
        << "Europe/Berlin" << QDate(2025, 3, 30) << 3 << 0 << "2025-03-30T01:00:00Z";
    QTest::newRow("berlin repeated hour")
        << "Europe/Berlin" << QDate(2025, 10, 26) << 2 << 30 << "2025-10-26T00:30:00Z";
    QTest::newRow("berlin repeated hour start")
        << "Europe/Berlin" << QDate(2025, 10, 26) << 2 << 0 << "2025-10-26T00:00:00Z";
    QTest::newRow("berlin after fall back")
        << "Europe/Berlin" << QDate(2025, 10, 26) << 3 << 0 << "2025-10-26T02:00:00Z";
    // Lord Howe Island moves its clock by 30 minutes: 02:00 jumps to 02:30 at 15:30Z, and 02:00
    // falls back to 01:30 at 15:00Z.
    QTest::newRow("lord howe half-hour gap")
        << "Australia/Lord_Howe" << QDate(2025, 10, 5) << 2 << 15 << "2025-10-04T15:30:00Z";
    QTest::newRow("lord howe half-hour repeat")
        << "Australia/Lord_Howe" << QDate(2025, 4, 6) << 1 << 45 << "2025-04-05T14:45:00Z";
    // Santiago changes at midnight: 00:00 jumps to 01:00 at 04:00Z, and 00:00 falls back to 23:00
    // of the day before at 03:00Z.
    QTest::newRow("santiago gap at midnight")
        << "America/Santiago" << QDate(2025, 9, 7) << 0 << 30 << "2025-09-07T04:00:00Z";
    QTest::newRow("santiago repeat before midnight")
        << "America/Santiago" << QDate(2025, 4, 5) << 23 << 30 << "2025-04-06T02:30:00Z";
}

void TestScheduleCalendar::fixedTimeOnDstDay()
{
    QFETCH(QString, zone);
    QFETCH(QDate, date);
    QFETCH(int, hour);
    QFETCH(int, minute);
    QFETCH(QString, expected);

    const Result<ScheduleRule> daily = ScheduleRule::daily(hour, minute);
    QVERIFY(daily.ok());
    QCOMPARE(runsOnDate(*daily, zone, date), QStringList{expected});

    const QString expression = QStringLiteral("%1 %2 * * *").arg(minute).arg(hour);
    QCOMPARE(runsOnDate(cron(expression), zone, date), QStringList{expected});
}

void TestScheduleCalendar::dailyAroundSpringForward()
{
    const Result<ScheduleRule> daily = ScheduleRule::daily(2, 30);
    QVERIFY(daily.ok());
    QCOMPARE(
        runs(*daily, QStringLiteral("America/New_York"), QStringLiteral("2025-03-08T00:00:00Z"), 3),
        texts({"2025-03-08T07:30:00Z", "2025-03-09T07:00:00Z", "2025-03-10T06:30:00Z"}));
}

void TestScheduleCalendar::dailyAroundFallBack()
{
    const Result<ScheduleRule> daily = ScheduleRule::daily(1, 30);
    QVERIFY(daily.ok());
    QCOMPARE(
        runs(*daily, QStringLiteral("America/New_York"), QStringLiteral("2025-11-01T00:00:00Z"), 3),
        texts({"2025-11-01T05:30:00Z", "2025-11-02T05:30:00Z", "2025-11-03T06:30:00Z"}));
}

// "*/15 * * * *" runs at every instant whose wall-clock minute matches. The clock moves by whole
// or half hours, so that keeps runs exactly 15 minutes apart in real time through both changes.
void TestScheduleCalendar::quarterHourCadence_data()
{
    QTest::addColumn<QString>("zone");
    QTest::addColumn<QString>("after");

    QTest::newRow("new york spring") << "America/New_York" << "2025-03-09T05:50:00Z";
    QTest::newRow("new york fall") << "America/New_York" << "2025-11-02T04:50:00Z";
    QTest::newRow("berlin spring") << "Europe/Berlin" << "2025-03-29T23:50:00Z";
    QTest::newRow("berlin fall") << "Europe/Berlin" << "2025-10-25T23:50:00Z";
    QTest::newRow("lord howe spring") << "Australia/Lord_Howe" << "2025-10-04T14:50:00Z";
    QTest::newRow("lord howe fall") << "Australia/Lord_Howe" << "2025-04-05T14:50:00Z";
}

void TestScheduleCalendar::quarterHourCadence()
{
    QFETCH(QString, zone);
    QFETCH(QString, after);

    const ScheduleCalendar calendar(cron(QStringLiteral("*/15 * * * *")), QTimeZone(zone.toUtf8()));
    const Result<QList<QDateTime>> times = calendar.nextRuns(utc(after), 17);
    QVERIFY(times.ok());
    QCOMPARE(times->size(), 17);

    QCOMPARE(times->first(), utc(after).addSecs(10 * 60));
    const QList<qint64> gaps = gapsBetween(*times);
    for (qsizetype i = 0; i < gaps.size(); ++i)
        QVERIFY2(gaps.at(i) == 15 * 60,
                 qPrintable(QStringLiteral("Gap %1 is %2 s").arg(i).arg(gaps.at(i))));
}

void TestScheduleCalendar::quarterHourBothPasses()
{
    const QTimeZone zone("America/New_York");
    const ScheduleCalendar calendar(cron(QStringLiteral("*/15 * * * *")), zone);
    const Result<QList<QDateTime>> times =
        calendar.nextRuns(utc(QStringLiteral("2025-11-02T04:50:00Z")), 10);
    QVERIFY(times.ok());

    QCOMPARE(wallClockTimes(*times, zone),
             texts({"2025-11-02T01:00:00-04:00", "2025-11-02T01:15:00-04:00",
                    "2025-11-02T01:30:00-04:00", "2025-11-02T01:45:00-04:00",
                    "2025-11-02T01:00:00-05:00", "2025-11-02T01:15:00-05:00",
                    "2025-11-02T01:30:00-05:00", "2025-11-02T01:45:00-05:00",
                    "2025-11-02T02:00:00-05:00", "2025-11-02T02:15:00-05:00"}));
}

void TestScheduleCalendar::periodicHours_data()
{
    QTest::addColumn<QString>("expression");
    QTest::addColumn<QString>("zone");
    QTest::addColumn<QString>("after");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("hourly through fall back") << "30 * * * *" << "America/New_York"
        << "2025-11-02T05:00:00Z"
        << texts({"2025-11-02T05:30:00Z", "2025-11-02T06:30:00Z", "2025-11-02T07:30:00Z"});
    QTest::newRow("hourly through spring forward") << "30 * * * *" << "America/New_York"
        << "2025-03-09T06:00:00Z"
        << texts({"2025-03-09T06:30:00Z", "2025-03-09T07:30:00Z", "2025-03-09T08:30:00Z"});
    // 02:00 does not exist in Berlin on 2025-03-30, and a step hour does not catch it up.
    QTest::newRow("two-hourly skips the gap") << "0 */2 * * *" << "Europe/Berlin"
        << "2025-03-29T22:00:00Z"
        << texts({"2025-03-29T23:00:00Z", "2025-03-30T02:00:00Z", "2025-03-30T04:00:00Z"});
    QTest::newRow("range step hours run in both passes") << "0 1-23/2 * * *" << "America/New_York"
        << "2025-11-02T04:30:00Z"
        << texts({"2025-11-02T05:00:00Z", "2025-11-02T06:00:00Z", "2025-11-02T08:00:00Z"});
    // Santiago falls back from 00:00 to 23:00, so 23:00 to 23:59 of April 5 repeats.
    QTest::newRow("half-hourly through a midnight fall back") << "*/30 * * * *"
        << "America/Santiago" << "2025-04-06T01:45:00Z"
        << texts({"2025-04-06T02:00:00Z", "2025-04-06T02:30:00Z", "2025-04-06T03:00:00Z",
                  "2025-04-06T03:30:00Z", "2025-04-06T04:00:00Z", "2025-04-06T04:30:00Z"});
    QTest::newRow("half-hourly through a midnight gap") << "*/30 * * * *" << "America/Santiago"
        << "2025-09-07T03:15:00Z"
        << texts({"2025-09-07T03:30:00Z", "2025-09-07T04:00:00Z", "2025-09-07T04:30:00Z"});
}

void TestScheduleCalendar::periodicHours()
{
    QFETCH(QString, expression);
    QFETCH(QString, zone);
    QFETCH(QString, after);
    QFETCH(QStringList, expected);

    QCOMPARE(runs(cron(expression), zone, after, int(expected.size())), expected);
}

// A cron expression with fixed hours follows the fixed-time rules even when its minute field
// has a step: the gap's times run once when it ends, and a repeated hour runs in its first pass.
void TestScheduleCalendar::fixedHourCron_data()
{
    QTest::addColumn<QString>("expression");
    QTest::addColumn<QString>("zone");
    QTest::addColumn<QString>("after");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("quarter hours in the gap run once") << "*/15 2 * * *" << "America/New_York"
        << "2025-03-09T00:00:00Z"
        << texts({"2025-03-09T07:00:00Z", "2025-03-10T06:00:00Z", "2025-03-10T06:15:00Z"});
    QTest::newRow("quarter hours in the repeated hour run once") << "*/15 1 * * *"
        << "America/New_York" << "2025-11-02T04:00:00Z"
        << texts({"2025-11-02T05:00:00Z", "2025-11-02T05:15:00Z", "2025-11-02T05:30:00Z",
                  "2025-11-02T05:45:00Z", "2025-11-03T06:00:00Z"});
    QTest::newRow("gap and gap end collapse into one run") << "0,30 2,3 * * *" << "America/New_York"
        << "2025-03-09T06:00:00Z"
        << texts({"2025-03-09T07:00:00Z", "2025-03-09T07:30:00Z", "2025-03-10T06:00:00Z"});
    QTest::newRow("hour range in the repeated hour") << "0 1-2 * * *" << "America/New_York"
        << "2025-11-02T04:00:00Z"
        << texts({"2025-11-02T05:00:00Z", "2025-11-02T07:00:00Z", "2025-11-03T06:00:00Z"});
}

void TestScheduleCalendar::fixedHourCron()
{
    QFETCH(QString, expression);
    QFETCH(QString, zone);
    QFETCH(QString, after);
    QFETCH(QStringList, expected);

    QCOMPARE(runs(cron(expression), zone, after, int(expected.size())), expected);
}

// main() sets TZ to Europe/London, whose clock falls back from 02:00 BST to 01:00 GMT at 01:00Z
// on 2022-10-30. A schedule in UTC must not see that change.
void TestScheduleCalendar::utcScheduleInLondonProcess()
{
    QCOMPARE(QTimeZone::systemTimeZoneId(), QByteArray("Europe/London"));
    const Result<ScheduleRule> daily = ScheduleRule::daily(1, 30);
    QVERIFY(daily.ok());

    const QStringList expected =
        texts({"2022-10-29T01:30:00Z", "2022-10-30T01:30:00Z", "2022-10-31T01:30:00Z"});
    QCOMPARE(runs(*daily, QStringLiteral("UTC"), QStringLiteral("2022-10-29T00:00:00Z"), 3),
             expected);
    const Result<QList<QDateTime>> fromUtc =
        ScheduleCalendar(*daily, QTimeZone::utc())
            .nextRuns(utc(QStringLiteral("2022-10-29T00:00:00Z")), 3);
    QVERIFY(fromUtc.ok());
    QCOMPARE(isoTimes(*fromUtc), expected);

    // The same rule in the process's own zone runs at the first 01:30, which is BST.
    QCOMPARE(runsOnDate(*daily, QStringLiteral("Europe/London"), QDate(2022, 10, 30)),
             texts({"2022-10-30T00:30:00Z"}));
}

void TestScheduleCalendar::monthlyClampsToLastDay_data()
{
    QTest::addColumn<int>("day");
    QTest::addColumn<QString>("after");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("31st in a common year") << 31 << "2025-01-15T00:00:00Z"
        << texts({"2025-01-31T00:00:00Z", "2025-02-28T00:00:00Z", "2025-03-31T00:00:00Z",
                  "2025-04-30T00:00:00Z", "2025-05-31T00:00:00Z"});
    QTest::newRow("31st in a leap year")
        << 31 << "2024-01-15T00:00:00Z" << texts({"2024-01-31T00:00:00Z", "2024-02-29T00:00:00Z"});
    QTest::newRow("30th") << 30 << "2025-01-15T00:00:00Z"
                          << texts({"2025-01-30T00:00:00Z", "2025-02-28T00:00:00Z",
                                    "2025-03-30T00:00:00Z", "2025-04-30T00:00:00Z"});
    QTest::newRow("29th in a common year") << 29 << "2025-01-15T00:00:00Z"
        << texts({"2025-01-29T00:00:00Z", "2025-02-28T00:00:00Z", "2025-03-29T00:00:00Z"});
    QTest::newRow("29th in a leap year")
        << 29 << "2024-02-01T00:00:00Z" << texts({"2024-02-29T00:00:00Z", "2024-03-29T00:00:00Z"});
    QTest::newRow("28th") << 28 << "2025-01-15T00:00:00Z"
                          << texts({"2025-01-28T00:00:00Z", "2025-02-28T00:00:00Z"});
    QTest::newRow("1st") << 1 << "2025-01-15T00:00:00Z"
                         << texts({"2025-02-01T00:00:00Z", "2025-03-01T00:00:00Z"});
}

void TestScheduleCalendar::monthlyClampsToLastDay()
{
    QFETCH(int, day);
    QFETCH(QString, after);
    QFETCH(QStringList, expected);

    const Result<ScheduleRule> monthly = ScheduleRule::monthly(day, 0, 0);
    QVERIFY(monthly.ok());
    QCOMPARE(runs(*monthly, QStringLiteral("UTC"), after, int(expected.size())), expected);
}

void TestScheduleCalendar::customCronSkipsMissingDays()
{
    QCOMPARE(runs(cron(QStringLiteral("0 0 31 * *")), QStringLiteral("UTC"),
                  QStringLiteral("2025-01-15T00:00:00Z"), 3),
             texts({"2025-01-31T00:00:00Z", "2025-03-31T00:00:00Z", "2025-05-31T00:00:00Z"}));
    QCOMPARE(runs(cron(QStringLiteral("0 0 29 2 *")), QStringLiteral("UTC"),
                  QStringLiteral("2025-01-15T00:00:00Z"), 2),
             texts({"2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"}));
}

void TestScheduleCalendar::weeklySundayIsZero()
{
    const Result<ScheduleRule> sunday = ScheduleRule::weekly(0, 9, 0);
    QVERIFY(sunday.ok());
    const Result<QList<QDateTime>> times =
        ScheduleCalendar(*sunday, QTimeZone::utc())
            .nextRuns(utc(QStringLiteral("2025-01-15T00:00:00Z")), 3);
    QVERIFY(times.ok());
    QCOMPARE(isoTimes(*times),
             texts({"2025-01-19T09:00:00Z", "2025-01-26T09:00:00Z", "2025-02-02T09:00:00Z"}));
    for (const QDateTime &time : *times)
        QCOMPARE(time.date().dayOfWeek(), int(Qt::Sunday));

    const Result<ScheduleRule> saturday = ScheduleRule::weekly(6, 9, 0);
    QVERIFY(saturday.ok());
    QCOMPARE(runs(*saturday, QStringLiteral("UTC"), QStringLiteral("2025-01-15T00:00:00Z"), 1),
             texts({"2025-01-18T09:00:00Z"}));
}

void TestScheduleCalendar::weeklyInZone()
{
    const Result<ScheduleRule> monday = ScheduleRule::weekly(1, 0, 30);
    QVERIFY(monday.ok());
    // 00:30 CET on Monday is 23:30Z on Sunday.
    QCOMPARE(
        runs(*monday, QStringLiteral("Europe/Berlin"), QStringLiteral("2025-01-15T00:00:00Z"), 2),
        texts({"2025-01-19T23:30:00Z", "2025-01-26T23:30:00Z"}));
}

void TestScheduleCalendar::dailyMidnightAcrossYearEnd_data()
{
    QTest::addColumn<QString>("zone");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("utc") << "UTC" << texts({"2025-12-31T00:00:00Z", "2026-01-01T00:00:00Z",
                                   "2026-01-02T00:00:00Z"});
    QTest::newRow("berlin") << "Europe/Berlin"
                            << texts({"2025-12-30T23:00:00Z", "2025-12-31T23:00:00Z",
                                      "2026-01-01T23:00:00Z"});
    QTest::newRow("new york") << "America/New_York"
                              << texts({"2025-12-31T05:00:00Z", "2026-01-01T05:00:00Z",
                                        "2026-01-02T05:00:00Z"});
}

void TestScheduleCalendar::dailyMidnightAcrossYearEnd()
{
    QFETCH(QString, zone);
    QFETCH(QStringList, expected);

    const Result<ScheduleRule> daily = ScheduleRule::daily(0, 0);
    QVERIFY(daily.ok());
    QCOMPARE(runs(*daily, zone, QStringLiteral("2025-12-30T12:00:00Z"), 3), expected);
}

void TestScheduleCalendar::neverMatchingRejected_data()
{
    QTest::addColumn<QString>("expression");

    QTest::newRow("february 30") << "0 0 30 2 *";
    QTest::newRow("31st of short months") << "0 0 31 4,6,9,11 *";
}

void TestScheduleCalendar::neverMatchingRejected()
{
    QFETCH(QString, expression);

    const ScheduleCalendar calendar(cron(expression), QTimeZone::utc());
    const Result<QList<QDateTime>> times =
        calendar.nextRuns(utc(QStringLiteral("2025-01-01T00:00:00Z")), 5);
    QVERIFY(!times);
    QCOMPARE(times.error().kind(), Error::Kind::InvalidInput);
    QCOMPARE(
        times.error().message(),
        QStringLiteral("Schedule cron '%1' never runs: none of its days of the month occurs in any "
                       "of its months")
            .arg(expression));
}

// February 29 that is also a Sunday: 2032, then 2060, which is past the 9-year search horizon.
void TestScheduleCalendar::searchHorizonBounded()
{
    const ScheduleCalendar calendar(cron(QStringLiteral("0 0 29 2 */7")), QTimeZone::utc());
    QElapsedTimer timer;
    timer.start();
    const Result<QList<QDateTime>> times =
        calendar.nextRuns(utc(QStringLiteral("2032-03-01T00:00:00Z")), 5);
    qInfo("Searching 9 years took %lld ms", timer.elapsed());

    QVERIFY(!times);
    QCOMPARE(times.error().kind(), Error::Kind::InvalidInput);
    QCOMPARE(times.error().message(),
             QStringLiteral("Schedule cron '0 0 29 2 */7' has no run within 9 years after "
                            "2032-03-01T00:00:00Z"));
}

void TestScheduleCalendar::searchHorizonStopsList()
{
    QCOMPARE(runs(cron(QStringLiteral("0 0 29 2 */7")), QStringLiteral("UTC"),
                  QStringLiteral("2025-01-01T00:00:00Z"), 3),
             texts({"2032-02-29T00:00:00Z"}));
}

void TestScheduleCalendar::invalidSimpleRules_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<int>("day");
    QTest::addColumn<int>("hour");
    QTest::addColumn<int>("minute");
    QTest::addColumn<QString>("message");

    QTest::newRow("daily hour 24")
        << "daily" << 0 << 24 << 0 << "Invalid schedule: hour 24 is out of range 0-23";
    QTest::newRow("daily hour -1")
        << "daily" << 0 << -1 << 0 << "Invalid schedule: hour -1 is out of range 0-23";
    QTest::newRow("daily minute 60")
        << "daily" << 0 << 2 << 60 << "Invalid schedule: minute 60 is out of range 0-59";
    QTest::newRow("weekly day 7") << "weekly" << 7 << 2 << 0
                                  << "Invalid schedule: day_of_week 7 is out of range 0-6";
    QTest::newRow("weekly day -1")
        << "weekly" << -1 << 2 << 0 << "Invalid schedule: day_of_week -1 is out of range 0-6";
    QTest::newRow("weekly minute 60")
        << "weekly" << 1 << 2 << 60 << "Invalid schedule: minute 60 is out of range 0-59";
    QTest::newRow("monthly day 0")
        << "monthly" << 0 << 2 << 0 << "Invalid schedule: day_of_month 0 is out of range 1-31";
    QTest::newRow("monthly day 32")
        << "monthly" << 32 << 2 << 0 << "Invalid schedule: day_of_month 32 is out of range 1-31";
    QTest::newRow("monthly hour 24")
        << "monthly" << 1 << 24 << 0 << "Invalid schedule: hour 24 is out of range 0-23";
}

void TestScheduleCalendar::invalidSimpleRules()
{
    QFETCH(QString, type);
    QFETCH(int, day);
    QFETCH(int, hour);
    QFETCH(int, minute);
    QFETCH(QString, message);

    const Result<ScheduleRule> rule = type == QLatin1String("daily")
        ? ScheduleRule::daily(hour, minute)
        : type == QLatin1String("weekly") ? ScheduleRule::weekly(day, hour, minute)
                                          : ScheduleRule::monthly(day, hour, minute);
    QVERIFY(!rule);
    QCOMPARE(rule.error().kind(), Error::Kind::InvalidInput);
    QCOMPARE(rule.error().message(), message);
}

void TestScheduleCalendar::invalidZoneRejected()
{
    const Result<ScheduleRule> daily = ScheduleRule::daily(2, 30);
    QVERIFY(daily.ok());
    QCOMPARE(runs(*daily, QStringLiteral("Mars/Olympus_Mons"),
                  QStringLiteral("2025-01-01T00:00:00Z"), 1),
             texts({"Invalid time zone for schedule daily at 02:30: use an IANA name such as "
                    "Europe/Berlin"}));
}

void TestScheduleCalendar::zeroCountIsEmpty()
{
    const Result<QList<QDateTime>> times =
        ScheduleCalendar(cron(QStringLiteral("* * * * *")), QTimeZone::utc())
            .nextRuns(utc(QStringLiteral("2025-01-01T00:00:00Z")), 0);
    QVERIFY(times.ok());
    QVERIFY(times->isEmpty());
}

void TestScheduleCalendar::afterIsExclusive()
{
    const ScheduleCalendar calendar(cron(QStringLiteral("* * * * *")), QTimeZone::utc());
    const QDateTime onRun = utc(QStringLiteral("2025-01-15T10:17:00Z"));

    const Result<QList<QDateTime>> fromRun = calendar.nextRuns(onRun, 2);
    QVERIFY(fromRun.ok());
    QCOMPARE(isoTimes(*fromRun), texts({"2025-01-15T10:18:00Z", "2025-01-15T10:19:00Z"}));

    const Result<QList<QDateTime>> justBefore = calendar.nextRuns(onRun.addMSecs(-500), 1);
    QVERIFY(justBefore.ok());
    QCOMPARE(isoTimes(*justBefore), texts({"2025-01-15T10:17:00Z"}));
}

void TestScheduleCalendar::resultsInUtc()
{
    const ScheduleCalendar calendar(cron(QStringLiteral("0 12 * * *")), QTimeZone("Asia/Tokyo"));
    const QDateTime afterWithOffset =
        QDateTime::fromString(QStringLiteral("2025-01-15T12:00:00+02:00"), Qt::ISODate);
    const Result<QList<QDateTime>> times = calendar.nextRuns(afterWithOffset, 1);
    QVERIFY(times.ok());
    QCOMPARE(times->first().timeSpec(), Qt::UTC);
    QCOMPARE(times->first().toString(Qt::ISODate), QStringLiteral("2025-01-16T03:00:00Z"));
}

void TestScheduleCalendar::nextRunReturnsFirst()
{
    const ScheduleCalendar calendar(cron(QStringLiteral("0 12 * * *")), QTimeZone::utc());
    const Result<QDateTime> next = calendar.nextRun(utc(QStringLiteral("2025-01-15T12:00:00Z")));
    QVERIFY(next.ok());
    QCOMPARE(next->toString(Qt::ISODate), QStringLiteral("2025-01-16T12:00:00Z"));

    const Result<QDateTime> never =
        ScheduleCalendar(cron(QStringLiteral("0 0 30 2 *")), QTimeZone::utc())
            .nextRun(utc(QStringLiteral("2025-01-15T12:00:00Z")));
    QVERIFY(!never);
}

int main(int argc, char *argv[])
{
    // Set before anything reads the system zone. Every other test passes its zone explicitly, so
    // this also checks that no result depends on the process's zone.
    qputenv("TZ", QByteArray("Europe/London"));
    QCoreApplication app(argc, argv);
    TestScheduleCalendar test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_schedulecalendar.moc"
