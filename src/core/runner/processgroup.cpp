#include "processgroup.h"

#include "logging.h"

#include <QMetaObject>

#include <cerrno>
#include <csignal>
#include <utility>

#include <sys/prctl.h>
#include <unistd.h>

namespace dynamight {

namespace {

// How long killNow() and the destructor wait for a child that got SIGKILL. Only a child stuck in
// uninterruptible sleep (a dead NFS server, for example) takes longer.
constexpr int kKillWaitMs = 5000;

// Runs in the child between fork() and exec(), so it makes only async-signal-safe calls.
void prepareChild(pid_t parentPid)
{
    // exec() keeps the signal mask and ignored signals, and a child that inherited a blocked or
    // ignored SIGTERM from the service could not be cancelled.
    sigset_t noSignals;
    sigemptyset(&noSignals);
    sigprocmask(SIG_SETMASK, &noSignals, nullptr);
    for (int signalNumber : {SIGTERM, SIGINT, SIGHUP, SIGPIPE})
        signal(signalNumber, SIG_DFL);

    // A new session makes the child the leader of a new process group whose id is its pid, and
    // detaches it from the service's terminal.
    setsid();

    // The kernel sends SIGKILL when the thread that forked this child exits. If the service died
    // before prctl() took effect, the child has been re-parented already and must not run.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parentPid)
        _exit(127);
}

} // namespace

QList<QByteArray> ProcessGroup::LineSplitter::append(QByteArrayView data)
{
    QList<QByteArray> lines;
    qsizetype lineStart = 0;

    for (qsizetype i = 0; i < data.size(); ++i) {
        if (data[i] != '\n' && data[i] != '\r')
            continue;

        m_pending.append(data.sliced(lineStart, i - lineStart));
        takeLine(lines);
        lineStart = i + 1;
    }
    m_pending.append(data.sliced(lineStart));

    while (m_pending.size() >= kMaxLineBytes) {
        lines.append(m_pending.first(kMaxLineBytes));
        m_pending.remove(0, kMaxLineBytes);
    }
    return lines;
}

QByteArray ProcessGroup::LineSplitter::takeRemainder() { return std::exchange(m_pending, {}); }

void ProcessGroup::LineSplitter::takeLine(QList<QByteArray> &lines)
{
    if (!m_pending.isEmpty())
        lines.append(std::exchange(m_pending, {}));
}

ProcessGroup::ProcessGroup(QObject *parent)
    : QObject(parent)
    , m_process(this)
    , m_graceTimer(this)
{
    m_process.setProcessEnvironment(defaultEnvironment());
    m_process.setStandardInputFile(QProcess::nullDevice());
    m_graceTimer.setSingleShot(true);

    connect(&m_process, &QProcess::started, this, [this] {
        m_processId = m_process.processId();
        Q_EMIT started(m_processId);
    });
    connect(&m_process, &QProcess::readyReadStandardOutput, this,
            &ProcessGroup::readStandardOutput);
    connect(&m_process, &QProcess::readyReadStandardError, this, &ProcessGroup::readStandardError);
    connect(&m_process, &QProcess::errorOccurred, this, &ProcessGroup::handleErrorOccurred);
    connect(&m_process, &QProcess::finished, this, &ProcessGroup::handleProcessFinished);
    connect(&m_graceTimer, &QTimer::timeout, this, [this] {
        qCWarning(lcRunner) << "Process group" << m_processId
                            << "is still running after the grace period; sending SIGKILL";
        signalGroup(SIGKILL);
    });
}

ProcessGroup::~ProcessGroup()
{
    // Nothing may reach this half-destroyed object while the child is reaped below.
    m_process.disconnect(this);
    if (!m_groupAlive)
        return;

    signalGroup(SIGKILL);
    m_process.waitForFinished(kKillWaitMs);
}

QProcessEnvironment ProcessGroup::defaultEnvironment()
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
    // The service's own settings, DYNAMIGHT_SECRET among them, are no business of a child.
    const QStringList names = environment.keys();
    for (const QString &name : names) {
        if (name.startsWith(QLatin1String("DYNAMIGHT_")))
            environment.remove(name);
    }
    return environment;
}

