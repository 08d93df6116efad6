#include "runs/runmanager.h"

#include "clock.h"
#include "jobs/jobstore.h"
#include "logging.h"
#include "runner/backuprunner.h"
#include "runs/logstore.h"
#include "runs/runnerfactory.h"
#include "runs/runstore.h"
#include "settings/settingsstore.h"

#include <QFile>
#include <QLocale>

#include <signal.h>

namespace dynamight {

namespace {

const QString interruptedMessage = QStringLiteral("interrupted: the service stopped during this run");
constexpr auto progressInterval = std::chrono::milliseconds(250);

// Kills the process group a crashed service left behind. The id is checked first: it must still
// lead its own group and run rsync or rclone, so that a reused process id is never signalled.
void killOrphanedGroup(qint64 processId)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(processId));
    if (!stat.open(QIODevice::ReadOnly))
        return;
    const QByteArray text = stat.readAll();
    const qsizetype open = text.indexOf('(');
    const qsizetype close = text.lastIndexOf(')');
    if (open < 0 || close < open)
        return;
    const QByteArray command = text.mid(open + 1, close - open - 1);
    const QList<QByteArray> fields = text.mid(close + 2).split(' ');
    if (fields.size() < 3 || fields.at(2).toLongLong() != processId)
        return;
    if (command != "rsync" && command != "rclone")
        return;

    qCWarning(lcRuns) << "Runs: killing process group" << processId << "(" << command.constData()
                      << ") left by a service that stopped";
    ::kill(-static_cast<pid_t>(processId), SIGKILL);
}

QString describeOutcome(const RunOutcome &outcome)
{
    const QLocale locale = QLocale::c();
    return QStringLiteral("Run %1: %2 files copied (%3), %4 deleted")
        .arg(runStatusName(outcome.status))
        .arg(outcome.counters.filesTransferred)
        .arg(locale.formattedDataSize(outcome.counters.bytesTransferred))
        .arg(outcome.counters.filesDeleted);
}

} // namespace

RunManager::RunManager(Stores stores, const RunnerFactory &factory, const Clock &clock,
                       RunManagerOptions options, QObject *parent)
    : QObject(parent)
    , m_stores(stores)
    , m_factory(factory)
    , m_clock(clock)
    , m_options(options)
    , m_logWriter(stores.logs, clock)
{
    connect(&m_logWriter, &LogWriter::stored, this, &RunManager::logsStored);
}

RunManager::~RunManager()
{
    shutdown();
}

Status RunManager::recoverInterruptedRuns()
{
    auto interrupted = m_stores.runs.failInterruptedRuns(interruptedMessage, m_clock.now());
    if (!interrupted)
        return interrupted.error();

    QList<LogEntry> notes;
    for (const RunStore::InterruptedRun &run : *interrupted) {
        if (run.processId)
            killOrphanedGroup(*run.processId);
        notes.append(LogEntry{0, run.runId, m_clock.now(), LogLevel::Error, interruptedMessage});
        qCWarning(lcRuns) << "Runs: marked run" << run.runId << "failed: it was active when the service stopped";
    }
    if (!notes.isEmpty()) {
        auto stored = m_stores.logs.append(notes);
        if (!stored)
            return stored.error();
    }
    return {};
}

Result<Run> RunManager::start(qint64 jobId, RunTrigger trigger, std::optional<qint64> scheduleId,
                              const QString &note)
{
    const auto job = m_stores.jobs.find(jobId);
    if (!job)
        return job.error();
    if (const auto active = activeRunOfJob(jobId)) {
        return Error::conflict(QStringLiteral("Job '%1' is already running (run %2); wait for it to "
                                              "finish or cancel it")
                                   .arg(job->name)
                                   .arg(*active));
    }

    auto run = m_stores.runs.create(jobId, job->name, trigger, scheduleId, m_clock.now());
    if (!run)
        return run.error();
    m_runs.emplace(run->id, ActiveRun{*run, nullptr, false, {}});
    m_runOfJob.insert(jobId, run->id);
    m_queue.append(run->id);
    m_logWriter.begin(run->id, m_stores.settings.maxLogLinesPerRun());
    if (!note.isEmpty())
        m_logWriter.append(run->id, LogLevel::Info, note);
    qCInfo(lcRuns).noquote() << "Runs: queued run" << run->id << "of job" << jobId << "(" << job->name
                             << ", trigger" << runTriggerName(trigger) << ")";
    Q_EMIT runQueued(*run);

    dispatch();
    return m_runs.count(run->id) ? m_runs.at(run->id).run : m_stores.runs.find(run->id);
}

