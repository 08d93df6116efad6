#include "jobs/jobstore.h"
#include "jobs/jobvalidator.h"
#include "schedule/schedulestore.h"
#include "schedule/schedulevalidator.h"
#include "schedule/timezoneids.h"
#include "storage/database.h"

#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>

using namespace dynamight;
using namespace Qt::StringLiterals;

namespace {

QDateTime utc(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODateWithMs).toUTC();
}

QJsonObject object(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).object();
}

const ScheduleDefaults defaults{"Europe/Berlin", utc("2025-01-06T12:00:00Z")};

} // namespace

class TestScheduleStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void parseAcceptsEachType_data();
    void parseAcceptsEachType();
    void parseRejectsInvalid_data();
    void parseRejectsInvalid();
    void parseDefaults();
    void parseIgnoresReadOnlyFields();
    void updateKeepsAbsentFields();
    void updateChangingTypeDropsFields();
    void updateRejectsInvalid();
    void knownTimeZones_data();
    void knownTimeZones();

    void createStoresEveryField();
    void createForMissingJobIsNotFound();
    void listForJobInIdOrder();
    void updateClearsNextRun();
    void setNextRunStoresAndClears();
    void removeDeletesSchedule();
    void removeMissingIsNotFound();
    void deletingJobDeletesSchedules();
    void jobStoreListsSameSchedules();

private:
    qint64 createJob(const QString &name);
    Schedule parsed(const QByteArray &json) { return parseSchedule(object(json), defaults).value(); }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::shared_ptr<Database> m_database;
    std::unique_ptr<JobStore> m_jobs;
    std::unique_ptr<ScheduleStore> m_schedules;
};

void TestScheduleStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_database = Database::open(m_dir->path()).value();
    m_jobs = std::make_unique<JobStore>(m_database);
    m_schedules = std::make_unique<ScheduleStore>(m_database);
}

void TestScheduleStore::cleanup()
{
    m_schedules.reset();
    m_jobs.reset();
    m_database.reset();
}

qint64 TestScheduleStore::createJob(const QString &name)
{
    QJsonObject body = object(R"({"source_dirs": ["/srv/data"], "destination_type": "local",
                                 "destination_config": {"mount_point": "/mnt/backup"}})");
    body.insert(u"name"_s, name);
    return m_jobs->create(parseJob(body).value(), defaults.now).value().id;
}

void TestScheduleStore::parseAcceptsEachType_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<ScheduleType>("type");
    QTest::addColumn<std::optional<int>>("hour");
    QTest::addColumn<std::optional<int>>("minute");
    QTest::addColumn<std::optional<int>>("dayOfWeek");
    QTest::addColumn<std::optional<int>>("dayOfMonth");
    QTest::addColumn<QString>("cron");

    const std::optional<int> none;
    QTest::newRow("daily") << QByteArray(R"({"schedule_type": "daily", "hour": 2, "minute": 0})")
                           << ScheduleType::Daily << std::optional(2) << std::optional(0) << none << none
                           << QString();
    QTest::newRow("daily at 23:59") << QByteArray(R"({"schedule_type": "daily", "hour": 23, "minute": 59})")
                                    << ScheduleType::Daily << std::optional(23) << std::optional(59) << none
                                    << none << QString();
    QTest::newRow("weekly sunday")
        << QByteArray(R"({"schedule_type": "weekly", "hour": 2, "minute": 30, "day_of_week": 0})")
        << ScheduleType::Weekly << std::optional(2) << std::optional(30) << std::optional(0) << none << QString();
    QTest::newRow("weekly saturday")
        << QByteArray(R"({"schedule_type": "weekly", "hour": 0, "minute": 0, "day_of_week": 6})")
        << ScheduleType::Weekly << std::optional(0) << std::optional(0) << std::optional(6) << none << QString();
    QTest::newRow("monthly 31st")
        << QByteArray(R"({"schedule_type": "monthly", "hour": 4, "minute": 5, "day_of_month": 31})")
        << ScheduleType::Monthly << std::optional(4) << std::optional(5) << none << std::optional(31) << QString();
    QTest::newRow("monthly 1st")
        << QByteArray(R"({"schedule_type": "monthly", "hour": 4, "minute": 5, "day_of_month": 1})")
        << ScheduleType::Monthly << std::optional(4) << std::optional(5) << none << std::optional(1) << QString();
    QTest::newRow("custom") << QByteArray(R"({"schedule_type": "custom", "cron_expression": "0 2 * * 1-5"})")
                            << ScheduleType::Custom << none << none << none << none << u"0 2 * * 1-5"_s;
    QTest::newRow("custom trimmed") << QByteArray(R"({"schedule_type": "custom", "cron_expression": " */15 * * * * "})")
                                    << ScheduleType::Custom << none << none << none << none << u"*/15 * * * *"_s;
    QTest::newRow("nulls of other types")
        << QByteArray(R"({"schedule_type": "daily", "hour": 2, "minute": 0, "day_of_week": null,
                          "day_of_month": null, "cron_expression": null})")
        << ScheduleType::Daily << std::optional(2) << std::optional(0) << none << none << QString();
    QTest::newRow("integral double") << QByteArray(R"({"schedule_type": "daily", "hour": 2.0, "minute": 0})")
                                     << ScheduleType::Daily << std::optional(2) << std::optional(0) << none << none
                                     << QString();
}

