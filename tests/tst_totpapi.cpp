#include "apiclient.h"
#include "auth/totp.h"
#include "serverprocess.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QtTest>

#include <algorithm>

using namespace Qt::StringLiterals;
using dynamight::Totp;

namespace {

const QString kAdminPassword = u"securepassword123"_s;

qint64 secondsIntoPeriod() { return QDateTime::currentSecsSinceEpoch() % Totp::period; }

// Returns a code that matches none of the steps the server accepts now.
QString wrongCode(const QByteArray &secret)
{
    const qint64 current = Totp::timeStep(QDateTime::currentDateTimeUtc());
    for (int candidate = 0;; ++candidate) {
        const QString code = u"%1"_s.arg(candidate, 6, 10, QLatin1Char('0'));
        bool matches = false;
        for (qint64 step = current - 2; step <= current + 2; ++step)
            matches = matches || Totp::code(secret, step) == code;
        if (!matches)
            return code;
    }
}

} // namespace

// Two-factor authentication over HTTP against the real server. The slots run in order and share
// one admin account: setup, enable, login with a code or a recovery code, then disable.
class TestTotpApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void statusOffInitially();
    void setupReturnsSecretAndQrCode();
    void enableRejectsWrongCode();
    void enableRejectsOtherSecret();
    void enableRejectsMissingFields();
    void enableTurnsOn();
    void setupRejectedWhileOn();
    void loginRequiresCode();
    void validateCompletesLogin();
    void validateTokenWorksOnce();
    void replayedCodeRejected();
    void wrongCodeRejected();
    void garbageTokenRejected();
    void recoveryCodesWorkOnce();
    void tokenDiesAfterFailures();
    void disableRejectsWrongCode();
    void disableTurnsOff();
    void loginWithoutCodeAfterDisable();

private:
    // Returns a code for a time step after the last one used, which the server accepts now
    // (within one step of its clock), waiting for the next period when none is left.
    QString nextCode();
    // Logs in with the password on a fresh client and returns the challenge token.
    QString beginLogin(ApiClient &client);

    std::unique_ptr<ServerProcess> m_server;
    std::unique_ptr<ApiClient> m_client;
    QString m_secret;
    QByteArray m_key;
    qint64 m_lastStep = 0;
    QString m_usedCode;
    QStringList m_recoveryCodes;
};

void TestTotpApi::initTestCase()
{
    m_server = std::make_unique<ServerProcess>();
    // The wrong codes below would otherwise hit the login rate limit, which tst_ratelimitapi
    // covers.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"DYNAMIGHT_RATE_LIMIT_MAX_ATTEMPTS"_s, u"1000"_s);
    QVERIFY2(m_server->start({}, environment), m_server->standardError().constData());
    m_client = std::make_unique<ApiClient>(m_server->baseUrl());
    QCOMPARE(m_client->setUpAdmin().status, 200);
}

void TestTotpApi::cleanupTestCase()
{
    m_client.reset();
    if (m_server)
        QCOMPARE(m_server->stop(), 0);
}

QString TestTotpApi::nextCode()
{
    for (;;) {
        const qint64 current = Totp::timeStep(QDateTime::currentDateTimeUtc());
        // The previous step is safe only while the server cannot move on to the next period
        // before the request arrives.
        const qint64 earliest = secondsIntoPeriod() < Totp::period - 5 ? current - 1 : current;
        const qint64 step = std::max(m_lastStep + 1, earliest);
        if (step <= current + 1) {
            m_lastStep = step;
            return Totp::code(m_key, step);
        }
        QTest::qWait(1000);
    }
}

QString TestTotpApi::beginLogin(ApiClient &client)
{
    const HttpReply reply = client.login(u"admin"_s, kAdminPassword);
    if (reply.status != 200 || !reply.object().value(u"totp_required"_s).toBool())
        qWarning("Login did not ask for a TOTP code: %d %s", reply.status, reply.body.constData());
    return reply.object().value(u"totp_token"_s).toString();
}

