#include "apiclient.h"
#include "schedule/schedulestore.h"
#include "serverprocess.h"
#include "storage/database.h"
#include "testtree.h"

#include <QDateTime>
#include <QDir>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::StringLiterals;

namespace {

// The server runs in this zone, so that a schedule without a timezone gets it.
const QString kServerZone = u"America/New_York"_s;
constexpr int kRunTimeoutMs = 30000;

QJsonObject object(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).object();
}

QDateTime apiTime(const QJsonValue &value)
{
    return QDateTime::fromString(value.toString(), Qt::ISODate);
}

bool isApiTime(const QJsonValue &value)
{
    return value.toString().endsWith(u'Z') && apiTime(value).isValid();
}

bool isFinished(const QString &status)
{
    return status == u"completed"_s || status == u"partial"_s || status == u"failed"_s
        || status == u"cancelled"_s;
}

QStringList previewPairs(const QJsonObject &preview)
{
    QStringList pairs;
    for (const QJsonValue &run : preview.value(u"runs"_s).toArray())
        pairs.append(run[u"utc"_s].toString() + u' ' + run[u"local"_s].toString());
    return pairs;
}

} // namespace

class TestSchedulesApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void createDailyReturnsFields();
    void createEachType_data();
    void createEachType();
    void createRejectsInvalid_data();
    void createRejectsInvalid();
    void createForMissingJob();
    void listOfJob();
    void listOfMissingJob();
    void getSchedule();
    void updateReplacesFields();
    void updateRejectsInvalid();
    void disableKeepsSettings();
    void deleteRemovesSchedule();
    void jobSchedulesInStep();
    void disabledJobHasNoNextRun();
    void deletingJobDeletesSchedules();
    void previewAcrossDst_data();
    void previewAcrossDst();
    void previewDefaults();
    void previewUnsavedRejectsInvalid();
    void previewRejectsInvalid_data();
    void previewRejectsInvalid();
    void schedulesNeedSession();
    void scheduledRunStartsOnTime();
    void catchUpRunAfterRestart();

private:
    qint64 createJob(const QString &name);
    qint64 createLocalJob(ApiClient &client, const QString &name);
    HttpReply createSchedule(qint64 jobId, const QByteArray &json);
    qint64 createScheduleId(qint64 jobId, const QByteArray &json);
    QJsonObject waitForScheduledRun(ApiClient &client, qint64 jobId, int timeoutMs);
    QJsonObject waitForRunEnd(ApiClient &client, qint64 runId);

    QTemporaryDir m_workspace;
    std::unique_ptr<ServerProcess> m_server;
    std::unique_ptr<ApiClient> m_client;
    qint64 m_jobId = 0;
};

void TestSchedulesApi::initTestCase()
{
    QVERIFY(m_workspace.isValid());
    QVERIFY(QDir().mkpath(m_workspace.filePath(u"source"_s)));
    QVERIFY(TestTree(m_workspace.filePath(u"source"_s)).addFiles({{u"a.txt"_s, 1000}, {u"sub/b.bin"_s, 5000}}));
    QVERIFY(QDir().mkpath(m_workspace.filePath(u"backup"_s)));

    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"TZ"_s, kServerZone);
    m_server = std::make_unique<ServerProcess>();
    QVERIFY2(m_server->start({}, environment), m_server->standardError().constData());
    m_client = std::make_unique<ApiClient>(m_server->baseUrl());
    QCOMPARE(m_client->setUpAdmin().status / 100, 2);
    m_jobId = createJob(u"Nightly"_s);
    QVERIFY(m_jobId > 0);
}

void TestSchedulesApi::cleanupTestCase()
{
    m_client.reset();
    if (m_server && m_server->port() != 0)
        QCOMPARE(m_server->stop(), 0);
}

qint64 TestSchedulesApi::createJob(const QString &name)
{
    const QJsonObject body{
        {u"name"_s, name},
        {u"source_dirs"_s, QJsonArray{m_workspace.filePath(u"source"_s)}},
        {u"destination_type"_s, u"local"_s},
        {u"destination_config"_s, QJsonObject{{u"mount_point"_s, m_workspace.filePath(u"backup"_s)},
                                              {u"backup_subdir"_s, name}}},
    };
    const HttpReply reply = m_client->post(u"/api/jobs"_s, body);
    if (reply.status != 201)
        qWarning() << "POST /api/jobs returned" << reply.status << reply.body;
    return reply.object().value(u"id"_s).toInteger();
}

HttpReply TestSchedulesApi::createSchedule(qint64 jobId, const QByteArray &json)
{
    return m_client->send("POST", u"/api/jobs/%1/schedules"_s.arg(jobId), json,
                          {{"Content-Type", "application/json"}});
}

