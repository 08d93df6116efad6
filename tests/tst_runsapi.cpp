#include "apiclient.h"
#include "processes.h"
#include "serverprocess.h"
#include "testtree.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::StringLiterals;

namespace {

// Small trees take well under a second, and the margin is for a loaded CI machine.
constexpr int kRunTimeoutMs = 30000;
// A file that takes about 100 s at kSlowKibPerSecond, so a run of it is still going when a test
// acts.
constexpr qint64 kSlowFileBytes = 20 * 1024 * 1024;
constexpr int kSlowKibPerSecond = 200;

bool isFinished(const QString &status)
{
    return status == u"completed"_s || status == u"partial"_s || status == u"failed"_s
        || status == u"cancelled"_s;
}

bool isApiTime(const QJsonValue &value)
{
    const QString text = value.toString();
    return text.endsWith(u'Z') && QDateTime::fromString(text, Qt::ISODateWithMs).isValid();
}

QDateTime apiTime(const QJsonValue &value)
{
    return QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
}

qint64 totalSize(const QList<TestTree::File> &files)
{
    qint64 total = 0;
    for (const TestTree::File &file : files)
        total += file.size;
    return total;
}

QStringList logMessages(const QJsonArray &entries, const QString &level = QString())
{
    QStringList messages;
    for (const QJsonValue &entry : entries) {
        if (level.isEmpty() || entry.toObject().value(u"level"_s).toString() == level)
            messages << entry.toObject().value(u"message"_s).toString();
    }
    return messages;
}

} // namespace

class TestRunsApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void runCompletes();
    void completedRunFields_data();
    void completedRunFields();
    void runCopiesTree();
    void runRecordsCommand();
    void runRecordsTimes();
    void logEntriesHaveFields();
    void logsNameEachFile_data();
    void logsNameEachFile();
    void logsQuery_data();
    void logsQuery();
    void logsRejectInvalidQuery_data();
    void logsRejectInvalidQuery();
    void runsOfJobListed();
    void runsOfJobRejectInvalidQuery_data();
    void runsOfJobRejectInvalidQuery();
    void invalidRunId_data();
    void invalidRunId();
    void secondRunCopiesNothing();
    void deleteExtraneousRemovesFile();
    void dryRunWritesNothing();
    void missingSourceFails();
    void missingDestinationFails();
    void runningJobConflicts();
    void cancelIdleJobConflicts();
    void deleteRunRemovesIt();
    void deleteRunsOfJob();
    void deleteAllRuns();
    void pruneKeepsNewestRuns();
    void settingsHaveDefaults();
    void settingsUpdate();
    void settingsRejectInvalid_data();
    void settingsRejectInvalid();
    void concurrencyLimitQueuesRuns();

private:
    QString workspacePath(const QString &name) const { return m_workspace.filePath(name); }
    QString awkwardSource() const { return workspacePath(u"my documents"_s); }
    QString awkwardTarget() const
    {
        return workspacePath(u"backup drive/daily/set/my documents"_s);
    }
    QJsonObject localJob(const QString &name, const QString &source, const QString &mountPoint,
                         const QJsonObject &syncOptions = {}) const;
    static qint64 createJob(ApiClient &client, const QJsonObject &body);
    static qint64 startRun(ApiClient &client, qint64 jobId);
    static QJsonObject waitForRunEnd(ApiClient &client, qint64 runId,
                                     int timeoutMs = kRunTimeoutMs);
    static QJsonObject waitForStatus(ApiClient &client, qint64 runId, const QString &status);
    QJsonObject runToEnd(qint64 jobId);
    QJsonArray logsOf(qint64 runId, const QString &query = QString());
    bool makeTree(const QString &root, const QList<TestTree::File> &files) const;

    QTemporaryDir m_workspace;
    std::unique_ptr<ServerProcess> m_server;
    std::unique_ptr<ApiClient> m_client;
    qint64 m_jobId = 0;
    QJsonObject m_run;
};

void TestRunsApi::initTestCase()
{
    QVERIFY(m_workspace.isValid());
    QVERIFY(makeTree(awkwardSource(), TestTree::awkwardFiles()));
    QVERIFY(QDir().mkpath(workspacePath(u"backup drive"_s)));

    m_server = std::make_unique<ServerProcess>();
    QVERIFY2(m_server->start(), m_server->standardError().constData());
    m_client = std::make_unique<ApiClient>(m_server->baseUrl());
    QCOMPARE(m_client->setUpAdmin().status / 100, 2);
}

void TestRunsApi::cleanupTestCase()
{
    m_client.reset();
    if (m_server && m_server->port() != 0)
        QCOMPARE(m_server->stop(), 0);
}

bool TestRunsApi::makeTree(const QString &root, const QList<TestTree::File> &files) const
{
    return QDir().mkpath(root) && TestTree(root).addFiles(files);
}

