#pragma once

#include "models/run.h"

#include <QObject>
#include <QStringList>

#include <chrono>

namespace dynamight {

// One run's work as a child process: the run manager starts it, may cancel it, and records what
// it reports. A runner is used for a single run and emits finished() exactly once.
class BackupRunner : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;
    ~BackupRunner() override = default;

    virtual void start() = 0;
    // Asks the child to stop: SIGTERM to its process group, SIGKILL once the grace period ends.
    virtual void cancel(std::chrono::milliseconds gracePeriod) = 0;
    // Kills the child's process group at once, for a service that is shutting down.
    virtual void kill() = 0;

Q_SIGNALS:
    // A child process started; the arguments are the ones to store with the run, secrets redacted.
    void processStarted(qint64 pid, const QStringList &command);
    void logLine(dynamight::LogLevel level, const QString &message);
    void progress(const dynamight::RunCounters &counters);
    void finished(const dynamight::RunOutcome &outcome);
};

} // namespace dynamight