qint64 TestSchedulesApi::createScheduleId(qint64 jobId, const QByteArray &json)
{
    const HttpReply reply = createSchedule(jobId, json);
    if (reply.status != 201)
        qWarning() << "POST schedule returned" << reply.status << reply.body;
    return reply.object().value(u"id"_s).toInteger();
}

// Polls the job's runs until one with trigger "scheduled" appears, and returns it.
QJsonObject TestSchedulesApi::waitForScheduledRun(ApiClient &client, qint64 jobId, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        for (const QJsonValue &run : client.get(u"/api/jobs/%1/runs"_s.arg(jobId)).array()) {
            if (run[u"trigger"_s].toString() == u"scheduled"_s)
                return run.toObject();
        }
        QTest::qWait(100);
    }
    return {};
}

QJsonObject TestSchedulesApi::waitForRunEnd(ApiClient &client, qint64 runId)
{
    const QDeadlineTimer deadline(kRunTimeoutMs);
    QJsonObject run = client.get(u"/api/runs/%1"_s.arg(runId)).object();
    while (!isFinished(run.value(u"status"_s).toString()) && !deadline.hasExpired()) {
        QTest::qWait(50);
        run = client.get(u"/api/runs/%1"_s.arg(runId)).object();
    }
    return run;
}

void TestSchedulesApi::createDailyReturnsFields()
{
    const QDateTime before = QDateTime::currentDateTimeUtc();
    const HttpReply reply = createSchedule(m_jobId, R"({"schedule_type": "daily", "hour": 2, "minute": 0})");
    QCOMPARE(reply.status, 201);
    const QJsonObject schedule = reply.object();

    QVERIFY(schedule.value(u"id"_s).toInteger() > 0);
    QCOMPARE(schedule.value(u"job_id"_s).toInteger(), m_jobId);
    QCOMPARE(schedule.value(u"enabled"_s), QJsonValue(true));
    QCOMPARE(schedule.value(u"schedule_type"_s), QJsonValue(u"daily"_s));
    QCOMPARE(schedule.value(u"hour"_s), QJsonValue(2));
    QCOMPARE(schedule.value(u"minute"_s), QJsonValue(0));
    QCOMPARE(schedule.value(u"day_of_week"_s), QJsonValue(QJsonValue::Null));
    QCOMPARE(schedule.value(u"day_of_month"_s), QJsonValue(QJsonValue::Null));
    QCOMPARE(schedule.value(u"cron_expression"_s), QJsonValue(QJsonValue::Null));
    QCOMPARE(schedule.value(u"timezone"_s), QJsonValue(kServerZone));
    QVERIFY(isApiTime(schedule.value(u"created_at"_s)));
    QVERIFY(isApiTime(schedule.value(u"next_run"_s)));

    const QDateTime nextRun = apiTime(schedule.value(u"next_run"_s));
    QVERIFY(nextRun > before);
    QVERIFY(nextRun <= before.addDays(1));
    const QDateTime local = nextRun.toTimeZone(QTimeZone(kServerZone.toUtf8()));
    QCOMPARE(local.time(), QTime(2, 0));
}

void TestSchedulesApi::createEachType_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QJsonValue>("value");

    QTest::newRow("weekly") << QByteArray(R"({"schedule_type": "weekly", "hour": 2, "minute": 0, "day_of_week": 0})")
                            << u"day_of_week"_s << QJsonValue(0);
    QTest::newRow("monthly") << QByteArray(R"({"schedule_type": "monthly", "hour": 2, "minute": 0, "day_of_month": 31})")
                             << u"day_of_month"_s << QJsonValue(31);
    QTest::newRow("custom") << QByteArray(R"({"schedule_type": "custom", "cron_expression": "0 2 * * 1-5"})")
                            << u"cron_expression"_s << QJsonValue(u"0 2 * * 1-5"_s);
    QTest::newRow("zone") << QByteArray(R"({"schedule_type": "daily", "hour": 2, "minute": 0, "timezone": "Europe/Berlin"})")
                          << u"timezone"_s << QJsonValue(u"Europe/Berlin"_s);
    QTest::newRow("disabled") << QByteArray(R"({"schedule_type": "daily", "hour": 2, "minute": 0, "enabled": false})")
                              << u"next_run"_s << QJsonValue(QJsonValue::Null);
}

void TestSchedulesApi::createEachType()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, field);
    QFETCH(QJsonValue, value);

    const HttpReply reply = createSchedule(m_jobId, json);
    QCOMPARE(reply.status, 201);
    const QJsonObject schedule = reply.object();
    QCOMPARE(schedule.value(field), value);
    if (schedule.value(u"enabled"_s).toBool()) {
        const QJsonObject preview =
            m_client->get(u"/api/schedules/%1/preview?count=1"_s.arg(schedule.value(u"id"_s).toInteger())).object();
        QCOMPARE(preview.value(u"runs"_s).toArray().first()[u"utc"_s], schedule.value(u"next_run"_s));
    }
}

