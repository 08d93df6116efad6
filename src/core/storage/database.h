#pragma once

#include "result.h"

#include <QSqlDatabase>
#include <QString>

#include <memory>

namespace dynamight {

// The two SQLite databases in the data dir: the main one (users, sessions, jobs, schedules, runs,
// settings) and the logs one (log entries). Log entries are kept apart so that a busy run's log
// writes never hold the lock that the API's reads and writes need. Each thread gets its own named
// connection, because a QSqlDatabase connection may only be used by the thread that opened it.
class Database
{
public:
    enum class Schema {
        Main,
        Logs,
    };

    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    // Opens both databases in dataDir, creating the folder (mode 0700) and running the pending
    // migrations of each schema in one transaction.
    static Result<std::shared_ptr<Database>> open(const QString &dataDir);

    // Returns the calling thread's open connection to the schema, opening it on first use.
    QSqlDatabase connection(Schema schema) const;
    QString dataDir() const { return m_dataDir; }
    QString filePath(Schema schema) const;

private:
    explicit Database(QString dataDir);
    Status openConnection(Schema schema, const QString &name) const;
    QString connectionName(Schema schema) const;

    QString m_dataDir;
    QString m_connectionPrefix;
};

} // namespace dynamight
