#include "runner/rclonerunner.h"

#include "logging.h"
#include "runner/processgroup.h"
#include "runner/rclonearguments.h"
#include "runner/rcloneworkspace.h"
#include "runner/sshhostkeys.h"

#include <QDir>
#include <QFileInfo>
#include <QMetaObject>

#include <utility>

namespace dynamight {

namespace {

// As in RsyncRunner: the shortest time between two progress() signals.
constexpr qint64 kProgressIntervalMs = 250;
// ssh-keyscan's connect and read timeout, in seconds.
constexpr int kKeyscanTimeoutSeconds = 5;

const QString kCancelledMessage = QStringLiteral("Cancelled by user");
const QString kInterruptedMessage = QStringLiteral("interrupted: the service stopped during this run");

int severity(RunStatus status)
{
    switch (status) {
    case RunStatus::Completed:
        return 0;
    case RunStatus::Partial:
        return 1;
    default:
        return 2;
    }
}

bool isEmptyDirectory(const QString &path)
{
    return QDir(path).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System);
}

RunCounters operator+(const RunCounters &a, const RunCounters &b)
{
    RunCounters sum;
    sum.filesTransferred = a.filesTransferred + b.filesTransferred;
    sum.bytesTransferred = a.bytesTransferred + b.bytesTransferred;
    sum.filesDeleted = a.filesDeleted + b.filesDeleted;
    return sum;
}

} // namespace

RcloneRunner::RcloneRunner(QStringList sources, SyncOptions options, RcloneRunnerSetup setup, QObject *parent)
    : BackupRunner(parent)
    , m_sources(std::move(sources))
    , m_options(std::move(options))
    , m_setup(std::move(setup))
    , m_progressTimer(this)
{
    m_progressTimer.setSingleShot(true);
    connect(&m_progressTimer, &QTimer::timeout, this, &RcloneRunner::reportProgress);
}

RcloneRunner::~RcloneRunner()
{
    // Deleted first, so that the child is gone before its config file is.
    delete m_process;
}

void RcloneRunner::start()
{
    if (m_started || m_finished)
        return;
    m_started = true;

    if (m_sources.isEmpty()) {
        finish(RunStatus::Failed, QStringLiteral("Nothing to sync: the run has no source folders."));
        return;
    }
    prepareWorkspace();
}

void RcloneRunner::cancel(std::chrono::milliseconds gracePeriod)
{
    if (m_finished)
        return;

    m_stopRequest = StopRequest::Cancel;
    if (!m_process || !m_process->isRunning()) {
        m_started = true;
        finish(RunStatus::Cancelled, kCancelledMessage);
        return;
    }

    Q_EMIT logLine(LogLevel::Info,
                   QStringLiteral("Cancel requested. rclone gets SIGTERM now and SIGKILL if it is still "
                                  "running after %1 ms.")
                       .arg(gracePeriod.count()));
    m_process->terminate(gracePeriod);
}

void RcloneRunner::kill()
{
    if (m_finished)
        return;

    m_started = true;
    m_stopRequest = StopRequest::Kill;
    if (m_process)
        m_process->killNow();
    readBackToken();
    m_workspace.reset();

    m_finished = true;
    m_progressTimer.stop();
    qCInfo(lcRunner) << "rclone run killed because the service is stopping";
    Q_EMIT finished(RunOutcome{RunStatus::Failed, m_exitCode, kInterruptedMessage, currentCounters()});
}

void RcloneRunner::prepareWorkspace()
{
    auto workspace = RcloneWorkspace::create();
    if (!workspace) {
        failRun(workspace.error().message());
        return;
    }
    m_workspace = std::move(workspace).value();
    m_writtenToken = m_setup.remote.option(QStringLiteral("token")).value_or(QString());

    if (m_setup.remote.sshEndpoint()) {
        startHostKeyScan();
        return;
    }

    const Status written = m_workspace->writeConfig(m_setup.remote);
    if (!written) {
        failRun(written.error().message());
        return;
    }
    startNextTask();
}

void RcloneRunner::startHostKeyScan()
{
    const SshEndpoint &ssh = *m_setup.remote.sshEndpoint();
    Q_EMIT logLine(LogLevel::Info, QStringLiteral("Reading the SSH host keys of %1:%2").arg(ssh.host).arg(ssh.port));

    m_keyscanOutput.clear();
    m_process = newProcess();
    connect(m_process, &ProcessGroup::standardOutputLine, this,
            [this](const QByteArray &line) { m_keyscanOutput += line + '\n'; });
    connect(m_process, &ProcessGroup::standardErrorLine, this, [this](const QByteArray &line) {
        if (!line.startsWith('#') && m_firstError.isEmpty())
            m_firstError = QString::fromUtf8(line);
    });
    connect(m_process, &ProcessGroup::finished, this, &RcloneRunner::handleHostKeyScanFinished);
    m_currentCommand = QStringList{m_setup.keyscanProgram, QStringLiteral("-T"), QString::number(kKeyscanTimeoutSeconds),
                                   QStringLiteral("-p"), QString::number(ssh.port), ssh.host};
    m_process->start(m_setup.keyscanProgram, m_currentCommand.mid(1));
}

