#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <chrono>
#include <functional>

namespace dynamight {

class ProcessGroup;

// The programs that the drive, mount and preview operations start, found on PATH by default.
struct SystemTools
{
    QString lsblk = QStringLiteral("lsblk");
    QString blkid = QStringLiteral("blkid");
    QString mount = QStringLiteral("mount");
    QString umount = QStringLiteral("umount");
    QString sync = QStringLiteral("sync");
    QString rsync = QStringLiteral("rsync");
};

// A short-lived child process: a program and its argument vector, never a shell command line.
struct ToolCommand
{
    QString program;
    QStringList arguments;
    // The child is killed after this long; zero means no limit.
    std::chrono::milliseconds timeout{0};
    // When set, each stdout line goes here instead of into ToolResult::standardOutput, for
    // output too large to keep, such as rsync's per-file lines.
    std::function<void(const QByteArray &line)> outputLine;

    // Returns "program arg1 arg2" for log lines.
    QString displayText() const;
};

struct ToolResult
{
    enum class Outcome {
        Exited,
        FailedToStart,
        TimedOut,
        Crashed,
    };

    Outcome outcome = Outcome::FailedToStart;
    // Meaningful when outcome is Exited.
    int exitCode = -1;
    // stdout lines joined with '\n', unless the command took them through outputLine.
    QByteArray standardOutput;
    // stderr lines joined with '\n', cut at a few KiB.
    QByteArray standardError;
    // The reason the program could not start, from QProcess.
    QString startError;

    bool succeeded() const { return outcome == Outcome::Exited && exitCode == 0; }
    // Returns the first stderr line, or an empty string.
    QString firstErrorLine() const;
    // Describes a result that did not succeed, e.g. "blkid timed out after 5 s".
    QString describeFailure(const ToolCommand &command) const;
};

// Runs one ToolCommand at a time and reports its result to a callback. The blocking
// implementation calls the callback before run() returns; the asynchronous one calls it later
// from the event loop. Operations written against this interface serve both an HTTP handler,
// which must respond before it returns, and a backup run, which must not block the event loop.
class ToolRunner
{
public:
    using Callback = std::function<void(const ToolResult &result)>;

    virtual ~ToolRunner() = default;
    virtual void run(const ToolCommand &command, Callback done) = 0;
};

// Waits for each child with QProcess::waitForFinished(), so the caller's thread is blocked for
// at most the command's timeout. For HTTP handlers and for a service that is shutting down.
class BlockingToolRunner final : public ToolRunner
{
public:
    void run(const ToolCommand &command, Callback done) override;
};

// Starts each child as a ProcessGroup and calls the callback from the event loop. Destroying
// the runner, or abort(), kills the child and drops its callback uncalled.
class AsyncToolRunner final : public QObject, public ToolRunner
{
    Q_OBJECT

public:
    explicit AsyncToolRunner(QObject *parent = nullptr);
    ~AsyncToolRunner() override;

    // Starts the command; a command that is still running is aborted first.
    void run(const ToolCommand &command, Callback done) override;
    bool isRunning() const;
    // Kills the running child's process group and drops its callback uncalled.
    void abort();

private:
    void handleFinished(int exitCode, bool normalExit);
    void deliver(ToolResult result);

    ProcessGroup *m_process = nullptr;
    ToolCommand m_command;
    Callback m_done;
    ToolResult m_result;
    QTimer m_timeout;
    bool m_timedOut = false;
};

} // namespace dynamight
