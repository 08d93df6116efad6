#include "apiclient.h"
#include "auth/serversecret.h"
#include "serverprocess.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QtTest>

using namespace Qt::StringLiterals;

namespace {

using Headers = QList<QPair<QByteArray, QByteArray>>;

const QString kAdminPassword = u"securepassword123"_s;

// The body of every 401, fixed by the API reference.
QJsonObject unauthorizedBody()
{
    return {{u"error"_s, u"Unauthorized"_s}, {u"message"_s, u"Invalid or expired token"_s}};
}

QJsonObject credentials(const QJsonValue &username, const QJsonValue &password)
{
    QJsonObject body;
    if (!username.isUndefined())
        body.insert(u"username"_s, username);
    if (!password.isUndefined())
        body.insert(u"password"_s, password);
    return body;
}

// Splits a Set-Cookie value into its name=value pair and its attributes, with lower-case
// attribute names: "token=abc; Max-Age=60; HttpOnly" gives {"token": "abc", "max-age": "60",
// "httponly": ""}.
QHash<QString, QString> parseSetCookie(const QByteArray &header)
{
    QHash<QString, QString> parts;
    const QList<QByteArray> items = header.split(';');
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QString item = QString::fromLatin1(items.at(i).trimmed());
        const qsizetype equals = item.indexOf(u'=');
        const QString name = equals < 0 ? item : item.left(equals);
        const QString value = equals < 0 ? QString() : item.mid(equals + 1);
        parts.insert(i == 0 ? name : name.toLower(), value);
    }
    return parts;
}

QByteArray base64Url(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray fromBase64Url(const QByteArray &data)
{
    return QByteArray::fromBase64(data, QByteArray::Base64UrlEncoding);
}

} // namespace

class TestAuthApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void setupRequiredBeforeSetup();
    void setupRejectsInvalidBody_data();
    void setupRejectsInvalidBody();
    void setupCreatesAdmin();
    void setupSetsSessionCookie_data();
    void setupSetsSessionCookie();
    void setupRequiredAfterSetup();
    void loginSucceeds();
    void meReturnsUser();
    void tokenMatchesCookie();
    void bearerTokenAuthenticates();
    void tamperedTokenRejected_data();
    void tamperedTokenRejected();
    void resignedTokenAccepted();
    void routesRequireSession_data();
    void routesRequireSession();
    void logoutEndsSession();
    // Failed logins come last, so that a rate limit they trigger cannot affect the tests above.
    void setupTwiceConflicts();
    void loginRejectsInvalidBody_data();
    void loginRejectsInvalidBody();
    void loginFailuresShareMessage();
    void loginRateLimited();

private:
    HttpReply getWithToken(const QString &path, const QByteArray &token);

    std::unique_ptr<ServerProcess> m_server;
    std::unique_ptr<ApiClient> m_admin;
    HttpReply m_setupReply;
};

void TestAuthApi::initTestCase()
{
    m_server = std::make_unique<ServerProcess>();
    QVERIFY2(m_server->start(), m_server->standardError().constData());
    m_admin = std::make_unique<ApiClient>(m_server->baseUrl());
}

void TestAuthApi::cleanupTestCase()
{
    m_admin.reset();
    if (m_server && m_server->port() != 0)
        QCOMPARE(m_server->stop(), 0);
}

HttpReply TestAuthApi::getWithToken(const QString &path, const QByteArray &token)
{
    ApiClient fresh(m_server->baseUrl());
    return fresh.send("GET", path, {}, {{"Cookie", "token=" + token}});
}

void TestAuthApi::setupRequiredBeforeSetup()
{
    const HttpReply reply = m_admin->get(u"/api/auth/setup-required"_s);

    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object(), (QJsonObject{{u"setup_required"_s, true}}));
}

void TestAuthApi::setupRejectsInvalidBody_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<QString>("field");

    const QJsonValue absent = QJsonValue::Undefined;
    QTest::newRow("username missing") << credentials(absent, kAdminPassword) << u"username"_s;
    QTest::newRow("password missing") << credentials(u"admin"_s, absent) << u"password"_s;
    QTest::newRow("username null")
        << credentials(QJsonValue::Null, kAdminPassword) << u"username"_s;
    QTest::newRow("username number") << credentials(42, kAdminPassword) << u"username"_s;
    QTest::newRow("password number") << credentials(u"admin"_s, 12345678) << u"password"_s;
    QTest::newRow("password array") << credentials(u"admin"_s, QJsonArray{u"x"_s}) << u"password"_s;
    QTest::newRow("password 7 characters")
        << credentials(u"admin"_s, u"short12"_s) << u"password"_s;
    QTest::newRow("password empty") << credentials(u"admin"_s, u""_s) << u"password"_s;
}

