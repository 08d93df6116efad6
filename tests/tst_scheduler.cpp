#include "clock.h"
#include "jobs/jobstore.h"
#include "jobs/jobvalidator.h"
#include "runner/backuprunner.h"
#include "runs/logstore.h"
#include "runs/runmanager.h"
#include "runs/runnerfactory.h"
#include "runs/runstore.h"
#include "schedule/scheduler.h"
#include "schedule/schedulertimer.h"
#include "schedule/schedulestore.h"
#include "schedule/schedulevalidator.h"
#include "settings/settingsstore.h"
#include "storage/database.h"

#include <QJsonDocument>
#include <QPointer>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace dynamight;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

QDateTime utc(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODateWithMs).toUTC();
}

class FakeClock final : public Clock
{
public:
    QDateTime now() const override { return m_now; }
    QDateTime m_now;
};

// The scheduler's timer, fired by hand. The monotonic clock moves only when the test moves it.
class FakeTimer final : public SchedulerTimer
{
public:
    void start(std::chrono::milliseconds interval) override
    {
        armed = true;
        armedInterval = interval;
    }
    void stop() override { armed = false; }
    qint64 monotonicMs() const override { return monotonic; }
    void fire() { Q_EMIT timeout(); }

    bool armed = false;
    std::chrono::milliseconds armedInterval{0};
    qint64 monotonic = 1000000;
};

// A runner that keeps running until the test completes it.
class FakeRunner : public BackupRunner
{
public:
    void start() override { Q_EMIT logLine(LogLevel::Info, u"fake started"_s); }
    void cancel(std::chrono::milliseconds) override { }
    void kill() override { }
    void complete() { Q_EMIT finished(RunOutcome{RunStatus::Completed, 0, QString(), {}}); }
};

class FakeFactory : public RunnerFactory
{
public:
    Result<std::unique_ptr<BackupRunner>> create(const Job &) const override
    {
        auto runner = std::make_unique<FakeRunner>();
        runners.append(runner.get());
        return std::unique_ptr<BackupRunner>(std::move(runner));
    }

    mutable QList<QPointer<FakeRunner>> runners;
};

} // namespace

class TestScheduler : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void dueScheduleStartsRunOnTime();
    void timerWaitIsCapped();
    void earlyTimerStartsNothing();
    void twoMissedNightsGiveOneCatchUp();
    void missedRunsSkippedWhenSettingOff();
    void clockSetBackDoesNotStall();
    void clockSetBackKeepsFixedTimeRun();
    void clockSetBackDaysReplansFixedTime();
    void clockForwardThreeDaysCatchesUpOnce();
    void disabledScheduleNeverFires();
    void disabledJobNeverFires();
    void reenabledJobDoesNotCatchUp();
    void overlappingTriggerSkipped();
    void deletedScheduleNeverFires();
    void twoSchedulesDueTogetherRunOnce();

private:
    qint64 createJob(const QString &name);
    qint64 addSchedule(qint64 jobId, const char *json);
    void makeScheduler();
    // Lets time pass normally: the wall and monotonic clocks move together.
    void elapse(qint64 milliseconds);
    // Lets the armed wait pass and fires the timer, as QTimer would.
    void waitForTimer();
    // Moves time forward to `until` one timer wake-up at a time, as a running service would.
    void runUntil(const QDateTime &until);
    QList<Run> runsOf(qint64 jobId) { return m_runs->listForJob(jobId, 100, 0).value(); }
    Schedule schedule(qint64 id) { return m_schedules->find(id).value(); }
    QStringList logOf(qint64 runId);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::shared_ptr<Database> m_database;
    std::unique_ptr<JobStore> m_jobs;
    std::unique_ptr<RunStore> m_runs;
    std::unique_ptr<LogStore> m_logs;
    std::unique_ptr<SettingsStore> m_settings;
    std::unique_ptr<ScheduleStore> m_schedules;
    std::unique_ptr<FakeFactory> m_factory;
    std::unique_ptr<RunManager> m_manager;
    std::unique_ptr<FakeTimer> m_timer;
    std::unique_ptr<Scheduler> m_scheduler;
    FakeClock m_clock;
};

