#include "apiclient.h"
#include "serverprocess.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace Qt::StringLiterals;

namespace {

using Headers = QList<QPair<QByteArray, QByteArray>>;

constexpr qint64 kMaxBodyBytes = 1024 * 1024;

// The error titles that the API reference fixes for these status codes.
QString referenceTitle(int status)
{
    switch (status) {
    case 400:
        return u"Invalid request"_s;
    case 401:
        return u"Unauthorized"_s;
    case 403:
        return u"Forbidden"_s;
    case 404:
        return u"Not found"_s;
    case 409:
        return u"Conflict"_s;
    case 429:
        return u"Rate limited"_s;
    case 500:
        return u"Internal error"_s;
    default:
        return {};
    }
}

QStringList splitList(const QByteArray &header)
{
    QStringList items;
    for (const QByteArray &item : header.split(','))
        items << QString::fromLatin1(item.trimmed());
    items.sort();
    return items;
}

} // namespace

class TestHttpErrors : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void healthIsPublic();
    void malformedBodyRejected_data();
    void malformedBodyRejected();
    void wrongMethodRejected_data();
    void wrongMethodRejected();
    void unknownPathNotFound_data();
    void unknownPathNotFound();
    void oversizedBodyRejectedUnread();
    void bodyAtLimitAccepted();
    void chunkedBodyRejected();
    void hostHeaderChecked_data();
    void hostHeaderChecked();
    void originChecked_data();
    void originChecked();
    void errorBodyShape_data();
    void errorBodyShape();
    void securityHeaders_data();
    void securityHeaders();

private:
    // Builds one HTTP/1.1 request with a Host header for this server, unless `headers` has one,
    // and a Content-Length header when there is a body.
    QByteArray rawRequest(const QByteArray &method, const QByteArray &path,
                          const Headers &headers = {}, const QByteArray &body = {}) const;
    QByteArray hostHeader() const { return "127.0.0.1:" + QByteArray::number(m_server->port()); }
    QByteArray sessionCookie() const { return "token=" + m_client->tokenCookie(); }
    HttpReply sendRaw(const QByteArray &request) const
    {
        return ApiClient::parseRaw(m_client->sendRaw(request));
    }
    void addResponseRows() const;

    std::unique_ptr<ServerProcess> m_server;
    std::unique_ptr<ApiClient> m_client;
};

void TestHttpErrors::initTestCase()
{
    m_server = std::make_unique<ServerProcess>();
    QVERIFY2(m_server->start(), m_server->standardError().constData());
    m_client = std::make_unique<ApiClient>(m_server->baseUrl());
    QCOMPARE(m_client->setUpAdmin().status / 100, 2);
}

void TestHttpErrors::cleanupTestCase()
{
    m_client.reset();
    if (m_server && m_server->port() != 0)
        QCOMPARE(m_server->stop(), 0);
}

QByteArray TestHttpErrors::rawRequest(const QByteArray &method, const QByteArray &path,
                                      const Headers &headers, const QByteArray &body) const
{
    QByteArray request = method + ' ' + path + " HTTP/1.1\r\n";
    bool hasHost = false;
    for (const auto &[name, value] : headers) {
        hasHost = hasHost || name.compare("Host", Qt::CaseInsensitive) == 0;
        request += name + ": " + value + "\r\n";
    }
    if (!hasHost)
        request += "Host: " + hostHeader() + "\r\n";
    if (!body.isEmpty())
        request += "Content-Type: application/json\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\n";
    return request + "\r\n" + body;
}

void TestHttpErrors::healthIsPublic()
{
    ApiClient anonymous(m_server->baseUrl());
    const HttpReply reply = anonymous.get(u"/api/system/health"_s);

    QCOMPARE(reply.status, 200);
    QVERIFY(reply.header("Content-Type").startsWith("application/json"));
    const QJsonObject expected{{u"status"_s, u"ok"_s},
                               {u"version"_s, QStringLiteral(DYNAMIGHT_VERSION)}};
    QCOMPARE(reply.object(), expected);
}