QJsonObject TestRunsApi::localJob(const QString &name, const QString &source,
                                  const QString &mountPoint, const QJsonObject &syncOptions) const
{
    return {
        {u"name"_s, name},
        {u"source_dirs"_s, QJsonArray{source}},
        {u"destination_type"_s, u"local"_s},
        {u"destination_config"_s, QJsonObject{{u"mount_point"_s, mountPoint}}},
        {u"sync_options"_s, syncOptions},
    };
}

qint64 TestRunsApi::createJob(ApiClient &client, const QJsonObject &body)
{
    const HttpReply reply = client.post(u"/api/jobs"_s, body);
    if (reply.status != 201)
        qWarning() << "POST /api/jobs returned" << reply.status << reply.body;
    return reply.object().value(u"id"_s).toInteger();
}

qint64 TestRunsApi::startRun(ApiClient &client, qint64 jobId)
{
    const HttpReply reply = client.post(u"/api/jobs/%1/run"_s.arg(jobId));
    if (reply.status != 200 && reply.status != 202)
        qWarning() << "POST /api/jobs/" << jobId << "/run returned" << reply.status << reply.body;
    return reply.object().value(u"run_id"_s).toInteger();
}

// Polls the run until it ends and returns its last state, which is still active after a timeout.
QJsonObject TestRunsApi::waitForRunEnd(ApiClient &client, qint64 runId, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    QJsonObject run = client.get(u"/api/runs/%1"_s.arg(runId)).object();
    while (!isFinished(run.value(u"status"_s).toString()) && !deadline.hasExpired()) {
        QTest::qWait(50);
        run = client.get(u"/api/runs/%1"_s.arg(runId)).object();
    }
    return run;
}

QJsonObject TestRunsApi::waitForStatus(ApiClient &client, qint64 runId, const QString &status)
{
    const QDeadlineTimer deadline(kRunTimeoutMs);
    QJsonObject run = client.get(u"/api/runs/%1"_s.arg(runId)).object();
    while (run.value(u"status"_s).toString() != status && !deadline.hasExpired()) {
        QTest::qWait(50);
        run = client.get(u"/api/runs/%1"_s.arg(runId)).object();
    }
    return run;
}

QJsonObject TestRunsApi::runToEnd(qint64 jobId)
{
    const qint64 runId = startRun(*m_client, jobId);
    return runId > 0 ? waitForRunEnd(*m_client, runId) : QJsonObject();
}

QJsonArray TestRunsApi::logsOf(qint64 runId, const QString &query)
{
    return m_client->get(u"/api/runs/%1/logs"_s.arg(runId) + query).array();
}

void TestRunsApi::runCompletes()
{
    QJsonObject job =
        localJob(u"Awkward names"_s, awkwardSource(), workspacePath(u"backup drive"_s));
    job.insert(u"destination_config"_s,
               QJsonObject{{u"mount_point"_s, workspacePath(u"backup drive"_s)},
                           {u"backup_subdir"_s, u"daily/set"_s}});
    m_jobId = createJob(*m_client, job);
    QVERIFY(m_jobId > 0);

    const HttpReply started = m_client->post(u"/api/jobs/%1/run"_s.arg(m_jobId));

    QVERIFY2(started.status == 200 || started.status == 202, started.body.constData());
    const qint64 runId = started.object().value(u"run_id"_s).toInteger();
    QVERIFY(runId > 0);
    QCOMPARE(started.object().value(u"message"_s).toString(), u"Job started"_s);
    m_run = waitForRunEnd(*m_client, runId);
    QCOMPARE(m_run.value(u"status"_s).toString(), u"completed"_s);
}

void TestRunsApi::completedRunFields_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QJsonValue>("expected");

    const QList<TestTree::File> files = TestTree::awkwardFiles();
    QTest::newRow("id") << u"id"_s << m_run.value(u"id"_s);
    QTest::newRow("job_id") << u"job_id"_s << QJsonValue(m_jobId);
    QTest::newRow("job_name") << u"job_name"_s << QJsonValue(u"Awkward names"_s);
    QTest::newRow("trigger") << u"trigger"_s << QJsonValue(u"manual"_s);
    QTest::newRow("schedule_id") << u"schedule_id"_s << QJsonValue(QJsonValue::Null);
    QTest::newRow("files_transferred") << u"files_transferred"_s << QJsonValue(files.size());
    QTest::newRow("bytes_transferred") << u"bytes_transferred"_s << QJsonValue(totalSize(files));
    QTest::newRow("files_deleted") << u"files_deleted"_s << QJsonValue(0);
    QTest::newRow("exit_code") << u"exit_code"_s << QJsonValue(0);
    QTest::newRow("error_message") << u"error_message"_s << QJsonValue(QJsonValue::Null);
}