void TestScheduleStore::parseAcceptsEachType()
{
    QFETCH(QByteArray, json);
    const auto schedule = parseSchedule(object(json), defaults);
    QVERIFY2(schedule.ok(), schedule.ok() ? "" : qPrintable(schedule.error().message()));
    QTEST(schedule->type, "type");
    QTEST(schedule->hour, "hour");
    QTEST(schedule->minute, "minute");
    QTEST(schedule->dayOfWeek, "dayOfWeek");
    QTEST(schedule->dayOfMonth, "dayOfMonth");
    QTEST(schedule->cronExpression, "cron");
}

void TestScheduleStore::parseRejectsInvalid_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("message");

    QTest::newRow("type missing") << QByteArray(R"({"hour": 2, "minute": 0})")
                                  << u"Field 'schedule_type' is required: one of daily, weekly, monthly, custom"_s;
    QTest::newRow("type unknown") << QByteArray(R"({"schedule_type": "hourly"})")
                                  << u"Field 'schedule_type' must be one of: daily, weekly, monthly, custom, got 'hourly'"_s;
    QTest::newRow("type not a string") << QByteArray(R"({"schedule_type": 1})")
                                       << u"Field 'schedule_type' must be one of: daily, weekly, monthly, custom, got 1"_s;
    QTest::newRow("hour missing") << QByteArray(R"({"schedule_type": "daily", "minute": 0})")
                                  << u"Field 'hour' is required for a daily schedule: an integer from 0 to 23"_s;
    QTest::newRow("hour null") << QByteArray(R"({"schedule_type": "weekly", "hour": null, "minute": 0, "day_of_week": 1})")
                               << u"Field 'hour' is required for a weekly schedule: an integer from 0 to 23"_s;
    QTest::newRow("hour 24") << QByteArray(R"({"schedule_type": "daily", "hour": 24, "minute": 0})")
                             << u"Field 'hour' must be an integer from 0 to 23, got 24"_s;
    QTest::newRow("hour negative") << QByteArray(R"({"schedule_type": "daily", "hour": -1, "minute": 0})")
                                   << u"Field 'hour' must be an integer from 0 to 23, got -1"_s;
    QTest::newRow("hour fraction") << QByteArray(R"({"schedule_type": "daily", "hour": 2.5, "minute": 0})")
                                   << u"Field 'hour' must be an integer from 0 to 23, got 2.5"_s;
    QTest::newRow("hour string") << QByteArray(R"({"schedule_type": "daily", "hour": "2", "minute": 0})")
                                 << u"Field 'hour' must be an integer from 0 to 23, got '2'"_s;
    QTest::newRow("minute missing") << QByteArray(R"({"schedule_type": "monthly", "hour": 2, "day_of_month": 1})")
                                    << u"Field 'minute' is required for a monthly schedule: an integer from 0 to 59"_s;
    QTest::newRow("minute 60") << QByteArray(R"({"schedule_type": "daily", "hour": 2, "minute": 60})")
                               << u"Field 'minute' must be an integer from 0 to 59, got 60"_s;
    QTest::newRow("minute bool") << QByteArray(R"({"schedule_type": "daily", "hour": 2, "minute": true})")
                                 << u"Field 'minute' must be an integer from 0 to 59, got true"_s;
    QTest::newRow("day_of_week missing") << QByteArray(R"({"schedule_type": "weekly", "hour": 2, "minute": 0})")
                                         << u"Field 'day_of_week' is required for a weekly schedule: an integer from 0 to 6"_s;
    QTest::newRow("day_of_week 7") << QByteArray(R"({"schedule_type": "weekly", "hour": 2, "minute": 0, "day_of_week": 7})")
                                   << u"Field 'day_of_week' must be an integer from 0 to 6, got 7"_s;
    QTest::newRow("day_of_month missing") << QByteArray(R"({"schedule_type": "monthly", "hour": 2, "minute": 0})")
                                          << u"Field 'day_of_month' is required for a monthly schedule: an integer from 1 to 31"_s;
    QTest::newRow("day_of_month 0") << QByteArray(R"({"schedule_type": "monthly", "hour": 2, "minute": 0, "day_of_month": 0})")
                                    << u"Field 'day_of_month' must be an integer from 1 to 31, got 0"_s;
    QTest::newRow("day_of_month 32") << QByteArray(R"({"schedule_type": "monthly", "hour": 2, "minute": 0, "day_of_month": 32})")
                                     << u"Field 'day_of_month' must be an integer from 1 to 31, got 32"_s;
    QTest::newRow("day_of_week on daily")
        << QByteArray(R"({"schedule_type": "daily", "hour": 2, "minute": 0, "day_of_week": 1})")
        << u"Field 'day_of_week' does not apply to a daily schedule; leave it out or send null"_s;
    QTest::newRow("day_of_month on weekly")
        << QByteArray(R"({"schedule_type": "weekly", "hour": 2, "minute": 0, "day_of_week": 1, "day_of_month": 3})")
        << u"Field 'day_of_month' does not apply to a weekly schedule; leave it out or send null"_s;
    QTest::newRow("hour on custom") << QByteArray(R"({"schedule_type": "custom", "cron_expression": "0 2 * * *", "hour": 2})")
                                    << u"Field 'hour' does not apply to a custom schedule; leave it out or send null"_s;
    QTest::newRow("cron on daily")
        << QByteArray(R"({"schedule_type": "daily", "hour": 2, "minute": 0, "cron_expression": "0 2 * * *"})")
        << u"Field 'cron_expression' does not apply to a daily schedule; leave it out or send null"_s;
    QTest::newRow("cron missing") << QByteArray(R"({"schedule_type": "custom"})")
                                  << u"Field 'cron_expression' is required for a custom schedule, such as \"0 2 * * 1-5\""_s;
    QTest::newRow("cron not a string") << QByteArray(R"({"schedule_type": "custom", "cron_expression": 5})")
                                       << u"Field 'cron_expression' must be a string, got 5"_s;
    QTest::newRow("cron out of range") << QByteArray(R"({"schedule_type": "custom", "cron_expression": "61 * * * *"})")
                                       << u"Field 'cron_expression': Invalid cron expression '61 * * * *': minute value 61 is out of range 0-59"_s;
    QTest::newRow("cron four fields") << QByteArray(R"({"schedule_type": "custom", "cron_expression": "0 2 * *"})")
                                      << u"Field 'cron_expression': Invalid cron expression '0 2 * *': expected 5 fields (minute hour day-of-month month day-of-week) separated by spaces, found 4"_s;
    QTest::newRow("cron never runs") << QByteArray(R"({"schedule_type": "custom", "cron_expression": "0 0 30 2 *"})")
                                     << QString();
    QTest::newRow("cron too long") << QByteArray(R"({"schedule_type": "custom", "cron_expression": ")" + QByteArray(201, '1') + "\"}")
                                   << u"Field 'cron_expression' must be at most 200 characters"_s;
    QTest::newRow("timezone unknown") << QByteArray(R"({"schedule_type": "daily", "hour": 2, "minute": 0, "timezone": "Mars/Olympus"})")
                                      << u"Field 'timezone' must be a known IANA time zone such as \"Europe/Berlin\" or \"UTC\", got 'Mars/Olympus'"_s;
    QTest::newRow("timezone path") << QByteArray(R"({"schedule_type": "daily", "hour": 2, "minute": 0, "timezone": "../../etc/passwd"})")
                                   << u"Field 'timezone' must be a known IANA time zone such as \"Europe/Berlin\" or \"UTC\", got '../../etc/passwd'"_s;
    QTest::newRow("timezone Qt offset id") << QByteArray(R"({"schedule_type": "daily", "hour": 2, "minute": 0, "timezone": "UTC+01:00"})")
                                           << u"Field 'timezone' must be a known IANA time zone such as \"Europe/Berlin\" or \"UTC\", got 'UTC+01:00'"_s;
    QTest::newRow("timezone number") << QByteArray(R"({"schedule_type": "daily", "hour": 2, "minute": 0, "timezone": 1})")
                                     << u"Field 'timezone' must be a known IANA time zone such as \"Europe/Berlin\" or \"UTC\", got 1"_s;
    QTest::newRow("enabled string") << QByteArray(R"({"schedule_type": "daily", "hour": 2, "minute": 0, "enabled": "yes"})")
                                    << u"Field 'enabled' must be a boolean, got 'yes'"_s;
    QTest::newRow("unknown field") << QByteArray(R"({"schedule_type": "daily", "hour": 2, "minute": 0, "hours": 3})")
                                   << u"Unknown field 'hours'; schedules take schedule_type, hour, minute, day_of_week, day_of_month, cron_expression, timezone and enabled"_s;
}

