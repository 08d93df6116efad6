#include "apiclient.h"
#include "serverprocess.h"

#include <QtTest>

using namespace Qt::StringLiterals;

namespace {

using Headers = QList<QPair<QByteArray, QByteArray>>;

const QString kAdminPassword = u"securepassword123"_s;
const QString kWrongPassword = u"wrongpassword99"_s;

QByteArray loginBody(const QString &password)
{
    return QJsonDocument(QJsonObject{{u"username"_s, u"admin"_s}, {u"password"_s, password}})
        .toJson(QJsonDocument::Compact);
}

} // namespace

// The login rate limit against the real server, with a 2 s first lockout and a 4 s cap so that
// lockouts end within the test.
class TestRateLimitApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void sixthFailureRateLimited();
    void rightPasswordRefusedUntilLockoutEnds();
    void secondLockoutDoubles();
    void successClearsFailures();
    void forwardedClientsAreSeparate();
    void forgedForwardedHopIgnored();
    void totpRoutesLimited_data();
    void totpRoutesLimited();
    void untrustedPeerForwardingIgnored();
    void lockoutLogged();

private:
    // Sends a login with X-Forwarded-For: client (none when client is empty).
    HttpReply login(const QString &password, const QByteArray &client = {});
    // Sends failed logins until the server returns 429 and returns that reply.
    HttpReply lockOut(const QByteArray &client);

    std::unique_ptr<ServerProcess> m_server;
    std::unique_ptr<ApiClient> m_client;
};

void TestRateLimitApi::initTestCase()
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"DYNAMIGHT_RATE_LIMIT_MAX_ATTEMPTS"_s, u"5"_s);
    environment.insert(u"DYNAMIGHT_RATE_LIMIT_WINDOW_SECS"_s, u"60"_s);
    environment.insert(u"DYNAMIGHT_RATE_LIMIT_LOCKOUT_SECS"_s, u"2"_s);
    environment.insert(u"DYNAMIGHT_RATE_LIMIT_MAX_LOCKOUT_SECS"_s, u"4"_s);
    // The test client plays a reverse proxy on loopback, so X-Forwarded-For names the client.
    environment.insert(u"DYNAMIGHT_TRUSTED_PROXIES"_s, u"127.0.0.1"_s);
    m_server = std::make_unique<ServerProcess>();
    QVERIFY2(m_server->start({}, environment), m_server->standardError().constData());
    m_client = std::make_unique<ApiClient>(m_server->baseUrl());
    QCOMPARE(m_client->setUpAdmin().status, 200);
}

void TestRateLimitApi::cleanupTestCase()
{
    m_client.reset();
    if (m_server)
        QCOMPARE(m_server->stop(), 0);
}

HttpReply TestRateLimitApi::login(const QString &password, const QByteArray &client)
{
    Headers headers{{"Content-Type", "application/json"}};
    if (!client.isEmpty())
        headers.append({"X-Forwarded-For", client});
    ApiClient fresh(m_server->baseUrl());
    return fresh.send("POST", u"/api/auth/login"_s, loginBody(password), headers);
}

HttpReply TestRateLimitApi::lockOut(const QByteArray &client)
{
    for (int i = 0; i < 10; ++i) {
        HttpReply reply = login(kWrongPassword, client);
        if (reply.status == 429)
            return reply;
    }
    return {};
}

void TestRateLimitApi::sixthFailureRateLimited()
{
    for (int i = 0; i < 5; ++i)
        QCOMPARE(login(kWrongPassword, "192.0.2.10").status, 401);

    const HttpReply limited = login(kWrongPassword, "192.0.2.10");

    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.header("Retry-After"), QByteArray("2"));
    QCOMPARE(limited.object(),
             (QJsonObject{{u"error"_s, u"Rate limited"_s},
                          {u"message"_s, u"Too many failed attempts. Try again in 2 seconds."_s},
                          {u"retry_after"_s, 2}}));
}

void TestRateLimitApi::rightPasswordRefusedUntilLockoutEnds()
{
    const HttpReply limited = lockOut("192.0.2.11");
    QCOMPARE(limited.status, 429);

    const HttpReply refused = login(kAdminPassword, "192.0.2.11");
    QCOMPARE(refused.status, 429);
    QVERIFY(refused.header("Set-Cookie").isEmpty());

    QTest::qWait(static_cast<int>(refused.header("Retry-After").toInt() * 1000 + 200));
    const HttpReply accepted = login(kAdminPassword, "192.0.2.11");
    QCOMPARE(accepted.status, 200);
    QVERIFY(!accepted.header("Set-Cookie").isEmpty());
}

