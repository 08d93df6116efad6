#include "runner/rcloneoutput.h"

#include <QtTest>

using namespace dynamight;

Q_DECLARE_METATYPE(dynamight::RcloneLogRecord::Kind)
Q_DECLARE_METATYPE(dynamight::RunStatus)
Q_DECLARE_METATYPE(dynamight::LogLevel)

namespace {

// Lines as rclone 1.60.1 printed them with --use-json-log -v against local folders and s3rver.
const QByteArray kCopied = R"json({"level":"info","msg":"Copied (new)","object":"sub dir/ä ö.txt","objectType":"*local.Object","source":"operations/operations.go:566","time":"2026-12-04T17:02:02.778091+00:00"})json";
const QByteArray kReplaced = R"json({"level":"info","msg":"Copied (replaced existing)","object":"a.txt","objectType":"*local.Object","source":"operations/operations.go:569","time":"2026-12-04T17:02:02.77+00:00"})json";
const QByteArray kDeleted = R"json({"level":"info","msg":"Deleted","object":"gone.txt","objectType":"*s3.Object","source":"operations/operations.go:634","time":"2026-12-04T17:02:02.77+00:00"})json";
const QByteArray kDryCopy = R"json({"level":"warning","msg":"Skipped copy as --dry-run is set (size 1.234Ki)","object":"x","objectType":"*local.Object","source":"operations/operations.go:2361","time":"2026-12-04T17:02:02.77+00:00"})json";
const QByteArray kDryCopyBytes = R"json({"level":"warning","msg":"Skipped copy as --dry-run is set (size 3)","object":"a.txt","objectType":"*local.Object","source":"operations/operations.go:2361","time":"2026-12-04T17:02:02.77+00:00"})json";
const QByteArray kDryDelete = R"json({"level":"warning","msg":"Skipped delete as --dry-run is set (size 7)","object":"old.txt","objectType":"*local.Object","source":"operations/operations.go:2361","time":"2026-12-04T17:02:02.77+00:00"})json";
const QByteArray kError = R"json({"level":"error","msg":"Failed to copy: open /src/locked: permission denied","object":"locked","objectType":"*local.Object","source":"operations/copy.go:1","time":"2026-12-04T17:02:02.77+00:00"})json";
const QByteArray kStats = R"json({"level":"info","msg":"\nTransferred:   \t          8 B / 8 B, 100%, 0 B/s, ETA -\nTransferred:            2 / 2, 100%\nElapsed time:         0.1s\n\n","source":"accounting/stats.go:482","stats":{"bytes":8,"checks":1,"deletedDirs":0,"deletes":1,"elapsedTime":0.139034811,"errors":2,"eta":null,"fatalError":false,"renames":0,"retryError":false,"speed":1024.5,"totalBytes":8,"totalChecks":0,"totalTransfers":2,"transferTime":0,"transfers":2},"time":"2026-12-04T17:02:02.779386+00:00"})json";

} // namespace

class TestRcloneOutput : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void records_data();
    void records();
    void stats();
    void notJson_data();
    void notJson();
    void status_data();
    void status();
    void explanations_data();
    void explanations();
};

void TestRcloneOutput::records_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<RcloneLogRecord::Kind>("kind");
    QTest::addColumn<LogLevel>("level");
    QTest::addColumn<QString>("object");
    QTest::addColumn<qint64>("size");

    QTest::newRow("copied new") << kCopied << RcloneLogRecord::Kind::Copied << LogLevel::Info
                                << QStringLiteral("sub dir/ä ö.txt") << qint64(0);
    QTest::newRow("copied replaced") << kReplaced << RcloneLogRecord::Kind::Copied << LogLevel::Info
                                     << QStringLiteral("a.txt") << qint64(0);
    QTest::newRow("deleted") << kDeleted << RcloneLogRecord::Kind::Deleted << LogLevel::Info << QStringLiteral("gone.txt")
                             << qint64(0);
    QTest::newRow("dry-run copy") << kDryCopyBytes << RcloneLogRecord::Kind::DryRunCopy << LogLevel::Warning
                                  << QStringLiteral("a.txt") << qint64(3);
    QTest::newRow("dry-run copy with unit") << kDryCopy << RcloneLogRecord::Kind::DryRunCopy << LogLevel::Warning
                                            << QStringLiteral("x") << qint64(0);
    QTest::newRow("dry-run delete") << kDryDelete << RcloneLogRecord::Kind::DryRunDelete << LogLevel::Warning
                                    << QStringLiteral("old.txt") << qint64(7);
    QTest::newRow("error") << kError << RcloneLogRecord::Kind::Message << LogLevel::Error << QStringLiteral("locked")
                           << qint64(0);
    // A file whose name contains a newline and looks like a message stays one record.
    QTest::newRow("name with newline")
        << QByteArray(R"json({"level":"info","msg":"Copied (new)","object":"evil\n{\"level\":\"error\"}","time":"t"})json")
        << RcloneLogRecord::Kind::Copied << LogLevel::Info << QStringLiteral("evil\n{\"level\":\"error\"}") << qint64(0);
}

void TestRcloneOutput::records()
{
    QFETCH(QByteArray, line);
    QFETCH(RcloneLogRecord::Kind, kind);
    QFETCH(LogLevel, level);
    QFETCH(QString, object);
    QFETCH(qint64, size);

    const auto record = parseRcloneLogLine(line);
    QVERIFY(record);
    QCOMPARE(record->kind, kind);
    QCOMPARE(record->level, level);
    QCOMPARE(record->object, object);
    QCOMPARE(record->size, size);
    QVERIFY(!record->stats);
}

