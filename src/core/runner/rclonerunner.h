#pragma once

#include "models/syncoptions.h"
#include "runner/backuprunner.h"
#include "runner/rcloneoutput.h"
#include "runner/rcloneremote.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QProcess>
#include <QStringList>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>

namespace dynamight {

class ProcessGroup;
class RcloneWorkspace;

// The settings of an RcloneRunner besides the sources and the sync options.
struct RcloneRunnerSetup
{
    // The destination, with the credential's secrets in its options.
    RcloneRemote remote;
    QString program = QStringLiteral("rclone");
    // Reads an SFTP server's host keys before rclone connects.
    QString keyscanProgram = QStringLiteral("ssh-keyscan");
    // Receives the credential data of an OAuth token that rclone refreshed during the run, to
    // store it encrypted. Called after an rclone process exits, when the token in its config
    // file differs from the one written before.
    std::function<void(const QJsonObject &)> storeRefreshedToken;
};

// Runs `rclone copy` or `rclone sync` once per source folder, one after another, into
// <remote root>/<source basename>, and reports the run as a whole, like RsyncRunner: the status
// is the worst among the sources, and a source that fails stops the run. The remote's config
// lives in a private RcloneWorkspace from start() until the run finishes. For an SFTP remote the
// runner first reads the server's host keys with ssh-keyscan and writes the one trusted key into
// known_hosts. An unknown or changed key fails the run before rclone starts.
// finished() is emitted from its own event, except from kill(), so a slot may delete the runner.
class RcloneRunner : public BackupRunner
{
    Q_OBJECT

public:
    RcloneRunner(QStringList sources, SyncOptions options, RcloneRunnerSetup setup, QObject *parent = nullptr);
    ~RcloneRunner() override;

    void start() override;
    void cancel(std::chrono::milliseconds gracePeriod) override;
    void kill() override;

private:
    enum class StopRequest {
        None,
        Cancel,
        Kill,
    };

    void prepareWorkspace();
    void startHostKeyScan();
    void handleHostKeyScanFinished(int exitCode, QProcess::ExitStatus exitStatus);
    void startNextTask();
    std::optional<QString> checkSource(const QString &source) const;
    ProcessGroup *newProcess();
    void handleStarted(qint64 processId);
    void handleErrorLine(const QByteArray &line);
    void handleRecord(const RcloneLogRecord &record);
    void handlePlainLine(const QString &text);
    void handleStartFailure(const QString &errorMessage);
    void handleTaskFinished(int exitCode, QProcess::ExitStatus exitStatus);
    QString describeTaskResult(RunStatus status, int exitCode, QProcess::ExitStatus exitStatus) const;
    void readBackToken();
    void recordTaskStatus(RunStatus status, const QString &message);
    void failRun(const QString &message);
    void stopAfterFailure();
    void finish(RunStatus status, const QString &message);
    RunCounters currentCounters() const;
    void scheduleProgress();
    void reportProgress();

    QStringList m_sources;
    SyncOptions m_options;
    RcloneRunnerSetup m_setup;
    std::unique_ptr<RcloneWorkspace> m_workspace;
    QString m_writtenToken;
    qsizetype m_currentTask = -1;
    ProcessGroup *m_process = nullptr;
    QStringList m_currentCommand;
    QByteArray m_keyscanOutput;
    QString m_firstError;

    // Totals of the finished tasks, and of the running one.
    RunCounters m_finishedCounters;
    RunCounters m_taskCounters;
    std::optional<RcloneStats> m_lastStats;
    double m_speed = 0;
    QTimer m_progressTimer;
    QElapsedTimer m_sinceProgress;

    RunStatus m_worstStatus = RunStatus::Completed;
    QString m_worstMessage;
    std::optional<int> m_exitCode;
    StopRequest m_stopRequest = StopRequest::None;
    bool m_started = false;
    bool m_finished = false;
};

} // namespace dynamight