void TestSchedulesApi::createRejectsInvalid_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("field");

    QTest::newRow("type missing") << QByteArray(R"({"hour": 2, "minute": 0})") << u"'schedule_type'"_s;
    QTest::newRow("type unknown") << QByteArray(R"({"schedule_type": "hourly"})") << u"'schedule_type'"_s;
    QTest::newRow("hour missing") << QByteArray(R"({"schedule_type": "daily", "minute": 0})") << u"'hour'"_s;
    QTest::newRow("hour 24") << QByteArray(R"({"schedule_type": "daily", "hour": 24, "minute": 0})") << u"'hour'"_s;
    QTest::newRow("hour string") << QByteArray(R"({"schedule_type": "daily", "hour": "two", "minute": 0})") << u"'hour'"_s;
    QTest::newRow("minute 60") << QByteArray(R"({"schedule_type": "daily", "hour": 2, "minute": 60})") << u"'minute'"_s;
    QTest::newRow("minute missing") << QByteArray(R"({"schedule_type": "weekly", "hour": 2, "day_of_week": 1})")
                                    << u"'minute'"_s;
    QTest::newRow("day_of_week 7") << QByteArray(R"({"schedule_type": "weekly", "hour": 2, "minute": 0, "day_of_week": 7})")
                                   << u"'day_of_week'"_s;
    QTest::newRow("day_of_week missing") << QByteArray(R"({"schedule_type": "weekly", "hour": 2, "minute": 0})")
                                         << u"'day_of_week'"_s;
    QTest::newRow("day_of_month 0") << QByteArray(R"({"schedule_type": "monthly", "hour": 2, "minute": 0, "day_of_month": 0})")
                                    << u"'day_of_month'"_s;
    QTest::newRow("day_of_month 32")
        << QByteArray(R"({"schedule_type": "monthly", "hour": 2, "minute": 0, "day_of_month": 32})") << u"'day_of_month'"_s;
    QTest::newRow("day_of_week on monthly")
        << QByteArray(R"({"schedule_type": "monthly", "hour": 2, "minute": 0, "day_of_month": 3, "day_of_week": 1})")
        << u"'day_of_week'"_s;
    QTest::newRow("cron missing") << QByteArray(R"({"schedule_type": "custom"})") << u"'cron_expression'"_s;
    QTest::newRow("cron invalid") << QByteArray(R"({"schedule_type": "custom", "cron_expression": "0 25 * * *"})")
                                  << u"'cron_expression'"_s;
    QTest::newRow("cron never runs") << QByteArray(R"({"schedule_type": "custom", "cron_expression": "0 0 31 2 *"})")
                                     << u"'cron_expression'"_s;
    QTest::newRow("timezone unknown")
        << QByteArray(R"({"schedule_type": "daily", "hour": 2, "minute": 0, "timezone": "Atlantis/Capital"})")
        << u"'timezone'"_s;
    QTest::newRow("enabled string") << QByteArray(R"({"schedule_type": "daily", "hour": 2, "minute": 0, "enabled": "no"})")
                                    << u"'enabled'"_s;
    QTest::newRow("unknown field") << QByteArray(R"({"schedule_type": "daily", "hour": 2, "minute": 0, "second": 5})")
                                   << u"'second'"_s;
    QTest::newRow("malformed JSON") << QByteArray(R"({"schedule_type": "daily",)") << u"not valid JSON"_s;
    QTest::newRow("array body") << QByteArray(R"([{"schedule_type": "daily"}])") << u"JSON object"_s;
    QTest::newRow("empty body") << QByteArray() << u"empty"_s;
}

void TestSchedulesApi::createRejectsInvalid()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, field);

    const int before = m_client->get(u"/api/jobs/%1/schedules"_s.arg(m_jobId)).array().size();
    const HttpReply reply = createSchedule(m_jobId, json);
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.object().value(u"error"_s).toString(), u"Invalid request"_s);
    const QString message = reply.object().value(u"message"_s).toString();
    QVERIFY2(message.contains(field), qPrintable(message));
    QCOMPARE(m_client->get(u"/api/jobs/%1/schedules"_s.arg(m_jobId)).array().size(), before);
}

void TestSchedulesApi::createForMissingJob()
{
    const HttpReply missing = createSchedule(9999, R"({"schedule_type": "daily", "hour": 2, "minute": 0})");
    QCOMPARE(missing.status, 404);
    QCOMPARE(missing.object().value(u"message"_s).toString(), u"Job 9999 not found"_s);

    const HttpReply invalid = createSchedule(0, R"({"schedule_type": "daily", "hour": 2, "minute": 0})");
    QCOMPARE(invalid.status, 400);
}

