#include "jobs/jobvalidator.h"
#include "remoteservers.h"
#include "runner/rclonerunner.h"
#include "testtree.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <unistd.h>

using namespace dynamight;

Q_DECLARE_METATYPE(dynamight::RunOutcome)
Q_DECLARE_METATYPE(dynamight::RunCounters)
Q_DECLARE_METATYPE(dynamight::LogLevel)
Q_DECLARE_METATYPE(dynamight::DestinationType)

namespace {

constexpr int kRunTimeoutMs = 30000;

// A password with every character that a shell or a config file could misread.
const QByteArray kAwkwardPassword = QByteArrayLiteral("p$ss \"dq\" 'sq' back\\slash sp ace\nnew line");

// Every folder contains a file, because s3rver 3.7.1 leaves a folder that contains only folders
// out of a delimited listing (measured), and rclone would then copy what is below it each run.
const QList<TestTree::File> kFiles{
    {QStringLiteral("plain.txt"), 100},
    {QStringLiteral("nested/top.txt"), 50},
    {QStringLiteral("with space/file name.txt"), 2000},
    {QStringLiteral("ünïcödé/日本語.bin"), 3000},
    {QStringLiteral("nested/deeper/empty"), 0},
    {QStringLiteral("nested/deeper/data.bin"), 70000},
};

qint64 totalSize(const QList<TestTree::File> &files)
{
    qint64 total = 0;
    for (const TestTree::File &file : files)
        total += file.size;
    return total;
}

QStringList filePaths(const QList<TestTree::File> &files)
{
    QStringList paths;
    for (const TestTree::File &file : files)
        paths << file.relativePath;
    paths.sort();
    return paths;
}

QStringList filesOnly(const QStringList &entries)
{
    QStringList files;
    for (const QString &entry : entries) {
        if (!entry.endsWith(u'/'))
            files << entry;
    }
    return files;
}

QByteArray readProcFile(qint64 pid, const char *name)
{
    QFile file(QStringLiteral("/proc/%1/%2").arg(pid).arg(QLatin1String(name)));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// What one run reported.
struct RunRecord
{
    RunOutcome outcome;
    QList<std::pair<LogLevel, QString>> logs;
    QList<QStringList> commands;
    // /proc/<pid>/cmdline and environ of each rclone child, read while it ran.
    QList<QByteArray> childCommandLines;
    QList<QByteArray> childEnvironments;
    QList<RunCounters> progress;
    qint64 elapsedMs = 0;

    QStringList messages(LogLevel level) const
    {
        QStringList texts;
        for (const auto &[entryLevel, text] : logs) {
            if (entryLevel == level)
                texts << text;
        }
        return texts;
    }
    QString allText() const
    {
        QStringList texts;
        for (const auto &entry : logs)
            texts << entry.second;
        return texts.join(u'\n');
    }
};

RunRecord runToEnd(RcloneRunner &runner, const std::function<void(RcloneRunner &)> &whileRunning = {})
{
    RunRecord record;
    bool done = false;
    QObject::connect(&runner, &BackupRunner::logLine, [&](LogLevel level, const QString &text) { record.logs.append({level, text}); });
    QObject::connect(&runner, &BackupRunner::progress, [&](const RunCounters &counters) { record.progress.append(counters); });
    QObject::connect(&runner, &BackupRunner::processStarted, [&](qint64 pid, const QStringList &command) {
        record.commands.append(command);
        record.childCommandLines.append(readProcFile(pid, "cmdline"));
        record.childEnvironments.append(readProcFile(pid, "environ"));
        if (whileRunning && command.first().endsWith(QLatin1String("rclone")))
            whileRunning(runner);
    });
    QObject::connect(&runner, &BackupRunner::finished, [&](const RunOutcome &outcome) {
        record.outcome = outcome;
        done = true;
    });
    QElapsedTimer timer;
    timer.start();
    runner.start();
    QDeadlineTimer deadline(kRunTimeoutMs);
    while (!done && !deadline.hasExpired())
        QTest::qWait(20);
    record.elapsedMs = timer.elapsed();
    if (!done)
        qWarning() << "The run did not finish within" << kRunTimeoutMs << "ms";
    return record;
}

QString describe(const RunRecord &record)
{
    return QStringLiteral("status %1, exit %2, message: %3\nlog:\n%4")
        .arg(runStatusName(record.outcome.status))
        .arg(record.outcome.exitCode ? QString::number(*record.outcome.exitCode) : QStringLiteral("none"))
        .arg(record.outcome.errorMessage, record.allText());
}

QJsonObject destination(DestinationType type, const QJsonObject &fields)
{
    const auto parsed = parseDestinationConfig(type, fields);
    if (!parsed)
        qWarning().noquote() << parsed.error().message();
    return parsed ? *parsed : QJsonObject();
}

// A one-shot HTTP server that responds to every request as an OAuth token endpoint that rejects
// the refresh token, as Google's does for a revoked grant.
class RejectingTokenServer : public QTcpServer
{
public:
    int requests = 0;

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto *socket = new QTcpSocket(this);
        socket->setSocketDescriptor(descriptor);
        QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
            if (!socket->readAll().contains("\r\n\r\n") && socket->property("answered").toBool())
                return;
            socket->setProperty("answered", true);
            ++requests;
            const QByteArray body = R"json({"error":"invalid_grant","error_description":"Token has been expired or revoked."})json";
            socket->write("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "
                          + QByteArray::number(body.size()) + "\r\n\r\n" + body);
            socket->disconnectFromHost();
        });
    }
};

} // namespace