void TestAuthApi::setupRejectsInvalidBody()
{
    QFETCH(QJsonObject, body);
    QFETCH(QString, field);

    ApiClient client(m_server->baseUrl());
    const HttpReply reply = client.post(u"/api/auth/setup"_s, body);

    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.object().value(u"error"_s).toString(), u"Invalid request"_s);
    const QString message = reply.object().value(u"message"_s).toString();
    QVERIFY2(message.contains(field, Qt::CaseInsensitive), qPrintable(message));
    QVERIFY(client.tokenCookie().isEmpty());
    QCOMPARE(client.get(u"/api/auth/setup-required"_s).object().value(u"setup_required"_s),
             QJsonValue(true));
}

void TestAuthApi::setupCreatesAdmin()
{
    m_setupReply = m_admin->setUpAdmin();

    QVERIFY2(m_setupReply.status == 200 || m_setupReply.status == 201,
             m_setupReply.body.constData());
    const QJsonObject body = m_setupReply.object();
    QCOMPARE(body.keys(), (QStringList{u"id"_s, u"username"_s}));
    QVERIFY(body.value(u"id"_s).toInteger() > 0);
    QCOMPARE(body.value(u"username"_s).toString(), u"admin"_s);
    QVERIFY(!m_admin->tokenCookie().isEmpty());
}

void TestAuthApi::setupSetsSessionCookie_data()
{
    QTest::addColumn<QString>("attribute");
    QTest::addColumn<QString>("expected");

    QTest::newRow("HttpOnly") << u"httponly"_s << QString();
    QTest::newRow("SameSite") << u"samesite"_s << u"Strict"_s;
    QTest::newRow("Path") << u"path"_s << u"/"_s;
}

void TestAuthApi::setupSetsSessionCookie()
{
    QFETCH(QString, attribute);
    QFETCH(QString, expected);

    const QHash<QString, QString> cookie = parseSetCookie(m_setupReply.header("Set-Cookie"));
    QVERIFY2(cookie.contains(u"token"_s), m_setupReply.header("Set-Cookie").constData());
    QCOMPARE(cookie.value(u"token"_s).toLatin1(), m_admin->tokenCookie());
    QVERIFY2(cookie.contains(attribute), m_setupReply.header("Set-Cookie").constData());
    QCOMPARE(cookie.value(attribute), expected);

    // Sessions last 24 hours; a few seconds may have passed since the token was issued.
    bool numeric = false;
    const int maxAge = cookie.value(u"max-age"_s).toInt(&numeric);
    QVERIFY2(numeric, m_setupReply.header("Set-Cookie").constData());
    QVERIFY2(maxAge > 86400 - 60 && maxAge <= 86400, qPrintable(QString::number(maxAge)));
}

void TestAuthApi::setupRequiredAfterSetup()
{
    ApiClient anonymous(m_server->baseUrl());
    const HttpReply reply = anonymous.get(u"/api/auth/setup-required"_s);

    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object(), (QJsonObject{{u"setup_required"_s, false}}));
}

void TestAuthApi::setupTwiceConflicts()
{
    ApiClient other(m_server->baseUrl());
    const HttpReply reply =
        other.post(u"/api/auth/setup"_s, credentials(u"second"_s, u"anotherpassword1"_s));

    QCOMPARE(reply.status, 409);
    QCOMPARE(reply.object().value(u"error"_s).toString(), u"Conflict"_s);
    QVERIFY(!reply.object().value(u"message"_s).toString().isEmpty());
    QVERIFY(other.tokenCookie().isEmpty());
    QCOMPARE(other.login(u"second"_s, u"anotherpassword1"_s).status, 401);
}

void TestAuthApi::loginSucceeds()
{
    ApiClient client(m_server->baseUrl());
    const HttpReply reply = client.login(u"admin"_s, kAdminPassword);

    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object().keys(), (QStringList{u"id"_s, u"username"_s}));
    QCOMPARE(reply.object().value(u"id"_s), m_setupReply.object().value(u"id"_s));
    QCOMPARE(reply.object().value(u"username"_s).toString(), u"admin"_s);

    const QHash<QString, QString> cookie = parseSetCookie(reply.header("Set-Cookie"));
    QVERIFY(!cookie.value(u"token"_s).isEmpty());
    QVERIFY(cookie.contains(u"httponly"_s));
    QCOMPARE(cookie.value(u"samesite"_s), u"Strict"_s);
    QVERIFY(cookie.value(u"max-age"_s).toInt() > 0);
    QCOMPARE(client.get(u"/api/auth/me"_s).status, 200);
}