void TestScheduleStore::parseRejectsInvalid()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, message);
    const auto schedule = parseSchedule(object(json), defaults);
    QVERIFY(!schedule.ok());
    QCOMPARE(schedule.error().kind(), Error::Kind::InvalidInput);
    if (message.isEmpty())
        QVERIFY2(schedule.error().message().startsWith(u"Field 'cron_expression': "_s), qPrintable(schedule.error().message()));
    else
        QCOMPARE(schedule.error().message(), message);
}

void TestScheduleStore::parseDefaults()
{
    const Schedule schedule = parsed(R"({"schedule_type": "daily", "hour": 2, "minute": 0})");
    QVERIFY(schedule.enabled);
    QCOMPARE(schedule.timezone, QByteArray("Europe/Berlin"));
    QCOMPARE(parsed(R"({"schedule_type": "daily", "hour": 2, "minute": 0, "timezone": null})").timezone,
             QByteArray("Europe/Berlin"));
    QCOMPARE(parsed(R"({"schedule_type": "daily", "hour": 2, "minute": 0, "timezone": "US/Eastern"})").timezone,
             QByteArray("US/Eastern"));
    QVERIFY(!parsed(R"({"schedule_type": "daily", "hour": 2, "minute": 0, "enabled": false})").enabled);
}