Status RunManager::cancel(qint64 jobId)
{
    const auto runId = activeRunOfJob(jobId);
    if (!runId)
        return Error::conflict(QStringLiteral("Job %1 is not running").arg(jobId));

    ActiveRun &active = m_runs.at(*runId);
    if (!active.runner) {
        m_queue.removeAll(*runId);
        finish(*runId, RunOutcome{RunStatus::Cancelled, std::nullopt,
                                  QStringLiteral("Cancelled by user before it started"), {}});
        return {};
    }
    if (!active.cancelRequested) {
        active.cancelRequested = true;
        m_logWriter.append(*runId, LogLevel::Warning, QStringLiteral("Cancel requested by user"));
        qCInfo(lcRuns) << "Runs: cancelling run" << *runId << "of job" << jobId;
        active.runner->cancel(m_options.cancelGracePeriod);
    }
    return {};
}

std::optional<qint64> RunManager::activeRunOfJob(qint64 jobId) const
{
    const auto it = m_runOfJob.constFind(jobId);
    return it == m_runOfJob.constEnd() ? std::nullopt : std::optional<qint64>(*it);
}

bool RunManager::isRunActive(qint64 runId) const
{
    return m_runs.count(runId) > 0;
}

void RunManager::flushLogs(qint64 runId)
{
    m_logWriter.flush(runId);
}

Result<int> RunManager::removeRun(qint64 runId)
{
    if (isRunActive(runId))
        return Error::conflict(QStringLiteral("Run %1 is still active; cancel it first").arg(runId));
    const auto run = m_stores.runs.find(runId);
    if (!run)
        return run.error();
    return removeRuns(m_stores.runs.removeRun(runId));
}

Result<int> RunManager::removeRunsOfJob(qint64 jobId)
{
    const auto job = m_stores.jobs.find(jobId);
    if (!job)
        return job.error();
    return removeRuns(m_stores.runs.removeForJob(jobId));
}

Result<int> RunManager::removeAllRuns()
{
    return removeRuns(m_stores.runs.removeAll());
}

Status RunManager::removeJob(qint64 jobId)
{
    const auto job = m_stores.jobs.find(jobId);
    if (!job)
        return job.error();
    if (activeRunOfJob(jobId)) {
        return Error::conflict(QStringLiteral("Job '%1' has an active run; cancel it before deleting the job")
                                   .arg(job->name));
    }
    const auto runIds = m_stores.runs.runIdsOfJob(jobId);
    if (!runIds)
        return runIds.error();
    const Status removed = m_stores.jobs.remove(jobId);
    if (!removed)
        return removed;
    return m_stores.logs.removeForRuns(*runIds);
}

void RunManager::shutdown()
{
    const QList<qint64> runIds = [this] {
        QList<qint64> ids;
        for (const auto &entry : m_runs)
            ids.append(entry.first);
        return ids;
    }();
    for (qint64 runId : runIds) {
        BackupRunner *runner = m_runs.at(runId).runner;
        if (runner) {
            runner->disconnect(this);
            runner->kill();
        }
        finish(runId, RunOutcome{RunStatus::Failed, std::nullopt, interruptedMessage, m_runs.at(runId).run.counters});
    }
    m_queue.clear();
}

void RunManager::dispatch()
{
    while (m_running < m_options.maxConcurrentRuns && !m_queue.isEmpty()) {
        const qint64 runId = m_queue.takeFirst();
        launch(m_runs.at(runId).run);
    }
}