void TestHttpErrors::malformedBodyRejected_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");

    const QList<QPair<QByteArray, QByteArray>> bodies{
        {"unterminated object", "{\"name\": \"x\""},
        {"missing value", "{\"name\": }"},
        {"trailing text", "{} trailing"},
        {"single quotes", "{'name': 'x'}"},
        {"array", "[1, 2]"},
        {"string", "\"text\""},
        {"number", "42"},
        {"null", "null"},
        {"empty", ""},
        {"whitespace", "   \n"},
    };
    const QList<QPair<QByteArray, QString>> routes{
        {"POST", u"/api/jobs"_s},
        {"PUT", u"/api/settings"_s},
        {"POST", u"/api/auth/login"_s},
        {"POST", u"/api/auth/setup"_s},
    };
    for (const auto &[method, path] : routes) {
        for (const auto &[name, body] : bodies)
            QTest::addRow("%s %s %s", method.constData(), qPrintable(path), name.constData())
                << method << path << body;
    }
}

void TestHttpErrors::malformedBodyRejected()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);

    const HttpReply reply =
        m_client->send(method, path, body, {{"Content-Type", "application/json"}});

    QCOMPARE(reply.status, 400);
    QVERIFY(reply.header("Content-Type").startsWith("application/json"));
    QCOMPARE(reply.object().value(u"error"_s).toString(), u"Invalid request"_s);
    QVERIFY(!reply.object().value(u"message"_s).toString().isEmpty());
}

void TestHttpErrors::wrongMethodRejected_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QStringList>("allowed");

    QTest::newRow("PATCH /api/jobs")
        << QByteArray("PATCH") << u"/api/jobs"_s << QStringList{u"GET"_s, u"POST"_s};
    QTest::newRow("PATCH /api/jobs/1")
        << QByteArray("PATCH") << u"/api/jobs/1"_s << QStringList{u"DELETE"_s, u"GET"_s, u"PUT"_s};
    QTest::newRow("DELETE /api/auth/me")
        << QByteArray("DELETE") << u"/api/auth/me"_s << QStringList{u"GET"_s};
    QTest::newRow("GET /api/auth/logout")
        << QByteArray("GET") << u"/api/auth/logout"_s << QStringList{u"POST"_s};
    QTest::newRow("PUT /api/system/health")
        << QByteArray("PUT") << u"/api/system/health"_s << QStringList{u"GET"_s};
    QTest::newRow("POST /api/jobs/1/runs")
        << QByteArray("POST") << u"/api/jobs/1/runs"_s << QStringList{u"DELETE"_s, u"GET"_s};
    QTest::newRow("GET /api/jobs/1/run")
        << QByteArray("GET") << u"/api/jobs/1/run"_s << QStringList{u"POST"_s};
    QTest::newRow("POST /api/runs")
        << QByteArray("POST") << u"/api/runs"_s << QStringList{u"DELETE"_s};
    QTest::newRow("PATCH /api/settings")
        << QByteArray("PATCH") << u"/api/settings"_s << QStringList{u"GET"_s, u"PUT"_s};
}

void TestHttpErrors::wrongMethodRejected()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QStringList, allowed);

    const HttpReply reply =
        m_client->send(method, path, "{}", {{"Content-Type", "application/json"}});

    QCOMPARE(reply.status, 405);
    QCOMPARE(splitList(reply.header("Allow")), allowed);
    QVERIFY(reply.header("Content-Type").startsWith("application/json"));
    QVERIFY(!reply.object().value(u"error"_s).toString().isEmpty());
    QVERIFY(!reply.object().value(u"message"_s).toString().isEmpty());
}

void TestHttpErrors::unknownPathNotFound_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");

    QTest::newRow("GET /api/nope") << QByteArray("GET") << u"/api/nope"_s;
    QTest::newRow("POST /api/nope") << QByteArray("POST") << u"/api/nope"_s;
    QTest::newRow("GET /api") << QByteArray("GET") << u"/api"_s;
    QTest::newRow("GET /api/") << QByteArray("GET") << u"/api/"_s;
    QTest::newRow("GET /api/jobs/1/unknown") << QByteArray("GET") << u"/api/jobs/1/unknown"_s;
    QTest::newRow("GET /api/jobs/1/runs/2") << QByteArray("GET") << u"/api/jobs/1/runs/2"_s;
    QTest::newRow("DELETE /api/auth") << QByteArray("DELETE") << u"/api/auth"_s;
}

