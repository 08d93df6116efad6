#pragma once

#include <QDateTime>
#include <QString>
#include <QStringList>

#include <optional>

namespace dynamight {

enum class RunStatus {
    Pending,
    Running,
    Completed,
    Partial,
    Failed,
    Cancelled,
};

QString runStatusName(RunStatus status);
std::optional<RunStatus> runStatusFromName(const QString &name);
bool isActive(RunStatus status);

enum class RunTrigger {
    Manual,
    Scheduled,
};

QString runTriggerName(RunTrigger trigger);
std::optional<RunTrigger> runTriggerFromName(const QString &name);

enum class LogLevel {
    Info,
    Warning,
    Error,
};

QString logLevelName(LogLevel level);
std::optional<LogLevel> logLevelFromName(const QString &name);

struct RunCounters
{
    qint64 filesTransferred = 0;
    qint64 bytesTransferred = 0;
    qint64 filesDeleted = 0;
    // The current transfer speed, for live progress only: rclone reports it, rsync runs leave
    // it 0, and the run's record does not store it.
    qint64 bytesPerSecond = 0;

    bool operator==(const RunCounters &) const = default;
};

// The end state of a runner's work, before it is written into the run's record.
struct RunOutcome
{
    RunStatus status = RunStatus::Failed;
    std::optional<int> exitCode;
    QString errorMessage;
    RunCounters counters;
};

struct Run
{
    qint64 id = 0;
    qint64 jobId = 0;
    QString jobName;
    RunStatus status = RunStatus::Pending;
    RunTrigger trigger = RunTrigger::Manual;
    std::optional<qint64> scheduleId;
    QDateTime queuedAt;
    QDateTime startedAt;
    QDateTime completedAt;
    RunCounters counters;
    std::optional<int> exitCode;
    QString errorMessage;
    // The exact argument vectors of the child processes, one command per entry, secrets redacted.
    QList<QStringList> commands;
};

struct LogEntry
{
    qint64 id = 0;
    qint64 runId = 0;
    QDateTime timestamp;
    LogLevel level = LogLevel::Info;
    QString message;
};

} // namespace dynamight