void TestScheduleStore::parseIgnoresReadOnlyFields()
{
    const Schedule schedule = parsed(R"({"schedule_type": "daily", "hour": 2, "minute": 0, "id": 9, "job_id": 4,
                                         "next_run": "2026-01-06T02:00:00Z", "created_at": "x", "updated_at": null})");
    QCOMPARE(schedule.id, 0);
    QCOMPARE(schedule.jobId, 0);
    QVERIFY(!schedule.nextRun.isValid());
}

void TestScheduleStore::updateKeepsAbsentFields()
{
    Schedule stored = parsed(R"({"schedule_type": "weekly", "hour": 3, "minute": 15, "day_of_week": 2,
                                 "timezone": "America/New_York"})");
    const auto disabled = parseScheduleUpdate(stored, object(R"({"enabled": false})"), defaults);
    QVERIFY(disabled.ok());
    QVERIFY(!disabled->enabled);
    QCOMPARE(disabled->type, ScheduleType::Weekly);
    QCOMPARE(disabled->hour, std::optional(3));
    QCOMPARE(disabled->minute, std::optional(15));
    QCOMPARE(disabled->dayOfWeek, std::optional(2));
    QCOMPARE(disabled->timezone, QByteArray("America/New_York"));

    const auto moved = parseScheduleUpdate(*disabled, object(R"({"hour": 5, "enabled": true})"), defaults);
    QVERIFY(moved.ok());
    QVERIFY(moved->enabled);
    QCOMPARE(moved->hour, std::optional(5));
    QCOMPARE(moved->minute, std::optional(15));

    const auto defaultZone = parseScheduleUpdate(*moved, object(R"({"timezone": null})"), defaults);
    QCOMPARE(defaultZone->timezone, QByteArray("Europe/Berlin"));
}