void TestSchedulesApi::listOfJob()
{
    const qint64 jobId = createJob(u"Listed"_s);
    const qint64 first = createScheduleId(jobId, R"({"schedule_type": "daily", "hour": 1, "minute": 0})");
    const qint64 second = createScheduleId(jobId, R"({"schedule_type": "custom", "cron_expression": "*/30 * * * *"})");

    const HttpReply reply = m_client->get(u"/api/jobs/%1/schedules"_s.arg(jobId));
    QCOMPARE(reply.status, 200);
    const QJsonArray schedules = reply.array();
    QCOMPARE(schedules.size(), 2);
    QCOMPARE(schedules.at(0)[u"id"_s].toInteger(), first);
    QCOMPARE(schedules.at(1)[u"id"_s].toInteger(), second);
    QCOMPARE(schedules.at(1)[u"job_id"_s].toInteger(), jobId);
    QCOMPARE(schedules.at(1)[u"cron_expression"_s].toString(), u"*/30 * * * *"_s);
}

void TestSchedulesApi::listOfMissingJob()
{
    QCOMPARE(m_client->get(u"/api/jobs/9999/schedules"_s).status, 404);
    QCOMPARE(m_client->get(u"/api/jobs/abc/schedules"_s).status, 400);
}

void TestSchedulesApi::getSchedule()
{
    const HttpReply created = createSchedule(m_jobId, R"({"schedule_type": "daily", "hour": 5, "minute": 45})");
    const qint64 id = created.object().value(u"id"_s).toInteger();
    const HttpReply reply = m_client->get(u"/api/schedules/%1"_s.arg(id));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object(), created.object());
    QCOMPARE(m_client->get(u"/api/schedules/9999"_s).status, 404);
}

void TestSchedulesApi::updateReplacesFields()
{
    const qint64 id = createScheduleId(m_jobId, R"({"schedule_type": "daily", "hour": 2, "minute": 0})");
    const HttpReply reply = m_client->put(u"/api/schedules/%1"_s.arg(id),
                                          object(R"({"schedule_type": "weekly", "hour": 3, "minute": 30,
                                                     "day_of_week": 6, "timezone": "UTC"})"));
    QCOMPARE(reply.status, 200);
    const QJsonObject schedule = reply.object();
    QCOMPARE(schedule.value(u"schedule_type"_s).toString(), u"weekly"_s);
    QCOMPARE(schedule.value(u"hour"_s), QJsonValue(3));
    QCOMPARE(schedule.value(u"minute"_s), QJsonValue(30));
    QCOMPARE(schedule.value(u"day_of_week"_s), QJsonValue(6));
    QCOMPARE(schedule.value(u"timezone"_s).toString(), u"UTC"_s);
    const QDateTime nextRun = apiTime(schedule.value(u"next_run"_s));
    QCOMPARE(nextRun.date().dayOfWeek(), 6);
    QCOMPARE(nextRun.time(), QTime(3, 30));

    // Changing the type drops the fields of the old one.
    const HttpReply custom = m_client->put(u"/api/schedules/%1"_s.arg(id),
                                           object(R"({"schedule_type": "custom", "cron_expression": "15 4 * * *"})"));
    QCOMPARE(custom.status, 200);
    QCOMPARE(custom.object().value(u"hour"_s), QJsonValue(QJsonValue::Null));
    QCOMPARE(custom.object().value(u"day_of_week"_s), QJsonValue(QJsonValue::Null));
    QCOMPARE(apiTime(custom.object().value(u"next_run"_s)).time(), QTime(4, 15));
}

void TestSchedulesApi::updateRejectsInvalid()
{
    const qint64 id = createScheduleId(m_jobId, R"({"schedule_type": "daily", "hour": 2, "minute": 0})");
    const QString path = u"/api/schedules/%1"_s.arg(id);
    const HttpReply hour = m_client->put(path, object(R"({"hour": 99})"));
    QCOMPARE(hour.status, 400);
    QVERIFY(hour.object().value(u"message"_s).toString().contains(u"'hour'"_s));
    const HttpReply weekly = m_client->put(path, object(R"({"schedule_type": "weekly"})"));
    QCOMPARE(weekly.status, 400);
    QVERIFY(weekly.object().value(u"message"_s).toString().contains(u"'day_of_week'"_s));
    const HttpReply cron = m_client->put(path, object(R"({"schedule_type": "custom", "cron_expression": "every day"})"));
    QCOMPARE(cron.status, 400);
    QVERIFY(cron.object().value(u"message"_s).toString().startsWith(u"Field 'cron_expression': Invalid cron expression"_s));
    QCOMPARE(m_client->get(path).object().value(u"hour"_s), QJsonValue(2));

    QCOMPARE(m_client->put(u"/api/schedules/9999"_s, object(R"({"enabled": false})")).status, 404);
    QCOMPARE(m_client->put(u"/api/schedules/-1"_s, object(R"({"enabled": false})")).status, 400);
}