void TestScheduler::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_database = Database::open(m_dir->path()).value();
    m_jobs = std::make_unique<JobStore>(m_database);
    m_runs = std::make_unique<RunStore>(m_database);
    m_logs = std::make_unique<LogStore>(m_database);
    m_settings = std::make_unique<SettingsStore>(m_database);
    m_schedules = std::make_unique<ScheduleStore>(m_database);
    m_factory = std::make_unique<FakeFactory>();
    m_clock.m_now = utc("2025-01-06T12:00:00Z");
    const RunManager::Stores stores{*m_jobs, *m_runs, *m_logs, *m_settings};
    m_manager = std::make_unique<RunManager>(stores, *m_factory, m_clock, RunManagerOptions{4, 1000ms});
    makeScheduler();
}

void TestScheduler::cleanup()
{
    m_scheduler.reset();
    m_timer.reset();
    m_manager.reset();
    m_factory.reset();
    m_schedules.reset();
    m_settings.reset();
    m_logs.reset();
    m_runs.reset();
    m_jobs.reset();
    m_database.reset();
}

// Creates a fresh scheduler on the same database, as a restarted service does.
void TestScheduler::makeScheduler()
{
    m_scheduler.reset();
    m_timer = std::make_unique<FakeTimer>();
    const Scheduler::Stores stores{*m_schedules, *m_jobs, *m_settings};
    m_scheduler = std::make_unique<Scheduler>(stores, *m_manager, m_clock, *m_timer);
}

qint64 TestScheduler::createJob(const QString &name)
{
    QJsonObject body = QJsonDocument::fromJson(R"({"source_dirs": ["/srv/data"], "destination_type": "local",
                                                   "destination_config": {"mount_point": "/mnt/backup"}})")
                           .object();
    body.insert(u"name"_s, name);
    return m_jobs->create(parseJob(body).value(), m_clock.now()).value().id;
}

qint64 TestScheduler::addSchedule(qint64 jobId, const char *json)
{
    const QJsonObject body = QJsonDocument::fromJson(json).object();
    auto parsed = parseSchedule(body, ScheduleDefaults{"UTC", m_clock.now()});
    if (!parsed)
        qFatal("Test schedule %s is invalid: %s", json, qPrintable(parsed.error().message()));
    parsed->jobId = jobId;
    const qint64 id = m_schedules->create(*parsed, m_clock.now()).value().id;
    m_scheduler->replan();
    return id;
}

void TestScheduler::elapse(qint64 milliseconds)
{
    m_clock.m_now = m_clock.m_now.addMSecs(milliseconds);
    m_timer->monotonic += milliseconds;
}

void TestScheduler::waitForTimer()
{
    QVERIFY(m_timer->armed);
    elapse(m_timer->armedInterval.count());
    m_timer->fire();
}

void TestScheduler::runUntil(const QDateTime &until)
{
    while (m_clock.now() < until) {
        const qint64 wait = std::min<qint64>(m_timer->armedInterval.count(), m_clock.now().msecsTo(until));
        elapse(wait);
        if (wait == m_timer->armedInterval.count())
            m_timer->fire();
    }
}

QStringList TestScheduler::logOf(qint64 runId)
{
    m_manager->flushLogs(runId);
    QStringList messages;
    const QList<LogEntry> entries = m_logs->list(runId, LogStore::Filter()).value();
    for (const LogEntry &entry : entries)
        messages.append(entry.message);
    return messages;
}

