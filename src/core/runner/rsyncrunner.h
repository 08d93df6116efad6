#pragma once

#include "models/syncoptions.h"
#include "runner/backuprunner.h"

#include <QElapsedTimer>
#include <QList>
#include <QProcess>
#include <QString>
#include <QTimer>

#include <optional>

namespace dynamight {

class ProcessGroup;
struct RsyncRecord;

// One rsync invocation: copy the contents of `source` into `destination`.
struct RsyncTask
{
    QString source;
    QString destination;
};

// Runs rsync once per task, one task after another, and reports the run as a whole. The run's
// status is the worst among its tasks, where failed is worse than partial and partial is worse
// than completed. A task that fails with an exit code other than 0, 23 or 24 stops the run, and
// the remaining tasks are skipped.
// finished() is emitted from its own event, except from kill(), so a slot may delete the runner.
class RsyncRunner : public BackupRunner
{
    Q_OBJECT

public:
    RsyncRunner(QList<RsyncTask> tasks, SyncOptions options,
                QString program = QStringLiteral("rsync"), QObject *parent = nullptr);
    ~RsyncRunner() override;

    void start() override;
    // The outcome is Cancelled whatever rsync's exit code, and later tasks do not start.
    void cancel(std::chrono::milliseconds gracePeriod) override;
    // Emits finished() before it returns, because the service may stop right after.
    void kill() override;

private:
    enum class StopRequest {
        None,
        Cancel,
        Kill,
    };

    void startNextTask();
    std::optional<QString> checkTask(const RsyncTask &task) const;
    void connectProcess();
    void handleStarted(qint64 processId);
    void handleOutputLine(const QByteArray &line);
    void handleRecord(const RsyncRecord &record);
    void handleErrorLine(const QByteArray &line);
    void handleStartFailure(const QString &errorMessage);
    void handleTaskFinished(int exitCode, QProcess::ExitStatus exitStatus);
    QString describeTaskResult(int exitCode, QProcess::ExitStatus exitStatus) const;
    void recordTaskStatus(RunStatus status, const QString &message);
    void stopAfterFailure();
    void finishRun();
    void finish(RunStatus status, const QString &message);
    void scheduleProgress();
    void reportProgress();
    const RsyncTask &currentTask() const { return m_tasks.at(m_currentTask); }

    QList<RsyncTask> m_tasks;
    SyncOptions m_options;
    QString m_program;
    qsizetype m_currentTask = -1;
    ProcessGroup *m_process = nullptr;
    QStringList m_currentCommand;
    // The first stderr line of the current task that is an error, for the run's error message.
    QString m_firstErrorLine;

    RunCounters m_counters;
    QTimer m_progressTimer;
    QElapsedTimer m_sinceProgress;

    RunStatus m_worstStatus = RunStatus::Completed;
    QString m_worstMessage;
    // The last non-zero exit code, or 0 when every task that ran exited with 0.
    std::optional<int> m_exitCode;
    StopRequest m_stopRequest = StopRequest::None;
    bool m_started = false;
    bool m_finished = false;
};

} // namespace dynamight