void TestRunsApi::completedRunFields()
{
    QFETCH(QString, field);
    QFETCH(QJsonValue, expected);

    QVERIFY2(m_run.contains(field), qPrintable(u"field missing: "_s + field));
    QCOMPARE(m_run.value(field), expected);
}

void TestRunsApi::runCopiesTree()
{
    const QString differences = compareTrees(awkwardSource(), awkwardTarget());
    QVERIFY2(differences.isEmpty(), qPrintable(differences));
}

void TestRunsApi::runRecordsCommand()
{
    const QJsonArray commands = m_run.value(u"commands"_s).toArray();
    QCOMPARE(commands.size(), 1);
    QStringList argv;
    for (const QJsonValue &argument : commands.at(0).toArray())
        argv << argument.toString();

    QVERIFY2(QFileInfo(argv.value(0)).fileName() == u"rsync"_s, qPrintable(argv.join(u' ')));
    // Options end with "--", and the two paths follow it, so a name starting with '-' stays a path.
    QCOMPARE(argv.indexOf(u"--"_s), argv.size() - 3);
    QCOMPARE(QDir::cleanPath(argv.at(argv.size() - 2)), awkwardSource());
    QCOMPARE(QDir::cleanPath(argv.at(argv.size() - 1)), awkwardTarget());
}

void TestRunsApi::runRecordsTimes()
{
    QVERIFY(isApiTime(m_run.value(u"started_at"_s)));
    QVERIFY(isApiTime(m_run.value(u"completed_at"_s)));
    QVERIFY(apiTime(m_run.value(u"completed_at"_s)) >= apiTime(m_run.value(u"started_at"_s)));

    const QJsonObject lastRun =
        m_client->get(u"/api/jobs/%1"_s.arg(m_jobId)).object().value(u"last_run"_s).toObject();
    const QJsonObject expected{{u"id"_s, m_run.value(u"id"_s)},
                               {u"status"_s, u"completed"_s},
                               {u"started_at"_s, m_run.value(u"started_at"_s)},
                               {u"completed_at"_s, m_run.value(u"completed_at"_s)}};
    QCOMPARE(lastRun, expected);
}

void TestRunsApi::logEntriesHaveFields()
{
    const HttpReply reply =
        m_client->get(u"/api/runs/%1/logs"_s.arg(m_run.value(u"id"_s).toInteger()));

    QCOMPARE(reply.status, 200);
    const QJsonArray entries = reply.array();
    QVERIFY(!entries.isEmpty());
    qint64 previousId = 0;
    for (const QJsonValue &value : entries) {
        const QJsonObject entry = value.toObject();
        QCOMPARE(entry.keys(),
                 (QStringList{u"id"_s, u"level"_s, u"message"_s, u"run_id"_s, u"timestamp"_s}));
        QVERIFY(entry.value(u"id"_s).toInteger() > previousId);
        previousId = entry.value(u"id"_s).toInteger();
        QCOMPARE(entry.value(u"run_id"_s), m_run.value(u"id"_s));
        QVERIFY2(isApiTime(entry.value(u"timestamp"_s)),
                 qPrintable(entry.value(u"timestamp"_s).toString()));
        const QString level = entry.value(u"level"_s).toString();
        QVERIFY2(level == u"info"_s || level == u"warning"_s || level == u"error"_s,
                 qPrintable(level));
    }
    QCOMPARE(logMessages(entries, u"error"_s), QStringList());
}

void TestRunsApi::logsNameEachFile_data()
{
    QTest::addColumn<QString>("path");

    for (const TestTree::File &file : TestTree::awkwardFiles())
        QTest::newRow(qPrintable(QString(file.relativePath).replace(u'\n', u"\\n"_s)))
            << file.relativePath;
}

void TestRunsApi::logsNameEachFile()
{
    QFETCH(QString, path);

    // A file line is the path under the source, optionally led by the source folder's name.
    const QStringList messages = logMessages(logsOf(m_run.value(u"id"_s).toInteger()), u"info"_s);
    const qsizetype lines = messages.count(path) + messages.count(u"my documents/"_s + path);
    QVERIFY2(lines == 1, qPrintable(messages.join(u" | "_s)));
}

void TestRunsApi::logsQuery_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<int>("offset");
    QTest::addColumn<int>("limit");
    QTest::addColumn<QString>("level");

    QTest::newRow("no parameters") << QString() << 0 << 1000 << QString();
    QTest::newRow("limit") << u"?limit=2"_s << 0 << 2 << QString();
    QTest::newRow("offset") << u"?offset=3"_s << 3 << 1000 << QString();
    QTest::newRow("limit and offset") << u"?limit=2&offset=1"_s << 1 << 2 << QString();
    QTest::newRow("offset past end") << u"?offset=100000"_s << 100000 << 1000 << QString();
    QTest::newRow("level info") << u"?level=info"_s << 0 << 1000 << u"info"_s;
    QTest::newRow("level error") << u"?level=error"_s << 0 << 1000 << u"error"_s;
    QTest::newRow("level warning and limit")
        << u"?level=warning&limit=1"_s << 0 << 1 << u"warning"_s;
}

