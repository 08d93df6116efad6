#include "clock.h"
#include "jobs/jobstore.h"
#include "jobs/jobvalidator.h"
#include "runner/backuprunner.h"
#include "runs/logstore.h"
#include "runs/runmanager.h"
#include "runs/runnerfactory.h"
#include "runs/runstore.h"
#include "settings/settingsstore.h"
#include "storage/database.h"

#include <QJsonDocument>
#include <QPointer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace dynamight;

namespace {

// A runner the test drives by hand: it records the manager's calls and finishes on request.
class FakeRunner : public BackupRunner
{
public:
    void start() override
    {
        started = true;
        Q_EMIT processStarted(4242, {QStringLiteral("fake"), QStringLiteral("--")});
        Q_EMIT logLine(LogLevel::Info, QStringLiteral("fake started"));
    }
    void cancel(std::chrono::milliseconds gracePeriod) override
    {
        cancelGrace = gracePeriod;
        cancelled = true;
    }
    void kill() override { killed = true; }
    void complete(RunStatus status, const QString &message = {})
    {
        Q_EMIT finished(RunOutcome{status, 0, message, RunCounters{3, 300, 1}});
    }

    bool started = false;
    bool cancelled = false;
    bool killed = false;
    std::chrono::milliseconds cancelGrace{0};
};

class FakeFactory : public RunnerFactory
{
public:
    Result<std::unique_ptr<BackupRunner>> create(const Job &job) const override
    {
        if (job.name == QLatin1String("broken"))
            return Error::invalid(QStringLiteral("Source folder /nowhere does not exist"));
        auto runner = std::make_unique<FakeRunner>();
        runners.append(runner.get());
        return std::unique_ptr<BackupRunner>(std::move(runner));
    }

    mutable QList<QPointer<FakeRunner>> runners;
};

} // namespace

class TestRunManager : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void runStartsAndCompletes();
    void secondRunOfJobConflicts();
    void runsBeyondLimitWait();
    void cancelPendingRun();
    void cancelRunningRun();
    void cancelIdleJobConflicts();
    void factoryErrorFailsRun();
    void pruneKeepsNewestRuns();
    void recoverMarksInterruptedRuns();
    void shutdownKillsAndRecords();
    void removeJobWhileActiveConflicts();

private:
    qint64 createJob(const QString &name);
    void makeManager(int maxConcurrent);
    Run runById(qint64 id) { return m_runs->find(id).value(); }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::shared_ptr<Database> m_database;
    std::unique_ptr<JobStore> m_jobs;
    std::unique_ptr<RunStore> m_runs;
    std::unique_ptr<LogStore> m_logs;
    std::unique_ptr<SettingsStore> m_settings;
    std::unique_ptr<FakeFactory> m_factory;
    std::unique_ptr<RunManager> m_manager;
    SystemClock m_clock;
};

void TestRunManager::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_database = Database::open(m_dir->path()).value();
    m_jobs = std::make_unique<JobStore>(m_database);
    m_runs = std::make_unique<RunStore>(m_database);
    m_logs = std::make_unique<LogStore>(m_database);
    m_settings = std::make_unique<SettingsStore>(m_database);
    m_factory = std::make_unique<FakeFactory>();
    makeManager(2);
}

void TestRunManager::cleanup()
{
    m_manager.reset();
    m_factory.reset();
    m_settings.reset();
    m_logs.reset();
    m_runs.reset();
    m_jobs.reset();
    m_database.reset();
}

void TestRunManager::makeManager(int maxConcurrent)
{
    m_manager.reset();
    const RunManager::Stores stores{*m_jobs, *m_runs, *m_logs, *m_settings};
    m_manager = std::make_unique<RunManager>(stores, *m_factory, m_clock,
                                             RunManagerOptions{maxConcurrent, std::chrono::milliseconds(1500)});
}

qint64 TestRunManager::createJob(const QString &name)
{
    const QByteArray json = R"({"source_dirs": ["/srv/)" + name.toUtf8() + R"("], "destination_type": "local",
                                "destination_config": {"mount_point": "/mnt/backup"}})";
    QJsonObject body = QJsonDocument::fromJson(json).object();
    body.insert(QStringLiteral("name"), name);
    const auto job = m_jobs->create(parseJob(body).value(), m_clock.now());
    return job.value().id;
}