void TestHttpErrors::unknownPathNotFound()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);

    const HttpReply reply = m_client->send(method, path, {});

    QCOMPARE(reply.status, 404);
    QVERIFY(reply.header("Content-Type").startsWith("application/json"));
    QCOMPARE(reply.object().value(u"error"_s).toString(), u"Not found"_s);
    QVERIFY(!reply.object().value(u"message"_s).toString().isEmpty());
}

void TestHttpErrors::oversizedBodyRejectedUnread()
{
    // Headers only: a server that waited for the 10 MiB body would not respond before the timeout.
    const QByteArray request = "POST /api/jobs HTTP/1.1\r\nHost: " + hostHeader()
        + "\r\nContent-Type: application/json\r\nContent-Length: 10485760\r\n\r\n";
    QElapsedTimer timer;
    timer.start();

    const HttpReply reply = ApiClient::parseRaw(m_client->sendRaw(request, 3000));

    QCOMPARE(reply.status, 413);
    QVERIFY2(timer.elapsed() < 2000, qPrintable(QString::number(timer.elapsed())));
    QVERIFY(reply.header("Content-Type").startsWith("application/json"));
    QVERIFY(!QJsonDocument::fromJson(reply.body).object().value(u"message"_s).toString().isEmpty());

    const HttpReply justOver =
        sendRaw("PUT /api/settings HTTP/1.1\r\nHost: " + hostHeader()
                + "\r\nContent-Length: " + QByteArray::number(kMaxBodyBytes + 1) + "\r\n\r\n");
    QCOMPARE(justOver.status, 413);

    // The server is still there for the next request, on a new connection and on the old client.
    QCOMPARE(sendRaw(rawRequest("GET", "/api/system/health")).status, 200);
    QCOMPARE(m_client->get(u"/api/auth/me"_s).status, 200);
}

void TestHttpErrors::bodyAtLimitAccepted()
{
    const QByteArray head = "{\"name\":\"";
    const QByteArray tail = "\"}";
    const QByteArray body =
        head + QByteArray(kMaxBodyBytes - head.size() - tail.size(), 'a') + tail;
    QCOMPARE(body.size(), kMaxBodyBytes);

    const HttpReply reply =
        m_client->send("POST", u"/api/jobs"_s, body, {{"Content-Type", "application/json"}});

    // The body is read and validated: the name is too long, which is a 400, not a 413.
    QCOMPARE(reply.status, 400);
    QVERIFY(reply.object().value(u"message"_s).toString().contains(u"name"_s));
}

void TestHttpErrors::chunkedBodyRejected()
{
    const QByteArray request = "POST /api/jobs HTTP/1.1\r\nHost: " + hostHeader()
        + "\r\nCookie: " + sessionCookie()
        + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
          "2\r\n{}\r\n0\r\n\r\n";

    const HttpReply reply = sendRaw(request);

    QCOMPARE(reply.status, 411);
    QVERIFY(reply.header("Content-Type").startsWith("application/json"));
    QVERIFY(!QJsonDocument::fromJson(reply.body).object().value(u"message"_s).toString().isEmpty());
    QCOMPARE(m_client->get(u"/api/jobs"_s).array().size(), 0);
}

void TestHttpErrors::hostHeaderChecked_data()
{
    QTest::addColumn<QByteArray>("host");
    QTest::addColumn<int>("status");

    const QByteArray port = QByteArray::number(m_server->port());
    QTest::newRow("127.0.0.1") << "127.0.0.1:" + port << 200;
    QTest::newRow("localhost") << "localhost:" + port << 200;
    QTest::newRow("localhost upper case") << "LOCALHOST:" + port << 200;
    QTest::newRow("[::1]") << "[::1]:" + port << 200;
    QTest::newRow("evil.example") << QByteArray("evil.example") << 403;
    QTest::newRow("evil.example with port") << "evil.example:" + port << 403;
    QTest::newRow("loopback-looking name") << "127.0.0.1.evil.example:" + port << 403;
    QTest::newRow("localhost subdomain") << "localhost.evil.example:" + port << 403;
}