class TestRcloneRunner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void webDavCopySyncAndSecrets();
    void webDavDryRun();
    void webDavWrongPassword();
    void webDavCancel();
    void s3CopyAndSync();
    void sftpWithKey();
    void sftpWithPassword();
    void sftpPartialRun();
    void sftpUnknownHostKey();
    void sftpChangedHostKey();
    void expiredToken_data();
    void expiredToken();
    void refreshedTokenIsStored();

private:
    RcloneRunnerSetup setupFor(DestinationType type, const QJsonObject &fields, const QJsonObject &secret) const;
    void checkCopyCycle(DestinationType type, const QJsonObject &fields, const QJsonObject &secret,
                        const std::function<QStringList(const QString &name)> &remoteFiles,
                        const QList<TestTree::File> &files = kFiles);

    QString m_rclone;
};

void TestRcloneRunner::initTestCase()
{
    m_rclone = QStandardPaths::findExecutable(QStringLiteral("rclone"));
    if (m_rclone.isEmpty())
        QSKIP("rclone is not installed");
    qRegisterMetaType<RunOutcome>();
}

RcloneRunnerSetup TestRcloneRunner::setupFor(DestinationType type, const QJsonObject &fields, const QJsonObject &secret) const
{
    auto remote = buildRcloneRemote(type, destination(type, fields), secret);
    if (!remote)
        qWarning().noquote() << remote.error().message();
    RcloneRunnerSetup setup{remote ? *remote : RcloneRemote(), m_rclone, QStringLiteral("ssh-keyscan"), {}};
    return setup;
}

// Copies a tree with awkward names, runs again (nothing to copy), deletes a source file and
// syncs with delete_extraneous (the file goes away remotely), and compares counters and logs
// with what the server stores after each step.
void TestRcloneRunner::checkCopyCycle(DestinationType type, const QJsonObject &fields, const QJsonObject &secret,
                                      const std::function<QStringList(const QString &name)> &remoteFiles,
                                      const QList<TestTree::File> &files)
{
    QTemporaryDir sources;
    const QString source = sources.filePath(QStringLiteral("my source ü"));
    TestTree tree(source);
    QVERIFY(QDir().mkpath(source));
    QVERIFY(tree.addFiles(files));

    {
        RcloneRunner runner({source}, SyncOptions{}, setupFor(type, fields, secret));
        const RunRecord first = runToEnd(runner);
        QVERIFY2(first.outcome.status == RunStatus::Completed, qPrintable(describe(first)));
        QCOMPARE(first.outcome.exitCode, std::optional<int>(0));
        QCOMPARE(first.outcome.counters.filesTransferred, files.size());
        QCOMPARE(first.outcome.counters.bytesTransferred, totalSize(files));
        QCOMPARE(first.outcome.counters.filesDeleted, 0);
        QCOMPARE(remoteFiles(QStringLiteral("my source ü")), filePaths(files));
        for (const TestTree::File &file : files)
            QVERIFY2(first.messages(LogLevel::Info).contains(file.relativePath), qPrintable(file.relativePath));
        QVERIFY(first.messages(LogLevel::Error).isEmpty());
        QCOMPARE(first.commands.last().at(1), QStringLiteral("copy"));
        QVERIFY(!first.progress.isEmpty());
    }
    {
        RcloneRunner runner({source}, SyncOptions{}, setupFor(type, fields, secret));
        const RunRecord second = runToEnd(runner);
        QVERIFY2(second.outcome.status == RunStatus::Completed, qPrintable(describe(second)));
        QCOMPARE(second.outcome.counters.filesTransferred, 0);
        QCOMPARE(second.outcome.counters.bytesTransferred, 0);
    }
    {
        QVERIFY(tree.removeFile(QStringLiteral("plain.txt")));
        SyncOptions options;
        options.deleteExtraneous = true;
        RcloneRunner runner({source}, options, setupFor(type, fields, secret));
        const RunRecord third = runToEnd(runner);
        QVERIFY2(third.outcome.status == RunStatus::Completed, qPrintable(describe(third)));
        QCOMPARE(third.commands.last().at(1), QStringLiteral("sync"));
        QCOMPARE(third.outcome.counters.filesDeleted, 1);
        QCOMPARE(third.outcome.counters.filesTransferred, 0);
        QVERIFY(third.messages(LogLevel::Info).contains(QStringLiteral("deleting plain.txt")));
        QStringList expected = filePaths(files);
        expected.removeAll(QStringLiteral("plain.txt"));
        QCOMPARE(remoteFiles(QStringLiteral("my source ü")), expected);
    }
}

