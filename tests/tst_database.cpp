#include "storage/database.h"
#include "storage/migrations.h"
#include "storage/sqlerror.h"

#include <QFileInfo>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

using namespace dynamight;

namespace {

QVariant scalar(const QSqlDatabase &db, const QString &sql)
{
    auto query = execute(db, sql);
    if (!query || !query->next())
        return {};
    return query->value(0);
}

} // namespace

class TestDatabase : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void openCreatesBothDatabases();
    void usesWriteAheadLog();
    void migrationsReachLatestVersion();
    void reopenKeepsData();
    void newerSchemaRejected();
    void dataDirIsPrivate();
    void connectionPerThread();
    void failedTransactionRollsBack();
};

void TestDatabase::openCreatesBothDatabases()
{
    QTemporaryDir dir;
    const auto database = Database::open(dir.filePath(QStringLiteral("data")));
    QVERIFY2(database.ok(), database.ok() ? "" : qPrintable(database.error().message()));
    QVERIFY(QFileInfo::exists((*database)->filePath(Database::Schema::Main)));
    QVERIFY(QFileInfo::exists((*database)->filePath(Database::Schema::Logs)));
    QVERIFY((*database)->filePath(Database::Schema::Main) != (*database)->filePath(Database::Schema::Logs));
}

void TestDatabase::usesWriteAheadLog()
{
    QTemporaryDir dir;
    const auto database = Database::open(dir.path());
    QVERIFY(database.ok());
    for (auto schema : {Database::Schema::Main, Database::Schema::Logs}) {
        const QSqlDatabase db = (*database)->connection(schema);
        QCOMPARE(scalar(db, QStringLiteral("PRAGMA journal_mode")).toString(), QStringLiteral("wal"));
        QCOMPARE(scalar(db, QStringLiteral("PRAGMA foreign_keys")).toInt(), 1);
    }
}

void TestDatabase::migrationsReachLatestVersion()
{
    QTemporaryDir dir;
    const auto database = Database::open(dir.path());
    QVERIFY(database.ok());
    const QSqlDatabase main = (*database)->connection(Database::Schema::Main);
    QCOMPARE(scalar(main, QStringLiteral("PRAGMA user_version")).toInt(), latestSchemaVersion(Database::Schema::Main));
    for (const char *table : {"users", "sessions", "jobs", "schedules", "runs", "settings"}) {
        const QVariant found = scalar(main, QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '%1'")
                                                .arg(QLatin1String(table)));
        QCOMPARE(found.toString(), QLatin1String(table));
    }
    const QSqlDatabase logs = (*database)->connection(Database::Schema::Logs);
    QCOMPARE(scalar(logs, QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = 'log_entries'")).toInt(), 1);
}

void TestDatabase::reopenKeepsData()
{
    QTemporaryDir dir;
    {
        const auto database = Database::open(dir.path());
        QVERIFY(database.ok());
        auto insert = execute((*database)->connection(Database::Schema::Main),
                              QStringLiteral("INSERT INTO settings (key, value) VALUES (?, ?)"),
                              {QStringLiteral("theme"), QStringLiteral("[\"dark\"]")});
        QVERIFY(insert.ok());
    }
    const auto reopened = Database::open(dir.path());
    QVERIFY(reopened.ok());
    QCOMPARE(scalar((*reopened)->connection(Database::Schema::Main), QStringLiteral("SELECT value FROM settings")).toString(),
             QStringLiteral("[\"dark\"]"));
}

void TestDatabase::newerSchemaRejected()
{
    QTemporaryDir dir;
    {
        const auto database = Database::open(dir.path());
        QVERIFY(database.ok());
        QVERIFY(execute((*database)->connection(Database::Schema::Main), QStringLiteral("PRAGMA user_version = 99")).ok());
    }
    const auto reopened = Database::open(dir.path());
    QVERIFY(!reopened.ok());
    QVERIFY2(reopened.error().message().contains(QLatin1String("schema version 99")), qPrintable(reopened.error().message()));
}

void TestDatabase::dataDirIsPrivate()
{
    QTemporaryDir dir;
    const QString dataDir = dir.filePath(QStringLiteral("nested/data"));
    QVERIFY(Database::open(dataDir).ok());
    const QFile::Permissions permissions = QFileInfo(dataDir).permissions();
    QVERIFY(permissions.testFlag(QFileDevice::ReadOwner));
    QVERIFY(!permissions.testFlag(QFileDevice::ReadGroup));
    QVERIFY(!permissions.testFlag(QFileDevice::ReadOther));
}

void TestDatabase::connectionPerThread()
{
    QTemporaryDir dir;
    const auto database = Database::open(dir.path());
    QVERIFY(database.ok());
    const QString mainName = (*database)->connection(Database::Schema::Main).connectionName();

    QString threadName;
    int threadCount = -1;
    QThread *thread = QThread::create([&] {
        const QSqlDatabase db = (*database)->connection(Database::Schema::Main);
        threadName = db.connectionName();
        threadCount = scalar(db, QStringLiteral("SELECT count(*) FROM jobs")).toInt();
    });
    thread->start();
    QVERIFY(thread->wait(10000));
    delete thread;
    QVERIFY(!threadName.isEmpty());
    QVERIFY(threadName != mainName);
    QCOMPARE(threadCount, 0);
}

void TestDatabase::failedTransactionRollsBack()
{
    QTemporaryDir dir;
    const auto database = Database::open(dir.path());
    QVERIFY(database.ok());
    const QSqlDatabase db = (*database)->connection(Database::Schema::Main);
    const Status status = inTransaction(db, [&]() -> Status {
        auto insert = execute(db, QStringLiteral("INSERT INTO settings (key, value) VALUES ('a', '[1]')"));
        if (!insert)
            return insert.error();
        return Error::invalid(QStringLiteral("stop"));
    });
    QVERIFY(!status.ok());
    QCOMPARE(scalar(db, QStringLiteral("SELECT count(*) FROM settings")).toInt(), 0);
}

QTEST_GUILESS_MAIN(TestDatabase)
#include "tst_database.moc"