void RcloneRunner::handleHostKeyScanFinished(int, QProcess::ExitStatus)
{
    if (m_finished)
        return;
    if (m_stopRequest == StopRequest::Cancel) {
        finish(RunStatus::Cancelled, kCancelledMessage);
        return;
    }

    const SshEndpoint &ssh = *m_setup.remote.sshEndpoint();
    const QList<SshHostKey> keys = parseSshKeyscanOutput(m_keyscanOutput);
    if (keys.isEmpty()) {
        const QString cause = m_firstError.isEmpty() ? QStringLiteral("the connection was refused or timed out")
                                                     : m_firstError;
        failRun(QStringLiteral("Failed to read the SSH host key of %1:%2: %3. Check the host, the port and "
                               "that the SSH server is running")
                    .arg(ssh.host)
                    .arg(ssh.port)
                    .arg(cause));
        return;
    }

    const SshHostKeyCheck check = checkSshHostKeys(keys, ssh.host, ssh.port, ssh.trustedFingerprint);
    if (!check.trustedKey) {
        failRun(check.errorMessage);
        return;
    }

    m_firstError.clear();
    Status written = m_workspace->writeKnownHosts(check.trustedKey->knownHostsLine(ssh.host, ssh.port), m_setup.remote);
    if (written)
        written = m_workspace->writeConfig(m_setup.remote);
    if (!written) {
        failRun(written.error().message());
        return;
    }
    startNextTask();
}

void RcloneRunner::startNextTask()
{
    ++m_currentTask;
    if (m_currentTask >= m_sources.size()) {
        finish(m_worstStatus, m_worstMessage);
        return;
    }

    const QString &source = m_sources.at(m_currentTask);
    if (const auto problem = checkSource(source)) {
        Q_EMIT logLine(LogLevel::Error, *problem);
        recordTaskStatus(RunStatus::Failed, *problem);
        stopAfterFailure();
        return;
    }

    const QString target = m_setup.remote.targetFor(source);
    m_currentCommand = QStringList{m_setup.program}
        << buildRcloneArguments(m_workspace->configPath(), source, target, m_options);
    m_firstError.clear();
    m_taskCounters = {};
    m_lastStats.reset();
    Q_EMIT logLine(LogLevel::Info, QStringLiteral("Starting sync of %1 to %2").arg(source, target));

    m_process = newProcess();
    connect(m_process, &ProcessGroup::started, this, &RcloneRunner::handleStarted);
    connect(m_process, &ProcessGroup::standardOutputLine, this, [this](const QByteArray &line) {
        if (m_options.verbosity == Verbosity::Verbose)
            Q_EMIT logLine(LogLevel::Info, QString::fromUtf8(line));
    });
    connect(m_process, &ProcessGroup::standardErrorLine, this, &RcloneRunner::handleErrorLine);
    connect(m_process, &ProcessGroup::finished, this, &RcloneRunner::handleTaskFinished);
    m_process->start(m_setup.program, m_currentCommand.mid(1));
}

// A deleting sync from a missing or empty source would empty the backup, and that is what an
// unmounted source disk looks like.
std::optional<QString> RcloneRunner::checkSource(const QString &source) const
{
    if (!QDir::isAbsolutePath(source))
        return QStringLiteral("Invalid sync task: \"%1\" is not an absolute path.").arg(source);
    if (!m_options.deleteExtraneous)
        return std::nullopt;
    if (!QFileInfo(source).isDir() || isEmptyDirectory(source)) {
        return QStringLiteral("Did not sync %1 because the source folder is missing or empty, and with "
                              "deletion enabled the sync would delete every file in %2. Check that the "
                              "source is mounted.")
            .arg(source, m_setup.remote.targetFor(source));
    }
    return std::nullopt;
}

ProcessGroup *RcloneRunner::newProcess()
{
    if (m_process)
        m_process->deleteLater();
    auto *process = new ProcessGroup(this);
    process->setEnvironment(rcloneEnvironment());
    connect(process, &ProcessGroup::failedToStart, this, &RcloneRunner::handleStartFailure);
    return process;
}