void TestRcloneRunner::webDavCopySyncAndSecrets()
{
    QTemporaryDir served;
    WebDavServer server;
    if (!server.start(served.path(), QStringLiteral("backup user"), QString::fromUtf8(kAwkwardPassword)))
        QSKIP(qPrintable(server.skipReason()));

    const QJsonObject fields{{QStringLiteral("url"), server.url()}, {QStringLiteral("remote_path"), QStringLiteral("backups")}};
    const QJsonObject secret{{QStringLiteral("username"), QStringLiteral("backup user")},
                             {QStringLiteral("password"), QString::fromUtf8(kAwkwardPassword)}};
    checkCopyCycle(DestinationType::WebDav, fields, secret, [&](const QString &name) {
        return filesOnly(listTree(served.filePath(QStringLiteral("backups/") + name)));
    });
    if (QTest::currentTestFailed())
        return;

    // The password stays out of the child's command line and environment, the logs and the
    // stored commands, and the config file is gone after the run.
    QTemporaryDir sources;
    TestTree tree(sources.path());
    QVERIFY(tree.addFile(QStringLiteral("big.bin"), 300 * 1024));
    SyncOptions slow;
    slow.bandwidthLimitKbps = 1024;
    RcloneRunnerSetup setup = setupFor(DestinationType::WebDav, fields, secret);
    RcloneRunner runner({sources.path()}, slow, setup);
    QString configPath;
    const RunRecord record = runToEnd(runner);
    QVERIFY2(record.outcome.status == RunStatus::Completed, qPrintable(describe(record)));
    QCOMPARE(record.childCommandLines.size(), 1);
    const QByteArray commandLine = record.childCommandLines.first();
    QVERIFY2(commandLine.startsWith(m_rclone.toUtf8()), commandLine.constData());
    const QList<QByteArray> secrets{kAwkwardPassword, kAwkwardPassword.left(4), QByteArrayLiteral("back\\slash"),
                                    setup.remote.option(QStringLiteral("pass"))->toUtf8()};
    for (const QByteArray &piece : secrets) {
        QVERIFY2(!commandLine.contains(piece), piece.constData());
        QVERIFY2(!record.childEnvironments.first().contains(piece), piece.constData());
        QVERIFY2(!record.allText().toUtf8().contains(piece), piece.constData());
        QVERIFY2(!record.commands.first().join(u' ').toUtf8().contains(piece), piece.constData());
    }
    for (const QString &argument : record.commands.first()) {
        if (argument.startsWith(QLatin1String("--config=")))
            configPath = argument.mid(9);
    }
    QVERIFY(!configPath.isEmpty());
    QVERIFY2(!QFile::exists(configPath), "the config file is deleted after the run");
    QVERIFY(!QFileInfo::exists(QFileInfo(configPath).path()));
    QVERIFY(!record.childEnvironments.first().contains("AWS_CA_BUNDLE="));
    QVERIFY(!record.childEnvironments.first().contains("\nRCLONE_"));
}