void TestSchedulesApi::disableKeepsSettings()
{
    const HttpReply created = createSchedule(
        m_jobId, R"({"schedule_type": "monthly", "hour": 6, "minute": 15, "day_of_month": 30, "timezone": "Europe/Berlin"})");
    const QJsonObject original = created.object();
    const QString path = u"/api/schedules/%1"_s.arg(original.value(u"id"_s).toInteger());

    const HttpReply disabled = m_client->put(path, object(R"({"enabled": false})"));
    QCOMPARE(disabled.status, 200);
    QCOMPARE(disabled.object().value(u"enabled"_s), QJsonValue(false));
    QCOMPARE(disabled.object().value(u"next_run"_s), QJsonValue(QJsonValue::Null));
    for (const QString &field : {u"schedule_type"_s, u"hour"_s, u"minute"_s, u"day_of_month"_s, u"timezone"_s})
        QCOMPARE(disabled.object().value(field), original.value(field));

    const HttpReply enabled = m_client->put(path, object(R"({"enabled": true})"));
    QCOMPARE(enabled.status, 200);
    QCOMPARE(enabled.object().value(u"next_run"_s), original.value(u"next_run"_s));
    QCOMPARE(enabled.object().value(u"day_of_month"_s), QJsonValue(30));
}

void TestSchedulesApi::deleteRemovesSchedule()
{
    const qint64 id = createScheduleId(m_jobId, R"({"schedule_type": "daily", "hour": 2, "minute": 0})");
    const HttpReply deleted = m_client->remove(u"/api/schedules/%1"_s.arg(id));
    QCOMPARE(deleted.status, 200);
    QCOMPARE(deleted.object().value(u"message"_s).toString(), u"Schedule deleted"_s);
    QCOMPARE(m_client->get(u"/api/schedules/%1"_s.arg(id)).status, 404);
    for (const QJsonValue &schedule : m_client->get(u"/api/jobs/%1/schedules"_s.arg(m_jobId)).array())
        QVERIFY(schedule[u"id"_s].toInteger() != id);
    QCOMPARE(m_client->remove(u"/api/schedules/%1"_s.arg(id)).status, 404);
}

void TestSchedulesApi::jobSchedulesInStep()
{
    const qint64 jobId = createJob(u"In step"_s);
    createScheduleId(jobId, R"({"schedule_type": "daily", "hour": 2, "minute": 0})");
    createScheduleId(jobId, R"({"schedule_type": "weekly", "hour": 3, "minute": 0, "day_of_week": 2})");

    const QJsonArray schedules = m_client->get(u"/api/jobs/%1/schedules"_s.arg(jobId)).array();
    QCOMPARE(schedules.size(), 2);
    QCOMPARE(m_client->get(u"/api/jobs/%1"_s.arg(jobId)).object().value(u"schedules"_s).toArray(), schedules);
    bool listed = false;
    for (const QJsonValue &job : m_client->get(u"/api/jobs"_s).array()) {
        if (job[u"id"_s].toInteger() == jobId) {
            QCOMPARE(job[u"schedules"_s].toArray(), schedules);
            listed = true;
        }
    }
    QVERIFY(listed);
    const QJsonObject first = schedules.at(0).toObject();
    for (const QString &field : {u"id"_s, u"schedule_type"_s, u"hour"_s, u"minute"_s, u"next_run"_s})
        QVERIFY2(first.contains(field), qPrintable(field));
}

void TestSchedulesApi::disabledJobHasNoNextRun()
{
    const qint64 jobId = createJob(u"Paused"_s);
    const qint64 id = createScheduleId(jobId, R"({"schedule_type": "daily", "hour": 2, "minute": 0})");
    const QJsonValue nextRun = m_client->get(u"/api/schedules/%1"_s.arg(id)).object().value(u"next_run"_s);
    QVERIFY(isApiTime(nextRun));

    QJsonObject job = m_client->get(u"/api/jobs/%1"_s.arg(jobId)).object();
    job.insert(u"enabled"_s, false);
    const HttpReply disabled = m_client->put(u"/api/jobs/%1"_s.arg(jobId), job);
    QCOMPARE(disabled.status, 200);
    QCOMPARE(disabled.object().value(u"schedules"_s).toArray().first()[u"next_run"_s], QJsonValue(QJsonValue::Null));
    QCOMPARE(m_client->get(u"/api/schedules/%1"_s.arg(id)).object().value(u"next_run"_s), QJsonValue(QJsonValue::Null));

    job.insert(u"enabled"_s, true);
    const HttpReply enabled = m_client->put(u"/api/jobs/%1"_s.arg(jobId), job);
    QCOMPARE(enabled.status, 200);
    QCOMPARE(enabled.object().value(u"schedules"_s).toArray().first()[u"next_run"_s], nextRun);
}