void TestRateLimitApi::secondLockoutDoubles()
{
    QCOMPARE(lockOut("192.0.2.12").header("Retry-After"), QByteArray("2"));
    QTest::qWait(2200);

    const HttpReply second = lockOut("192.0.2.12");

    QCOMPARE(second.status, 429);
    QCOMPARE(second.header("Retry-After"), QByteArray("4"));
    QCOMPARE(second.object().value(u"retry_after"_s).toInt(), 4);
}

void TestRateLimitApi::successClearsFailures()
{
    for (int i = 0; i < 4; ++i)
        QCOMPARE(login(kWrongPassword, "192.0.2.13").status, 401);
    QCOMPARE(login(kAdminPassword, "192.0.2.13").status, 200);

    for (int i = 0; i < 4; ++i)
        QCOMPARE(login(kWrongPassword, "192.0.2.13").status, 401);
    QCOMPARE(login(kAdminPassword, "192.0.2.13").status, 200);
}

void TestRateLimitApi::forwardedClientsAreSeparate()
{
    QCOMPARE(lockOut("192.0.2.14").status, 429);

    QCOMPARE(login(kWrongPassword, "192.0.2.15").status, 401);
    QCOMPARE(login(kAdminPassword, "192.0.2.15").status, 200);
}

void TestRateLimitApi::forgedForwardedHopIgnored()
{
    QCOMPARE(lockOut("192.0.2.16").status, 429);

    // Only the last hop, which the proxy added, names the client. Earlier hops come from the
    // client, so they are ignored.
    QCOMPARE(login(kAdminPassword, "198.51.100.7, 192.0.2.16").status, 429);
    QCOMPARE(login(kAdminPassword, "192.0.2.16, 198.51.100.7").status, 200);
}

void TestRateLimitApi::totpRoutesLimited_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("codeField");
    QTest::addColumn<QByteArray>("client");

    QTest::newRow("validate") << u"/api/auth/totp/validate"_s << u"code"_s
                              << QByteArray("192.0.2.17");
    QTest::newRow("recovery") << u"/api/auth/totp/recovery"_s << u"recovery_code"_s
                              << QByteArray("192.0.2.18");
}

void TestRateLimitApi::totpRoutesLimited()
{
    QFETCH(QString, path);
    QFETCH(QString, codeField);
    QFETCH(QByteArray, client);
    const QByteArray body = QJsonDocument(QJsonObject{{u"totp_token"_s, u"0123456789abcdef"_s},
                                                      {codeField, u"123456"_s}})
                                .toJson(QJsonDocument::Compact);
    const Headers headers{{"Content-Type", "application/json"}, {"X-Forwarded-For", client}};

    for (int i = 0; i < 5; ++i)
        QCOMPARE(m_client->send("POST", path, body, headers).status, 401);
    const HttpReply limited = m_client->send("POST", path, body, headers);

    QCOMPARE(limited.status, 429);
    QVERIFY(!limited.header("Retry-After").isEmpty());
    QCOMPARE(login(kAdminPassword, client).status, 429);
}

void TestRateLimitApi::untrustedPeerForwardingIgnored()
{
    ServerProcess direct;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"DYNAMIGHT_RATE_LIMIT_LOCKOUT_SECS"_s, u"2"_s);
    QVERIFY2(direct.start({}, environment), direct.standardError().constData());
    ApiClient client(direct.baseUrl());
    QCOMPARE(client.setUpAdmin().status, 200);
    const Headers headers{{"Content-Type", "application/json"}};

    for (int i = 0; i < 5; ++i) {
        const Headers forged =
            headers + Headers{{"X-Forwarded-For", "198.51.100.%1"_ba + QByteArray::number(i)}};
        QCOMPARE(
            client.send("POST", u"/api/auth/login"_s, loginBody(kWrongPassword), forged).status,
            401);
    }
    const Headers forged = headers + Headers{{"X-Forwarded-For", "198.51.100.99"}};

    QCOMPARE(client.send("POST", u"/api/auth/login"_s, loginBody(kAdminPassword), forged).status,
             429);
    QCOMPARE(direct.stop(), 0);
}

void TestRateLimitApi::lockoutLogged()
{
    const QString errors = QString::fromUtf8(m_server->standardError());

    QVERIFY2(errors.contains(u"locked out client 192.0.2.10"_s), qPrintable(errors.right(2000)));
    QVERIFY(!errors.contains(kAdminPassword));
    QVERIFY(!errors.contains(kWrongPassword));
}

QTEST_GUILESS_MAIN(TestRateLimitApi)
#include "tst_ratelimitapi.moc"
