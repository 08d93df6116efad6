#include "rsyncrunner.h"

#include "logging.h"
#include "runner/processgroup.h"
#include "runner/rsyncarguments.h"
#include "runner/rsyncoutput.h"

#include <QDir>
#include <QFileInfo>
#include <QMetaObject>

#include <utility>

namespace dynamight {

namespace {

// The shortest time between two progress() signals, so that a run of many small files does
// not flood its listeners, such as the live run view. The end of each task reports progress
// regardless.
constexpr qint64 kProgressIntervalMs = 250;

const QString kCancelledMessage = QStringLiteral("Cancelled by user");
const QString kInterruptedMessage =
    QStringLiteral("interrupted: the service stopped during this run");

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
    return QDir(path).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden
                              | QDir::System);
}

} // namespace

RsyncRunner::RsyncRunner(QList<RsyncTask> tasks, SyncOptions options, QString program,
                         QObject *parent)
    : BackupRunner(parent)
    , m_tasks(std::move(tasks))
    , m_options(std::move(options))
    , m_program(std::move(program))
    , m_progressTimer(this)
{
    m_progressTimer.setSingleShot(true);
    connect(&m_progressTimer, &QTimer::timeout, this, &RsyncRunner::reportProgress);
}

RsyncRunner::~RsyncRunner()
{
    // Deleted here, not by ~QObject, so that none of its signals reaches a destroyed runner.
    delete m_process;
}

void RsyncRunner::start()
{
    if (m_started || m_finished)
        return;
    m_started = true;

    if (m_tasks.isEmpty()) {
        finish(RunStatus::Failed,
               QStringLiteral("Nothing to sync: the run has no source folders."));
        return;
    }

    startNextTask();
}

void RsyncRunner::cancel(std::chrono::milliseconds gracePeriod)
{
    if (m_finished)
        return;

    m_stopRequest = StopRequest::Cancel;
    if (!m_process) {
        m_started = true;
        finish(RunStatus::Cancelled, kCancelledMessage);
        return;
    }

    Q_EMIT logLine(LogLevel::Info,
                   QStringLiteral("Cancel requested. rsync gets SIGTERM now and SIGKILL if it is "
                                  "still running after %1 ms.")
                       .arg(gracePeriod.count()));
    m_process->terminate(gracePeriod);
}

void RsyncRunner::kill()
{
    if (m_finished)
        return;

    m_started = true;
    m_stopRequest = StopRequest::Kill;
    if (m_process)
        m_process->killNow();

    m_finished = true;
    m_progressTimer.stop();
    qCInfo(lcRunner) << "rsync run killed because the service is stopping";
    Q_EMIT finished(RunOutcome{RunStatus::Failed, m_exitCode, kInterruptedMessage, m_counters});
}

void RsyncRunner::startNextTask()
{
    ++m_currentTask;
    if (m_currentTask >= m_tasks.size()) {
        finishRun();
        return;
    }

    const RsyncTask &task = currentTask();
    if (const auto problem = checkTask(task)) {
        Q_EMIT logLine(LogLevel::Error, *problem);
        recordTaskStatus(RunStatus::Failed, *problem);
        stopAfterFailure();
        return;
    }

    m_currentCommand = QStringList{m_program}
        << buildRsyncArguments(task.source, task.destination, m_options);
    m_firstErrorLine.clear();
    Q_EMIT logLine(LogLevel::Info,
                   QStringLiteral("Starting sync of %1 to %2").arg(task.source, task.destination));

    if (m_process)
        m_process->deleteLater();
    m_process = new ProcessGroup(this);
    connectProcess();
    m_process->start(m_program, m_currentCommand.mid(1));
}

