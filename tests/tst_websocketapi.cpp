#include "apiclient.h"
#include "serverprocess.h"
#include "testtree.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace {

using Headers = QList<QPair<QByteArray, QByteArray>>;

constexpr int kRunTimeoutMs = 30000;
constexpr int kCloseNormal = 1000;
constexpr int kClosePolicyViolation = 1008;
// The application close code for a run that does not exist, after HTTP's 404.
constexpr int kCloseUnknownRun = 4404;

bool isFinished(const QString &status)
{
    return status == u"completed"_s || status == u"partial"_s || status == u"failed"_s
        || status == u"cancelled"_s;
}

QList<QJsonObject> ofType(const QList<QJsonObject> &messages, const QString &type, qint64 runId = 0)
{
    QList<QJsonObject> matching;
    for (const QJsonObject &message : messages) {
        if (message.value(u"type"_s).toString() == type
            && (runId == 0 || message.value(u"run_id"_s).toInteger() == runId))
            matching << message;
    }
    return matching;
}

qsizetype indexOfType(const QList<QJsonObject> &messages, const QString &type, qint64 runId)
{
    for (qsizetype i = 0; i < messages.size(); ++i) {
        if (messages.at(i).value(u"type"_s).toString() == type
            && messages.at(i).value(u"run_id"_s).toInteger() == runId)
            return i;
    }
    return -1;
}

QList<qint64> idsOf(const QList<QJsonObject> &entries)
{
    QList<qint64> ids;
    for (const QJsonObject &entry : entries)
        ids << entry.value(u"id"_s).toInteger();
    return ids;
}

QList<QJsonObject> objectsOf(const QJsonArray &array)
{
    QList<QJsonObject> objects;
    for (const QJsonValue &value : array)
        objects << value.toObject();
    return objects;
}

} // namespace

class TestWebSocketApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void statusFeedReportsRun();
    void logStreamFollowsRun();
    void logStreamReplaysFinishedRun();
    void badTokenCloses_data();
    void badTokenCloses();
    void cookieAuthenticates();
    void originChecked_data();
    void originChecked();
    void unknownRunCloses_data();
    void unknownRunCloses();
    void logoutClosesSessionSockets();

private:
    QUrl socketUrl(const QString &path, const QByteArray &token = {}) const;
    QByteArray ownOrigin() const
    {
        return "http://127.0.0.1:" + QByteArray::number(m_server->port());
    }
    qint64 createJob(const QString &name, const QString &source,
                     const QJsonObject &syncOptions = {});
    qint64 startRun(qint64 jobId);
    QJsonObject waitForRunEnd(qint64 runId);

    QTemporaryDir m_workspace;
    std::unique_ptr<ServerProcess> m_server;
    std::unique_ptr<ApiClient> m_client;
    qint64 m_quickJob = 0;
    qint64 m_finishedRun = 0;
};

void TestWebSocketApi::initTestCase()
{
    QVERIFY(m_workspace.isValid());
    const QString quick = m_workspace.filePath(u"quick"_s);
    QVERIFY(QDir().mkpath(quick));
    QVERIFY(TestTree(quick).addFiles(TestTree::awkwardFiles()));
    QVERIFY(QDir().mkpath(m_workspace.filePath(u"drive"_s)));

    m_server = std::make_unique<ServerProcess>();
    QVERIFY2(m_server->start(), m_server->standardError().constData());
    m_client = std::make_unique<ApiClient>(m_server->baseUrl());
    QCOMPARE(m_client->setUpAdmin().status / 100, 2);
    m_quickJob = createJob(u"Quick"_s, quick);
    QVERIFY(m_quickJob > 0);
}

void TestWebSocketApi::cleanupTestCase()
{
    m_client.reset();
    if (m_server && m_server->port() != 0)
        QCOMPARE(m_server->stop(), 0);
}

QUrl TestWebSocketApi::socketUrl(const QString &path, const QByteArray &token) const
{
    QUrl url(u"ws://127.0.0.1:%1"_s.arg(m_server->port()) + path);
    if (!token.isNull()) {
        QUrlQuery query;
        query.addQueryItem(u"token"_s, QString::fromLatin1(token));
        url.setQuery(query);
    }
    return url;
}

qint64 TestWebSocketApi::createJob(const QString &name, const QString &source,
                                   const QJsonObject &syncOptions)
{
    const QJsonObject body{
        {u"name"_s, name},
        {u"source_dirs"_s, QJsonArray{source}},
        {u"destination_type"_s, u"local"_s},
        {u"destination_config"_s,
         QJsonObject{{u"mount_point"_s, m_workspace.filePath(u"drive"_s)}}},
        {u"sync_options"_s, syncOptions},
    };
    const HttpReply reply = m_client->post(u"/api/jobs"_s, body);
    if (reply.status != 201)
        qWarning() << "POST /api/jobs returned" << reply.status << reply.body;
    return reply.object().value(u"id"_s).toInteger();
}