void TestSchedulesApi::deletingJobDeletesSchedules()
{
    const qint64 jobId = createJob(u"Doomed"_s);
    const qint64 id = createScheduleId(jobId, R"({"schedule_type": "daily", "hour": 2, "minute": 0})");
    QCOMPARE(m_client->remove(u"/api/jobs/%1"_s.arg(jobId)).status, 200);
    QCOMPARE(m_client->get(u"/api/schedules/%1"_s.arg(id)).status, 404);
}

void TestSchedulesApi::previewAcrossDst_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("query");
    QTest::addColumn<QStringList>("expected");

    // America/New_York springs forward from 02:00 EST to 03:00 EDT on 2025-03-09: the daily 02:30
    // falls into the gap and runs when it ends, at 03:00 EDT.
    QTest::newRow("New York spring")
        << QByteArray(R"({"schedule_type": "daily", "hour": 2, "minute": 30, "timezone": "America/New_York"})")
        << u"count=3&after=2025-03-08T00:00:00Z"_s
        << QStringList{u"2025-03-08T07:30:00Z 2025-03-08T02:30:00-05:00"_s,
                       u"2025-03-09T07:00:00Z 2025-03-09T03:00:00-04:00"_s,
                       u"2025-03-10T06:30:00Z 2025-03-10T02:30:00-04:00"_s};
    // It falls back from 02:00 EDT to 01:00 EST on 2025-11-02, so 01:30 happens twice and runs once.
    QTest::newRow("New York fall")
        << QByteArray(R"({"schedule_type": "daily", "hour": 1, "minute": 30, "timezone": "America/New_York"})")
        << u"count=3&after=2025-11-01T00:00:00Z"_s
        << QStringList{u"2025-11-01T05:30:00Z 2025-11-01T01:30:00-04:00"_s,
                       u"2025-11-02T05:30:00Z 2025-11-02T01:30:00-04:00"_s,
                       u"2025-11-03T06:30:00Z 2025-11-03T01:30:00-05:00"_s};
    QTest::newRow("Berlin spring")
        << QByteArray(R"({"schedule_type": "daily", "hour": 2, "minute": 30, "timezone": "Europe/Berlin"})")
        << u"count=2&after=2025-03-29T12:00:00Z"_s
        << QStringList{u"2025-03-30T01:00:00Z 2025-03-30T03:00:00+02:00"_s,
                       u"2025-03-31T00:30:00Z 2025-03-31T02:30:00+02:00"_s};
    QTest::newRow("Berlin fall")
        << QByteArray(R"({"schedule_type": "daily", "hour": 2, "minute": 30, "timezone": "Europe/Berlin"})")
        << u"count=2&after=2025-10-25T12:00:00Z"_s
        << QStringList{u"2025-10-26T00:30:00Z 2025-10-26T02:30:00+02:00"_s,
                       u"2025-10-27T01:30:00Z 2025-10-27T02:30:00+01:00"_s};
    // A cron with a stepped minute keeps its real-time cadence through the gap.
    QTest::newRow("every 15 minutes")
        << QByteArray(R"({"schedule_type": "custom", "cron_expression": "*/15 * * * *", "timezone": "America/New_York"})")
        << u"count=4&after=2025-03-09T06:30:00Z"_s
        << QStringList{u"2025-03-09T06:45:00Z 2025-03-09T01:45:00-05:00"_s,
                       u"2025-03-09T07:00:00Z 2025-03-09T03:00:00-04:00"_s,
                       u"2025-03-09T07:15:00Z 2025-03-09T03:15:00-04:00"_s,
                       u"2025-03-09T07:30:00Z 2025-03-09T03:30:00-04:00"_s};
    QTest::newRow("offset in after")
        << QByteArray(R"({"schedule_type": "daily", "hour": 12, "minute": 0, "timezone": "Asia/Kolkata"})")
        << u"count=1&after=2025-01-01T12:00:00%2B05:30"_s
        << QStringList{u"2025-01-02T06:30:00Z 2025-01-02T12:00:00+05:30"_s};
}