void TestRunsApi::logsQuery()
{
    QFETCH(QString, query);
    QFETCH(int, offset);
    QFETCH(int, limit);
    QFETCH(QString, level);

    const qint64 runId = m_run.value(u"id"_s).toInteger();
    QJsonArray expected;
    for (const QJsonValue &entry : logsOf(runId)) {
        if (level.isEmpty() || entry.toObject().value(u"level"_s).toString() == level)
            expected.append(entry);
    }
    QJsonArray window;
    for (qsizetype i = offset; i < expected.size() && i < qsizetype(offset) + limit; ++i)
        window.append(expected.at(i));

    const HttpReply reply = m_client->get(u"/api/runs/%1/logs"_s.arg(runId) + query);

    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.array(), window);
}

void TestRunsApi::logsRejectInvalidQuery_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("parameter");

    QTest::newRow("limit 0") << u"limit=0"_s << u"limit"_s;
    QTest::newRow("limit negative") << u"limit=-1"_s << u"limit"_s;
    QTest::newRow("limit text") << u"limit=abc"_s << u"limit"_s;
    QTest::newRow("limit fraction") << u"limit=1.5"_s << u"limit"_s;
    QTest::newRow("limit huge") << u"limit=99999999999"_s << u"limit"_s;
    QTest::newRow("limit empty") << u"limit="_s << u"limit"_s;
    QTest::newRow("offset negative") << u"offset=-1"_s << u"offset"_s;
    QTest::newRow("offset text") << u"offset=x"_s << u"offset"_s;
    QTest::newRow("level unknown") << u"level=loud"_s << u"level"_s;
    QTest::newRow("level empty") << u"level="_s << u"level"_s;
}

void TestRunsApi::logsRejectInvalidQuery()
{
    QFETCH(QString, query);
    QFETCH(QString, parameter);

    const HttpReply reply =
        m_client->get(u"/api/runs/%1/logs?"_s.arg(m_run.value(u"id"_s).toInteger()) + query);

    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.object().value(u"error"_s).toString(), u"Invalid request"_s);
    const QString message = reply.object().value(u"message"_s).toString();
    QVERIFY2(message.contains(parameter), qPrintable(message));
}

void TestRunsApi::runsOfJobListed()
{
    const HttpReply reply = m_client->get(u"/api/jobs/%1/runs"_s.arg(m_jobId));

    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.array().size(), 1);
    QCOMPARE(reply.array().at(0).toObject(), m_run);
    QCOMPARE(m_client->get(u"/api/runs/%1"_s.arg(m_run.value(u"id"_s).toInteger())).object(),
             m_run);
    QCOMPARE(m_client->get(u"/api/jobs/%1/runs?limit=1&offset=1"_s.arg(m_jobId)).array(),
             QJsonArray());
    QCOMPARE(m_client->get(u"/api/jobs/999/runs"_s).status, 404);
    QCOMPARE(m_client->get(u"/api/jobs/abc/runs"_s).status, 400);
}

void TestRunsApi::runsOfJobRejectInvalidQuery_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("parameter");

    QTest::newRow("limit 0") << u"limit=0"_s << u"limit"_s;
    QTest::newRow("limit text") << u"limit=ten"_s << u"limit"_s;
    QTest::newRow("limit negative") << u"limit=-5"_s << u"limit"_s;
    QTest::newRow("offset negative") << u"offset=-1"_s << u"offset"_s;
    QTest::newRow("offset text") << u"offset=one"_s << u"offset"_s;
}

void TestRunsApi::runsOfJobRejectInvalidQuery()
{
    QFETCH(QString, query);
    QFETCH(QString, parameter);

    const HttpReply reply = m_client->get(u"/api/jobs/%1/runs?"_s.arg(m_jobId) + query);

    QCOMPARE(reply.status, 400);
    const QString message = reply.object().value(u"message"_s).toString();
    QVERIFY2(message.contains(parameter), qPrintable(message));
}

void TestRunsApi::invalidRunId_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("status");

    for (const QByteArray &method : {QByteArray("GET"), QByteArray("DELETE")}) {
        QTest::addRow("%s unknown", method.constData()) << method << u"/api/runs/999999"_s << 404;
        QTest::addRow("%s text", method.constData()) << method << u"/api/runs/abc"_s << 400;
        QTest::addRow("%s zero", method.constData()) << method << u"/api/runs/0"_s << 400;
        QTest::addRow("%s negative", method.constData()) << method << u"/api/runs/-3"_s << 400;
    }
    QTest::newRow("logs unknown") << QByteArray("GET") << u"/api/runs/999999/logs"_s << 404;
    QTest::newRow("logs text") << QByteArray("GET") << u"/api/runs/abc/logs"_s << 400;
    QTest::newRow("job runs delete unknown")
        << QByteArray("DELETE") << u"/api/jobs/999999/runs"_s << 404;
    QTest::newRow("job runs delete text") << QByteArray("DELETE") << u"/api/jobs/x/runs"_s << 400;
}

