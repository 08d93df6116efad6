#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTimer>

#include <chrono>

namespace dynamight {

// A child process started without a shell, from a program and an argument vector, as the leader
// of a session and process group of its own, so that a signal reaches every process it spawns.
// The child gets SIGKILL when the thread that started it ends, which covers the service dying.
// Its stdout and stderr arrive as lines, and finished() comes after the last line.
class ProcessGroup : public QObject
{
    Q_OBJECT

public:
    // Splits a byte stream into lines. '\n' and '\r' both end a line, because progress output
    // redraws itself with '\r'. Empty lines are dropped, so "\r\n" yields one line, and a line
    // longer than kMaxLineBytes is cut there.
    class LineSplitter
    {
    public:
        static constexpr qsizetype kMaxLineBytes = 1024 * 1024;

        QList<QByteArray> append(QByteArrayView data);
        // Returns the unterminated last line, for the end of the stream.
        QByteArray takeRemainder();

    private:
        void takeLine(QList<QByteArray> &lines);

        QByteArray m_pending;
    };

    explicit ProcessGroup(QObject *parent = nullptr);
    // Kills the group and waits for the child if it is still running. Emits nothing.
    ~ProcessGroup() override;

    // The inherited environment with LC_ALL=C.UTF-8, so that tools print stable, parseable text.
    static QProcessEnvironment defaultEnvironment();
    // Replaces the environment for the next start(), for a runner that must add or remove
    // variables. defaultEnvironment() is a good base.
    void setEnvironment(const QProcessEnvironment &environment);

    // Starts `program` with `arguments`, never through a shell. Emits started() or
    // failedToStart(). Calling start() while a child is running does nothing.
    void start(const QString &program, const QStringList &arguments);
    bool isRunning() const;
    // The child's pid, which is also its process group id, or 0 before start().
    qint64 processId() const;

    // Sends SIGTERM to the whole group, then SIGKILL once `gracePeriod` has passed. A second
    // call keeps whichever deadline comes first.
    void terminate(std::chrono::milliseconds gracePeriod);
    // Sends SIGKILL to the whole group and waits for the child, so finished() is already on its
    // way when this returns.
    void killNow();

Q_SIGNALS:
    void started(qint64 processId);
    void failedToStart(const QString &errorMessage);
    void standardOutputLine(const QByteArray &line);
    void standardErrorLine(const QByteArray &line);
    // Emitted from its own event after the last line, so a slot may delete the ProcessGroup.
    // exitCode is only meaningful when exitStatus is QProcess::NormalExit.
    void finished(int exitCode, QProcess::ExitStatus exitStatus);

private:
    void readStandardOutput();
    void readStandardError();
    void handleErrorOccurred(QProcess::ProcessError error);
    void handleProcessFinished(int exitCode, QProcess::ExitStatus exitStatus);
    void flushRemainders();
    void signalGroup(int signalNumber);

    QProcess m_process;
    QTimer m_graceTimer;
    LineSplitter m_standardOutput;
    LineSplitter m_standardError;
    qint64 m_processId = 0;
    // True from start() until the leader is reaped. After that, the group id may be reused.
    bool m_groupAlive = false;
};

} // namespace dynamight