void RcloneRunner::handleStarted(qint64 processId)
{
    qCInfo(lcRunner).noquote() << "Started rclone, pid" << processId << "for" << m_sources.at(m_currentTask);
    Q_EMIT processStarted(processId, m_currentCommand);
}

void RcloneRunner::handleErrorLine(const QByteArray &line)
{
    if (const auto record = parseRcloneLogLine(line)) {
        handleRecord(*record);
        return;
    }
    handlePlainLine(QString::fromUtf8(line).trimmed());
}

void RcloneRunner::handleRecord(const RcloneLogRecord &record)
{
    const bool logFiles = m_options.verbosity != Verbosity::Quiet;
    switch (record.kind) {
    case RcloneLogRecord::Kind::Copied:
    case RcloneLogRecord::Kind::DryRunCopy:
        ++m_taskCounters.filesTransferred;
        // rclone prints dry-run sizes rounded ("size 1.953Ki"), so the size of the source file
        // gives the exact number of bytes a real run would copy.
        if (record.kind == RcloneLogRecord::Kind::DryRunCopy)
            m_taskCounters.bytesTransferred += QFileInfo(m_sources.at(m_currentTask) + u'/' + record.object).size();
        if (logFiles)
            Q_EMIT logLine(LogLevel::Info, record.object);
        break;
    case RcloneLogRecord::Kind::Deleted:
    case RcloneLogRecord::Kind::DryRunDelete:
        ++m_taskCounters.filesDeleted;
        if (logFiles)
            Q_EMIT logLine(LogLevel::Info, QStringLiteral("deleting ") + record.object);
        break;
    case RcloneLogRecord::Kind::Stats:
        m_lastStats = record.stats;
        m_speed = record.stats->speed;
        // A dry run transfers nothing, so its bytes are the sizes of the files it would copy.
        if (!m_options.dryRun)
            m_taskCounters.bytesTransferred = record.stats->bytes;
        if (m_options.verbosity == Verbosity::Verbose)
            Q_EMIT logLine(LogLevel::Info, record.message);
        break;
    case RcloneLogRecord::Kind::Message:
        if (record.level == LogLevel::Error && m_firstError.isEmpty())
            m_firstError = record.text();
        if (record.level != LogLevel::Info || m_options.verbosity == Verbosity::Verbose)
            Q_EMIT logLine(record.level, record.text());
        break;
    }
    scheduleProgress();
}

// rclone prints a few lines without JSON, such as "Failed to create file system for ..." right
// before it exits, and Go's own panics.
void RcloneRunner::handlePlainLine(const QString &text)
{
    if (text.isEmpty())
        return;
    if (m_firstError.isEmpty())
        m_firstError = text;
    Q_EMIT logLine(LogLevel::Error, text);
}

void RcloneRunner::handleStartFailure(const QString &errorMessage)
{
    const QString program = m_setup.remote.sshEndpoint() && m_currentTask < 0 ? m_setup.keyscanProgram : m_setup.program;
    qCWarning(lcRunner).noquote() << QStringLiteral("Failed to start %1: %2").arg(program, errorMessage);
    if (m_stopRequest == StopRequest::Cancel) {
        finish(RunStatus::Cancelled, kCancelledMessage);
        return;
    }

    failRun(QStringLiteral("Failed to start the program \"%1\": %2. Check that it is installed and on the "
                           "service's PATH.")
                .arg(program, errorMessage));
}

void RcloneRunner::handleTaskFinished(int exitCode, QProcess::ExitStatus exitStatus)
{
    if (m_finished)
        return;

    readBackToken();
    m_finishedCounters = m_finishedCounters + m_taskCounters;
    m_taskCounters = {};
    reportProgress();
    if (exitStatus == QProcess::NormalExit && (exitCode != 0 || !m_exitCode))
        m_exitCode = exitCode;

    if (m_stopRequest == StopRequest::Cancel) {
        finish(RunStatus::Cancelled, kCancelledMessage);
        return;
    }

    const qint64 handled = m_finishedCounters.filesTransferred + m_finishedCounters.filesDeleted;
    const RunStatus status =
        exitStatus == QProcess::NormalExit ? rcloneRunStatus(exitCode, m_lastStats, handled) : RunStatus::Failed;
    recordTaskStatus(status, describeTaskResult(status, exitCode, exitStatus));
    if (status == RunStatus::Failed) {
        stopAfterFailure();
        return;
    }
    startNextTask();
}