void TestSchedulesApi::previewAcrossDst()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, query);
    QFETCH(QStringList, expected);

    const qint64 id = createScheduleId(m_jobId, json);
    const HttpReply reply = m_client->get(u"/api/schedules/%1/preview?"_s.arg(id) + query);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object().value(u"schedule_id"_s).toInteger(), id);
    QCOMPARE(previewPairs(reply.object()), expected);

    // The same body previewed before it is saved gives the same runs.
    const HttpReply unsaved = m_client->send("POST", u"/api/schedules/preview?"_s + query, json,
                                             {{"Content-Type", "application/json"}});
    QCOMPARE(unsaved.status, 200);
    QVERIFY(unsaved.object().value(u"schedule_id"_s).isNull());
    QCOMPARE(previewPairs(unsaved.object()), expected);
}

void TestSchedulesApi::previewUnsavedRejectsInvalid()
{
    const QList<QPair<QByteArray, QString>> cases{
        {R"({"schedule_type": "custom", "cron_expression": "61 * * * *"})", u"cron_expression"_s},
        {R"({"schedule_type": "daily", "hour": 24, "minute": 0})", u"hour"_s},
        {R"({"schedule_type": "weekly", "hour": 1, "minute": 0})", u"day_of_week"_s},
        {R"({"schedule_type": "daily", "hour": 1, "minute": 0, "timezone": "Mars/Olympus"})", u"timezone"_s},
        {"{not json", u"JSON"_s},
    };
    for (const auto &[body, field] : cases) {
        const HttpReply reply = m_client->send("POST", u"/api/schedules/preview"_s, body,
                                               {{"Content-Type", "application/json"}});
        QCOMPARE(reply.status, 400);
        QVERIFY2(reply.object().value(u"message"_s).toString().contains(field), reply.body.constData());
    }
}

void TestSchedulesApi::previewDefaults()
{
    const HttpReply created = createSchedule(m_jobId, R"({"schedule_type": "custom", "cron_expression": "0 3 * * *"})");
    const qint64 id = created.object().value(u"id"_s).toInteger();
    const QJsonObject preview = m_client->get(u"/api/schedules/%1/preview"_s.arg(id)).object();
    QCOMPARE(preview.value(u"timezone"_s).toString(), kServerZone);
    const QJsonArray runs = preview.value(u"runs"_s).toArray();
    QCOMPARE(runs.size(), 5);
    QCOMPARE(runs.first()[u"utc"_s], created.object().value(u"next_run"_s));
    for (qsizetype i = 1; i < runs.size(); ++i)
        QVERIFY(apiTime(runs.at(i)[u"utc"_s]) > apiTime(runs.at(i - 1)[u"utc"_s]));
    QCOMPARE(m_client->get(u"/api/schedules/%1/preview?count=100"_s.arg(id)).object()[u"runs"_s].toArray().size(), 100);
}

void TestSchedulesApi::previewRejectsInvalid_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("field");

    QTest::newRow("count 0") << u"?count=0"_s << 400 << u"'count'"_s;
    QTest::newRow("count 101") << u"?count=101"_s << 400 << u"'count'"_s;
    QTest::newRow("count text") << u"?count=five"_s << 400 << u"'count'"_s;
    QTest::newRow("after invalid") << u"?after=tomorrow"_s << 400 << u"'after'"_s;
    QTest::newRow("after without offset") << u"?after=2025-01-01T00:00:00"_s << 400 << u"'after'"_s;
}

void TestSchedulesApi::previewRejectsInvalid()
{
    QFETCH(QString, query);
    QFETCH(int, status);
    QFETCH(QString, field);

    const qint64 id = createScheduleId(m_jobId, R"({"schedule_type": "daily", "hour": 2, "minute": 0})");
    const HttpReply reply = m_client->get(u"/api/schedules/%1/preview"_s.arg(id) + query);
    QCOMPARE(reply.status, status);
    QVERIFY2(reply.object().value(u"message"_s).toString().contains(field), reply.body.constData());
    QCOMPARE(m_client->get(u"/api/schedules/9999/preview"_s).status, 404);
}

void TestSchedulesApi::schedulesNeedSession()
{
    ApiClient anonymous(m_server->baseUrl());
    QCOMPARE(anonymous.get(u"/api/jobs/%1/schedules"_s.arg(m_jobId)).status, 401);
    QCOMPARE(anonymous.post(u"/api/jobs/%1/schedules"_s.arg(m_jobId), object(R"({"schedule_type": "daily"})")).status,
             401);
    QCOMPARE(anonymous.remove(u"/api/schedules/1"_s).status, 401);
    QCOMPARE(anonymous.get(u"/api/schedules/1/preview"_s).status, 401);
}

