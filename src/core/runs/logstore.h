#pragma once

#include "models/run.h"
#include "result.h"

#include <QList>

#include <memory>
#include <optional>

namespace dynamight {

class Database;

// The log entries of runs, in the logs database.
class LogStore
{
public:
    struct Filter
    {
        int limit = 1000;
        int offset = 0;
        std::optional<LogLevel> level;
        // Only entries with a larger id, so a client that reconnects can ask for what it missed.
        qint64 afterId = 0;
    };

    explicit LogStore(std::shared_ptr<Database> database);

    // Stores entries in one transaction and returns them with their ids.
    Result<QList<LogEntry>> append(QList<LogEntry> entries);
    Result<QList<LogEntry>> list(qint64 runId, const Filter &filter) const;
    Status removeForRuns(const QList<qint64> &runIds);

private:
    std::shared_ptr<Database> m_database;
};

} // namespace dynamight