void TestHttpErrors::hostHeaderChecked()
{
    QFETCH(QByteArray, host);
    QFETCH(int, status);

    const HttpReply reply = sendRaw(rawRequest("GET", "/api/system/health", {{"Host", host}}));

    QCOMPARE(reply.status, status);
    QVERIFY(reply.header("Content-Type").startsWith("application/json"));
    if (status == 403)
        QCOMPARE(QJsonDocument::fromJson(reply.body).object().value(u"error"_s).toString(),
                 u"Forbidden"_s);
}

void TestHttpErrors::originChecked_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("origin");
    QTest::addColumn<QByteArray>("host");
    QTest::addColumn<int>("status");

    const QByteArray port = QByteArray::number(m_server->port());
    const QByteArray own = "127.0.0.1:" + port;
    const QByteArray otherPort = "http://127.0.0.1:"
        + QByteArray::number(m_server->port() == 65535 ? 1 : m_server->port() + 1);
    // The same-origin and GET rows reach the handler, which rejects the empty body {} with 400.
    QTest::newRow("POST foreign") << QByteArray("POST") << QByteArray("/api/jobs")
                                  << QByteArray("http://evil.example") << own << 403;
    QTest::newRow("POST other port")
        << QByteArray("POST") << QByteArray("/api/jobs") << otherPort << own << 403;
    QTest::newRow("POST other scheme")
        << QByteArray("POST") << QByteArray("/api/jobs") << "https://" + own << own << 403;
    QTest::newRow("POST null") << QByteArray("POST") << QByteArray("/api/jobs")
                               << QByteArray("null") << own << 403;
    QTest::newRow("POST same origin")
        << QByteArray("POST") << QByteArray("/api/jobs") << "http://" + own << own << 400;
    QTest::newRow("POST same origin localhost")
        << QByteArray("POST") << QByteArray("/api/jobs") << "http://localhost:" + port
        << "localhost:" + port << 400;
    QTest::newRow("PUT foreign") << QByteArray("PUT") << QByteArray("/api/settings")
                                 << QByteArray("http://evil.example") << own << 403;
    QTest::newRow("DELETE foreign") << QByteArray("DELETE") << QByteArray("/api/runs")
                                    << QByteArray("http://evil.example") << own << 403;
    QTest::newRow("login foreign") << QByteArray("POST") << QByteArray("/api/auth/login")
                                   << QByteArray("http://evil.example") << own << 403;
    QTest::newRow("logout foreign") << QByteArray("POST") << QByteArray("/api/auth/logout")
                                    << QByteArray("http://evil.example") << own << 403;
    QTest::newRow("GET foreign") << QByteArray("GET") << QByteArray("/api/jobs")
                                 << QByteArray("http://evil.example") << own << 200;
}

void TestHttpErrors::originChecked()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, origin);
    QFETCH(QByteArray, host);
    QFETCH(int, status);

    const QByteArray body = method == "GET" || method == "DELETE" ? QByteArray() : QByteArray("{}");
    const HttpReply reply = sendRaw(rawRequest(
        method, path, {{"Host", host}, {"Origin", origin}, {"Cookie", sessionCookie()}}, body));

    QCOMPARE(reply.status, status);
    if (status == 403)
        QCOMPARE(QJsonDocument::fromJson(reply.body).object().value(u"error"_s).toString(),
                 u"Forbidden"_s);
    // The session survives: a rejected logout must not have ended it.
    QCOMPARE(m_client->get(u"/api/auth/me"_s).status, 200);
}

