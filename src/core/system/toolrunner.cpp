#include "system/toolrunner.h"

#include "logging.h"
#include "runner/processgroup.h"

#include <QDeadlineTimer>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>

#include <algorithm>
#include <csignal>

#include <sys/prctl.h>
#include <unistd.h>

namespace dynamight {

namespace {

// Enough for the JSON of lsblk on a machine with hundreds of devices.
constexpr qsizetype kMaxOutputBytes = 16 * 1024 * 1024;
// stderr only feeds error messages, so a few lines are plenty.
constexpr qsizetype kMaxErrorBytes = 16 * 1024;
// How long a child that got SIGKILL may take to be reaped before the runner gives up on it.
constexpr int kReapWaitMs = 5000;
// How long a timed-out child gets between SIGTERM and SIGKILL.
constexpr auto kTimeoutGracePeriod = std::chrono::milliseconds(2000);

void appendLimited(QByteArray &buffer, const QByteArray &line, qsizetype limit)
{
    if (buffer.size() >= limit)
        return;
    if (!buffer.isEmpty())
        buffer.append('\n');
    buffer.append(line.left(limit - buffer.size()));
}

// Runs in the child between fork() and exec(), so it makes only async-signal-safe calls. A
// session of its own lets a timeout kill the child with everything it started, and the
// parent-death signal keeps it from outliving a service that crashed.
void prepareChild(pid_t parentPid)
{
    sigset_t noSignals;
    sigemptyset(&noSignals);
    sigprocmask(SIG_SETMASK, &noSignals, nullptr);
    setsid();
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parentPid)
        _exit(127);
}

// Before the child's setsid() its group does not exist yet, so the child itself gets the signal.
void killGroup(qint64 processId)
{
    if (processId <= 0)
        return;
    if (::kill(-pid_t(processId), SIGKILL) != 0)
        ::kill(pid_t(processId), SIGKILL);
}

QString programName(const QString &program) { return QFileInfo(program).fileName(); }

// Finds a program given by name on PATH, and then in the sbin folders, which the PATH of a
// user other than root leaves out on Debian although blkid lives there.
QString resolveProgram(const QString &program)
{
    if (program.contains(u'/'))
        return program;
    QString path = QStandardPaths::findExecutable(program);
    if (path.isEmpty()) {
        path = QStandardPaths::findExecutable(program,
                                              {QStringLiteral("/usr/sbin"), QStringLiteral("/sbin"),
                                               QStringLiteral("/usr/bin"), QStringLiteral("/bin")});
    }
    return path.isEmpty() ? program : path;
}

} // namespace

QString ToolCommand::displayText() const { return (QStringList{program} + arguments).join(u' '); }

QString ToolResult::firstErrorLine() const
{
    const qsizetype end = standardError.indexOf('\n');
    return QString::fromUtf8(end < 0 ? standardError : standardError.left(end)).trimmed();
}

QString ToolResult::describeFailure(const ToolCommand &command) const
{
    const QString name = programName(command.program);
    switch (outcome) {
    case Outcome::FailedToStart:
        return QStringLiteral("Failed to start %1: %2. Check that it is installed and on the "
                              "service's PATH.")
            .arg(name, startError);
    case Outcome::TimedOut:
        return QStringLiteral("%1 timed out after %2 s")
            .arg(name)
            .arg(double(command.timeout.count()) / 1000.0);
    case Outcome::Crashed:
        return QStringLiteral("%1 was killed by a signal").arg(name);
    case Outcome::Exited:
        break;
    }
    const QString detail = firstErrorLine();
    if (detail.isEmpty())
        return QStringLiteral("%1 exited with code %2").arg(name).arg(exitCode);
    return QStringLiteral("%1 exited with code %2: %3").arg(name).arg(exitCode).arg(detail);
}