// Rejects what rsync would misread, and a deleting sync from a missing or empty source, because
// that is what an unmounted source disk looks like and it would empty the backup.
std::optional<QString> RsyncRunner::checkTask(const RsyncTask &task) const
{
    for (const QString &path : {task.source, task.destination}) {
        if (!QDir::isAbsolutePath(path))
            return QStringLiteral("Invalid sync task: \"%1\" is not an absolute path.").arg(path);
    }

    if (!m_options.deleteExtraneous)
        return std::nullopt;

    if (!QFileInfo(task.source).isDir()) {
        return QStringLiteral("Did not sync %1 because the source folder does not exist, and "
                              "with deletion enabled the sync would delete every file in %2. "
                              "Check that the source is mounted.")
            .arg(task.source, task.destination);
    }
    if (isEmptyDirectory(task.source)) {
        return QStringLiteral("Did not sync %1 because the source folder is empty, and with "
                              "deletion enabled the sync would delete every file in %2. Check "
                              "that the source is mounted.")
            .arg(task.source, task.destination);
    }
    return std::nullopt;
}

void RsyncRunner::connectProcess()
{
    connect(m_process, &ProcessGroup::started, this, &RsyncRunner::handleStarted);
    connect(m_process, &ProcessGroup::failedToStart, this, &RsyncRunner::handleStartFailure);
    connect(m_process, &ProcessGroup::standardOutputLine, this, &RsyncRunner::handleOutputLine);
    connect(m_process, &ProcessGroup::standardErrorLine, this, &RsyncRunner::handleErrorLine);
    connect(m_process, &ProcessGroup::finished, this, &RsyncRunner::handleTaskFinished);
}

void RsyncRunner::handleStarted(qint64 processId)
{
    qCInfo(lcRunner).noquote() << "Started rsync, pid" << processId << "for"
                               << currentTask().source;
    Q_EMIT processStarted(processId, m_currentCommand);
}

void RsyncRunner::handleOutputLine(const QByteArray &line)
{
    if (const auto record = parseRsyncRecord(line)) {
        handleRecord(*record);
        return;
    }

    if (m_options.verbosity == Verbosity::Verbose)
        Q_EMIT logLine(LogLevel::Info, QString::fromUtf8(line));
}

void RsyncRunner::handleRecord(const RsyncRecord &record)
{
    const bool logFiles = m_options.verbosity != Verbosity::Quiet;

    switch (record.kind) {
    case RsyncRecord::Kind::TransferredFile:
        ++m_counters.filesTransferred;
        m_counters.bytesTransferred += record.size;
        if (logFiles)
            Q_EMIT logLine(LogLevel::Info, record.path);
        break;
    case RsyncRecord::Kind::Deleted:
        ++m_counters.filesDeleted;
        if (logFiles)
            Q_EMIT logLine(LogLevel::Info, QStringLiteral("deleting ") % record.path);
        break;
    case RsyncRecord::Kind::OtherChange:
        if (m_options.verbosity == Verbosity::Verbose)
            Q_EMIT logLine(LogLevel::Info, record.itemizedChanges % u' ' % record.path);
        break;
    }

    scheduleProgress();
}

// stderr lines are logged as rsync wrote them, escapes included, so that one message stays one
// log line even when it quotes a name that contains a newline.
void RsyncRunner::handleErrorLine(const QByteArray &line)
{
    const LogLevel level = rsyncStderrLevel(line);
    const QString text = QString::fromUtf8(line);
    if (level == LogLevel::Error && m_firstErrorLine.isEmpty())
        m_firstErrorLine = text;

    Q_EMIT logLine(level, text);
}

void RsyncRunner::handleStartFailure(const QString &errorMessage)
{
    qCWarning(lcRunner).noquote()
        << QStringLiteral("Failed to start %1: %2").arg(m_program, errorMessage);

    if (m_stopRequest == StopRequest::Cancel) {
        finish(RunStatus::Cancelled, kCancelledMessage);
        return;
    }

    const QString message = QStringLiteral("Failed to start the rsync program \"%1\": %2. Check "
                                           "that rsync is installed and on the service's PATH.")
                                .arg(m_program, errorMessage);
    Q_EMIT logLine(LogLevel::Error, message);
    recordTaskStatus(RunStatus::Failed, message);
    stopAfterFailure();
}