void TestScheduleStore::updateChangingTypeDropsFields()
{
    const Schedule weekly = parsed(R"({"schedule_type": "weekly", "hour": 3, "minute": 15, "day_of_week": 2})");
    const auto daily = parseScheduleUpdate(weekly, object(R"({"schedule_type": "daily"})"), defaults);
    QVERIFY2(daily.ok(), daily.ok() ? "" : qPrintable(daily.error().message()));
    QCOMPARE(daily->type, ScheduleType::Daily);
    QCOMPARE(daily->hour, std::optional(3));
    QCOMPARE(daily->dayOfWeek, std::optional<int>());

    const auto custom = parseScheduleUpdate(weekly, object(R"({"schedule_type": "custom", "cron_expression": "0 1 * * *"})"),
                                            defaults);
    QVERIFY(custom.ok());
    QCOMPARE(custom->hour, std::optional<int>());
    QCOMPARE(custom->minute, std::optional<int>());
    QCOMPARE(custom->cronExpression, u"0 1 * * *"_s);

    const auto back = parseScheduleUpdate(*custom, object(R"({"schedule_type": "monthly", "hour": 1, "minute": 0,
                                                               "day_of_month": 30})"),
                                          defaults);
    QVERIFY(back.ok());
    QVERIFY(back->cronExpression.isEmpty());
    QCOMPARE(back->dayOfMonth, std::optional(30));
}

void TestScheduleStore::updateRejectsInvalid()
{
    const Schedule daily = parsed(R"({"schedule_type": "daily", "hour": 3, "minute": 15})");
    const auto weekly = parseScheduleUpdate(daily, object(R"({"schedule_type": "weekly"})"), defaults);
    QVERIFY(!weekly.ok());
    QCOMPARE(weekly.error().message(), u"Field 'day_of_week' is required for a weekly schedule: an integer from 0 to 6"_s);
    const auto hour = parseScheduleUpdate(daily, object(R"({"hour": 99})"), defaults);
    QCOMPARE(hour.error().message(), u"Field 'hour' must be an integer from 0 to 23, got 99"_s);
    const auto unknown = parseScheduleUpdate(daily, object(R"({"colour": "red"})"), defaults);
    QVERIFY(unknown.error().message().startsWith(u"Unknown field 'colour'"_s));
    const auto cleared = parseScheduleUpdate(daily, object(R"({"minute": null})"), defaults);
    QCOMPARE(cleared.error().message(), u"Field 'minute' is required for a daily schedule: an integer from 0 to 59"_s);
}