void TestHttpErrors::addResponseRows() const
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    // Keys that an error body may carry beside error and message.
    QTest::addColumn<QStringList>("extraKeys");

    const QByteArray cookie = sessionCookie();
    const QByteArray setupBody = R"({"username":"other","password":"anotherpassword1"})";
    QTest::newRow("400 malformed JSON")
        << rawRequest("POST", "/api/jobs", {{"Cookie", cookie}}, "{bad") << 400 << QStringList();
    QTest::newRow("400 invalid id")
        << rawRequest("GET", "/api/jobs/abc", {{"Cookie", cookie}}) << 400 << QStringList();
    QTest::newRow("400 invalid query")
        << rawRequest("GET", "/api/runs/1/logs?limit=x", {{"Cookie", cookie}}) << 400
        << QStringList();
    QTest::newRow("401 no session") << rawRequest("GET", "/api/jobs") << 401 << QStringList();
    QTest::newRow("401 wrong password") << rawRequest(
        "POST", "/api/auth/login", {}, R"({"username":"admin","password":"wrongpassword1"})")
                                        << 401 << QStringList();
    QTest::newRow("403 host") << rawRequest("GET", "/api/system/health", {{"Host", "evil.example"}})
                              << 403 << QStringList();
    QTest::newRow("403 origin") << rawRequest(
        "POST", "/api/jobs", {{"Origin", "http://evil.example"}, {"Cookie", cookie}}, "{}")
                                << 403 << QStringList();
    QTest::newRow("404 route") << rawRequest("GET", "/api/nope") << 404 << QStringList();
    QTest::newRow("404 job") << rawRequest("GET", "/api/jobs/999", {{"Cookie", cookie}}) << 404
                             << QStringList();
    QTest::newRow("405 method") << rawRequest("PATCH", "/api/jobs", {{"Cookie", cookie}}) << 405
                                << QStringList();
    QTest::newRow("409 setup done")
        << rawRequest("POST", "/api/auth/setup", {}, setupBody) << 409 << QStringList();
    QTest::newRow("411 chunked") << rawRequest("POST", "/api/jobs",
                                               {{"Transfer-Encoding", "chunked"}})
            + "0\r\n\r\n" << 411 << QStringList();
    QTest::newRow("413 too large")
        << rawRequest("POST", "/api/jobs", {{"Content-Length", "10485760"}}) << 413
        << QStringList();
    QTest::newRow("426 WebSocket path")
        << rawRequest("GET", "/api/ws/status") << 426 << QStringList();
}

void TestHttpErrors::errorBodyShape_data() { addResponseRows(); }

void TestHttpErrors::errorBodyShape()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    QFETCH(QStringList, extraKeys);

    const HttpReply reply = sendRaw(request);

    QCOMPARE(reply.status, status);
    QVERIFY2(reply.header("Content-Type").startsWith("application/json"),
             reply.header("Content-Type").constData());
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(reply.body, &parseError);
    QVERIFY2(parseError.error == QJsonParseError::NoError, reply.body.constData());
    QVERIFY(document.isObject());
    QStringList keys = document.object().keys();
    for (const QString &extra : extraKeys)
        keys.removeAll(extra);
    QCOMPARE(keys, (QStringList{u"error"_s, u"message"_s}));
    QVERIFY(!document.object().value(u"message"_s).toString().isEmpty());
    const QString title = referenceTitle(status);
    if (title.isEmpty())
        QVERIFY(!document.object().value(u"error"_s).toString().isEmpty());
    else
        QCOMPARE(document.object().value(u"error"_s).toString(), title);
}

void TestHttpErrors::securityHeaders_data()
{
    addResponseRows();
    QTest::newRow("200 health") << rawRequest("GET", "/api/system/health") << 200 << QStringList();
    QTest::newRow("200 jobs") << rawRequest("GET", "/api/jobs", {{"Cookie", sessionCookie()}})
                              << 200 << QStringList();
}

void TestHttpErrors::securityHeaders()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);

    const HttpReply reply = sendRaw(request);

    QCOMPARE(reply.status, status);
    QCOMPARE(reply.header("X-Content-Type-Options"), QByteArray("nosniff"));
    const QByteArray frameOptions = reply.header("X-Frame-Options").toUpper();
    QVERIFY2(frameOptions == "DENY" || frameOptions == "SAMEORIGIN", frameOptions.constData());
    QVERIFY2(reply.header("Cache-Control").contains("no-store"),
             reply.header("Cache-Control").constData());
}

QTEST_GUILESS_MAIN(TestHttpErrors)
#include "tst_httperrors.moc"