void RunManager::launch(Run run)
{
    const auto job = m_stores.jobs.find(run.jobId);
    if (!job) {
        finish(run.id, RunOutcome{RunStatus::Failed, std::nullopt, job.error().message(), {}});
        return;
    }
    m_stores.runs.markRunning(run.id, m_clock.now());
    run.status = RunStatus::Running;
    run.startedAt = m_clock.now();
    ActiveRun &active = m_runs.at(run.id);
    active.run = run;
    qCInfo(lcRuns).noquote() << "Runs: starting run" << run.id << "of job" << run.jobId << "(" << job->name << ")";
    Q_EMIT runStarted(run);

    auto runner = m_factory.create(*job);
    if (!runner) {
        finish(run.id, RunOutcome{RunStatus::Failed, std::nullopt, runner.error().message(), {}});
        return;
    }
    active.runner = std::move(runner).value().release();
    active.runner->setParent(this);
    active.sinceProgress.start();
    ++m_running;
    connectRunner(run.id, active.runner);
    active.runner->start();
}

void RunManager::connectRunner(qint64 runId, BackupRunner *runner)
{
    connect(runner, &BackupRunner::processStarted, this, [this, runId](qint64 pid, const QStringList &command) {
        m_stores.runs.addProcess(runId, pid, command);
        m_runs.at(runId).run.commands.append(command);
    });
    connect(runner, &BackupRunner::logLine, this, [this, runId](LogLevel level, const QString &message) {
        m_logWriter.append(runId, level, message);
    });
    connect(runner, &BackupRunner::progress, this, [this, runId](const RunCounters &counters) {
        onProgress(runId, counters);
    });
    connect(runner, &BackupRunner::finished, this, [this, runId](const RunOutcome &outcome) {
        finish(runId, outcome);
    });
}

void RunManager::onProgress(qint64 runId, const RunCounters &counters)
{
    ActiveRun &active = m_runs.at(runId);
    active.run.counters = counters;
    if (active.sinceProgress.isValid() && active.sinceProgress.elapsed() < progressInterval.count())
        return;
    active.sinceProgress.restart();
    Q_EMIT runProgress(active.run);
}

void RunManager::finish(qint64 runId, RunOutcome outcome)
{
    auto it = m_runs.find(runId);
    if (it == m_runs.end())
        return;
    ActiveRun active = std::move(it->second);
    m_runs.erase(it);
    m_runOfJob.remove(active.run.jobId);
    if (active.runner) {
        --m_running;
        active.runner->disconnect(this);
        active.runner->deleteLater();
    }

    logOutcome(runId, outcome);
    m_logWriter.end(runId);
    const Status stored = m_stores.runs.finish(runId, outcome, m_clock.now());
    if (!stored)
        qCCritical(lcRuns).noquote() << "Failed to record the end of run" << runId << ":" << stored.error().message();
    qCInfo(lcRuns).noquote() << "Runs: run" << runId << "of job" << active.run.jobId << "ended"
                             << runStatusName(outcome.status) << outcome.errorMessage;

    const auto run = m_stores.runs.find(runId);
    prune(active.run.jobId);
    if (run)
        Q_EMIT runFinished(*run);
    dispatch();
}

void RunManager::logOutcome(qint64 runId, const RunOutcome &outcome)
{
    if (!outcome.errorMessage.isEmpty()) {
        const LogLevel level = outcome.status == RunStatus::Failed ? LogLevel::Error : LogLevel::Warning;
        m_logWriter.append(runId, level, outcome.errorMessage);
    }
    m_logWriter.append(runId, LogLevel::Info, describeOutcome(outcome));
}

void RunManager::prune(qint64 jobId)
{
    const auto pruned = m_stores.runs.prune(jobId, m_stores.settings.maxRunsPerJob());
    if (!pruned) {
        qCWarning(lcRuns).noquote() << "Failed to prune the runs of job" << jobId << ":" << pruned.error().message();
        return;
    }
    if (pruned->isEmpty())
        return;
    m_stores.logs.removeForRuns(*pruned);
    qCInfo(lcRuns) << "Runs: pruned" << pruned->size() << "old runs of job" << jobId;
}

Result<int> RunManager::removeRuns(Result<QList<qint64>> removed)
{
    if (!removed)
        return removed.error();
    const Status logs = m_stores.logs.removeForRuns(*removed);
    if (!logs)
        return logs.error();
    return static_cast<int>(removed->size());
}

} // namespace dynamight
