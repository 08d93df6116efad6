#include "apiclient.h"
#include "processes.h"
#include "serverprocess.h"
#include "testtree.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::StringLiterals;

namespace {

constexpr int kProcessTimeoutMs = 15000;
// About 100 s at 200 KiB/s, so the run is still going when the test stops the server.
constexpr qint64 kSlowFileBytes = 20 * 1024 * 1024;
constexpr int kSlowKibPerSecond = 200;

struct ProcessResult
{
    bool finished = false;
    int exitCode = -1;
    QByteArray standardOutput;
    QByteArray standardError;
};

// Runs the dynamight binary to its end. A process still running after the timeout is killed
// and reported as not finished.
ProcessResult runBinary(const QStringList &arguments, const QProcessEnvironment &environment = {})
{
    QProcess process;
    QProcessEnvironment processEnvironment =
        environment.isEmpty() ? QProcessEnvironment::systemEnvironment() : environment;
    processEnvironment.remove(u"DYNAMIGHT_SECRET"_s);
    process.setProcessEnvironment(processEnvironment);
    process.start(ServerProcess::binary(), arguments);

    ProcessResult result;
    result.finished = process.waitForFinished(kProcessTimeoutMs);
    if (!result.finished) {
        process.kill();
        process.waitForFinished(5000);
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.standardOutput = process.readAllStandardOutput();
    result.standardError = process.readAllStandardError();
    return result;
}

// What a server restarted on the data of a stopped one reports about the interrupted run.
struct RestartReport
{
    QJsonObject run;
    QJsonArray errorLines;
    // POST /jobs/:id/cancel of the run's job: 409 when nothing is left running.
    int cancelStatus = 0;
    int stopExitCode = -1;
};

} // namespace

class TestServerLifecycle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void versionPrinted_data();
    void versionPrinted();
    void serveHelpListsSetting_data();
    void serveHelpListsSetting();
    void unknownCommandFails_data();
    void unknownCommandFails();
    void badSettingFails_data();
    void badSettingFails();
    void portInUseFails();
    void killedMidRunRecovers();
    void terminatedMidRunStopsCleanly();

private:
    // Starts a slow run on a fresh server and returns its id once rsync is running, or 0 when a
    // step fails.
    qint64 startSlowRun(ServerProcess &server, const QString &source);
    RestartReport restartAndInspect(const QString &dataDir, qint64 runId);

    QTemporaryDir m_workspace;
};

void TestServerLifecycle::initTestCase() { QVERIFY(m_workspace.isValid()); }

void TestServerLifecycle::versionPrinted_data()
{
    QTest::addColumn<QStringList>("arguments");

    QTest::newRow("--version") << QStringList{u"--version"_s};
    QTest::newRow("serve --version") << QStringList{u"serve"_s, u"--version"_s};
}

void TestServerLifecycle::versionPrinted()
{
    QFETCH(QStringList, arguments);

    const ProcessResult result = runBinary(arguments);

    QVERIFY(result.finished);
    QCOMPARE(result.exitCode, 0);
    QCOMPARE(result.standardOutput.trimmed(), QByteArray("dynamight " DYNAMIGHT_VERSION));
}

void TestServerLifecycle::serveHelpListsSetting_data()
{
    QTest::addColumn<QString>("setting");

    const QStringList settings{
        u"--port"_s,
        u"DYNAMIGHT_PORT"_s,
        u"--host"_s,
        u"DYNAMIGHT_HOST"_s,
        u"--data-dir"_s,
        u"DYNAMIGHT_DATA_DIR"_s,
        u"--log-level"_s,
        u"DYNAMIGHT_LOG_LEVEL"_s,
        u"--max-concurrent-runs"_s,
        u"DYNAMIGHT_MAX_CONCURRENT_RUNS"_s,
        u"DYNAMIGHT_SECRET"_s,
        u"DYNAMIGHT_ALLOWED_BROWSE_PATHS"_s,
        u"DYNAMIGHT_ALLOWED_HOSTS"_s,
        u"DYNAMIGHT_TRUSTED_PROXIES"_s,
        u"DYNAMIGHT_SECURE_COOKIES"_s,
        u"DYNAMIGHT_RATE_LIMIT_MAX_ATTEMPTS"_s,
        u"DYNAMIGHT_RATE_LIMIT_WINDOW_SECS"_s,
        u"DYNAMIGHT_RATE_LIMIT_LOCKOUT_SECS"_s,
        u"DYNAMIGHT_RATE_LIMIT_MAX_LOCKOUT_SECS"_s,
    };
    for (const QString &setting : settings)
        QTest::newRow(qPrintable(setting)) << setting;
}