// A schedule due at the next minute boundary, with the real clock, starts a real rsync run.
void TestSchedulesApi::scheduledRunStartsOnTime()
{
    const qint64 jobId = createJob(u"Every minute"_s);
    const HttpReply created = createSchedule(jobId, R"({"schedule_type": "custom", "cron_expression": "* * * * *"})");
    QCOMPARE(created.status, 201);
    const qint64 scheduleId = created.object().value(u"id"_s).toInteger();
    const QDateTime dueAt = apiTime(created.object().value(u"next_run"_s));
    const qint64 wait = QDateTime::currentDateTimeUtc().msecsTo(dueAt);
    QVERIFY2(wait > 0 && wait <= 60000, qPrintable(dueAt.toString(Qt::ISODate)));

    const QJsonObject run = waitForScheduledRun(*m_client, jobId, int(wait) + 15000);
    QVERIFY2(!run.isEmpty(), "no scheduled run started");
    QCOMPARE(run.value(u"trigger"_s).toString(), u"scheduled"_s);
    QCOMPARE(run.value(u"schedule_id"_s).toInteger(), scheduleId);
    const qint64 lateness = dueAt.msecsTo(QDateTime::fromString(run.value(u"queued_at"_s).toString(), Qt::ISODate));
    QVERIFY2(lateness >= 0 && lateness < 3000, qPrintable(QString::number(lateness)));
    // Stop further runs before checking this one.
    QCOMPARE(m_client->remove(u"/api/schedules/%1"_s.arg(scheduleId)).status, 200);

    const QJsonObject ended = waitForRunEnd(*m_client, run.value(u"id"_s).toInteger());
    QCOMPARE(ended.value(u"status"_s).toString(), u"completed"_s);
    QCOMPARE(ended.value(u"files_transferred"_s), QJsonValue(2));
    const QString differences =
        compareTrees(m_workspace.filePath(u"source"_s), m_workspace.filePath(u"backup/Every minute/source"_s));
    QVERIFY2(differences.isEmpty(), qPrintable(differences));
    const QJsonArray logs = m_client->get(u"/api/runs/%1/logs"_s.arg(run.value(u"id"_s).toInteger())).array();
    QCOMPARE(logs.first()[u"message"_s].toString(),
             u"Scheduled run for schedule %1, due at %2"_s.arg(scheduleId).arg(dueAt.toString(Qt::ISODate)));
}

// Due times missed while the server was stopped give one catch-up run when it starts again.
void TestSchedulesApi::catchUpRunAfterRestart()
{
    const qint64 jobId = createJob(u"Missed"_s);
    const qint64 scheduleId = createScheduleId(jobId, R"({"schedule_type": "daily", "hour": 2, "minute": 0, "timezone": "UTC"})");
    m_client.reset();
    QCOMPARE(m_server->stop(), 0);

    // The stored next run moves three days back, as if the server had been down since then.
    const QDateTime missedDue(QDateTime::currentDateTimeUtc().date().addDays(-3), QTime(2, 0), Qt::UTC);
    {
        const auto database = dynamight::Database::open(m_server->dataDir());
        QVERIFY(database.ok());
        QVERIFY(dynamight::ScheduleStore(*database).setNextRun(scheduleId, missedDue).ok());
    }

    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"TZ"_s, kServerZone);
    auto restarted = std::make_unique<ServerProcess>(m_server->dataDir());
    QVERIFY2(restarted->start({}, environment), restarted->standardError().constData());
    m_client = std::make_unique<ApiClient>(restarted->baseUrl());
    QCOMPARE(m_client->login(u"admin"_s, u"securepassword123"_s).status, 200);

    const QJsonObject run = waitForScheduledRun(*m_client, jobId, 10000);
    QVERIFY2(!run.isEmpty(), "no catch-up run started");
    QCOMPARE(run.value(u"schedule_id"_s).toInteger(), scheduleId);
    waitForRunEnd(*m_client, run.value(u"id"_s).toInteger());
    const QString note = m_client->get(u"/api/runs/%1/logs"_s.arg(run.value(u"id"_s).toInteger()))
                             .array()
                             .first()[u"message"_s]
                             .toString();
    QVERIFY2(note.startsWith(u"Catch-up run for schedule %1: it makes up for the run due at "_s.arg(scheduleId)),
             qPrintable(note));
    QVERIFY2(note.contains(u"the service was not running at that time"_s), qPrintable(note));
    QVERIFY2(note.contains(u"due times were missed, the first at %1"_s.arg(missedDue.toString(Qt::ISODate))),
             qPrintable(note));
    QCOMPARE(m_client->get(u"/api/jobs/%1/runs"_s.arg(jobId)).array().size(), 1);
    const QDateTime nextRun = apiTime(m_client->get(u"/api/schedules/%1"_s.arg(scheduleId)).object()[u"next_run"_s]);
    QVERIFY(nextRun > QDateTime::currentDateTimeUtc());

    m_client.reset();
    QCOMPARE(restarted->stop(), 0);
    m_server = std::move(restarted);
}

QTEST_GUILESS_MAIN(TestSchedulesApi)
#include "tst_schedulesapi.moc"