void TestScheduler::dueScheduleStartsRunOnTime()
{
    m_clock.m_now = utc("2025-01-07T01:59:30Z");
    const qint64 jobId = createJob(u"docs"_s);
    m_scheduler->start();
    const qint64 scheduleId = addSchedule(jobId, R"({"schedule_type": "daily", "hour": 2, "minute": 0})");
    QCOMPARE(schedule(scheduleId).nextRun, utc("2025-01-07T02:00:00Z"));
    QCOMPARE(m_timer->armedInterval, 30000ms);
    QSignalSpy triggered(m_scheduler.get(), &Scheduler::runTriggered);

    waitForTimer();

    const QList<Run> runs = runsOf(jobId);
    QCOMPARE(runs.size(), 1);
    QCOMPARE(runs.first().trigger, RunTrigger::Scheduled);
    QCOMPARE(runs.first().scheduleId, std::optional<qint64>(scheduleId));
    QVERIFY(utc("2025-01-07T02:00:00Z").msecsTo(runs.first().queuedAt) < 1000);
    QCOMPARE(runs.first().status, RunStatus::Running);
    QCOMPARE(triggered.count(), 1);
    QCOMPARE(logOf(runs.first().id).first(), u"Scheduled run for schedule %1, due at 2025-01-07T02:00:00Z"_s.arg(scheduleId));
    QCOMPARE(schedule(scheduleId).nextRun, utc("2025-01-08T02:00:00Z"));
}

void TestScheduler::timerWaitIsCapped()
{
    const qint64 jobId = createJob(u"docs"_s);
    m_scheduler->start();
    QCOMPARE(m_timer->armedInterval, 60000ms);
    addSchedule(jobId, R"({"schedule_type": "daily", "hour": 2, "minute": 0})");
    QCOMPARE(m_timer->armedInterval, 60000ms);
    QCOMPARE(m_scheduler->nextWakeUp(), m_clock.now().addSecs(60));

    runUntil(utc("2025-01-07T01:59:00Z"));
    QCOMPARE(runsOf(jobId).size(), 0);
    QCOMPARE(m_timer->armedInterval, 60000ms);
    runUntil(utc("2025-01-07T02:00:00.500Z"));
    QCOMPARE(runsOf(jobId).size(), 1);
}

void TestScheduler::earlyTimerStartsNothing()
{
    m_clock.m_now = utc("2025-01-07T01:59:59Z");
    const qint64 jobId = createJob(u"docs"_s);
    m_scheduler->start();
    addSchedule(jobId, R"({"schedule_type": "daily", "hour": 2, "minute": 0})");
    QCOMPARE(m_timer->armedInterval, 1000ms);

    elapse(999);
    m_timer->fire();
    QCOMPARE(runsOf(jobId).size(), 0);
    QCOMPARE(m_timer->armedInterval, 1ms);
    waitForTimer();
    QCOMPARE(runsOf(jobId).size(), 1);
}

void TestScheduler::twoMissedNightsGiveOneCatchUp()
{
    const qint64 jobId = createJob(u"docs"_s);
    m_scheduler->start();
    const qint64 scheduleId = addSchedule(jobId, R"({"schedule_type": "daily", "hour": 2, "minute": 0})");
    QCOMPARE(schedule(scheduleId).nextRun, utc("2025-01-07T02:00:00Z"));
    m_scheduler->stop();

    // The service is down over two nights and starts again on the second day at noon.
    m_clock.m_now = utc("2025-01-08T12:00:00Z");
    makeScheduler();
    m_scheduler->start();

    const QList<Run> runs = runsOf(jobId);
    QCOMPARE(runs.size(), 1);
    QCOMPARE(runs.first().trigger, RunTrigger::Scheduled);
    QCOMPARE(runs.first().scheduleId, std::optional<qint64>(scheduleId));
    const QString note = logOf(runs.first().id).first();
    QVERIFY2(note.contains(u"makes up for the run due at 2025-01-08T02:00:00Z"_s), qPrintable(note));
    QVERIFY2(note.contains(u"starts 10 h 0 min late"_s), qPrintable(note));
    QVERIFY2(note.contains(u"the service was not running"_s), qPrintable(note));
    QVERIFY2(note.contains(u"2 due times were missed, the first at 2025-01-07T02:00:00Z"_s), qPrintable(note));
    QCOMPARE(schedule(scheduleId).nextRun, utc("2025-01-09T02:00:00Z"));

    m_factory->runners.first()->complete();
    runUntil(utc("2025-01-08T18:00:00Z"));
    QCOMPARE(runsOf(jobId).size(), 1);
}