void TestRunsApi::invalidRunId()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(int, status);

    const HttpReply reply = m_client->send(method, path, {});

    QCOMPARE(reply.status, status);
    QCOMPARE(reply.object().value(u"error"_s).toString(),
             status == 404 ? u"Not found"_s : u"Invalid request"_s);
    QVERIFY(!reply.object().value(u"message"_s).toString().isEmpty());
}

void TestRunsApi::secondRunCopiesNothing()
{
    const QJsonObject run = runToEnd(m_jobId);

    QCOMPARE(run.value(u"status"_s).toString(), u"completed"_s);
    QCOMPARE(run.value(u"files_transferred"_s), QJsonValue(0));
    QCOMPARE(run.value(u"bytes_transferred"_s), QJsonValue(0));
    QCOMPARE(run.value(u"files_deleted"_s), QJsonValue(0));
    const QStringList messages = logMessages(logsOf(run.value(u"id"_s).toInteger()));
    for (const TestTree::File &file : TestTree::awkwardFiles())
        QVERIFY2(!messages.contains(file.relativePath), qPrintable(file.relativePath));
    QVERIFY(compareTrees(awkwardSource(), awkwardTarget()).isEmpty());
}

void TestRunsApi::deleteExtraneousRemovesFile()
{
    const QString source = workspacePath(u"mirror/photos"_s);
    const QString mount = workspacePath(u"mirror drive"_s);
    QVERIFY(makeTree(source, {{u"keep.jpg"_s, 100}, {u"remove me.jpg"_s, 200}}));
    QVERIFY(QDir().mkpath(mount));
    const qint64 jobId = createJob(
        *m_client, localJob(u"Mirror"_s, source, mount, {{u"delete_extraneous"_s, true}}));
    QVERIFY(jobId > 0);
    QCOMPARE(runToEnd(jobId).value(u"files_transferred"_s), QJsonValue(2));
    QVERIFY(QFile::exists(mount + u"/photos/remove me.jpg"_s));

    QVERIFY(TestTree(source).removeFile(u"remove me.jpg"_s));
    const QJsonObject run = runToEnd(jobId);

    QCOMPARE(run.value(u"status"_s).toString(), u"completed"_s);
    QCOMPARE(run.value(u"files_deleted"_s), QJsonValue(1));
    QCOMPARE(run.value(u"files_transferred"_s), QJsonValue(0));
    QVERIFY(!QFile::exists(mount + u"/photos/remove me.jpg"_s));
    QVERIFY(QFile::exists(mount + u"/photos/keep.jpg"_s));
    const QStringList messages = logMessages(logsOf(run.value(u"id"_s).toInteger()), u"info"_s);
    QVERIFY2(messages.filter(u"remove me.jpg"_s).size() == 1, qPrintable(messages.join(u" | "_s)));
}

void TestRunsApi::dryRunWritesNothing()
{
    const QString source = workspacePath(u"dry/music"_s);
    const QString mount = workspacePath(u"dry drive"_s);
    QVERIFY(makeTree(source, {{u"song.flac"_s, 500}, {u"album/track 1.flac"_s, 600}}));
    QVERIFY(QDir().mkpath(mount));
    const qint64 jobId =
        createJob(*m_client, localJob(u"Dry run"_s, source, mount, {{u"dry_run"_s, true}}));
    QVERIFY(jobId > 0);

    const QJsonObject run = runToEnd(jobId);

    QCOMPARE(run.value(u"status"_s).toString(), u"completed"_s);
    QCOMPARE(listTree(mount), QStringList());
}

void TestRunsApi::missingSourceFails()
{
    const QString source = workspacePath(u"gone/projects"_s);
    const QString mount = workspacePath(u"gone drive"_s);
    QVERIFY(QDir().mkpath(mount));
    const qint64 jobId = createJob(*m_client, localJob(u"Missing source"_s, source, mount));
    QVERIFY(jobId > 0);

    const QJsonObject run = runToEnd(jobId);

    QCOMPARE(run.value(u"status"_s).toString(), u"failed"_s);
    const QString error = run.value(u"error_message"_s).toString();
    QVERIFY2(error.contains(source), qPrintable(error));
    QCOMPARE(listTree(mount), QStringList());
    const QStringList errors = logMessages(logsOf(run.value(u"id"_s).toInteger()), u"error"_s);
    QVERIFY2(!errors.filter(source).isEmpty(), qPrintable(errors.join(u" | "_s)));
}