qint64 TestWebSocketApi::startRun(qint64 jobId)
{
    const HttpReply reply = m_client->post(u"/api/jobs/%1/run"_s.arg(jobId));
    if (reply.status != 200 && reply.status != 202)
        qWarning() << "POST /api/jobs/" << jobId << "/run returned" << reply.status << reply.body;
    return reply.object().value(u"run_id"_s).toInteger();
}

QJsonObject TestWebSocketApi::waitForRunEnd(qint64 runId)
{
    const QDeadlineTimer deadline(kRunTimeoutMs);
    QJsonObject run = m_client->get(u"/api/runs/%1"_s.arg(runId)).object();
    while (!isFinished(run.value(u"status"_s).toString()) && !deadline.hasExpired()) {
        QTest::qWait(50);
        run = m_client->get(u"/api/runs/%1"_s.arg(runId)).object();
    }
    return run;
}

void TestWebSocketApi::statusFeedReportsRun()
{
    WebSocketClient feed;
    QVERIFY(feed.open(socketUrl(u"/api/ws/status"_s, m_client->tokenCookie())));

    const qint64 runId = startRun(m_quickJob);
    QVERIFY(runId > 0);
    QVERIFY(feed.waitFor(
        [runId](const QList<QJsonObject> &messages) {
            return !ofType(messages, u"job_completed"_s, runId).isEmpty();
        },
        kRunTimeoutMs));
    m_finishedRun = runId;

    const QList<QJsonObject> started = ofType(feed.messages, u"job_started"_s, runId);
    QCOMPARE(started.size(), 1);
    QCOMPARE(started.at(0).value(u"job_id"_s).toInteger(), m_quickJob);
    QCOMPARE(started.at(0).value(u"job_name"_s).toString(), u"Quick"_s);
    const QList<QJsonObject> completed = ofType(feed.messages, u"job_completed"_s, runId);
    QCOMPARE(completed.size(), 1);
    QCOMPARE(completed.at(0).value(u"job_id"_s).toInteger(), m_quickJob);
    QCOMPARE(completed.at(0).value(u"job_name"_s).toString(), u"Quick"_s);
    QCOMPARE(completed.at(0).value(u"status"_s).toString(), u"completed"_s);
    QVERIFY(indexOfType(feed.messages, u"job_started"_s, runId)
            < indexOfType(feed.messages, u"job_completed"_s, runId));

    // Progress is optional for a run this small, but when it comes it sits between start and end.
    const qsizetype end = indexOfType(feed.messages, u"job_completed"_s, runId);
    for (qsizetype i = 0; i < feed.messages.size(); ++i) {
        const QJsonObject &message = feed.messages.at(i);
        if (message.value(u"type"_s).toString() != u"job_progress"_s
            || message.value(u"run_id"_s).toInteger() != runId)
            continue;
        QVERIFY(i < end);
        QCOMPARE(message.value(u"job_id"_s).toInteger(), m_quickJob);
        QVERIFY(message.value(u"files_transferred"_s).isDouble());
        QVERIFY(message.value(u"bytes_transferred"_s).isDouble());
    }
    QVERIFY(!feed.closed);
}