void TestScheduleStore::knownTimeZones_data()
{
    QTest::addColumn<QByteArray>("id");
    QTest::addColumn<bool>("known");
    QTest::newRow("UTC") << QByteArray("UTC") << true;
    QTest::newRow("Etc/UTC link") << QByteArray("Etc/UTC") << true;
    QTest::newRow("America/New_York") << QByteArray("America/New_York") << true;
    QTest::newRow("US/Eastern link") << QByteArray("US/Eastern") << true;
    QTest::newRow("Asia/Kolkata") << QByteArray("Asia/Kolkata") << true;
    QTest::newRow("lower case") << QByteArray("america/new_york") << false;
    QTest::newRow("POSIX rule") << QByteArray("EST5EDT,M3.2.0,M11.1.0") << false;
    QTest::newRow("localtime") << QByteArray("localtime") << false;
    QTest::newRow("empty") << QByteArray() << false;
    QTest::newRow("trailing space") << QByteArray("Europe/Berlin ") << false;
}

void TestScheduleStore::knownTimeZones()
{
    QFETCH(QByteArray, id);
    QTEST(isKnownTimeZoneId(id), "known");
}

void TestScheduleStore::createStoresEveryField()
{
    const qint64 jobId = createJob(u"docs"_s);
    Schedule schedule = parsed(R"({"schedule_type": "monthly", "hour": 4, "minute": 5, "day_of_month": 31,
                                   "timezone": "Asia/Kolkata", "enabled": false})");
    schedule.jobId = jobId;
    const auto created = m_schedules->create(schedule, utc("2025-01-06T12:00:00.250Z"));
    QVERIFY(created.ok());
    QVERIFY(created->id > 0);

    const Schedule stored = m_schedules->find(created->id).value();
    QCOMPARE(stored.jobId, jobId);
    QVERIFY(!stored.enabled);
    QCOMPARE(stored.type, ScheduleType::Monthly);
    QCOMPARE(stored.hour, std::optional(4));
    QCOMPARE(stored.minute, std::optional(5));
    QCOMPARE(stored.dayOfWeek, std::optional<int>());
    QCOMPARE(stored.dayOfMonth, std::optional(31));
    QVERIFY(stored.cronExpression.isEmpty());
    QCOMPARE(stored.timezone, QByteArray("Asia/Kolkata"));
    QVERIFY(!stored.nextRun.isValid());
    QCOMPARE(stored.createdAt, utc("2025-01-06T12:00:00.250Z"));
    QCOMPARE(stored.updatedAt, utc("2025-01-06T12:00:00.250Z"));
}

void TestScheduleStore::createForMissingJobIsNotFound()
{
    Schedule schedule = parsed(R"({"schedule_type": "daily", "hour": 2, "minute": 0})");
    schedule.jobId = 42;
    const auto created = m_schedules->create(schedule, defaults.now);
    QVERIFY(!created.ok());
    QCOMPARE(created.error().kind(), Error::Kind::NotFound);
    QCOMPARE(created.error().message(), u"Job 42 not found"_s);
}

void TestScheduleStore::listForJobInIdOrder()
{
    const qint64 first = createJob(u"first"_s);
    const qint64 second = createJob(u"second"_s);
    QList<qint64> ids;
    for (const qint64 jobId : {first, second, first}) {
        Schedule schedule = parsed(R"({"schedule_type": "custom", "cron_expression": "0 * * * *"})");
        schedule.jobId = jobId;
        ids.append(m_schedules->create(schedule, defaults.now).value().id);
    }
    const QList<Schedule> ofFirst = m_schedules->listForJob(first).value();
    QCOMPARE(ofFirst.size(), 2);
    QCOMPARE(ofFirst.at(0).id, ids.at(0));
    QCOMPARE(ofFirst.at(1).id, ids.at(2));
    QCOMPARE(m_schedules->list().value().size(), 3);
    QCOMPARE(m_schedules->listForJob(99).value().size(), 0);
}

