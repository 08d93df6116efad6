#pragma once

#include "models/run.h"
#include "result.h"

#include <QList>

#include <memory>
#include <optional>

namespace dynamight {

class Database;

// The runs table: one row per run of a job, from queued to finished.
class RunStore
{
public:
    // A run that was active when the service stopped, with the process group it had started.
    struct InterruptedRun
    {
        qint64 runId = 0;
        std::optional<qint64> processId;
    };

    explicit RunStore(std::shared_ptr<Database> database);

    Result<Run> create(qint64 jobId, const QString &jobName, RunTrigger trigger,
                       std::optional<qint64> scheduleId, const QDateTime &queuedAt);
    Status markRunning(qint64 runId, const QDateTime &startedAt);
    // Records a child process: its id (for clean-up after a crash) and its command line.
    Status addProcess(qint64 runId, qint64 processId, const QStringList &command);
    Status finish(qint64 runId, const RunOutcome &outcome, const QDateTime &completedAt);

    Result<Run> find(qint64 runId) const;
    Result<QList<Run>> listForJob(qint64 jobId, int limit, int offset) const;
    Result<std::optional<Run>> lastRun(qint64 jobId) const;

    // Marks every pending or running run failed with the interruption message and returns them.
    Result<QList<InterruptedRun>> failInterruptedRuns(const QString &message, const QDateTime &now);
    // Deletes the oldest finished runs of the job beyond keep and returns their ids.
    Result<QList<qint64>> prune(qint64 jobId, int keep);
    // These delete finished runs only and return the ids they deleted.
    Result<QList<qint64>> removeRun(qint64 runId);
    Result<QList<qint64>> removeForJob(qint64 jobId);
    Result<QList<qint64>> removeAll();
    Result<QList<qint64>> runIdsOfJob(qint64 jobId) const;

private:
    Result<QList<qint64>> removeWhere(const QString &condition, const QVariantList &values);

    std::shared_ptr<Database> m_database;
};

} // namespace dynamight