void TestAuthApi::loginRejectsInvalidBody_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<QString>("field");

    const QJsonValue absent = QJsonValue::Undefined;
    QTest::newRow("username missing") << credentials(absent, kAdminPassword) << u"username"_s;
    QTest::newRow("password missing") << credentials(u"admin"_s, absent) << u"password"_s;
    QTest::newRow("username number") << credentials(1, kAdminPassword) << u"username"_s;
    QTest::newRow("password boolean") << credentials(u"admin"_s, true) << u"password"_s;
    QTest::newRow("password object") << credentials(u"admin"_s, QJsonObject{}) << u"password"_s;
}

void TestAuthApi::loginRejectsInvalidBody()
{
    QFETCH(QJsonObject, body);
    QFETCH(QString, field);

    ApiClient client(m_server->baseUrl());
    const HttpReply reply = client.post(u"/api/auth/login"_s, body);

    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.object().value(u"error"_s).toString(), u"Invalid request"_s);
    const QString message = reply.object().value(u"message"_s).toString();
    QVERIFY2(message.contains(field, Qt::CaseInsensitive), qPrintable(message));
    QVERIFY(client.tokenCookie().isEmpty());
}

void TestAuthApi::loginFailuresShareMessage()
{
    ApiClient client(m_server->baseUrl());
    const HttpReply wrongPassword = client.login(u"admin"_s, u"wrongpassword99"_s);
    const HttpReply unknownUser = client.login(u"nobody"_s, kAdminPassword);

    QCOMPARE(wrongPassword.status, 401);
    QCOMPARE(unknownUser.status, 401);
    QCOMPARE(wrongPassword.object().value(u"error"_s).toString(), u"Unauthorized"_s);
    QVERIFY(!wrongPassword.object().value(u"message"_s).toString().isEmpty());
    // The same response for both, so that a client cannot tell which user names exist.
    QCOMPARE(unknownUser.object(), wrongPassword.object());
    QVERIFY(wrongPassword.header("Set-Cookie").isEmpty());
    QVERIFY(client.tokenCookie().isEmpty());
}

void TestAuthApi::meReturnsUser()
{
    const HttpReply reply = m_admin->get(u"/api/auth/me"_s);

    QCOMPARE(reply.status, 200);
    const QJsonObject expected{{u"id"_s, m_setupReply.object().value(u"id"_s)},
                               {u"username"_s, u"admin"_s},
                               {u"totp_enabled"_s, false}};
    QCOMPARE(reply.object(), expected);
}

void TestAuthApi::tokenMatchesCookie()
{
    const HttpReply reply = m_admin->get(u"/api/auth/token"_s);

    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object().keys(), QStringList{u"token"_s});
    QCOMPARE(reply.object().value(u"token"_s).toString().toLatin1(), m_admin->tokenCookie());
}

void TestAuthApi::bearerTokenAuthenticates()
{
    ApiClient fresh(m_server->baseUrl());
    const HttpReply reply = fresh.send("GET", u"/api/auth/me"_s, {},
                                       {{"Authorization", "Bearer " + m_admin->tokenCookie()}});

    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object().value(u"username"_s).toString(), u"admin"_s);

    const HttpReply wrongScheme = fresh.send(
        "GET", u"/api/auth/me"_s, {}, {{"Authorization", "Basic " + m_admin->tokenCookie()}});
    QCOMPARE(wrongScheme.status, 401);
}