void TestRcloneRunner::webDavDryRun()
{
    QTemporaryDir served;
    WebDavServer server;
    if (!server.start(served.path(), QStringLiteral("u"), QStringLiteral("p")))
        QSKIP(qPrintable(server.skipReason()));
    QTemporaryDir sources;
    TestTree tree(sources.path());
    QVERIFY(tree.addFiles(kFiles));

    SyncOptions options;
    options.dryRun = true;
    RcloneRunner runner({sources.path()}, options,
                        setupFor(DestinationType::WebDav, {{QStringLiteral("url"), server.url()}},
                                 {{QStringLiteral("username"), QStringLiteral("u")}, {QStringLiteral("password"), QStringLiteral("p")}}));
    const RunRecord record = runToEnd(runner);
    QVERIFY2(record.outcome.status == RunStatus::Completed, qPrintable(describe(record)));
    QVERIFY(record.commands.first().contains(QStringLiteral("--dry-run")));
    QCOMPARE(record.outcome.counters.filesTransferred, kFiles.size());
    QCOMPARE(record.outcome.counters.bytesTransferred, totalSize(kFiles));
    QCOMPARE(filesOnly(listTree(served.path())), QStringList());
}

void TestRcloneRunner::webDavWrongPassword()
{
    QTemporaryDir served;
    WebDavServer server;
    if (!server.start(served.path(), QStringLiteral("u"), QStringLiteral("right")))
        QSKIP(qPrintable(server.skipReason()));
    QTemporaryDir sources;
    TestTree tree(sources.path());
    QVERIFY(tree.addFile(QStringLiteral("a.txt"), 10));

    RcloneRunner runner({sources.path()}, SyncOptions{},
                        setupFor(DestinationType::WebDav, {{QStringLiteral("url"), server.url()}},
                                 {{QStringLiteral("username"), QStringLiteral("u")}, {QStringLiteral("password"), QStringLiteral("wrong")}}));
    const RunRecord record = runToEnd(runner);
    QCOMPARE(record.outcome.status, RunStatus::Failed);
    QVERIFY2(record.outcome.errorMessage.startsWith(QStringLiteral("Access denied: invalid credentials")),
             qPrintable(describe(record)));
    QVERIFY(!record.outcome.errorMessage.contains(QStringLiteral("wrong")));
}

void TestRcloneRunner::webDavCancel()
{
    QTemporaryDir served;
    WebDavServer server;
    if (!server.start(served.path(), QStringLiteral("u"), QStringLiteral("p")))
        QSKIP(qPrintable(server.skipReason()));
    QTemporaryDir sources;
    TestTree tree(sources.path());
    QVERIFY(tree.addFile(QStringLiteral("slow.bin"), 4 * 1024 * 1024));

    SyncOptions options;
    options.bandwidthLimitKbps = 100;
    RcloneRunner runner({sources.path()}, options,
                        setupFor(DestinationType::WebDav, {{QStringLiteral("url"), server.url()}},
                                 {{QStringLiteral("username"), QStringLiteral("u")}, {QStringLiteral("password"), QStringLiteral("p")}}));
    qint64 pid = 0;
    QObject::connect(&runner, &BackupRunner::processStarted, [&](qint64 processId, const QStringList &) { pid = processId; });
    const RunRecord record = runToEnd(runner, [](RcloneRunner &running) {
        QTimer::singleShot(500, &running, [&running] { running.cancel(std::chrono::milliseconds(3000)); });
    });
    QCOMPARE(record.outcome.status, RunStatus::Cancelled);
    QVERIFY2(record.elapsedMs < 10000, qPrintable(QString::number(record.elapsedMs)));
    QVERIFY(pid > 0);
    QVERIFY2(::kill(pid_t(pid), 0) != 0, "rclone is gone after the cancel");
}

void TestRcloneRunner::s3CopyAndSync()
{
    S3Server server;
    if (!server.start(QStringLiteral("backups")))
        QSKIP(qPrintable(server.skipReason()));

    const QJsonObject fields{{QStringLiteral("bucket"), QStringLiteral("backups")},
                             {QStringLiteral("prefix"), QStringLiteral("host1/")},
                             {QStringLiteral("endpoint"), server.endpoint()},
                             {QStringLiteral("storage_class"), QStringLiteral("STANDARD")}};
    const QJsonObject secret{{QStringLiteral("access_key_id"), QStringLiteral("S3RVER")},
                             {QStringLiteral("secret_access_key"), QStringLiteral("S3RVER")}};
    // AWS_CA_BUNDLE breaks rclone 1.60's S3 backend; the runner removes it from the child.
    qputenv("AWS_CA_BUNDLE", "/nonexistent/bundle.pem");
    checkCopyCycle(DestinationType::S3, fields, secret, [&](const QString &name) {
        QStringList files;
        for (const QString &key : server.objectKeys(QStringLiteral("backups"))) {
            const QString prefix = QStringLiteral("host1/") + name + u'/';
            if (key.startsWith(prefix))
                files << key.mid(prefix.size());
        }
        return files;
    });
    qunsetenv("AWS_CA_BUNDLE");
}