void TestRunManager::runStartsAndCompletes()
{
    const qint64 jobId = createJob(QStringLiteral("docs"));
    QSignalSpy started(m_manager.get(), &RunManager::runStarted);
    QSignalSpy finished(m_manager.get(), &RunManager::runFinished);

    const auto run = m_manager->start(jobId, RunTrigger::Scheduled, 9);
    QVERIFY(run.ok());
    QCOMPARE(run->status, RunStatus::Running);
    QCOMPARE(started.count(), 1);
    QCOMPARE(m_factory->runners.size(), 1);
    QVERIFY(m_factory->runners.first()->started);
    QCOMPARE(m_manager->activeRunOfJob(jobId), std::optional<qint64>(run->id));

    m_factory->runners.first()->complete(RunStatus::Completed);
    QCOMPARE(finished.count(), 1);
    const Run stored = runById(run->id);
    QCOMPARE(stored.status, RunStatus::Completed);
    QCOMPARE(stored.trigger, RunTrigger::Scheduled);
    QCOMPARE(stored.scheduleId, std::optional<qint64>(9));
    QCOMPARE(stored.counters, (RunCounters{3, 300, 1}));
    QCOMPARE(stored.commands.size(), 1);
    QCOMPARE(stored.commands.first().first(), QStringLiteral("fake"));
    QVERIFY(stored.completedAt.isValid());
    QVERIFY(!m_manager->activeRunOfJob(jobId).has_value());

    LogStore::Filter filter;
    const auto lines = m_logs->list(run->id, filter).value();
    QVERIFY(lines.size() >= 2);
    QCOMPARE(lines.first().message, QStringLiteral("fake started"));
    QVERIFY(lines.last().message.startsWith(QLatin1String("Run completed")));
}

void TestRunManager::secondRunOfJobConflicts()
{
    const qint64 jobId = createJob(QStringLiteral("docs"));
    const auto first = m_manager->start(jobId, RunTrigger::Manual);
    QVERIFY(first.ok());
    const auto second = m_manager->start(jobId, RunTrigger::Manual);
    QVERIFY(!second.ok());
    QCOMPARE(second.error().kind(), Error::Kind::Conflict);
    QVERIFY(second.error().message().contains(QString::number(first->id)));
}

void TestRunManager::runsBeyondLimitWait()
{
    makeManager(1);
    const qint64 first = createJob(QStringLiteral("one"));
    const qint64 second = createJob(QStringLiteral("two"));
    const auto firstRun = m_manager->start(first, RunTrigger::Manual);
    const auto secondRun = m_manager->start(second, RunTrigger::Manual);
    QCOMPARE(firstRun->status, RunStatus::Running);
    QCOMPARE(secondRun->status, RunStatus::Pending);
    QCOMPARE(runById(secondRun->id).status, RunStatus::Pending);
    QCOMPARE(m_factory->runners.size(), 1);

    m_factory->runners.first()->complete(RunStatus::Completed);
    QCOMPARE(m_factory->runners.size(), 2);
    QCOMPARE(runById(secondRun->id).status, RunStatus::Running);
}

void TestRunManager::cancelPendingRun()
{
    makeManager(1);
    createJob(QStringLiteral("one"));
    const qint64 second = createJob(QStringLiteral("two"));
    m_manager->start(1, RunTrigger::Manual);
    const auto pending = m_manager->start(second, RunTrigger::Manual);
    QVERIFY(m_manager->cancel(second).ok());
    const Run run = runById(pending->id);
    QCOMPARE(run.status, RunStatus::Cancelled);
    QVERIFY(!run.startedAt.isValid());
    QCOMPARE(m_factory->runners.size(), 1);
}

void TestRunManager::cancelRunningRun()
{
    const qint64 jobId = createJob(QStringLiteral("docs"));
    const auto run = m_manager->start(jobId, RunTrigger::Manual);
    QVERIFY(m_manager->cancel(jobId).ok());
    FakeRunner *runner = m_factory->runners.first();
    QVERIFY(runner->cancelled);
    QCOMPARE(runner->cancelGrace, std::chrono::milliseconds(1500));
    QCOMPARE(runById(run->id).status, RunStatus::Running);

    runner->complete(RunStatus::Cancelled, QStringLiteral("Cancelled by user"));
    QCOMPARE(runById(run->id).status, RunStatus::Cancelled);
}

