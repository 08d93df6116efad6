#pragma once

#include "models/run.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <deque>

namespace dynamight {

class Clock;
class LogStore;

// Buffers the log lines of active runs and stores them in batches, one transaction per batch,
// so that a run logging 100,000 files costs a few hundred transactions instead of 100,000.
// Each run keeps at most its cap of lines: the first half as they come, then the newest half in
// memory. The lines in between are counted and replaced by one line that gives their number.
class LogWriter : public QObject
{
    Q_OBJECT

public:
    LogWriter(LogStore &store, const Clock &clock, QObject *parent = nullptr);

    void begin(qint64 runId, int maxLines);
    void append(qint64 runId, LogLevel level, const QString &message);
    // Stores the run's buffered lines now; stored() is emitted before this returns.
    void flush(qint64 runId);
    // Stores everything left of the run, with the note about dropped lines, and drops its state.
    void end(qint64 runId);

Q_SIGNALS:
    // Entries just stored, with their ids, in the order they were appended.
    void stored(const QList<dynamight::LogEntry> &entries);

private:
    struct RunLog
    {
        int headLimit = 0;
        int tailLimit = 0;
        qint64 accepted = 0;
        qint64 dropped = 0;
        QList<LogEntry> pending;
        std::deque<LogEntry> tail;
    };

    void flushAll();
    void store(QList<LogEntry> entries);

    LogStore &m_store;
    const Clock &m_clock;
    QHash<qint64, RunLog> m_runs;
    QTimer m_flushTimer;
};

} // namespace dynamight