void TestScheduler::missedRunsSkippedWhenSettingOff()
{
    QVERIFY(m_settings->update({{u"run_missed_schedules"_s, false}}).ok());
    const qint64 jobId = createJob(u"docs"_s);
    m_scheduler->start();
    const qint64 scheduleId = addSchedule(jobId, R"({"schedule_type": "daily", "hour": 2, "minute": 0})");
    m_scheduler->stop();

    m_clock.m_now = utc("2025-01-08T12:00:00Z");
    makeScheduler();
    QTest::ignoreMessage(QtInfoMsg, QRegularExpression(u"no catch-up run of job .* run_missed_schedules is off"_s));
    m_scheduler->start();

    QCOMPARE(runsOf(jobId).size(), 0);
    QCOMPARE(schedule(scheduleId).nextRun, utc("2025-01-09T02:00:00Z"));
}

void TestScheduler::clockSetBackDoesNotStall()
{
    m_clock.m_now = utc("2025-01-07T00:59:00Z");
    const qint64 jobId = createJob(u"docs"_s);
    m_scheduler->start();
    const qint64 scheduleId = addSchedule(jobId, R"({"schedule_type": "custom", "cron_expression": "*/15 * * * *"})");
    runUntil(utc("2025-01-07T01:00:00Z"));
    QCOMPARE(runsOf(jobId).size(), 1);
    m_factory->runners.first()->complete();
    QCOMPARE(schedule(scheduleId).nextRun, utc("2025-01-07T01:15:00Z"));

    // The clock is set back by two hours, between two wake-ups.
    elapse(30000);
    m_clock.m_now = m_clock.m_now.addSecs(-2 * 3600);
    QTest::ignoreMessage(QtInfoMsg, QRegularExpression(u"wall clock was set back by 2 h 0 min"_s));
    m_timer->fire();
    QCOMPARE(schedule(scheduleId).nextRun, utc("2025-01-06T23:15:00Z"));

    runUntil(utc("2025-01-06T23:15:00.200Z"));
    QCOMPARE(runsOf(jobId).size(), 2);
    QCOMPARE(runsOf(jobId).first().queuedAt, utc("2025-01-06T23:15:00Z"));
}

void TestScheduler::clockSetBackKeepsFixedTimeRun()
{
    m_clock.m_now = utc("2025-01-07T01:59:00Z");
    const qint64 jobId = createJob(u"docs"_s);
    m_scheduler->start();
    const qint64 scheduleId = addSchedule(jobId, R"({"schedule_type": "daily", "hour": 2, "minute": 0})");
    runUntil(utc("2025-01-07T02:30:00Z"));
    QCOMPARE(runsOf(jobId).size(), 1);
    m_factory->runners.first()->complete();

    // Back to 00:30: the 02:00 run of this day already happened and does not repeat.
    m_clock.m_now = m_clock.m_now.addSecs(-2 * 3600);
    m_timer->fire();
    QCOMPARE(schedule(scheduleId).nextRun, utc("2025-01-08T02:00:00Z"));
    runUntil(utc("2025-01-07T03:00:00Z"));
    QCOMPARE(runsOf(jobId).size(), 1);
}