void TestWebSocketApi::logStreamFollowsRun()
{
    // The big file takes about 5 s at 200 KiB/s, so the client connects while the run is going.
    const QString source = m_workspace.filePath(u"live"_s);
    QVERIFY(QDir().mkpath(source));
    QVERIFY(TestTree(source).addFiles(
        {{u"a first.txt"_s, 100}, {u"b second.txt"_s, 200}, {u"c big.bin"_s, 1024 * 1024}}));
    const qint64 jobId = createJob(u"Live"_s, source, {{u"bandwidth_limit_kbps"_s, 200}});
    QVERIFY(jobId > 0);
    const qint64 runId = startRun(jobId);
    QVERIFY(runId > 0);
    QTRY_COMPARE_WITH_TIMEOUT(
        m_client->get(u"/api/runs/%1"_s.arg(runId)).object().value(u"status"_s).toString(),
        u"running"_s, 10000);

    WebSocketClient stream;
    QVERIFY(stream.open(socketUrl(u"/api/ws/logs/%1"_s.arg(runId), m_client->tokenCookie())));
    QVERIFY(stream.waitForClose(kRunTimeoutMs));

    QCOMPARE(stream.closeCode, kCloseNormal);
    QVERIFY(!stream.messages.isEmpty());
    const QJsonObject last = stream.messages.last();
    QCOMPARE(last.value(u"type"_s).toString(), u"status"_s);
    QCOMPARE(last.value(u"run_id"_s).toInteger(), runId);
    QCOMPARE(last.value(u"status"_s).toString(), u"completed"_s);
    QCOMPARE(last.value(u"files_transferred"_s), QJsonValue(3));
    QCOMPARE(last.value(u"bytes_transferred"_s), QJsonValue(100 + 200 + 1024 * 1024));

    const QList<QJsonObject> lines = ofType(stream.messages, u"log"_s);
    for (const QJsonObject &line : lines) {
        QCOMPARE(line.value(u"run_id"_s).toInteger(), runId);
        QVERIFY(line.value(u"timestamp"_s).isString());
        QVERIFY(line.value(u"level"_s).isString());
        QVERIFY(line.value(u"message"_s).isString());
    }
    // Every stored line arrives once, in order, whether it was replayed or sent live.
    const QList<QJsonObject> stored =
        objectsOf(m_client->get(u"/api/runs/%1/logs"_s.arg(runId)).array());
    QCOMPARE(idsOf(lines), idsOf(stored));
    QStringList messages;
    for (const QJsonObject &line : lines)
        messages << line.value(u"message"_s).toString();
    for (const QString &name : {u"a first.txt"_s, u"b second.txt"_s, u"c big.bin"_s})
        QVERIFY2(messages.contains(name) || messages.contains(u"live/"_s + name), qPrintable(name));
}

void TestWebSocketApi::logStreamReplaysFinishedRun()
{
    QVERIFY(m_finishedRun > 0);
    QCOMPARE(waitForRunEnd(m_finishedRun).value(u"status"_s).toString(), u"completed"_s);

    WebSocketClient stream;
    stream.open(socketUrl(u"/api/ws/logs/%1"_s.arg(m_finishedRun), m_client->tokenCookie()));
    QVERIFY(stream.waitForClose());

    QCOMPARE(stream.closeCode, kCloseNormal);
    const QList<QJsonObject> stored =
        objectsOf(m_client->get(u"/api/runs/%1/logs"_s.arg(m_finishedRun)).array());
    QVERIFY(!stored.isEmpty());
    const QList<QJsonObject> lines = ofType(stream.messages, u"log"_s);
    QCOMPARE(idsOf(lines), idsOf(stored));
    for (qsizetype i = 0; i < lines.size() && i < stored.size(); ++i)
        QCOMPARE(lines.at(i).value(u"message"_s), stored.at(i).value(u"message"_s));
    QVERIFY(!stream.messages.isEmpty());
    const QJsonObject last = stream.messages.last();
    QCOMPARE(last.value(u"type"_s).toString(), u"status"_s);
    QCOMPARE(last.value(u"status"_s).toString(), u"completed"_s);
    QCOMPARE(last.value(u"files_transferred"_s), QJsonValue(TestTree::awkwardFiles().size()));
}

void TestWebSocketApi::badTokenCloses_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("token");

    QByteArray tampered = m_client->tokenCookie();
    QVERIFY(tampered.count('.') == 2);
    const qsizetype signature = tampered.lastIndexOf('.') + 1;
    tampered[signature] = tampered.at(signature) == 'A' ? 'B' : 'A';

    const QList<QPair<const char *, QString>> paths{
        {"status", u"/api/ws/status"_s},
        {"logs", u"/api/ws/logs/%1"_s.arg(m_finishedRun)},
    };
    for (const auto &[name, path] : paths) {
        QTest::addRow("%s garbage", name) << path << QByteArray("not-a-token");
        QTest::addRow("%s tampered", name) << path << tampered;
        QTest::addRow("%s empty", name) << path << QByteArray("");
        QTest::addRow("%s absent", name) << path << QByteArray();
    }
}

void TestWebSocketApi::badTokenCloses()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, token);

    WebSocketClient socket;
    socket.open(socketUrl(path, token));

    QVERIFY(socket.waitForClose(5000));
    QCOMPARE(socket.closeCode, kClosePolicyViolation);
    QCOMPARE(socket.messages.size(), 0);
}