void TestScheduleStore::updateClearsNextRun()
{
    Schedule schedule = parsed(R"({"schedule_type": "daily", "hour": 2, "minute": 0})");
    schedule.jobId = createJob(u"docs"_s);
    const qint64 id = m_schedules->create(schedule, defaults.now).value().id;
    QVERIFY(m_schedules->setNextRun(id, utc("2025-01-07T01:00:00Z")).ok());

    Schedule changed = parsed(R"({"schedule_type": "custom", "cron_expression": "30 1 * * *", "timezone": "UTC"})");
    const auto updated = m_schedules->update(id, changed, utc("2025-01-06T13:00:00Z"));
    QVERIFY(updated.ok());
    QCOMPARE(updated->type, ScheduleType::Custom);
    QCOMPARE(updated->hour, std::optional<int>());
    QCOMPARE(updated->cronExpression, u"30 1 * * *"_s);
    QCOMPARE(updated->timezone, QByteArray("UTC"));
    QVERIFY(!updated->nextRun.isValid());
    QCOMPARE(updated->createdAt, defaults.now);
    QCOMPARE(updated->updatedAt, utc("2025-01-06T13:00:00Z"));
    QCOMPARE(updated->jobId, schedule.jobId);

    const auto missing = m_schedules->update(999, changed, defaults.now);
    QCOMPARE(missing.error().kind(), Error::Kind::NotFound);
    QCOMPARE(missing.error().message(), u"Schedule 999 not found"_s);
}

void TestScheduleStore::setNextRunStoresAndClears()
{
    Schedule schedule = parsed(R"({"schedule_type": "daily", "hour": 2, "minute": 0})");
    schedule.jobId = createJob(u"docs"_s);
    const qint64 id = m_schedules->create(schedule, defaults.now).value().id;
    QVERIFY(m_schedules->setNextRun(id, utc("2025-01-07T01:00:00Z")).ok());
    QCOMPARE(m_schedules->find(id)->nextRun, utc("2025-01-07T01:00:00Z"));
    QVERIFY(m_schedules->setNextRun(id, QDateTime()).ok());
    QVERIFY(!m_schedules->find(id)->nextRun.isValid());
}

void TestScheduleStore::removeDeletesSchedule()
{
    Schedule schedule = parsed(R"({"schedule_type": "daily", "hour": 2, "minute": 0})");
    schedule.jobId = createJob(u"docs"_s);
    const qint64 id = m_schedules->create(schedule, defaults.now).value().id;
    QVERIFY(m_schedules->remove(id).ok());
    QCOMPARE(m_schedules->find(id).error().kind(), Error::Kind::NotFound);
}

void TestScheduleStore::removeMissingIsNotFound()
{
    const Status removed = m_schedules->remove(7);
    QCOMPARE(removed.error().kind(), Error::Kind::NotFound);
    QCOMPARE(removed.error().message(), u"Schedule 7 not found"_s);
}

void TestScheduleStore::deletingJobDeletesSchedules()
{
    Schedule schedule = parsed(R"({"schedule_type": "daily", "hour": 2, "minute": 0})");
    schedule.jobId = createJob(u"docs"_s);
    const qint64 id = m_schedules->create(schedule, defaults.now).value().id;
    QVERIFY(m_jobs->remove(schedule.jobId).ok());
    QCOMPARE(m_schedules->find(id).error().kind(), Error::Kind::NotFound);
}

void TestScheduleStore::jobStoreListsSameSchedules()
{
    Schedule schedule = parsed(R"({"schedule_type": "weekly", "hour": 2, "minute": 0, "day_of_week": 5})");
    schedule.jobId = createJob(u"docs"_s);
    const qint64 id = m_schedules->create(schedule, defaults.now).value().id;
    QVERIFY(m_schedules->setNextRun(id, utc("2025-01-10T01:00:00Z")).ok());

    const QList<Schedule> ofJob = m_jobs->schedules(schedule.jobId).value();
    QCOMPARE(ofJob.size(), 1);
    QCOMPARE(ofJob.first().id, id);
    QCOMPARE(ofJob.first().dayOfWeek, std::optional(5));
    QCOMPARE(ofJob.first().nextRun, utc("2025-01-10T01:00:00Z"));
    QCOMPARE(ofJob.first().timezone, QByteArray("Europe/Berlin"));
}

QTEST_GUILESS_MAIN(TestScheduleStore)
#include "tst_schedulestore.moc"