void TestTotpApi::statusOffInitially()
{
    const HttpReply status = m_client->get(u"/api/auth/totp/status"_s);
    const HttpReply me = m_client->get(u"/api/auth/me"_s);

    QCOMPARE(status.status, 200);
    QCOMPARE(status.object(), (QJsonObject{{u"enabled"_s, false}}));
    QCOMPARE(me.object().value(u"totp_enabled"_s), QJsonValue(false));
}

void TestTotpApi::setupReturnsSecretAndQrCode()
{
    const HttpReply reply = m_client->post(u"/api/auth/totp/setup"_s);

    QCOMPARE(reply.status, 200);
    m_secret = reply.object().value(u"secret"_s).toString();
    const auto key = Totp::base32Decode(m_secret);
    QVERIFY(key.has_value());
    QCOMPARE(key->size(), 20);
    m_key = *key;
    QCOMPARE(reply.object().value(u"otpauth_url"_s).toString(),
             u"otpauth://totp/Dynamight:admin?secret=%1&issuer=Dynamight"_s.arg(m_secret));

    const QString qrCode = reply.object().value(u"qr_code"_s).toString();
    const QString prefix = u"data:image/png;base64,"_s;
    QVERIFY(qrCode.startsWith(prefix));
    const QByteArray png = QByteArray::fromBase64(qrCode.mid(prefix.size()).toLatin1());
    QVERIFY2(png.startsWith("\x89PNG\r\n\x1a\n"), "the QR code is not a PNG image");
    QVERIFY(png.size() > 100);
}

void TestTotpApi::enableRejectsWrongCode()
{
    const HttpReply reply = m_client->post(
        u"/api/auth/totp/enable"_s, {{u"secret"_s, m_secret}, {u"code"_s, wrongCode(m_key)}});

    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.object().value(u"error"_s).toString(), u"Invalid request"_s);
    QCOMPARE(m_client->get(u"/api/auth/totp/status"_s).object().value(u"enabled"_s),
             QJsonValue(false));
}

void TestTotpApi::enableRejectsOtherSecret()
{
    const QByteArray otherKey(20, 'k');
    const QString otherCode = Totp::codeAt(otherKey, QDateTime::currentDateTimeUtc());

    const HttpReply reply =
        m_client->post(u"/api/auth/totp/enable"_s,
                       {{u"secret"_s, Totp::base32Encode(otherKey)}, {u"code"_s, otherCode}});

    QCOMPARE(reply.status, 400);
    QCOMPARE(m_client->get(u"/api/auth/totp/status"_s).object().value(u"enabled"_s),
             QJsonValue(false));
}

void TestTotpApi::enableRejectsMissingFields()
{
    const HttpReply noCode = m_client->post(u"/api/auth/totp/enable"_s, {{u"secret"_s, m_secret}});
    const HttpReply numberCode =
        m_client->post(u"/api/auth/totp/enable"_s, {{u"secret"_s, m_secret}, {u"code"_s, 123456}});

    QCOMPARE(noCode.status, 400);
    QCOMPARE(noCode.object().value(u"message"_s).toString(), u"Field 'code' is required"_s);
    QCOMPARE(numberCode.status, 400);
    QCOMPARE(numberCode.object().value(u"message"_s).toString(),
             u"Field 'code' must be a string"_s);
}

void TestTotpApi::enableTurnsOn()
{
    const HttpReply reply = m_client->post(u"/api/auth/totp/enable"_s,
                                           {{u"secret"_s, m_secret}, {u"code"_s, nextCode()}});

    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object().value(u"enabled"_s), QJsonValue(true));
    const QJsonArray codes = reply.object().value(u"recovery_codes"_s).toArray();
    QCOMPARE(codes.size(), 10);
    static const QRegularExpression format(u"^[A-Z]{4}-[0-9]{4}-[A-Z]{4}$"_s);
    for (const QJsonValue &code : codes) {
        QVERIFY2(format.match(code.toString()).hasMatch(), qPrintable(code.toString()));
        m_recoveryCodes.append(code.toString());
    }
    QCOMPARE(QSet<QString>(m_recoveryCodes.begin(), m_recoveryCodes.end()).size(), 10);
    QCOMPARE(m_client->get(u"/api/auth/totp/status"_s).object().value(u"enabled"_s),
             QJsonValue(true));
    QCOMPARE(m_client->get(u"/api/auth/me"_s).object().value(u"totp_enabled"_s), QJsonValue(true));
}