void TestWebSocketApi::cookieAuthenticates()
{
    WebSocketClient feed;
    QVERIFY(feed.open(socketUrl(u"/api/ws/status"_s),
                      {{"Cookie", "token=" + m_client->tokenCookie()}}));

    const qint64 runId = startRun(m_quickJob);
    QVERIFY(runId > 0);

    QVERIFY(feed.waitFor(
        [runId](const QList<QJsonObject> &messages) {
            return !ofType(messages, u"job_completed"_s, runId).isEmpty();
        },
        kRunTimeoutMs));
    QVERIFY(!feed.closed);

    WebSocketClient stream;
    stream.open(socketUrl(u"/api/ws/logs/%1"_s.arg(runId)),
                {{"Cookie", "token=" + m_client->tokenCookie()}});
    QVERIFY(stream.waitForClose());
    QCOMPARE(stream.closeCode, kCloseNormal);
    QVERIFY(!ofType(stream.messages, u"log"_s).isEmpty());
}

void TestWebSocketApi::originChecked_data()
{
    QTest::addColumn<QByteArray>("origin");
    QTest::addColumn<bool>("viaCookie");
    QTest::addColumn<int>("closeCode");

    QTest::newRow("foreign, token")
        << QByteArray("http://evil.example") << false << kClosePolicyViolation;
    QTest::newRow("foreign, cookie")
        << QByteArray("http://evil.example") << true << kClosePolicyViolation;
    QTest::newRow("other port, cookie")
        << QByteArray("http://127.0.0.1:1") << true << kClosePolicyViolation;
    QTest::newRow("null, cookie") << QByteArray("null") << true << kClosePolicyViolation;
    QTest::newRow("same origin, token") << ownOrigin() << false << kCloseNormal;
    QTest::newRow("same origin, cookie") << ownOrigin() << true << kCloseNormal;
}

void TestWebSocketApi::originChecked()
{
    QFETCH(QByteArray, origin);
    QFETCH(bool, viaCookie);
    QFETCH(int, closeCode);

    // The log stream of a finished run replays and closes normally once the client is accepted.
    const QString path = u"/api/ws/logs/%1"_s.arg(m_finishedRun);
    Headers headers{{"Origin", origin}};
    if (viaCookie)
        headers.append({"Cookie", "token=" + m_client->tokenCookie()});
    WebSocketClient socket;
    socket.open(viaCookie ? socketUrl(path) : socketUrl(path, m_client->tokenCookie()), headers);

    QVERIFY(socket.waitForClose(5000));
    QCOMPARE(socket.closeCode, closeCode);
    QCOMPARE(socket.messages.isEmpty(), closeCode != kCloseNormal);
}

void TestWebSocketApi::unknownRunCloses_data()
{
    QTest::addColumn<QString>("run");

    QTest::newRow("unknown id") << u"999999"_s;
    QTest::newRow("zero") << u"0"_s;
    QTest::newRow("text") << u"abc"_s;
    QTest::newRow("negative") << u"-1"_s;
}

void TestWebSocketApi::unknownRunCloses()
{
    QFETCH(QString, run);

    WebSocketClient socket;
    socket.open(socketUrl(u"/api/ws/logs/"_s + run, m_client->tokenCookie()));

    QVERIFY(socket.waitForClose(5000));
    QCOMPARE(socket.closeCode, kCloseUnknownRun);
    QCOMPARE(socket.messages.size(), 0);
}

void TestWebSocketApi::logoutClosesSessionSockets()
{
    ApiClient other(m_server->baseUrl());
    QCOMPARE(other.login(u"admin"_s, u"securepassword123"_s).status, 200);
    const QByteArray otherToken = other.tokenCookie();
    WebSocketClient ending;
    WebSocketClient endingByCookie;
    WebSocketClient staying;
    QVERIFY(ending.open(socketUrl(u"/api/ws/status"_s, otherToken)));
    QVERIFY(
        endingByCookie.open(socketUrl(u"/api/ws/status"_s), {{"Cookie", "token=" + otherToken}}));
    QVERIFY(staying.open(socketUrl(u"/api/ws/status"_s, m_client->tokenCookie())));

    QCOMPARE(other.post(u"/api/auth/logout"_s).status, 200);

    QVERIFY(ending.waitForClose(5000));
    QVERIFY(endingByCookie.waitForClose(5000));
    QCOMPARE(ending.closeCode, kClosePolicyViolation);
    QTest::qWait(200);
    QVERIFY(!staying.closed);

    WebSocketClient reconnect;
    reconnect.open(socketUrl(u"/api/ws/status"_s, otherToken));
    QVERIFY(reconnect.waitForClose(5000));
    QCOMPARE(reconnect.closeCode, kClosePolicyViolation);
}

QTEST_GUILESS_MAIN(TestWebSocketApi)
#include "tst_websocketapi.moc"