void TestRcloneRunner::sftpWithKey()
{
    SshServer server;
    if (!server.start())
        QSKIP(qPrintable(server.skipReason()));

    const QJsonObject fields{{QStringLiteral("host"), QStringLiteral("127.0.0.1")},
                             {QStringLiteral("port"), int(server.port())},
                             {QStringLiteral("username"), server.user()},
                             {QStringLiteral("remote_path"), QString(server.home() + QStringLiteral("/backup"))},
                             {QStringLiteral("key_based_auth"), true},
                             {QStringLiteral("host_key_fingerprint"), server.hostKeyFingerprint()}};
    const QJsonObject secret{{QStringLiteral("private_key"), QString::fromUtf8(server.privateKey())},
                             {QStringLiteral("passphrase"), server.passphrase()}};
    checkCopyCycle(DestinationType::Sftp, fields, secret, [&](const QString &name) {
        return filesOnly(listTree(server.home() + QStringLiteral("/backup/") + name));
    });
}

void TestRcloneRunner::sftpWithPassword()
{
    SshServer server;
    if (!server.start())
        QSKIP(qPrintable(server.skipReason()));
    QVERIFY(server.setPassword(kAwkwardPassword));

    const QJsonObject fields{{QStringLiteral("host"), QStringLiteral("127.0.0.1")},
                             {QStringLiteral("port"), int(server.port())},
                             {QStringLiteral("username"), server.user()},
                             {QStringLiteral("remote_path"), QStringLiteral("relative/backup")},
                             {QStringLiteral("host_key_fingerprint"), server.hostKeyFingerprint()}};
    const QJsonObject secret{{QStringLiteral("password"), QString::fromUtf8(kAwkwardPassword)}};
    checkCopyCycle(DestinationType::Sftp, fields, secret, [&](const QString &name) {
        return filesOnly(listTree(server.home() + QStringLiteral("/relative/backup/") + name));
    });
}

// A folder on the server that the user may not write to: the other files are copied, and the
// run is partial with the failures in its log.
void TestRcloneRunner::sftpPartialRun()
{
    SshServer server;
    if (!server.start())
        QSKIP(qPrintable(server.skipReason()));

    QTemporaryDir sources;
    const QString source = sources.filePath(QStringLiteral("src"));
    TestTree tree(source);
    QVERIFY(QDir().mkpath(source));
    QVERIFY(tree.addFile(QStringLiteral("ok.txt"), 10));
    QVERIFY(tree.addFile(QStringLiteral("locked/blocked.txt"), 10));
    // Created by root, so the SFTP user cannot write into it.
    QVERIFY(QDir().mkpath(server.home() + QStringLiteral("/backup/src/locked")));

    const QJsonObject fields{{QStringLiteral("host"), QStringLiteral("127.0.0.1")},
                             {QStringLiteral("port"), int(server.port())},
                             {QStringLiteral("username"), server.user()},
                             {QStringLiteral("remote_path"), QString(server.home() + QStringLiteral("/backup"))},
                             {QStringLiteral("key_based_auth"), true},
                             {QStringLiteral("host_key_fingerprint"), server.hostKeyFingerprint()}};
    // /backup and /backup/src belong to root as well; hand them to the user.
    runProgram(QStringLiteral("chown"), {server.user(), server.home() + QStringLiteral("/backup"),
                                         server.home() + QStringLiteral("/backup/src")});
    RcloneRunner runner({source}, SyncOptions{},
                        setupFor(DestinationType::Sftp, fields,
                                 {{QStringLiteral("private_key"), QString::fromUtf8(server.privateKey())},
                                  {QStringLiteral("passphrase"), server.passphrase()}}));
    const RunRecord record = runToEnd(runner);
    QVERIFY2(record.outcome.status == RunStatus::Partial, qPrintable(describe(record)));
    QCOMPARE(record.outcome.counters.filesTransferred, 1);
    QVERIFY(QFile::exists(server.home() + QStringLiteral("/backup/src/ok.txt")));
    QVERIFY(!QFile::exists(server.home() + QStringLiteral("/backup/src/locked/blocked.txt")));
    QVERIFY2(record.outcome.errorMessage.contains(QStringLiteral("error(s) while syncing")), qPrintable(describe(record)));
    QVERIFY(!record.messages(LogLevel::Error).isEmpty());
}