void TestTotpApi::setupRejectedWhileOn()
{
    const HttpReply reply = m_client->post(u"/api/auth/totp/setup"_s);

    QCOMPARE(reply.status, 409);
    QCOMPARE(m_client->get(u"/api/auth/totp/status"_s).object().value(u"enabled"_s),
             QJsonValue(true));
}

void TestTotpApi::loginRequiresCode()
{
    ApiClient fresh(m_server->baseUrl());

    const HttpReply reply = fresh.login(u"admin"_s, kAdminPassword);

    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object().value(u"totp_required"_s), QJsonValue(true));
    QVERIFY(reply.object().value(u"totp_token"_s).toString().size() >= 32);
    QVERIFY(!reply.object().contains(u"id"_s));
    QVERIFY(reply.header("Set-Cookie").isEmpty());
    QVERIFY(fresh.tokenCookie().isEmpty());
    QCOMPARE(fresh.get(u"/api/auth/me"_s).status, 401);
}

void TestTotpApi::validateCompletesLogin()
{
    ApiClient fresh(m_server->baseUrl());
    const QString token = beginLogin(fresh);
    m_usedCode = nextCode();

    const HttpReply reply = fresh.post(u"/api/auth/totp/validate"_s,
                                       {{u"totp_token"_s, token}, {u"code"_s, m_usedCode}});

    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object().value(u"username"_s).toString(), u"admin"_s);
    QVERIFY(reply.object().value(u"id"_s).toInteger() > 0);
    QVERIFY(!fresh.tokenCookie().isEmpty());
    const HttpReply me = fresh.get(u"/api/auth/me"_s);
    QCOMPARE(me.status, 200);
    QCOMPARE(me.object().value(u"totp_enabled"_s), QJsonValue(true));
}

void TestTotpApi::validateTokenWorksOnce()
{
    ApiClient fresh(m_server->baseUrl());
    const QString token = beginLogin(fresh);
    const HttpReply first =
        fresh.post(u"/api/auth/totp/recovery"_s,
                   {{u"totp_token"_s, token}, {u"recovery_code"_s, m_recoveryCodes.takeLast()}});
    QCOMPARE(first.status, 200);

    ApiClient other(m_server->baseUrl());
    const HttpReply again =
        other.post(u"/api/auth/totp/recovery"_s,
                   {{u"totp_token"_s, token}, {u"recovery_code"_s, m_recoveryCodes.constLast()}});

    QCOMPARE(again.status, 401);
    QVERIFY(other.tokenCookie().isEmpty());
}

void TestTotpApi::replayedCodeRejected()
{
    ApiClient fresh(m_server->baseUrl());
    const QString token = beginLogin(fresh);

    const HttpReply replayed = fresh.post(u"/api/auth/totp/validate"_s,
                                          {{u"totp_token"_s, token}, {u"code"_s, m_usedCode}});
    const HttpReply older =
        fresh.post(u"/api/auth/totp/validate"_s,
                   {{u"totp_token"_s, token}, {u"code"_s, Totp::code(m_key, m_lastStep - 1)}});

    QCOMPARE(replayed.status, 401);
    QCOMPARE(older.status, 401);
    QVERIFY(fresh.tokenCookie().isEmpty());
}

void TestTotpApi::wrongCodeRejected()
{
    ApiClient fresh(m_server->baseUrl());
    const QString token = beginLogin(fresh);

    const HttpReply reply = fresh.post(u"/api/auth/totp/validate"_s,
                                       {{u"totp_token"_s, token}, {u"code"_s, wrongCode(m_key)}});

    QCOMPARE(reply.status, 401);
    QCOMPARE(reply.object().value(u"error"_s).toString(), u"Unauthorized"_s);
    QVERIFY(reply.header("Set-Cookie").isEmpty());
}