void TestServerLifecycle::serveHelpListsSetting()
{
    QFETCH(QString, setting);

    const ProcessResult result = runBinary({u"serve"_s, u"--help"_s});

    QVERIFY(result.finished);
    QCOMPARE(result.exitCode, 0);
    QVERIFY2(QString::fromUtf8(result.standardOutput).contains(setting),
             qPrintable(setting + u" is missing from the output of serve --help"_s));
}

void TestServerLifecycle::unknownCommandFails_data()
{
    QTest::addColumn<QStringList>("arguments");

    QTest::newRow("no command") << QStringList();
    QTest::newRow("unknown command") << QStringList{u"frobnicate"_s};
}

void TestServerLifecycle::unknownCommandFails()
{
    QFETCH(QStringList, arguments);

    const ProcessResult result = runBinary(arguments);

    QVERIFY(result.finished);
    QVERIFY(result.exitCode != 0);
    QVERIFY(!result.standardError.trimmed().isEmpty());
}

void TestServerLifecycle::badSettingFails_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("variable");
    QTest::addColumn<QString>("value");
    // Text that the error message must contain: the setting, or the rejected value.
    QTest::addColumn<QString>("mention");

    const QString dataDir = m_workspace.filePath(u"bad-settings-data"_s);
    const QStringList serve{u"serve"_s, u"--data-dir"_s, dataDir};
    const QStringList anyPort{u"--port"_s, u"0"_s};
    QTest::newRow("--port abc") << serve + QStringList{u"--port"_s, u"abc"_s} << QString()
                                << QString() << u"--port"_s;
    QTest::newRow("--port 70000") << serve + QStringList{u"--port"_s, u"70000"_s} << QString()
                                  << QString() << u"--port"_s;
    QTest::newRow("--port -1") << serve + QStringList{u"--port"_s, u"-1"_s} << QString()
                               << QString() << u"--port"_s;
    QTest::newRow("--port without value")
        << serve + QStringList{u"--port"_s} << QString() << QString() << u"port"_s;
    QTest::newRow("--log-level loud") << serve + anyPort + QStringList{u"--log-level"_s, u"loud"_s}
                                      << QString() << QString() << u"--log-level"_s;
    QTest::newRow("--host name") << serve + anyPort + QStringList{u"--host"_s, u"not an address"_s}
                                 << QString() << QString() << u"--host"_s;
    QTest::newRow("--max-concurrent-runs 0")
        << serve + anyPort + QStringList{u"--max-concurrent-runs"_s, u"0"_s} << QString()
        << QString() << u"--max-concurrent-runs"_s;
    QTest::newRow("--secure-cookies maybe")
        << serve + anyPort + QStringList{u"--secure-cookies"_s, u"maybe"_s} << QString()
        << QString() << u"--secure-cookies"_s;
    QTest::newRow("unknown flag") << serve + anyPort + QStringList{u"--frobnicate"_s} << QString()
                                  << QString() << u"frobnicate"_s;
    QTest::newRow("DYNAMIGHT_PORT abc") << serve << u"DYNAMIGHT_PORT"_s << u"abc"_s << u"abc"_s;
    QTest::newRow("DYNAMIGHT_LOG_LEVEL loud")
        << serve + anyPort << u"DYNAMIGHT_LOG_LEVEL"_s << u"loud"_s << u"loud"_s;
    QTest::newRow("DYNAMIGHT_MAX_CONCURRENT_RUNS many")
        << serve + anyPort << u"DYNAMIGHT_MAX_CONCURRENT_RUNS"_s << u"many"_s << u"many"_s;
}

void TestServerLifecycle::badSettingFails()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, variable);
    QFETCH(QString, value);
    QFETCH(QString, mention);

    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    if (!variable.isEmpty())
        environment.insert(variable, value);

    const ProcessResult result = runBinary(arguments, environment);

    QVERIFY2(result.finished, "the server started instead of rejecting the setting");
    QVERIFY(result.exitCode != 0);
    QVERIFY(!result.standardOutput.contains("listening on"));
    const QString message = QString::fromUtf8(result.standardError);
    QVERIFY2(message.contains(mention, Qt::CaseInsensitive), qPrintable(message));
}

void TestServerLifecycle::portInUseFails()
{
    QTcpServer occupant;
    QVERIFY(occupant.listen(QHostAddress::LocalHost, 0));
    const QString port = QString::number(occupant.serverPort());

    const ProcessResult result = runBinary({u"serve"_s, u"--port"_s, port, u"--data-dir"_s,
                                            m_workspace.filePath(u"port-in-use-data"_s)});

    QVERIFY2(result.finished, "the server kept running although it could not listen");
    QVERIFY(result.exitCode != 0);
    QVERIFY(!result.standardOutput.contains("listening on"));
    QVERIFY2(QString::fromUtf8(result.standardError).contains(port),
             result.standardError.constData());
}