void TestRcloneRunner::sftpUnknownHostKey()
{
    SshServer server;
    if (!server.start())
        QSKIP(qPrintable(server.skipReason()));
    QTemporaryDir sources;
    TestTree(sources.path()).addFile(QStringLiteral("a.txt"), 1);

    const QJsonObject fields{{QStringLiteral("host"), QStringLiteral("127.0.0.1")},
                             {QStringLiteral("port"), int(server.port())},
                             {QStringLiteral("username"), server.user()},
                             {QStringLiteral("remote_path"), QStringLiteral("backup")},
                             {QStringLiteral("key_based_auth"), true}};
    RcloneRunner runner({sources.path()}, SyncOptions{},
                        setupFor(DestinationType::Sftp, fields,
                                 {{QStringLiteral("private_key"), QString::fromUtf8(server.privateKey())},
                                  {QStringLiteral("passphrase"), server.passphrase()}}));
    const RunRecord record = runToEnd(runner);
    QCOMPARE(record.outcome.status, RunStatus::Failed);
    QVERIFY2(record.outcome.errorMessage.contains(QStringLiteral("is unknown")), qPrintable(describe(record)));
    QVERIFY(record.outcome.errorMessage.contains(server.hostKeyFingerprint()));
    QCOMPARE(record.commands.size(), 0);
}

void TestRcloneRunner::sftpChangedHostKey()
{
    SshServer server;
    if (!server.start())
        QSKIP(qPrintable(server.skipReason()));
    const QString trusted = server.hostKeyFingerprint();
    QVERIFY(server.restartWithNewHostKey());
    QVERIFY(server.hostKeyFingerprint() != trusted);
    QTemporaryDir sources;
    TestTree(sources.path()).addFile(QStringLiteral("a.txt"), 1);

    const QJsonObject fields{{QStringLiteral("host"), QStringLiteral("127.0.0.1")},
                             {QStringLiteral("port"), int(server.port())},
                             {QStringLiteral("username"), server.user()},
                             {QStringLiteral("remote_path"), QStringLiteral("backup")},
                             {QStringLiteral("key_based_auth"), true},
                             {QStringLiteral("host_key_fingerprint"), trusted}};
    RcloneRunner runner({sources.path()}, SyncOptions{},
                        setupFor(DestinationType::Sftp, fields,
                                 {{QStringLiteral("private_key"), QString::fromUtf8(server.privateKey())},
                                  {QStringLiteral("passphrase"), server.passphrase()}}));
    const RunRecord record = runToEnd(runner);
    QCOMPARE(record.outcome.status, RunStatus::Failed);
    QVERIFY2(record.outcome.errorMessage.contains(QStringLiteral("does not match")), qPrintable(describe(record)));
    QVERIFY(record.outcome.errorMessage.contains(server.hostKeyFingerprint()));
    QVERIFY2(record.elapsedMs < 8000, qPrintable(QString::number(record.elapsedMs)));
}

// The token endpoint is a local server that rejects the refresh token, so rclone fails before
// it sends anything to Google or Microsoft. HTTPS_PROXY points at a closed local port as a
// second guard. rclone retries the refresh for about 15 s (Drive) and 5 s (OneDrive).
void TestRcloneRunner::expiredToken_data()
{
    QTest::addColumn<DestinationType>("type");
    QTest::addColumn<QJsonObject>("fields");
    QTest::newRow("google_drive") << DestinationType::GoogleDrive
                                  << QJsonObject{{QStringLiteral("folder_id"), QStringLiteral("root")}};
    QTest::newRow("onedrive") << DestinationType::OneDrive
                              << QJsonObject{{QStringLiteral("folder_path"), QStringLiteral("Backups")},
                                             {QStringLiteral("drive_id"), QStringLiteral("0123456789abcdef")}};
}