void TestAuthApi::tamperedTokenRejected_data()
{
    QTest::addColumn<QByteArray>("token");

    const QByteArray token = m_admin->tokenCookie();
    const QList<QByteArray> parts = token.split('.');
    QCOMPARE(parts.size(), 3);

    // The first character of the signature carries 6 significant bits, unlike the last one, so
    // changing it always changes the decoded signature.
    QByteArray signature = parts.at(2);
    signature[0] = signature.at(0) == 'A' ? 'B' : 'A';
    QTest::newRow("signature changed") << parts.at(0) + '.' + parts.at(1) + '.' + signature;

    QJsonObject claims = QJsonDocument::fromJson(fromBase64Url(parts.at(1))).object();
    QVERIFY(!claims.isEmpty());
    claims.insert(u"exp"_s, claims.value(u"exp"_s).toInteger() + 3600);
    const QByteArray payload = base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    QTest::newRow("payload changed") << parts.at(0) + '.' + payload + '.' + parts.at(2);

    // Correctly signed tokens whose only fault is the key or the time: the server's signing key
    // is derived from the secret.key file of its data dir, as the server derives it.
    const auto sign = [](const QByteArray &key, const QByteArray &signedPart) -> QByteArray {
        return signedPart + '.'
               + base64Url(QMessageAuthenticationCode::hash(signedPart, key, QCryptographicHash::Sha256));
    };
    QTest::newRow("other key") << sign(QByteArray(32, 'k'), parts.at(0) + '.' + parts.at(1));
    QFile secretFile(m_server->dataDir() + u"/secret.key"_s);
    QVERIFY(secretFile.open(QIODevice::ReadOnly));
    const QByteArray serverKey = dynamight::deriveKey(secretFile.readAll(),
                                                      dynamight::ServerSecret::tokenSigningContext, 1);
    QJsonObject expired = QJsonDocument::fromJson(fromBase64Url(parts.at(1))).object();
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    expired.insert(u"iat"_s, now - 7200);
    expired.insert(u"exp"_s, now - 3600);
    const QByteArray expiredPayload = base64Url(QJsonDocument(expired).toJson(QJsonDocument::Compact));
    QTest::newRow("expired") << sign(serverKey, parts.at(0) + '.' + expiredPayload);

    const QByteArray none = base64Url(R"({"alg":"none","typ":"JWT"})");
    QTest::newRow("alg none") << none + '.' + parts.at(1) + '.';
    QTest::newRow("signature removed") << parts.at(0) + '.' + parts.at(1);
    QTest::newRow("garbage") << QByteArray("not-a-token");
    QTest::newRow("empty") << QByteArray();
}

void TestAuthApi::tamperedTokenRejected()
{
    QFETCH(QByteArray, token);

    const HttpReply viaCookie = getWithToken(u"/api/auth/me"_s, token);
    QCOMPARE(viaCookie.status, 401);
    QCOMPARE(viaCookie.object(), unauthorizedBody());

    ApiClient fresh(m_server->baseUrl());
    const HttpReply viaBearer =
        fresh.send("GET", u"/api/auth/me"_s, {}, {{"Authorization", "Bearer " + token}});
    QCOMPARE(viaBearer.status, 401);
    QCOMPARE(viaBearer.object(), unauthorizedBody());
}

// Proves that the test derives the server's signing key correctly, so that the "expired" row of
// tamperedTokenRejected fails for its time and not for its signature.
void TestAuthApi::resignedTokenAccepted()
{
    const QList<QByteArray> parts = m_admin->tokenCookie().split('.');
    QCOMPARE(parts.size(), 3);
    QFile secretFile(m_server->dataDir() + u"/secret.key"_s);
    QVERIFY(secretFile.open(QIODevice::ReadOnly));
    const QByteArray key = dynamight::deriveKey(secretFile.readAll(),
                                                dynamight::ServerSecret::tokenSigningContext, 1);
    const QByteArray signedPart = parts.at(0) + '.' + parts.at(1);
    const QByteArray token = signedPart + '.'
                             + base64Url(QMessageAuthenticationCode::hash(signedPart, key, QCryptographicHash::Sha256));
    QCOMPARE(token, m_admin->tokenCookie());

    const HttpReply reply = getWithToken(u"/api/auth/me"_s, token);
    QCOMPARE(reply.status, 200);
}

void TestAuthApi::routesRequireSession_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");

    // Every route that the controllers' route tables mark as needing a session.
    const QList<QPair<QByteArray, QString>> routes{
        {"POST", u"/api/auth/logout"_s},   {"GET", u"/api/auth/me"_s},
        {"GET", u"/api/auth/token"_s},     {"GET", u"/api/jobs"_s},
        {"POST", u"/api/jobs"_s},          {"GET", u"/api/jobs/1"_s},
        {"PUT", u"/api/jobs/1"_s},         {"DELETE", u"/api/jobs/1"_s},
        {"POST", u"/api/jobs/1/clone"_s},  {"POST", u"/api/jobs/1/run"_s},
        {"POST", u"/api/jobs/1/cancel"_s}, {"GET", u"/api/jobs/1/runs"_s},
        {"DELETE", u"/api/jobs/1/runs"_s}, {"DELETE", u"/api/runs"_s},
        {"GET", u"/api/runs/1"_s},         {"DELETE", u"/api/runs/1"_s},
        {"GET", u"/api/runs/1/logs"_s},    {"GET", u"/api/settings"_s},
        {"PUT", u"/api/settings"_s},
    };
    for (const auto &[method, path] : routes)
        QTest::addRow("%s %s", method.constData(), qPrintable(path)) << method << path;
}