void TestScheduler::clockSetBackDaysReplansFixedTime()
{
    const qint64 jobId = createJob(u"docs"_s);
    m_scheduler->start();
    const qint64 scheduleId = addSchedule(jobId, R"({"schedule_type": "daily", "hour": 2, "minute": 0})");
    QCOMPARE(schedule(scheduleId).nextRun, utc("2025-01-07T02:00:00Z"));

    // Set back three days, next_run would be four days away: it is re-planned from now.
    m_clock.m_now = utc("2025-01-03T12:00:00Z");
    m_timer->fire();
    QCOMPARE(schedule(scheduleId).nextRun, utc("2025-01-04T02:00:00Z"));
    runUntil(utc("2025-01-04T02:00:01Z"));
    QCOMPARE(runsOf(jobId).size(), 1);
}

void TestScheduler::clockForwardThreeDaysCatchesUpOnce()
{
    const qint64 first = createJob(u"first"_s);
    const qint64 second = createJob(u"second"_s);
    const qint64 idle = createJob(u"idle"_s);
    m_scheduler->start();
    addSchedule(first, R"({"schedule_type": "daily", "hour": 2, "minute": 0})");
    addSchedule(first, R"({"schedule_type": "custom", "cron_expression": "0 * * * *"})");
    addSchedule(second, R"({"schedule_type": "weekly", "day_of_week": 3, "hour": 4, "minute": 30})");
    addSchedule(idle, R"({"schedule_type": "monthly", "day_of_month": 20, "hour": 4, "minute": 30})");
    runUntil(utc("2025-01-06T12:20:00Z"));
    QCOMPARE(runsOf(first).size(), 0);

    // A suspend or a clock change: the wall clock moves three days, the monotonic one does not.
    m_clock.m_now = m_clock.m_now.addDays(3);
    QTest::ignoreMessage(QtInfoMsg, QRegularExpression(u"wall clock advanced 3 d 0 h more than the monotonic"_s));
    m_timer->fire();

    QCOMPARE(runsOf(first).size(), 1);
    QCOMPARE(runsOf(second).size(), 1);
    QCOMPARE(runsOf(idle).size(), 0);
    const QString note = logOf(runsOf(first).first().id).first();
    QVERIFY2(note.contains(u"makes up for the run due at 2025-01-09T12:00:00Z"_s), qPrintable(note));
    QVERIFY2(note.contains(u"the machine was suspended or the clock was set forward"_s), qPrintable(note));
    QVERIFY2(note.contains(u"75 due times were missed, the first at 2025-01-06T13:00:00Z"_s), qPrintable(note));
    const QString secondNote = logOf(runsOf(second).first().id).first();
    QVERIFY2(secondNote.contains(u"due at 2025-01-08T04:30:00Z"_s), qPrintable(secondNote));

    for (FakeRunner *runner : m_factory->runners)
        runner->complete();
    runUntil(m_clock.now().addSecs(30 * 60));
    QCOMPARE(runsOf(first).size(), 1);
    QCOMPARE(runsOf(second).size(), 1);
}

void TestScheduler::disabledScheduleNeverFires()
{
    const qint64 jobId = createJob(u"docs"_s);
    m_scheduler->start();
    const qint64 scheduleId = addSchedule(jobId, R"({"schedule_type": "daily", "hour": 13, "minute": 0, "enabled": false})");
    QVERIFY(!schedule(scheduleId).nextRun.isValid());
    runUntil(utc("2025-01-06T14:00:00Z"));
    QCOMPARE(runsOf(jobId).size(), 0);

    Schedule enabled = schedule(scheduleId);
    enabled.enabled = true;
    QVERIFY(m_schedules->update(scheduleId, enabled, m_clock.now()).ok());
    m_scheduler->replan();
    QCOMPARE(schedule(scheduleId).nextRun, utc("2025-01-07T13:00:00Z"));
    QCOMPARE(runsOf(jobId).size(), 0);
}

void TestScheduler::disabledJobNeverFires()
{
    const qint64 jobId = createJob(u"docs"_s);
    m_scheduler->start();
    const qint64 scheduleId = addSchedule(jobId, R"({"schedule_type": "custom", "cron_expression": "*/5 * * * *"})");
    Job job = m_jobs->find(jobId).value();
    job.enabled = false;
    QVERIFY(m_jobs->update(jobId, job, m_clock.now()).ok());
    m_scheduler->replan();
    QVERIFY(!schedule(scheduleId).nextRun.isValid());

    runUntil(utc("2025-01-06T13:00:00Z"));
    QCOMPARE(runsOf(jobId).size(), 0);
}