void BlockingToolRunner::run(const ToolCommand &command, Callback done)
{
    QProcess process;
    const pid_t parentPid = getpid();
    process.setChildProcessModifier([parentPid] { prepareChild(parentPid); });
    process.setProcessEnvironment(ProcessGroup::defaultEnvironment());
    process.setStandardInputFile(QProcess::nullDevice());
    process.start(resolveProgram(command.program), command.arguments, QIODevice::ReadOnly);

    ToolResult result;
    if (!process.waitForStarted(kReapWaitMs)) {
        result.startError = process.errorString();
        done(result);
        return;
    }

    const QDeadlineTimer deadline = command.timeout.count() > 0
        ? QDeadlineTimer(command.timeout)
        : QDeadlineTimer(QDeadlineTimer::Forever);
    ProcessGroup::LineSplitter output;
    ProcessGroup::LineSplitter errors;
    const auto takeOutputLine = [&](const QByteArray &line) {
        if (command.outputLine)
            command.outputLine(line);
        else
            appendLimited(result.standardOutput, line, kMaxOutputBytes);
    };
    const auto consume = [&] {
        for (const QByteArray &line : output.append(process.readAllStandardOutput()))
            takeOutputLine(line);
        for (const QByteArray &line : errors.append(process.readAllStandardError()))
            appendLimited(result.standardError, line, kMaxErrorBytes);
    };

    bool timedOut = false;
    while (process.state() != QProcess::NotRunning) {
        if (deadline.hasExpired()) {
            timedOut = true;
            killGroup(process.processId());
            process.waitForFinished(kReapWaitMs);
            break;
        }
        // Reading while waiting keeps a chatty child from blocking on a full pipe.
        const qint64 remaining = deadline.isForever() ? 100 : deadline.remainingTime();
        process.waitForReadyRead(int(std::clamp<qint64>(remaining, 0, 100)));
        consume();
    }
    consume();
    if (const QByteArray line = output.takeRemainder(); !line.isEmpty())
        takeOutputLine(line);
    if (const QByteArray line = errors.takeRemainder(); !line.isEmpty())
        appendLimited(result.standardError, line, kMaxErrorBytes);

    if (timedOut)
        result.outcome = ToolResult::Outcome::TimedOut;
    else if (process.exitStatus() != QProcess::NormalExit)
        result.outcome = ToolResult::Outcome::Crashed;
    else
        result.outcome = ToolResult::Outcome::Exited;
    result.exitCode = process.exitCode();
    done(result);
}

AsyncToolRunner::AsyncToolRunner(QObject *parent)
    : QObject(parent)
    , m_timeout(this)
{
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        if (!m_process)
            return;
        m_timedOut = true;
        qCWarning(lcSystem).noquote() << "Timed out:" << m_command.displayText();
        m_process->terminate(kTimeoutGracePeriod);
    });
}

AsyncToolRunner::~AsyncToolRunner()
{
    // Deleted here, not by ~QObject, so that none of its signals reaches a destroyed runner.
    delete m_process;
}

void AsyncToolRunner::run(const ToolCommand &command, Callback done)
{
    abort();
    m_command = command;
    m_done = std::move(done);
    m_result = ToolResult();
    m_timedOut = false;

    m_process = new ProcessGroup(this);
    connect(m_process, &ProcessGroup::failedToStart, this, [this](const QString &message) {
        m_result.outcome = ToolResult::Outcome::FailedToStart;
        m_result.startError = message;
        deliver(m_result);
    });
    connect(m_process, &ProcessGroup::standardOutputLine, this, [this](const QByteArray &line) {
        if (m_command.outputLine)
            m_command.outputLine(line);
        else
            appendLimited(m_result.standardOutput, line, kMaxOutputBytes);
    });
    connect(m_process, &ProcessGroup::standardErrorLine, this, [this](const QByteArray &line) {
        appendLimited(m_result.standardError, line, kMaxErrorBytes);
    });
    connect(m_process, &ProcessGroup::finished, this,
            [this](int exitCode, QProcess::ExitStatus status) {
                handleFinished(exitCode, status == QProcess::NormalExit);
            });

    if (command.timeout.count() > 0)
        m_timeout.start(command.timeout);
    m_process->start(resolveProgram(command.program), command.arguments);
}

bool AsyncToolRunner::isRunning() const { return m_process != nullptr; }

void AsyncToolRunner::abort()
{
    m_timeout.stop();
    m_done = nullptr;
    if (!m_process)
        return;

    m_process->disconnect(this);
    m_process->killNow();
    m_process->deleteLater();
    m_process = nullptr;
}

void AsyncToolRunner::handleFinished(int exitCode, bool normalExit)
{
    if (m_timedOut)
        m_result.outcome = ToolResult::Outcome::TimedOut;
    else if (!normalExit)
        m_result.outcome = ToolResult::Outcome::Crashed;
    else
        m_result.outcome = ToolResult::Outcome::Exited;
    m_result.exitCode = exitCode;
    deliver(m_result);
}

// Clears the state before calling back, because the callback usually starts the next command.
void AsyncToolRunner::deliver(ToolResult result)
{
    m_timeout.stop();
    Callback done = std::exchange(m_done, nullptr);
    // The line handler may hold the state of a multi-step operation, which ends here.
    m_command = ToolCommand();
    if (m_process) {
        m_process->disconnect(this);
        m_process->deleteLater();
        m_process = nullptr;
    }
    if (done)
        done(result);
}

} // namespace dynamight
