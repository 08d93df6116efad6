#pragma once

#include "models/job.h"
#include "models/run.h"
#include "result.h"
#include "runs/logwriter.h"

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>

#include <chrono>
#include <map>
#include <memory>
#include <optional>

namespace dynamight {

class BackupRunner;
class Clock;
class JobStore;
class LogStore;
class RunStore;
class RunnerFactory;
class SettingsStore;

struct RunManagerOptions
{
    int maxConcurrentRuns = 2;
    std::chrono::milliseconds cancelGracePeriod{10000};
};

// Starts, queues, cancels and records runs. At most one run per job is active (pending or
// running). Up to maxConcurrentRuns run at once, and the rest wait as pending, first in, first
// out. The manager also owns the deletions that must respect active runs and the logs database.
class RunManager : public QObject
{
    Q_OBJECT

public:
    struct Stores
    {
        JobStore &jobs;
        RunStore &runs;
        LogStore &logs;
        SettingsStore &settings;
    };

    RunManager(Stores stores, const RunnerFactory &factory, const Clock &clock,
               RunManagerOptions options, QObject *parent = nullptr);
    ~RunManager() override;

    // Marks the runs that a stopped service left pending or running as failed, and kills any
    // process group of theirs that survived. Call once at start, before any run starts.
    Status recoverInterruptedRuns();

    // Queues a run of the job and starts it when a slot is free. Returns Conflict while the job
    // has an active run. A non-empty note becomes the run's first log line, such as the due time that a
    // scheduled catch-up run makes up for.
    Result<Run> start(qint64 jobId, RunTrigger trigger, std::optional<qint64> scheduleId = {},
                      const QString &note = {});
    Status cancel(qint64 jobId);
    std::optional<qint64> activeRunOfJob(qint64 jobId) const;
    bool isRunActive(qint64 runId) const;
    // Stores the run's buffered log lines now, so a reader of the logs database gets all of them.
    void flushLogs(qint64 runId);

    Result<int> removeRun(qint64 runId);
    Result<int> removeRunsOfJob(qint64 jobId);
    Result<int> removeAllRuns();
    Status removeJob(qint64 jobId);

    // Kills every child and marks the active runs failed as interrupted; for a stopping service.
    void shutdown();

Q_SIGNALS:
    void runQueued(const dynamight::Run &run);
    void runStarted(const dynamight::Run &run);
    // At most a few times a second per run, with the counters so far.
    void runProgress(const dynamight::Run &run);
    void runFinished(const dynamight::Run &run);
    void logsStored(const QList<dynamight::LogEntry> &entries);

private:
    struct ActiveRun
    {
        Run run;
        BackupRunner *runner = nullptr;
        bool cancelRequested = false;
        QElapsedTimer sinceProgress;
    };

    void dispatch();
    void launch(Run run);
    void connectRunner(qint64 runId, BackupRunner *runner);
    void onProgress(qint64 runId, const RunCounters &counters);
    void finish(qint64 runId, RunOutcome outcome);
    void logOutcome(qint64 runId, const RunOutcome &outcome);
    void prune(qint64 jobId);
    Result<int> removeRuns(Result<QList<qint64>> removed);

    Stores m_stores;
    const RunnerFactory &m_factory;
    const Clock &m_clock;
    RunManagerOptions m_options;
    LogWriter m_logWriter;
    QList<qint64> m_queue;
    std::map<qint64, ActiveRun> m_runs;
    QHash<qint64, qint64> m_runOfJob;
    int m_running = 0;
};

} // namespace dynamight