void TestRunsApi::missingDestinationFails()
{
    const QString mount = workspacePath(u"unplugged drive"_s);
    const qint64 jobId =
        createJob(*m_client, localJob(u"Missing destination"_s, awkwardSource(), mount));
    QVERIFY(jobId > 0);

    const QJsonObject run = runToEnd(jobId);

    QCOMPARE(run.value(u"status"_s).toString(), u"failed"_s);
    const QString error = run.value(u"error_message"_s).toString();
    QVERIFY2(error.contains(mount), qPrintable(error));
    QVERIFY(!QFileInfo::exists(mount));
}

void TestRunsApi::runningJobConflicts()
{
    const QString source = workspacePath(u"slow/videos"_s);
    const QString mount = workspacePath(u"slow drive"_s);
    QVERIFY(makeTree(source, {{u"big.bin"_s, kSlowFileBytes}}));
    QVERIFY(QDir().mkpath(mount));
    const qint64 jobId = createJob(
        *m_client,
        localJob(u"Slow"_s, source, mount, {{u"bandwidth_limit_kbps"_s, kSlowKibPerSecond}}));
    QVERIFY(jobId > 0);
    const qint64 runId = startRun(*m_client, jobId);
    QVERIFY(runId > 0);
    QCOMPARE(waitForStatus(*m_client, runId, u"running"_s).value(u"status"_s).toString(),
             u"running"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!rsyncProcessesWith(source).isEmpty(), 10000);

    const HttpReply again = m_client->post(u"/api/jobs/%1/run"_s.arg(jobId));
    QCOMPARE(again.status, 409);
    QCOMPARE(again.object().value(u"error"_s).toString(), u"Conflict"_s);
    QCOMPARE(again.object().value(u"run_id"_s).toInteger(), runId);
    QCOMPARE(m_client->remove(u"/api/runs/%1"_s.arg(runId)).status, 409);
    QCOMPARE(m_client->remove(u"/api/jobs/%1"_s.arg(jobId)).status, 409);
    QCOMPARE(m_client->get(u"/api/jobs/%1"_s.arg(jobId))
                 .object()
                 .value(u"last_run"_s)
                 .toObject()
                 .value(u"status"_s),
             QJsonValue(u"running"_s));

    const HttpReply cancelled = m_client->post(u"/api/jobs/%1/cancel"_s.arg(jobId));
    QCOMPARE(cancelled.status, 200);
    QCOMPARE(cancelled.object(), (QJsonObject{{u"message"_s, u"Job cancelled"_s}}));

    const QJsonObject run = waitForRunEnd(*m_client, runId, 15000);
    QCOMPARE(run.value(u"status"_s).toString(), u"cancelled"_s);
    QCOMPARE(run.value(u"files_transferred"_s), QJsonValue(0));
    QTRY_COMPARE_WITH_TIMEOUT(rsyncProcessesWith(source), QList<qint64>(), 5000);
    const HttpReply idle = m_client->post(u"/api/jobs/%1/cancel"_s.arg(jobId));
    QCOMPARE(idle.status, 409);
    QCOMPARE(idle.object().value(u"error"_s).toString(), u"Conflict"_s);
}

void TestRunsApi::cancelIdleJobConflicts()
{
    const qint64 jobId = createJob(
        *m_client, localJob(u"Never run"_s, awkwardSource(), workspacePath(u"backup drive"_s)));
    QVERIFY(jobId > 0);

    const HttpReply reply = m_client->post(u"/api/jobs/%1/cancel"_s.arg(jobId));

    QCOMPARE(reply.status, 409);
    QCOMPARE(reply.object().value(u"error"_s).toString(), u"Conflict"_s);
    QVERIFY(!reply.object().value(u"message"_s).toString().isEmpty());
    QCOMPARE(m_client->get(u"/api/jobs/%1/runs"_s.arg(jobId)).array(), QJsonArray());
}

void TestRunsApi::deleteRunRemovesIt()
{
    const QJsonObject run = runToEnd(m_jobId);
    QCOMPARE(run.value(u"status"_s).toString(), u"completed"_s);
    const QString path = u"/api/runs/%1"_s.arg(run.value(u"id"_s).toInteger());

    const HttpReply reply = m_client->remove(path);

    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object(), (QJsonObject{{u"message"_s, u"Run deleted"_s}}));
    QCOMPARE(m_client->get(path).status, 404);
    QCOMPARE(m_client->get(path + u"/logs"_s).status, 404);
    QCOMPARE(m_client->remove(path).status, 404);
    for (const QJsonValue &listed : m_client->get(u"/api/jobs/%1/runs"_s.arg(m_jobId)).array())
        QVERIFY(listed.toObject().value(u"id"_s) != run.value(u"id"_s));
}