void ProcessGroup::setEnvironment(const QProcessEnvironment &environment)
{
    m_process.setProcessEnvironment(environment);
}

void ProcessGroup::start(const QString &program, const QStringList &arguments)
{
    if (isRunning())
        return;

    const pid_t parentPid = getpid();
    m_process.setChildProcessModifier([parentPid] { prepareChild(parentPid); });
    m_process.setProgram(program);
    m_process.setArguments(arguments);

    // QProcess may report a failure to start from inside start(), so the state is set first.
    m_groupAlive = true;
    m_processId = 0;
    m_process.start(QIODevice::ReadOnly);
    if (m_process.state() != QProcess::NotRunning)
        m_processId = m_process.processId();
}

bool ProcessGroup::isRunning() const { return m_groupAlive; }

qint64 ProcessGroup::processId() const { return m_processId; }

void ProcessGroup::terminate(std::chrono::milliseconds gracePeriod)
{
    if (!m_groupAlive)
        return;

    signalGroup(SIGTERM);

    const bool earlierDeadline =
        !m_graceTimer.isActive() || gracePeriod < m_graceTimer.remainingTimeAsDuration();
    if (earlierDeadline)
        m_graceTimer.start(gracePeriod);
}

void ProcessGroup::killNow()
{
    if (!m_groupAlive)
        return;

    signalGroup(SIGKILL);
    if (!m_process.waitForFinished(kKillWaitMs))
        qCWarning(lcRunner) << "Process" << m_processId << "did not exit within" << kKillWaitMs
                            << "ms of SIGKILL";
}

void ProcessGroup::readStandardOutput()
{
    const QByteArray data = m_process.readAllStandardOutput();
    for (const QByteArray &line : m_standardOutput.append(data))
        Q_EMIT standardOutputLine(line);
}

void ProcessGroup::readStandardError()
{
    const QByteArray data = m_process.readAllStandardError();
    for (const QByteArray &line : m_standardError.append(data))
        Q_EMIT standardErrorLine(line);
}

void ProcessGroup::handleErrorOccurred(QProcess::ProcessError error)
{
    // Every other error is followed by finished(), which handles it.
    if (error != QProcess::FailedToStart)
        return;

    m_groupAlive = false;
    const QString message = m_process.errorString();
    QMetaObject::invokeMethod(
        this, [this, message] { Q_EMIT failedToStart(message); }, Qt::QueuedConnection);
}

void ProcessGroup::handleProcessFinished(int exitCode, QProcess::ExitStatus exitStatus)
{
    m_graceTimer.stop();

    // Children of the leader may outlive it, and none may survive the run. Linux does not reuse
    // a pid while a process group with that id exists, so while stragglers remain the id is
    // theirs. NOTE: if the group is already empty, another process could in theory have taken
    // the id and made itself a group leader since the reap a moment ago.
    if (m_processId > 0)
        ::kill(pid_t(-m_processId), SIGKILL);
    m_groupAlive = false;

    readStandardOutput();
    readStandardError();
    flushRemainders();

    QMetaObject::invokeMethod(
        this, [this, exitCode, exitStatus] { Q_EMIT finished(exitCode, exitStatus); },
        Qt::QueuedConnection);
}

void ProcessGroup::flushRemainders()
{
    const QByteArray standardOutput = m_standardOutput.takeRemainder();
    if (!standardOutput.isEmpty())
        Q_EMIT standardOutputLine(standardOutput);

    const QByteArray standardError = m_standardError.takeRemainder();
    if (!standardError.isEmpty())
        Q_EMIT standardErrorLine(standardError);
}

void ProcessGroup::signalGroup(int signalNumber)
{
    if (!m_groupAlive || m_processId <= 0)
        return;

    if (::kill(pid_t(-m_processId), signalNumber) == 0)
        return;

    // Before the child's setsid() its group does not exist yet, so the child itself gets the
    // signal. QProcess has not reaped it, so its pid still belongs to it.
    const int groupError = errno;
    if (groupError == ESRCH && ::kill(pid_t(m_processId), signalNumber) == 0)
        return;

    qCWarning(lcRunner) << "Failed to send signal" << signalNumber << "to process group"
                        << m_processId << ":" << qt_error_string(groupError);
}

} // namespace dynamight