void TestAuthApi::routesRequireSession()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);

    ApiClient anonymous(m_server->baseUrl());
    const bool hasBody = method == "POST" || method == "PUT";
    const HttpReply reply = anonymous.send(method, path, hasBody ? QByteArray("{}") : QByteArray(),
                                           {{"Content-Type", "application/json"}});

    QCOMPARE(reply.status, 401);
    QVERIFY2(reply.header("Content-Type").startsWith("application/json"),
             reply.header("Content-Type").constData());
    QCOMPARE(reply.object(), unauthorizedBody());
}

void TestAuthApi::logoutEndsSession()
{
    ApiClient client(m_server->baseUrl());
    QCOMPARE(client.login(u"admin"_s, kAdminPassword).status, 200);
    const QByteArray token = client.tokenCookie();
    QVERIFY(!token.isEmpty());

    const HttpReply reply = client.post(u"/api/auth/logout"_s);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object(), (QJsonObject{{u"message"_s, u"Logged out"_s}}));
    const QHash<QString, QString> cookie = parseSetCookie(reply.header("Set-Cookie"));
    QVERIFY2(cookie.contains(u"token"_s), reply.header("Set-Cookie").constData());
    QCOMPARE(cookie.value(u"token"_s), QString());
    QCOMPARE(cookie.value(u"max-age"_s), u"0"_s);

    const HttpReply afterLogout = client.get(u"/api/auth/me"_s);
    QCOMPARE(afterLogout.status, 401);
    QCOMPARE(afterLogout.object(), unauthorizedBody());

    // The token itself is revoked, not just removed from this client's cookie jar.
    const HttpReply replayed = getWithToken(u"/api/auth/me"_s, token);
    QCOMPARE(replayed.status, 401);
    QCOMPARE(replayed.object(), unauthorizedBody());

    // Other sessions of the same user stay valid.
    QCOMPARE(m_admin->get(u"/api/auth/me"_s).status, 200);
}

void TestAuthApi::loginRateLimited()
{
    // A server of its own, because the lockout holds this client's address for a minute.
    ServerProcess server;
    QVERIFY2(server.start(), server.standardError().constData());
    QCOMPARE(ApiClient(server.baseUrl()).setUpAdmin().status / 100, 2);
    ApiClient client(server.baseUrl());

    // The limit is 5 attempts per minute. The first 4 failures must reach the password check, and
    // either the 5th or the 6th must be rejected.
    for (int attempt = 1; attempt <= 4; ++attempt)
        QCOMPARE(client.login(u"admin"_s, u"wrongpassword99"_s).status, 401);
    HttpReply limited = client.login(u"admin"_s, u"wrongpassword99"_s);
    if (limited.status == 401)
        limited = client.login(u"admin"_s, u"wrongpassword99"_s);

    QCOMPARE(limited.status, 429);
    const QJsonObject body = limited.object();
    QCOMPARE(body.keys(), (QStringList{u"error"_s, u"message"_s, u"retry_after"_s}));
    QCOMPARE(body.value(u"error"_s).toString(), u"Rate limited"_s);
    QVERIFY(!body.value(u"message"_s).toString().isEmpty());
    const qint64 retryAfter = body.value(u"retry_after"_s).toInteger();
    QVERIFY2(retryAfter > 0 && retryAfter <= 3600, limited.body.constData());
    QCOMPARE(limited.header("Retry-After"), QByteArray::number(retryAfter));

    // While locked out, even the right password is rejected.
    const HttpReply correct = client.login(u"admin"_s, kAdminPassword);
    QCOMPARE(correct.status, 429);
    QVERIFY(client.tokenCookie().isEmpty());
    QCOMPARE(server.stop(), 0);
}

QTEST_GUILESS_MAIN(TestAuthApi)
#include "tst_authapi.moc"