void TestRcloneRunner::expiredToken()
{
    QFETCH(DestinationType, type);
    QFETCH(QJsonObject, fields);
    RejectingTokenServer tokenServer;
    QVERIFY(tokenServer.listen(QHostAddress::LocalHost));
    qputenv("HTTPS_PROXY", QByteArray("http://127.0.0.1:") + QByteArray::number(freeLoopbackPort()));
    QTemporaryDir sources;
    TestTree(sources.path()).addFile(QStringLiteral("a.txt"), 1);

    const QJsonObject secret{{QStringLiteral("access_token"), QStringLiteral("ya29.expired")},
                             {QStringLiteral("refresh_token"), QStringLiteral("1//revoked")},
                             {QStringLiteral("expires_at"), 1000000000}};
    RcloneRunnerSetup setup = setupFor(type, fields, secret);
    setup.remote.setOption(QStringLiteral("token_url"), QStringLiteral("http://127.0.0.1:%1/token").arg(tokenServer.serverPort()));
    bool stored = false;
    setup.storeRefreshedToken = [&](const QJsonObject &) { stored = true; };
    RcloneRunner runner({sources.path()}, SyncOptions{}, setup);
    const RunRecord record = runToEnd(runner);
    qunsetenv("HTTPS_PROXY");

    QCOMPARE(record.outcome.status, RunStatus::Failed);
    QVERIFY2(record.outcome.errorMessage.contains(QStringLiteral("reconnect the account")), qPrintable(describe(record)));
    QVERIFY(tokenServer.requests > 0);
    QVERIFY(!stored);
}

// rclone rewrites the token in its config file when it refreshes it. A stand-in for rclone
// does the same here, because the real refresh needs Google's servers.
void TestRcloneRunner::refreshedTokenIsStored()
{
    QTemporaryDir dir;
    const QString fakeRclone = dir.filePath(QStringLiteral("rclone"));
    QFile script(fakeRclone);
    QVERIFY(script.open(QIODevice::WriteOnly));
    script.write("#!/bin/sh\n"
                 "for a in \"$@\"; do case \"$a\" in --config=*) c=\"${a#--config=}\";; esac; done\n"
                 "sed -i 's/^token = .*/token = {\"access_token\":\"fresh-access-9f3\",\"token_type\":\"Bearer\","
                 "\"refresh_token\":\"rotated\",\"expiry\":\"2030-01-01T00:00:00Z\"}/' \"$c\"\n"
                 "exit 0\n");
    script.close();
    script.setPermissions(QFileDevice::ReadOwner | QFileDevice::ExeOwner | QFileDevice::WriteOwner);
    TestTree(dir.filePath(QStringLiteral("src"))).addFile(QStringLiteral("a.txt"), 1);

    const QJsonObject secret{{QStringLiteral("access_token"), QStringLiteral("old")},
                             {QStringLiteral("refresh_token"), QStringLiteral("old-refresh")},
                             {QStringLiteral("expires_at"), 1000000000}};
    RcloneRunnerSetup setup = setupFor(DestinationType::OneDrive,
                                       {{QStringLiteral("folder_path"), QStringLiteral("Backups")},
                                        {QStringLiteral("drive_id"), QStringLiteral("0123456789abcdef")}},
                                       secret);
    setup.program = fakeRclone;
    QList<QJsonObject> stored;
    setup.storeRefreshedToken = [&](const QJsonObject &data) { stored.append(data); };
    RcloneRunner runner({dir.filePath(QStringLiteral("src"))}, SyncOptions{}, setup);
    const RunRecord record = runToEnd(runner);
    QVERIFY2(record.outcome.status == RunStatus::Completed, qPrintable(describe(record)));
    QCOMPARE(stored.size(), 1);
    QCOMPARE(stored.first().value(QStringLiteral("access_token")).toString(), QStringLiteral("fresh-access-9f3"));
    QCOMPARE(stored.first().value(QStringLiteral("refresh_token")).toString(), QStringLiteral("rotated"));
    QCOMPARE(stored.first().value(QStringLiteral("expires_at")).toInteger(),
             QDateTime(QDate(2030, 1, 1), QTime(0, 0), Qt::UTC).toSecsSinceEpoch());
    QVERIFY(!record.allText().contains(QStringLiteral("fresh-access-9f3")));
    QVERIFY(!record.allText().contains(QStringLiteral("rotated")));
}

QTEST_GUILESS_MAIN(TestRcloneRunner)
#include "tst_rclonerunner.moc"