void TestRunsApi::deleteRunsOfJob()
{
    const HttpReply listed = m_client->get(u"/api/jobs/%1/runs"_s.arg(m_jobId));
    const qsizetype count = listed.array().size();
    QVERIFY(count >= 2);

    const HttpReply reply = m_client->remove(u"/api/jobs/%1/runs"_s.arg(m_jobId));

    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object(), (QJsonObject{{u"message"_s, u"Runs deleted"_s}, {u"count"_s, count}}));
    QCOMPARE(m_client->get(u"/api/jobs/%1/runs"_s.arg(m_jobId)).array(), QJsonArray());
    QCOMPARE(m_client->get(u"/api/jobs/%1"_s.arg(m_jobId)).object().value(u"last_run"_s),
             QJsonValue(QJsonValue::Null));
    for (const QJsonValue &run : listed.array())
        QCOMPARE(
            m_client->get(u"/api/runs/%1/logs"_s.arg(run.toObject().value(u"id"_s).toInteger()))
                .status,
            404);
    QCOMPARE(m_client->remove(u"/api/jobs/%1/runs"_s.arg(m_jobId)).object().value(u"count"_s),
             QJsonValue(0));
}

void TestRunsApi::deleteAllRuns()
{
    qsizetype total = 0;
    const QJsonArray jobs = m_client->get(u"/api/jobs"_s).array();
    for (const QJsonValue &job : jobs)
        total += m_client
                     ->get(u"/api/jobs/%1/runs?limit=1000"_s.arg(
                         job.toObject().value(u"id"_s).toInteger()))
                     .array()
                     .size();
    QVERIFY(total > 0);

    const HttpReply reply = m_client->remove(u"/api/runs"_s);

    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object(),
             (QJsonObject{{u"message"_s, u"All runs deleted"_s}, {u"count"_s, total}}));
    for (const QJsonValue &job : jobs) {
        const qint64 id = job.toObject().value(u"id"_s).toInteger();
        QCOMPARE(m_client->get(u"/api/jobs/%1/runs"_s.arg(id)).array(), QJsonArray());
    }
    QCOMPARE(m_client->remove(u"/api/runs"_s).object().value(u"count"_s), QJsonValue(0));
}

void TestRunsApi::pruneKeepsNewestRuns()
{
    const HttpReply limited = m_client->put(u"/api/settings"_s, {{u"max_runs_per_job"_s, 2}});
    QCOMPARE(limited.status, 200);
    QCOMPARE(limited.object().value(u"max_runs_per_job"_s), QJsonValue(2));

    QList<qint64> runIds;
    for (int i = 0; i < 3; ++i) {
        const QJsonObject run = runToEnd(m_jobId);
        QCOMPARE(run.value(u"status"_s).toString(), u"completed"_s);
        runIds << run.value(u"id"_s).toInteger();
    }
    const QJsonArray remaining = m_client->get(u"/api/jobs/%1/runs"_s.arg(m_jobId)).array();
    const HttpReply restored = m_client->put(u"/api/settings"_s, {{u"max_runs_per_job"_s, 10}});

    QCOMPARE(remaining.size(), 2);
    QCOMPARE(remaining.at(0).toObject().value(u"id"_s).toInteger(), runIds.at(2));
    QCOMPARE(remaining.at(1).toObject().value(u"id"_s).toInteger(), runIds.at(1));
    QCOMPARE(m_client->get(u"/api/runs/%1"_s.arg(runIds.at(0))).status, 404);
    QCOMPARE(m_client->get(u"/api/runs/%1/logs"_s.arg(runIds.at(0))).status, 404);
    QCOMPARE(restored.status, 200);
}

void TestRunsApi::settingsHaveDefaults()
{
    const HttpReply reply = m_client->get(u"/api/settings"_s);

    QCOMPARE(reply.status, 200);
    const QJsonObject settings = reply.object();
    QCOMPARE(settings.value(u"max_runs_per_job"_s), QJsonValue(10));
    QVERIFY2(settings.value(u"theme"_s).isString(), reply.body.constData());
}

void TestRunsApi::settingsUpdate()
{
    const QJsonObject before = m_client->get(u"/api/settings"_s).object();

    const HttpReply reply = m_client->put(u"/api/settings"_s, {{u"theme"_s, u"dark"_s}});

    QCOMPARE(reply.status, 200);
    QJsonObject expected = before;
    expected.insert(u"theme"_s, u"dark"_s);
    QCOMPARE(reply.object(), expected);
    QCOMPARE(m_client->get(u"/api/settings"_s).object(), expected);
    QCOMPARE(m_client->put(u"/api/settings"_s, {{u"theme"_s, before.value(u"theme"_s)}}).object(),
             before);
}