void TestScheduler::reenabledJobDoesNotCatchUp()
{
    const qint64 jobId = createJob(u"docs"_s);
    m_scheduler->start();
    const qint64 scheduleId = addSchedule(jobId, R"({"schedule_type": "daily", "hour": 13, "minute": 0})");
    Job job = m_jobs->find(jobId).value();
    job.enabled = false;
    QVERIFY(m_jobs->update(jobId, job, m_clock.now()).ok());
    m_scheduler->replan();
    runUntil(utc("2025-01-06T14:00:00Z"));

    job.enabled = true;
    QVERIFY(m_jobs->update(jobId, job, m_clock.now()).ok());
    m_scheduler->replan();
    QCOMPARE(runsOf(jobId).size(), 0);
    QCOMPARE(schedule(scheduleId).nextRun, utc("2025-01-07T13:00:00Z"));
}

void TestScheduler::overlappingTriggerSkipped()
{
    m_clock.m_now = utc("2025-01-07T00:59:00Z");
    const qint64 jobId = createJob(u"docs"_s);
    m_scheduler->start();
    const qint64 scheduleId = addSchedule(jobId, R"({"schedule_type": "custom", "cron_expression": "*/15 * * * *"})");
    runUntil(utc("2025-01-07T01:00:00Z"));
    QCOMPARE(runsOf(jobId).size(), 1);
    const qint64 runningId = runsOf(jobId).first().id;

    QTest::ignoreMessage(QtInfoMsg,
                         QRegularExpression(u"skipped the run of job %1 \\(docs\\) due at 2025-01-07T01:15:00Z "
                                            "for schedule %2 because run %3 of the job is still active"_s
                                                .arg(jobId)
                                                .arg(scheduleId)
                                                .arg(runningId)));
    runUntil(utc("2025-01-07T01:15:00Z"));
    QCOMPARE(runsOf(jobId).size(), 1);
    QCOMPARE(schedule(scheduleId).nextRun, utc("2025-01-07T01:30:00Z"));

    m_factory->runners.first()->complete();
    runUntil(utc("2025-01-07T01:30:00Z"));
    QCOMPARE(runsOf(jobId).size(), 2);
}

void TestScheduler::deletedScheduleNeverFires()
{
    const qint64 jobId = createJob(u"docs"_s);
    m_scheduler->start();
    const qint64 scheduleId = addSchedule(jobId, R"({"schedule_type": "daily", "hour": 12, "minute": 5})");
    QCOMPARE(m_timer->armedInterval, 60000ms);
    QVERIFY(m_schedules->remove(scheduleId).ok());
    m_scheduler->replan();
    runUntil(utc("2025-01-06T12:10:00Z"));
    QCOMPARE(runsOf(jobId).size(), 0);
}

void TestScheduler::twoSchedulesDueTogetherRunOnce()
{
    const qint64 jobId = createJob(u"docs"_s);
    m_scheduler->start();
    const qint64 daily = addSchedule(jobId, R"({"schedule_type": "daily", "hour": 13, "minute": 0})");
    const qint64 hourly = addSchedule(jobId, R"({"schedule_type": "custom", "cron_expression": "0 * * * *"})");
    runUntil(utc("2025-01-06T13:00:00Z"));
    QCOMPARE(runsOf(jobId).size(), 1);
    QCOMPARE(schedule(daily).nextRun, utc("2025-01-07T13:00:00Z"));
    QCOMPARE(schedule(hourly).nextRun, utc("2025-01-06T14:00:00Z"));
}

QTEST_GUILESS_MAIN(TestScheduler)
#include "tst_scheduler.moc"