void RsyncRunner::handleTaskFinished(int exitCode, QProcess::ExitStatus exitStatus)
{
    if (m_finished)
        return;

    reportProgress();
    if (exitStatus == QProcess::NormalExit && (exitCode != 0 || !m_exitCode))
        m_exitCode = exitCode;

    if (m_stopRequest == StopRequest::Cancel) {
        finish(RunStatus::Cancelled, kCancelledMessage);
        return;
    }

    const RunStatus status =
        exitStatus == QProcess::NormalExit ? describeRsyncExit(exitCode).status : RunStatus::Failed;
    recordTaskStatus(status, describeTaskResult(exitCode, exitStatus));
    if (status == RunStatus::Failed) {
        stopAfterFailure();
        return;
    }

    startNextTask();
}

// Returns the error message for a task, or an empty string when it completed.
QString RsyncRunner::describeTaskResult(int exitCode, QProcess::ExitStatus exitStatus) const
{
    const QString detail = m_firstErrorLine.isEmpty() ? QString() : u": " % m_firstErrorLine;
    const QString &source = currentTask().source;

    if (exitStatus != QProcess::NormalExit) {
        return QStringLiteral("rsync was killed by signal %1 while syncing %2")
                   .arg(QString::number(exitCode), source)
            % detail;
    }

    const RsyncExitMeaning meaning = describeRsyncExit(exitCode);
    if (meaning.status == RunStatus::Completed)
        return {};

    return QStringLiteral("rsync exited with code %1 (%2) while syncing %3")
               .arg(QString::number(exitCode), meaning.reason, source)
        % detail;
}

// Keeps the status and message of the worst task so far. Of equally bad tasks, the first wins.
void RsyncRunner::recordTaskStatus(RunStatus status, const QString &message)
{
    if (severity(status) <= severity(m_worstStatus))
        return;

    m_worstStatus = status;
    m_worstMessage = message;
}

void RsyncRunner::stopAfterFailure()
{
    QStringList skipped;
    for (qsizetype i = m_currentTask + 1; i < m_tasks.size(); ++i) {
        skipped << m_tasks.at(i).source;
        Q_EMIT logLine(LogLevel::Warning,
                       QStringLiteral("Skipped sync of %1 because the sync of %2 failed")
                           .arg(m_tasks.at(i).source, currentTask().source));
    }

    if (!skipped.isEmpty()) {
        const QString separator =
            m_worstMessage.endsWith(u'.') ? QStringLiteral(" ") : QStringLiteral(". ");
        m_worstMessage += separator
            % QStringLiteral("Skipped the remaining sources because of this failure: ")
            % skipped.join(QLatin1String(", "));
    }
    finishRun();
}

void RsyncRunner::finishRun() { finish(m_worstStatus, m_worstMessage); }

// Emits finished() from its own event, so the slot may delete this runner.
void RsyncRunner::finish(RunStatus status, const QString &message)
{
    m_finished = true;
    m_progressTimer.stop();
    const QString exitCode = m_exitCode ? QString::number(*m_exitCode) : QStringLiteral("none");
    qCInfo(lcRunner).noquote() << "rsync run finished with status" << runStatusName(status)
                               << "and exit code" << exitCode;

    const RunOutcome outcome{status, m_exitCode, message, m_counters};
    QMetaObject::invokeMethod(
        this, [this, outcome] { Q_EMIT finished(outcome); }, Qt::QueuedConnection);
}

void RsyncRunner::scheduleProgress()
{
    if (m_progressTimer.isActive())
        return;

    const qint64 elapsed =
        m_sinceProgress.isValid() ? m_sinceProgress.elapsed() : kProgressIntervalMs;
    if (elapsed >= kProgressIntervalMs) {
        reportProgress();
        return;
    }

    m_progressTimer.start(int(kProgressIntervalMs - elapsed));
}

void RsyncRunner::reportProgress()
{
    m_progressTimer.stop();
    m_sinceProgress.start();
    Q_EMIT progress(m_counters);
}

} // namespace dynamight