void TestRunsApi::settingsRejectInvalid_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<QString>("key");

    QTest::newRow("max_runs_per_job text")
        << QJsonObject{{u"max_runs_per_job"_s, u"ten"_s}} << u"max_runs_per_job"_s;
    QTest::newRow("max_runs_per_job 0")
        << QJsonObject{{u"max_runs_per_job"_s, 0}} << u"max_runs_per_job"_s;
    QTest::newRow("max_runs_per_job negative")
        << QJsonObject{{u"max_runs_per_job"_s, -1}} << u"max_runs_per_job"_s;
    QTest::newRow("max_runs_per_job fraction")
        << QJsonObject{{u"max_runs_per_job"_s, 2.5}} << u"max_runs_per_job"_s;
    QTest::newRow("max_runs_per_job null")
        << QJsonObject{{u"max_runs_per_job"_s, QJsonValue::Null}} << u"max_runs_per_job"_s;
    QTest::newRow("max_runs_per_job boolean")
        << QJsonObject{{u"max_runs_per_job"_s, true}} << u"max_runs_per_job"_s;
    QTest::newRow("theme unknown") << QJsonObject{{u"theme"_s, u"neon"_s}} << u"theme"_s;
    QTest::newRow("theme number") << QJsonObject{{u"theme"_s, 5}} << u"theme"_s;
    QTest::newRow("unknown key") << QJsonObject{{u"colour"_s, u"red"_s}} << u"colour"_s;
    QTest::newRow("valid and invalid together")
        << QJsonObject{{u"theme"_s, u"light"_s}, {u"max_runs_per_job"_s, 0}}
        << u"max_runs_per_job"_s;
}

void TestRunsApi::settingsRejectInvalid()
{
    QFETCH(QJsonObject, body);
    QFETCH(QString, key);
    const QJsonObject before = m_client->get(u"/api/settings"_s).object();

    const HttpReply reply = m_client->put(u"/api/settings"_s, body);

    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.object().value(u"error"_s).toString(), u"Invalid request"_s);
    const QString message = reply.object().value(u"message"_s).toString();
    QVERIFY2(message.contains(key), qPrintable(message));
    QCOMPARE(m_client->get(u"/api/settings"_s).object(), before);
}

void TestRunsApi::concurrencyLimitQueuesRuns()
{
    ServerProcess server;
    QVERIFY2(server.start({u"--max-concurrent-runs"_s, u"1"_s}),
             server.standardError().constData());
    ApiClient client(server.baseUrl());
    QCOMPARE(client.setUpAdmin().status / 100, 2);

    // About 4 s and 1 s at 256 KiB/s.
    const QString firstSource = workspacePath(u"queue/first"_s);
    const QString secondSource = workspacePath(u"queue/second"_s);
    const QString mount = workspacePath(u"queue drive"_s);
    QVERIFY(makeTree(firstSource, {{u"first.bin"_s, 1024 * 1024}}));
    QVERIFY(makeTree(secondSource, {{u"second.bin"_s, 256 * 1024}}));
    QVERIFY(QDir().mkpath(mount));
    const QJsonObject slow{{u"bandwidth_limit_kbps"_s, 256}};
    const qint64 firstJob = createJob(client, localJob(u"First"_s, firstSource, mount, slow));
    const qint64 secondJob = createJob(client, localJob(u"Second"_s, secondSource, mount, slow));
    QVERIFY(firstJob > 0);
    QVERIFY(secondJob > 0);

    const qint64 firstRun = startRun(client, firstJob);
    QCOMPARE(waitForStatus(client, firstRun, u"running"_s).value(u"status"_s).toString(),
             u"running"_s);
    const HttpReply queued = client.post(u"/api/jobs/%1/run"_s.arg(secondJob));
    QVERIFY2(queued.status == 200 || queued.status == 202, queued.body.constData());
    const qint64 secondRun = queued.object().value(u"run_id"_s).toInteger();
    QVERIFY(secondRun > 0);

    QTest::qWait(1000);
    const QJsonObject waiting = client.get(u"/api/runs/%1"_s.arg(secondRun)).object();
    QCOMPARE(client.get(u"/api/runs/%1"_s.arg(firstRun)).object().value(u"status"_s).toString(),
             u"running"_s);
    QCOMPARE(waiting.value(u"status"_s).toString(), u"pending"_s);
    QCOMPARE(waiting.value(u"started_at"_s), QJsonValue(QJsonValue::Null));
    QCOMPARE(client.post(u"/api/jobs/%1/run"_s.arg(secondJob)).status, 409);

    const QJsonObject first = waitForRunEnd(client, firstRun);
    const QJsonObject second = waitForRunEnd(client, secondRun);
    QCOMPARE(first.value(u"status"_s).toString(), u"completed"_s);
    QCOMPARE(second.value(u"status"_s).toString(), u"completed"_s);
    QVERIFY(apiTime(second.value(u"started_at"_s)) >= apiTime(first.value(u"completed_at"_s)));
    QCOMPARE(server.stop(), 0);
}

QTEST_GUILESS_MAIN(TestRunsApi)
#include "tst_runsapi.moc"