// Returns the error message for a task, or an empty string when it completed.
QString RcloneRunner::describeTaskResult(RunStatus status, int exitCode, QProcess::ExitStatus exitStatus) const
{
    const QString &source = m_sources.at(m_currentTask);
    const QString detail = m_firstError.isEmpty() ? QString() : QStringLiteral(": ") + m_firstError;
    if (exitStatus != QProcess::NormalExit)
        return QStringLiteral("rclone was killed by signal %1 while syncing %2").arg(exitCode).arg(source) + detail;
    if (status == RunStatus::Completed)
        return {};

    const RcloneExitMeaning meaning = describeRcloneExit(exitCode);
    QString message = QStringLiteral("rclone exited with code %1 (%2) while syncing %3")
                          .arg(QString::number(exitCode), meaning.reason, source)
        + detail;
    if (status == RunStatus::Partial && m_lastStats) {
        message = QStringLiteral("%1 error(s) while syncing %2; the other files were copied. ")
                      .arg(m_lastStats->errors)
                      .arg(source)
            + message;
    }
    if (const auto explanation = explainRcloneError(m_firstError); explanation && status == RunStatus::Failed)
        message = *explanation + QStringLiteral(". ") + message;
    return message;
}

// rclone rewrites its config file when it refreshes an OAuth token, and the refresh token may
// have changed with it, so the new token goes back into the credential.
void RcloneRunner::readBackToken()
{
    if (!m_workspace || !m_setup.remote.usesOAuthToken())
        return;
    const auto token = m_workspace->readConfigValue(QStringLiteral("token"));
    if (!token || *token == m_writtenToken)
        return;

    m_writtenToken = *token;
    const auto data = credentialFromRcloneToken(*token);
    if (!data) {
        qCWarning(lcRunner) << "rclone rewrote the OAuth token in its config, but not as a token; not stored";
        return;
    }
    Q_EMIT logLine(LogLevel::Info, QStringLiteral("rclone refreshed the OAuth token; storing it in the credential"));
    if (m_setup.storeRefreshedToken)
        m_setup.storeRefreshedToken(*data);
}

// Keeps the status and message of the worst task so far. Of equally bad tasks, the first wins.
void RcloneRunner::recordTaskStatus(RunStatus status, const QString &message)
{
    if (severity(status) <= severity(m_worstStatus))
        return;
    m_worstStatus = status;
    m_worstMessage = message;
}

void RcloneRunner::failRun(const QString &message)
{
    Q_EMIT logLine(LogLevel::Error, message);
    recordTaskStatus(RunStatus::Failed, message);
    finish(m_worstStatus, m_worstMessage);
}

void RcloneRunner::stopAfterFailure()
{
    QStringList skipped;
    for (qsizetype i = m_currentTask + 1; i < m_sources.size(); ++i) {
        skipped << m_sources.at(i);
        Q_EMIT logLine(LogLevel::Warning, QStringLiteral("Skipped sync of %1 because the sync of %2 failed")
                                              .arg(m_sources.at(i), m_sources.at(m_currentTask)));
    }
    if (!skipped.isEmpty()) {
        const QString separator = m_worstMessage.endsWith(u'.') ? QStringLiteral(" ") : QStringLiteral(". ");
        m_worstMessage += separator + QStringLiteral("Skipped the remaining sources because of this failure: ")
            + skipped.join(QLatin1String(", "));
    }
    finish(m_worstStatus, m_worstMessage);
}

// Deletes the workspace, and with it the config file, then emits finished() from its own event,
// so the slot may delete this runner.
void RcloneRunner::finish(RunStatus status, const QString &message)
{
    m_finished = true;
    m_progressTimer.stop();
    m_workspace.reset();
    const QString exitCode = m_exitCode ? QString::number(*m_exitCode) : QStringLiteral("none");
    qCInfo(lcRunner).noquote() << "rclone run finished with status" << runStatusName(status) << "and exit code"
                               << exitCode;

    const RunOutcome outcome{status, m_exitCode, message, currentCounters()};
    QMetaObject::invokeMethod(this, [this, outcome] { Q_EMIT finished(outcome); }, Qt::QueuedConnection);
}

RunCounters RcloneRunner::currentCounters() const
{
    RunCounters counters = m_finishedCounters + m_taskCounters;
    counters.bytesPerSecond = qint64(m_speed);
    return counters;
}

void RcloneRunner::scheduleProgress()
{
    if (m_progressTimer.isActive())
        return;

    const qint64 elapsed = m_sinceProgress.isValid() ? m_sinceProgress.elapsed() : kProgressIntervalMs;
    if (elapsed >= kProgressIntervalMs) {
        reportProgress();
        return;
    }
    m_progressTimer.start(int(kProgressIntervalMs - elapsed));
}

void RcloneRunner::reportProgress()
{
    m_progressTimer.stop();
    m_sinceProgress.start();
    Q_EMIT progress(currentCounters());
}

} // namespace dynamight