qint64 TestServerLifecycle::startSlowRun(ServerProcess &server, const QString &source)
{
    const QString mount = source + u" drive"_s;
    if (!QDir().mkpath(source) || !QDir().mkpath(mount)
        || !TestTree(source).addFile(u"big.bin"_s, kSlowFileBytes))
        return 0;

    ApiClient client(server.baseUrl());
    if (client.setUpAdmin().status / 100 != 2)
        return 0;
    const QJsonObject job{
        {u"name"_s, u"Slow"_s},
        {u"source_dirs"_s, QJsonArray{source}},
        {u"destination_type"_s, u"local"_s},
        {u"destination_config"_s, QJsonObject{{u"mount_point"_s, mount}}},
        {u"sync_options"_s, QJsonObject{{u"bandwidth_limit_kbps"_s, kSlowKibPerSecond}}},
    };
    const qint64 jobId = client.post(u"/api/jobs"_s, job).object().value(u"id"_s).toInteger();
    const qint64 runId =
        client.post(u"/api/jobs/%1/run"_s.arg(jobId)).object().value(u"run_id"_s).toInteger();
    if (runId <= 0)
        return 0;

    const QDeadlineTimer deadline(10000);
    while (rsyncProcessesWith(source).isEmpty() && !deadline.hasExpired())
        QTest::qWait(50);
    const QString status =
        client.get(u"/api/runs/%1"_s.arg(runId)).object().value(u"status"_s).toString();
    const bool running = status == u"running"_s;
    return running && !rsyncProcessesWith(source).isEmpty() ? runId : 0;
}

RestartReport TestServerLifecycle::restartAndInspect(const QString &dataDir, qint64 runId)
{
    RestartReport report;
    ServerProcess restarted(dataDir);
    if (!restarted.start()) {
        qWarning() << "Failed to restart the server:" << restarted.standardError();
        return report;
    }
    ApiClient client(restarted.baseUrl());
    if (client.login(u"admin"_s, u"securepassword123"_s).status != 200)
        return report;

    report.run = client.get(u"/api/runs/%1"_s.arg(runId)).object();
    report.errorLines = client.get(u"/api/runs/%1/logs?level=error"_s.arg(runId)).array();
    const qint64 jobId = report.run.value(u"job_id"_s).toInteger();
    report.cancelStatus = client.post(u"/api/jobs/%1/cancel"_s.arg(jobId)).status;
    report.stopExitCode = restarted.stop();
    return report;
}

void TestServerLifecycle::killedMidRunRecovers()
{
    const QString source = m_workspace.filePath(u"killed/videos"_s);
    ServerProcess server;
    QVERIFY2(server.start(), server.standardError().constData());
    const qint64 runId = startSlowRun(server, source);
    QVERIFY(runId > 0);

    server.kill();

    // The child dies with its parent, before any restart could clean up after it.
    QTRY_COMPARE_WITH_TIMEOUT(rsyncProcessesWith(source), QList<qint64>(), 5000);
    const RestartReport report = restartAndInspect(server.dataDir(), runId);
    QCOMPARE(report.run.value(u"status"_s).toString(), u"failed"_s);
    const QString error = report.run.value(u"error_message"_s).toString();
    QVERIFY2(error.startsWith(u"interrupted"_s), qPrintable(error));
    QVERIFY(!report.run.value(u"completed_at"_s).toString().isEmpty());
    QVERIFY(!report.errorLines.isEmpty());
    QCOMPARE(report.cancelStatus, 409);
    QCOMPARE(report.stopExitCode, 0);
    QCOMPARE(rsyncProcessesWith(source), QList<qint64>());
}

void TestServerLifecycle::terminatedMidRunStopsCleanly()
{
    const QString source = m_workspace.filePath(u"terminated/videos"_s);
    ServerProcess server;
    QVERIFY2(server.start(), server.standardError().constData());
    const qint64 runId = startSlowRun(server, source);
    QVERIFY(runId > 0);

    QCOMPARE(server.stop(), 0);

    QTRY_COMPARE_WITH_TIMEOUT(rsyncProcessesWith(source), QList<qint64>(), 5000);
    const RestartReport report = restartAndInspect(server.dataDir(), runId);
    QCOMPARE(report.run.value(u"status"_s).toString(), u"failed"_s);
    const QString error = report.run.value(u"error_message"_s).toString();
    QVERIFY2(error.startsWith(u"interrupted"_s), qPrintable(error));
    QVERIFY(!report.run.value(u"completed_at"_s).toString().isEmpty());
    QVERIFY(!report.errorLines.isEmpty());
    QCOMPARE(report.cancelStatus, 409);
    QCOMPARE(report.stopExitCode, 0);
}

QTEST_GUILESS_MAIN(TestServerLifecycle)
#include "tst_serverlifecycle.moc"