void TestTotpApi::garbageTokenRejected()
{
    ApiClient fresh(m_server->baseUrl());

    const HttpReply garbage =
        fresh.post(u"/api/auth/totp/validate"_s,
                   {{u"totp_token"_s, u"not-a-token"_s}, {u"code"_s, u"123456"_s}});
    const HttpReply missing = fresh.post(u"/api/auth/totp/validate"_s, {{u"code"_s, u"123456"_s}});

    QCOMPARE(garbage.status, 401);
    QCOMPARE(missing.status, 400);
    QCOMPARE(missing.object().value(u"message"_s).toString(), u"Field 'totp_token' is required"_s);
}

void TestTotpApi::recoveryCodesWorkOnce()
{
    const QString code = m_recoveryCodes.at(0);
    ApiClient first(m_server->baseUrl());
    const HttpReply used =
        first.post(u"/api/auth/totp/recovery"_s,
                   {{u"totp_token"_s, beginLogin(first)}, {u"recovery_code"_s, code}});
    QCOMPARE(used.status, 200);
    QCOMPARE(used.object().value(u"username"_s).toString(), u"admin"_s);
    QCOMPARE(used.object().value(u"remaining_codes"_s).toInt(), 8);
    QCOMPARE(first.get(u"/api/auth/me"_s).status, 200);

    ApiClient second(m_server->baseUrl());
    const HttpReply reused =
        second.post(u"/api/auth/totp/recovery"_s,
                    {{u"totp_token"_s, beginLogin(second)}, {u"recovery_code"_s, code}});
    QCOMPARE(reused.status, 401);
    QVERIFY(second.tokenCookie().isEmpty());

    // Case and dashes do not matter, as users type the codes from paper.
    const QString typed = m_recoveryCodes.at(1).toLower().remove(u'-');
    ApiClient third(m_server->baseUrl());
    const HttpReply lenient =
        third.post(u"/api/auth/totp/recovery"_s,
                   {{u"totp_token"_s, beginLogin(third)}, {u"recovery_code"_s, typed}});
    QCOMPARE(lenient.status, 200);
    QCOMPARE(lenient.object().value(u"remaining_codes"_s).toInt(), 7);
}

void TestTotpApi::tokenDiesAfterFailures()
{
    ApiClient fresh(m_server->baseUrl());
    const QString token = beginLogin(fresh);
    for (int i = 0; i < 5; ++i) {
        const HttpReply wrong =
            fresh.post(u"/api/auth/totp/recovery"_s,
                       {{u"totp_token"_s, token}, {u"recovery_code"_s, u"AAAA-0000-AAAA"_s}});
        QCOMPARE(wrong.status, 401);
    }

    const HttpReply right =
        fresh.post(u"/api/auth/totp/recovery"_s,
                   {{u"totp_token"_s, token}, {u"recovery_code"_s, m_recoveryCodes.at(2)}});

    QCOMPARE(right.status, 401);
    QVERIFY(fresh.tokenCookie().isEmpty());
}

void TestTotpApi::disableRejectsWrongCode()
{
    const HttpReply reply =
        m_client->post(u"/api/auth/totp/disable"_s, {{u"code"_s, wrongCode(m_key)}});

    QCOMPARE(reply.status, 400);
    QCOMPARE(m_client->get(u"/api/auth/totp/status"_s).object().value(u"enabled"_s),
             QJsonValue(true));
}

void TestTotpApi::disableTurnsOff()
{
    const HttpReply reply = m_client->post(u"/api/auth/totp/disable"_s, {{u"code"_s, nextCode()}});

    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object(), (QJsonObject{{u"enabled"_s, false}}));
    QCOMPARE(m_client->get(u"/api/auth/totp/status"_s).object().value(u"enabled"_s),
             QJsonValue(false));
    QCOMPARE(m_client->get(u"/api/auth/me"_s).object().value(u"totp_enabled"_s), QJsonValue(false));
}

void TestTotpApi::loginWithoutCodeAfterDisable()
{
    ApiClient fresh(m_server->baseUrl());

    const HttpReply reply = fresh.login(u"admin"_s, kAdminPassword);

    QCOMPARE(reply.status, 200);
    QVERIFY(!reply.object().contains(u"totp_required"_s));
    QVERIFY(!fresh.tokenCookie().isEmpty());
    QCOMPARE(fresh.get(u"/api/auth/me"_s).status, 200);
}

QTEST_GUILESS_MAIN(TestTotpApi)
#include "tst_totpapi.moc"