void TestRcloneOutput::stats()
{
    const auto record = parseRcloneLogLine(kStats);
    QVERIFY(record);
    QCOMPARE(record->kind, RcloneLogRecord::Kind::Stats);
    QVERIFY(record->stats);
    QCOMPARE(record->stats->bytes, 8);
    QCOMPARE(record->stats->totalBytes, 8);
    QCOMPARE(record->stats->transfers, 2);
    QCOMPARE(record->stats->totalTransfers, 2);
    QCOMPARE(record->stats->checks, 1);
    QCOMPARE(record->stats->deletes, 1);
    QCOMPARE(record->stats->errors, 2);
    QCOMPARE(record->stats->speed, 1024.5);
    QCOMPARE(record->stats->fatalError, false);
}

void TestRcloneOutput::notJson_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::newRow("fatal plain line")
        << QByteArray("2026/12/04 17:02:06 Failed to create file system for \"dest:bkt\": couldn't connect");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("broken JSON") << QByteArray("{\"level\":");
    QTest::newRow("JSON array") << QByteArray("[1,2]");
}

void TestRcloneOutput::notJson()
{
    QFETCH(QByteArray, line);
    QVERIFY(!parseRcloneLogLine(line));
}

void TestRcloneOutput::status_data()
{
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<bool>("hasStats");
    QTest::addColumn<qint64>("errors");
    QTest::addColumn<bool>("fatal");
    QTest::addColumn<qint64>("filesHandled");
    QTest::addColumn<RunStatus>("expected");

    QTest::newRow("success") << 0 << true << qint64(0) << false << qint64(3) << RunStatus::Completed;
    QTest::newRow("success without stats") << 0 << false << qint64(0) << false << qint64(0) << RunStatus::Completed;
    QTest::newRow("unreadable file") << 1 << true << qint64(1) << false << qint64(2) << RunStatus::Partial;
    QTest::newRow("less serious errors") << 6 << true << qint64(1) << false << qint64(1) << RunStatus::Partial;
    QTest::newRow("every file failed") << 1 << true << qint64(3) << false << qint64(0) << RunStatus::Failed;
    QTest::newRow("no final stats") << 1 << false << qint64(0) << false << qint64(2) << RunStatus::Failed;
    QTest::newRow("fatal error") << 7 << true << qint64(1) << true << qint64(2) << RunStatus::Failed;
    QTest::newRow("directory not found") << 3 << true << qint64(1) << false << qint64(2) << RunStatus::Failed;
    QTest::newRow("no transfer") << 9 << true << qint64(0) << false << qint64(0) << RunStatus::Completed;
    QTest::newRow("unknown code") << 42 << true << qint64(1) << false << qint64(2) << RunStatus::Failed;
}

void TestRcloneOutput::status()
{
    QFETCH(int, exitCode);
    QFETCH(bool, hasStats);
    QFETCH(qint64, errors);
    QFETCH(bool, fatal);
    QFETCH(qint64, filesHandled);
    QFETCH(RunStatus, expected);

    std::optional<RcloneStats> stats;
    if (hasStats) {
        stats = RcloneStats{};
        stats->errors = errors;
        stats->fatalError = fatal;
    }
    QCOMPARE(rcloneRunStatus(exitCode, stats, filesHandled), expected);
}

void TestRcloneOutput::explanations_data()
{
    QTest::addColumn<QString>("error");
    QTest::addColumn<QString>("expectedStart");

    QTest::newRow("refused") << QStringLiteral("dial tcp 127.0.0.1:1: connect: connection refused")
                             << QStringLiteral("Connection refused");
    QTest::newRow("webdav 401") << QStringLiteral("error listing: 401 Unauthorized: ") << QStringLiteral("Access denied");
    QTest::newRow("ssh auth")
        << QStringLiteral("NewFs: couldn't connect SSH: ssh: handshake failed: ssh: unable to authenticate, attempted methods [none password]")
        << QStringLiteral("Access denied: invalid credentials");
    QTest::newRow("host key changed") << QStringLiteral("ssh: handshake failed: knownhosts: key mismatch")
                                      << QStringLiteral("The SSH server's host key does not match");
    QTest::newRow("host key unknown") << QStringLiteral("ssh: handshake failed: knownhosts: key is unknown")
                                      << QStringLiteral("The SSH server's host key is not trusted");
    QTest::newRow("expired token")
        << QStringLiteral("couldn't fetch token - maybe it has expired? - refresh with \"rclone config reconnect dest:\"")
        << QStringLiteral("The account's authorization has expired");
    QTest::newRow("missing bucket") << QStringLiteral("NoSuchBucket: The specified bucket does not exist")
                                    << QStringLiteral("Bucket not found");
    QTest::newRow("missing folder") << QStringLiteral("error listing: directory not found") << QStringLiteral("Path not found");
}

void TestRcloneOutput::explanations()
{
    QFETCH(QString, error);
    QFETCH(QString, expectedStart);
    const auto explanation = explainRcloneError(error);
    QVERIFY(explanation);
    QVERIFY2(explanation->startsWith(expectedStart), qPrintable(*explanation));
    QVERIFY(!explainRcloneError(QStringLiteral("something else entirely")));
}

QTEST_GUILESS_MAIN(TestRcloneOutput)
#include "tst_rcloneoutput.moc"
