#include "runs/logwriter.h"

#include "clock.h"
#include "logging.h"
#include "runs/logstore.h"

namespace dynamight {

namespace {

// A batch is stored when it reaches this size or when the flush interval ends, whichever comes
// first: large enough to amortise the transaction, small enough that live viewers lag little.
constexpr int batchSize = 500;
constexpr auto flushInterval = std::chrono::milliseconds(200);

} // namespace

LogWriter::LogWriter(LogStore &store, const Clock &clock, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_clock(clock)
{
    m_flushTimer.setInterval(flushInterval);
    m_flushTimer.setSingleShot(true);
    connect(&m_flushTimer, &QTimer::timeout, this, &LogWriter::flushAll);
}

void LogWriter::begin(qint64 runId, int maxLines)
{
    RunLog log;
    log.headLimit = qMax(1, maxLines / 2);
    log.tailLimit = qMax(1, maxLines - log.headLimit);
    m_runs.insert(runId, log);
}

void LogWriter::append(qint64 runId, LogLevel level, const QString &message)
{
    auto it = m_runs.find(runId);
    if (it == m_runs.end())
        return;

    LogEntry entry{0, runId, m_clock.now(), level, message};
    RunLog &log = *it;
    if (log.accepted < log.headLimit) {
        ++log.accepted;
        log.pending.append(entry);
        if (log.pending.size() >= batchSize)
            flush(runId);
        else if (!m_flushTimer.isActive())
            m_flushTimer.start();
        return;
    }

    log.tail.push_back(entry);
    if (static_cast<int>(log.tail.size()) > log.tailLimit) {
        log.tail.pop_front();
        ++log.dropped;
    }
}

void LogWriter::flush(qint64 runId)
{
    auto it = m_runs.find(runId);
    if (it == m_runs.end() || it->pending.isEmpty())
        return;
    QList<LogEntry> entries;
    entries.swap(it->pending);
    store(std::move(entries));
}

void LogWriter::end(qint64 runId)
{
    flush(runId);
    auto it = m_runs.find(runId);
    if (it == m_runs.end())
        return;

    QList<LogEntry> entries;
    if (it->dropped > 0) {
        const QString note = QStringLiteral("%1 log lines were dropped here to keep this run's log "
                                            "within the limit of %2 lines (setting "
                                            "max_log_lines_per_run)")
                                 .arg(it->dropped)
                                 .arg(it->headLimit + it->tailLimit);
        entries.append(LogEntry{0, runId, m_clock.now(), LogLevel::Warning, note});
    }
    entries.append(QList<LogEntry>(it->tail.begin(), it->tail.end()));
    m_runs.erase(it);
    if (!entries.isEmpty())
        store(std::move(entries));
}

void LogWriter::flushAll()
{
    const QList<qint64> runIds = m_runs.keys();
    for (qint64 runId : runIds)
        flush(runId);
}

void LogWriter::store(QList<LogEntry> entries)
{
    auto result = m_store.append(std::move(entries));
    if (!result) {
        qCCritical(lcRuns).noquote() << "Failed to store log lines:" << result.error().message();
        return;
    }
    Q_EMIT stored(*result);
}

} // namespace dynamight