void TestRunManager::cancelIdleJobConflicts()
{
    const qint64 jobId = createJob(QStringLiteral("docs"));
    const Status cancelled = m_manager->cancel(jobId);
    QVERIFY(!cancelled.ok());
    QCOMPARE(cancelled.error().kind(), Error::Kind::Conflict);
}

void TestRunManager::factoryErrorFailsRun()
{
    const qint64 jobId = createJob(QStringLiteral("broken"));
    const auto run = m_manager->start(jobId, RunTrigger::Manual);
    QVERIFY(run.ok());
    const Run stored = runById(run->id);
    QCOMPARE(stored.status, RunStatus::Failed);
    QCOMPARE(stored.errorMessage, QStringLiteral("Source folder /nowhere does not exist"));
    LogStore::Filter filter;
    filter.level = LogLevel::Error;
    const auto errors = m_logs->list(run->id, filter).value();
    QCOMPARE(errors.size(), 1);
    QVERIFY(!m_manager->activeRunOfJob(jobId).has_value());
}

void TestRunManager::pruneKeepsNewestRuns()
{
    QVERIFY(m_settings->update({{QStringLiteral("max_runs_per_job"), 2}}).ok());
    const qint64 jobId = createJob(QStringLiteral("docs"));
    QList<qint64> ids;
    for (int i = 0; i < 3; ++i) {
        ids.append(m_manager->start(jobId, RunTrigger::Manual)->id);
        m_factory->runners.last()->complete(RunStatus::Completed);
    }
    const auto runs = m_runs->listForJob(jobId, 10, 0).value();
    QCOMPARE(runs.size(), 2);
    QCOMPARE(runs.at(0).id, ids.at(2));
    QCOMPARE(runs.at(1).id, ids.at(1));
    LogStore::Filter filter;
    QCOMPARE(m_logs->list(ids.at(0), filter).value().size(), 0);
}

void TestRunManager::recoverMarksInterruptedRuns()
{
    const qint64 jobId = createJob(QStringLiteral("docs"));
    const Run pending = m_runs->create(jobId, QStringLiteral("docs"), RunTrigger::Manual, {}, m_clock.now()).value();
    const Run running = m_runs->create(jobId, QStringLiteral("docs"), RunTrigger::Manual, {}, m_clock.now()).value();
    QVERIFY(m_runs->markRunning(running.id, m_clock.now()).ok());

    QVERIFY(m_manager->recoverInterruptedRuns().ok());
    for (qint64 id : {pending.id, running.id}) {
        const Run run = runById(id);
        QCOMPARE(run.status, RunStatus::Failed);
        QCOMPARE(run.errorMessage, QStringLiteral("interrupted: the service stopped during this run"));
        LogStore::Filter filter;
        QCOMPARE(m_logs->list(id, filter).value().size(), 1);
    }
}

void TestRunManager::shutdownKillsAndRecords()
{
    const qint64 jobId = createJob(QStringLiteral("docs"));
    const auto run = m_manager->start(jobId, RunTrigger::Manual);
    QPointer<FakeRunner> runner = m_factory->runners.first();
    m_manager->shutdown();
    QVERIFY(runner.isNull() || runner->killed);
    const Run stored = runById(run->id);
    QCOMPARE(stored.status, RunStatus::Failed);
    QVERIFY(stored.errorMessage.startsWith(QLatin1String("interrupted")));
}

void TestRunManager::removeJobWhileActiveConflicts()
{
    const qint64 jobId = createJob(QStringLiteral("docs"));
    m_manager->start(jobId, RunTrigger::Manual);
    const Status removed = m_manager->removeJob(jobId);
    QVERIFY(!removed.ok());
    QCOMPARE(removed.error().kind(), Error::Kind::Conflict);
    m_factory->runners.first()->complete(RunStatus::Completed);
    QVERIFY(m_manager->removeJob(jobId).ok());
    QCOMPARE(m_jobs->find(jobId).error().kind(), Error::Kind::NotFound);
}

QTEST_GUILESS_MAIN(TestRunManager)
#include "tst_runmanager.moc"
