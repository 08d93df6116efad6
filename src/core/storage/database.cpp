#include "storage/database.h"

#include "logging.h"
#include "storage/migrations.h"
#include "storage/sqlerror.h"

#include <QDir>
#include <QFile>
#include <QSqlQuery>
#include <QThread>
#include <QUuid>

namespace dynamight {

namespace {

// WAL lets the API read while a run writes. busy_timeout makes a writer wait for the other
// connection's transaction instead of failing at once with SQLITE_BUSY.
const char *const connectionPragmas[] = {
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 10000",
};

} // namespace

Database::Database(QString dataDir)
    : m_dataDir(std::move(dataDir))
    , m_connectionPrefix(QUuid::createUuid().toString(QUuid::WithoutBraces))
{
}

Database::~Database()
{
    for (auto schema : {Schema::Main, Schema::Logs}) {
        const QString name = connectionName(schema);
        if (QSqlDatabase::contains(name)) {
            QSqlDatabase::database(name, false).close();
            QSqlDatabase::removeDatabase(name);
        }
    }
}

Result<std::shared_ptr<Database>> Database::open(const QString &dataDir)
{
    QDir dir(dataDir);
    if (!dir.mkpath(QStringLiteral("."))) {
        return Error::storage(
            QStringLiteral("Failed to create the data dir %1: check its parent's permissions")
                .arg(dataDir));
    }
    QFile::setPermissions(dir.absolutePath(),
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);

    std::shared_ptr<Database> database(new Database(dir.absolutePath()));
    for (auto schema : {Schema::Main, Schema::Logs}) {
        const Status opened = database->openConnection(schema, database->connectionName(schema));
        if (!opened)
            return opened.error();
        const Status migrated = runMigrations(database->connection(schema), schema);
        if (!migrated)
            return migrated.error();
    }
    return database;
}

QSqlDatabase Database::connection(Schema schema) const
{
    const QString name = connectionName(schema);
    if (!QSqlDatabase::contains(name)) {
        const Status opened = openConnection(schema, name);
        if (!opened)
            qCCritical(lcStorage).noquote() << opened.error().message();
    }
    return QSqlDatabase::database(name, false);
}

QString Database::filePath(Schema schema) const
{
    const QString fileName = schema == Schema::Main ? QStringLiteral("dynamight.db")
                                                    : QStringLiteral("logs.db");
    return QDir(m_dataDir).filePath(fileName);
}

Status Database::openConnection(Schema schema, const QString &name) const
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    db.setDatabaseName(filePath(schema));
    if (!db.open()) {
        return Error::storage(QStringLiteral("Failed to open the database %1: %2")
                                  .arg(filePath(schema), db.lastError().text()));
    }
    QFile::setPermissions(filePath(schema), QFileDevice::ReadOwner | QFileDevice::WriteOwner);

    QSqlQuery query(db);
    for (const char *pragma : connectionPragmas) {
        if (!query.exec(QLatin1String(pragma)))
            return sqlError(query.lastError(), QLatin1String(pragma));
    }
    return {};
}

QString Database::connectionName(Schema schema) const
{
    const QString schemaName = schema == Schema::Main ? QStringLiteral("main")
                                                      : QStringLiteral("logs");
    const auto thread = reinterpret_cast<quintptr>(QThread::currentThread());
    return QStringLiteral("%1-%2-%3").arg(m_connectionPrefix, schemaName).arg(thread, 0, 16);
}

} // namespace dynamight
