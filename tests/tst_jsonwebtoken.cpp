#include "auth/jsonwebtoken.h"

#include <QMessageAuthenticationCode>
#include <QTest>

#include <limits>

using namespace dynamight;

namespace {

const QByteArray testKey = QByteArrayLiteral("dynamight-test-signing-key-0123456789");
// 2023-11-14T22:15:00Z, 100 s after the issue time of the vectors below.
const QDateTime testNow = QDateTime::fromSecsSinceEpoch(1700000100, Qt::UTC);

// The expected tokens were computed outside Qt, in bash with OpenSSL 3.0:
//   b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
//   H=$(printf '%s' '{"alg":"HS256","typ":"JWT"}' | b64url)
//   P=$(printf '%s' '<payload JSON>' | b64url)
//   S=$(printf '%s' "$H.$P" | openssl dgst -sha256 -hmac "$KEY" -binary | b64url)
// with KEY=dynamight-test-signing-key-0123456789.
//
// Payload {"exp":1700086400,"iat":1700000000,"sid":"0123456789abcdef0123456789abcdef","sub":"1"},
// which is the JSON that sign() writes, keys in sorted order.
const QString sortedVector = QStringLiteral(
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJleHAiOjE3MDAwODY0MDAsImlhdCI6MTcwMDAwMDAwMCwic2lkIjoiMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlh"
    "YmNkZWYiLCJzdWIiOiIxIn0."
    "66tha6GhD-ejkh6RjNZURmHlbYBn-5n-6bUJoSBrtuY");
// Payload {"sub":"42","sid":"fedcba9876543210fedcba9876543210","iat":1700000000,"exp":1700003600},
// in an order that sign() never writes.
const QString unsortedVector = QStringLiteral(
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOiI0MiIsInNpZCI6ImZlZGNiYTk4NzY1NDMyMTBmZWRjYmE5ODc2NTQzMjEwIiwiaWF0IjoxNzAwMDAwMDAw"
    "LCJleHAiOjE3MDAwMDM2MDB9."
    "cKJ4tVFbocpPR9ZUwq-vgrJxm8xEDGpS99nhUnKX79U");

// RFC 7515 appendix A.1: the HS256 example, with its key from the JWK "k" value. Its payload
// has iss, exp and a private claim, and none of sub, sid and iat.
const QString rfc7515Token = QStringLiteral(
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0"
    "cnVlfQ."
    "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
const QByteArray rfc7515KeyBase64Url = QByteArrayLiteral(
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow");

constexpr auto base64Url = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

QByteArray encode(const char *json)
{
    return QByteArray(json).toBase64(base64Url);
}

// Builds a token from raw parts, signed over exactly those bytes with key.
QString craft(const QByteArray &header, const QByteArray &payload,
              const QByteArray &key = testKey)
{
    const QByteArray input = header + '.' + payload;
    const QByteArray signature
        = QMessageAuthenticationCode::hash(input, key, QCryptographicHash::Sha256);
    return QString::fromLatin1(input + '.' + signature.toBase64(base64Url));
}

QString craftJson(const char *header, const char *payload, const QByteArray &key = testKey)
{
    return craft(encode(header), encode(payload), key);
}

const char *const hs256Header = R"({"alg":"HS256","typ":"JWT"})";
const char *const validPayload = R"({"sub":"1","sid":"abc","iat":1700000000,"exp":1700003600})";

TokenClaims testClaims()
{
    return TokenClaims{QStringLiteral("1"), QStringLiteral("0123456789abcdef0123456789abcdef"),
                       QDateTime::fromSecsSinceEpoch(1700000000, Qt::UTC),
                       QDateTime::fromSecsSinceEpoch(1700086400, Qt::UTC)};
}

} // namespace

class TestJsonWebToken : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void signMatchesOpensslVector();
    void verifyAcceptsOpensslVector();
    void verifyAcceptsUnsortedPayload();
    void verifyChecksRfc7515Signature();
    void roundTripKeepsClaims();
    void tokenLengthIsSmall();
    void verifyRejects_data();
    void verifyRejects();
    void issueTimeWithinSkewAccepted();
    void shortKeyRejectsEveryToken();
};

void TestJsonWebToken::signMatchesOpensslVector()
{
    const JsonWebToken tokens(testKey);

    QCOMPARE(tokens.sign(testClaims()), sortedVector);
}

void TestJsonWebToken::verifyAcceptsOpensslVector()
{
    const JsonWebToken tokens(testKey);

    const auto claims = tokens.verify(sortedVector, testNow);

    QVERIFY2(claims.ok(), qPrintable(claims.ok() ? QString() : claims.error().message()));
    QCOMPARE(claims->subject, QStringLiteral("1"));
    QCOMPARE(claims->sessionId, QStringLiteral("0123456789abcdef0123456789abcdef"));
}

void TestJsonWebToken::verifyAcceptsUnsortedPayload()
{
    const JsonWebToken tokens(testKey);

    const auto claims = tokens.verify(unsortedVector, testNow);

    QVERIFY2(claims.ok(), qPrintable(claims.ok() ? QString() : claims.error().message()));
    QCOMPARE(claims->subject, QStringLiteral("42"));
    QCOMPARE(claims->sessionId, QStringLiteral("fedcba9876543210fedcba9876543210"));
    QCOMPARE(claims->issuedAt, QDateTime::fromSecsSinceEpoch(1700000000, Qt::UTC));
    QCOMPARE(claims->expiresAt, QDateTime::fromSecsSinceEpoch(1700003600, Qt::UTC));
}

void TestJsonWebToken::verifyChecksRfc7515Signature()
{
    const auto key = QByteArray::fromBase64Encoding(rfc7515KeyBase64Url, base64Url);
    QVERIFY(key);
    const JsonWebToken tokens(key.decoded);
    // Before the example's exp of 1300819380, so only the missing claims can reject it.
    const QDateTime before = QDateTime::fromSecsSinceEpoch(1300819000, Qt::UTC);

    // The signature check passes, so verify() gets as far as the claims it requires.
    const auto claims = tokens.verify(rfc7515Token, before);
    QVERIFY(!claims.ok());
    QVERIFY2(claims.error().message().contains(QLatin1String("'sub'")),
             qPrintable(claims.error().message()));

    QString tampered = rfc7515Token;
    tampered[tampered.size() - 1] = u'Y';
    const auto rejected = tokens.verify(tampered, before);
    QVERIFY(!rejected.ok());
    QVERIFY2(rejected.error().message().contains(QLatin1String("signature")),
             qPrintable(rejected.error().message()));
}

void TestJsonWebToken::roundTripKeepsClaims()
{
    const JsonWebToken tokens(testKey);
    const TokenClaims original = testClaims();

    const auto claims = tokens.verify(tokens.sign(original), testNow);

    QVERIFY(claims.ok());
    QCOMPARE(claims->subject, original.subject);
    QCOMPARE(claims->sessionId, original.sessionId);
    QCOMPARE(claims->issuedAt, original.issuedAt);
    QCOMPARE(claims->expiresAt, original.expiresAt);
}

void TestJsonWebToken::tokenLengthIsSmall()
{
    const JsonWebToken tokens(testKey);
    TokenClaims claims = testClaims();
    claims.subject = QString::number(std::numeric_limits<qint64>::max());

    const QString token = tokens.sign(claims);

    QVERIFY2(token.size() < 256, qPrintable(QString::number(token.size())));
}

void TestJsonWebToken::verifyRejects_data()
{
    QTest::addColumn<QString>("token");
    QTest::addColumn<QString>("reason");

    const QString valid = craftJson(hs256Header, validPayload);
    const QString header = QString::fromLatin1(encode(hs256Header));
    const QString payload = QString::fromLatin1(encode(validPayload));
    const QString signature = valid.section(u'.', 2);
    const QString malformed = QStringLiteral("malformed");

    QTest::newRow("empty") << QString() << malformed;
    QTest::newRow("two parts") << header + u'.' + payload << malformed;
    QTest::newRow("four parts") << valid + QStringLiteral(".e30") << malformed;
    QTest::newRow("too long") << valid + QString(JsonWebToken::maxTokenLength, u'A') << malformed;
    QTest::newRow("empty header") << u'.' + payload + u'.' + signature << malformed;
    QTest::newRow("header with '*'") << u'*' + valid.mid(1) << malformed;
    QTest::newRow("header padded") << header + QStringLiteral("=.") + payload + u'.' + signature
                                   << malformed;
    // Standard base64 of this header is "eyJhbGciOiJIUzI1NiIsImsiOiI/PiJ9", with a '/'.
    QTest::newRow("header in standard base64")
        << QString::fromLatin1(QByteArray(R"({"alg":"HS256","k":"?>"})").toBase64()) + u'.'
            + payload + u'.' + signature
        << malformed;
    QTest::newRow("header not JSON") << craft(encode("HS256"), encode(validPayload)) << malformed;
    QTest::newRow("header a JSON array")
        << craftJson(R"(["HS256"])", validPayload) << malformed;
    QTest::newRow("payload with '*'") << craft(encode(hs256Header), "eyJ*") << malformed;
    QTest::newRow("payload length 4n+1") << craft(encode(hs256Header), "eyJzd") << malformed;
    QTest::newRow("payload not JSON") << craft(encode(hs256Header), encode("sub=1")) << malformed;

    const QString algorithm = QStringLiteral("algorithm");
    const QString noneHeader = QString::fromLatin1(encode(R"({"alg":"none","typ":"JWT"})"));
    QTest::newRow("alg none, no signature") << noneHeader + u'.' + payload + u'.' << algorithm;
    QTest::newRow("alg none, HMAC signature")
        << craftJson(R"({"alg":"none","typ":"JWT"})", validPayload) << algorithm;
    QTest::newRow("alg hs256") << craftJson(R"({"alg":"hs256"})", validPayload) << algorithm;
    QTest::newRow("alg HS512") << craftJson(R"({"alg":"HS512"})", validPayload) << algorithm;
    QTest::newRow("alg RS256") << craftJson(R"({"alg":"RS256"})", validPayload) << algorithm;
    QTest::newRow("alg missing") << craftJson(R"({"typ":"JWT"})", validPayload) << algorithm;
    QTest::newRow("alg in an array") << craftJson(R"({"alg":["HS256"]})", validPayload)
                                     << algorithm;
    QTest::newRow("crit header")
        << craftJson(R"({"alg":"HS256","crit":["exp"],"exp":1})", validPayload)
        << QStringLiteral("critical");

    const QString invalidSignature = QStringLiteral("signature");
    const QString otherPayload = QString::fromLatin1(
        encode(R"({"sub":"2","sid":"abc","iat":1700000000,"exp":1700003600})"));
    QTest::newRow("tampered payload") << header + u'.' + otherPayload + u'.' + signature
                                      << invalidSignature;
    QString flipped = valid;
    flipped[flipped.size() - 2] = flipped[flipped.size() - 2] == u'A' ? u'B' : u'A';
    QTest::newRow("tampered signature") << flipped << invalidSignature;
    QTest::newRow("signature padded") << valid + u'=' << invalidSignature;
    QTest::newRow("signature empty") << header + u'.' + payload + u'.' << invalidSignature;
    QTest::newRow("signature truncated") << valid.chopped(1) << invalidSignature;
    const QByteArray otherKey = QByteArrayLiteral("another-key-of-32-bytes-or-more!!");
    QTest::newRow("other key") << craftJson(hs256Header, validPayload, otherKey)
                               << invalidSignature;

    const QString expired = QStringLiteral("expired");
    QTest::newRow("exp equals now")
        << craftJson(hs256Header, R"({"sub":"1","sid":"abc","iat":1700000000,"exp":1700000100})")
        << expired;
    QTest::newRow("exp one second ago")
        << craftJson(hs256Header, R"({"sub":"1","sid":"abc","iat":1700000000,"exp":1700000099})")
        << expired;
    QTest::newRow("exp long ago")
        << craftJson(hs256Header, R"({"sub":"1","sid":"abc","iat":0,"exp":1})") << expired;
    QTest::newRow("iat 61 s ahead")
        << craftJson(hs256Header, R"({"sub":"1","sid":"abc","iat":1700000161,"exp":1700003600})")
        << QStringLiteral("future");

    QTest::newRow("sub missing")
        << craftJson(hs256Header, R"({"sid":"abc","iat":1700000000,"exp":1700003600})")
        << QStringLiteral("'sub'");
    QTest::newRow("sub a number")
        << craftJson(hs256Header, R"({"sub":1,"sid":"abc","iat":1700000000,"exp":1700003600})")
        << QStringLiteral("'sub'");
    QTest::newRow("sub empty")
        << craftJson(hs256Header, R"({"sub":"","sid":"abc","iat":1700000000,"exp":1700003600})")
        << QStringLiteral("'sub'");
    QTest::newRow("sid missing")
        << craftJson(hs256Header, R"({"sub":"1","iat":1700000000,"exp":1700003600})")
        << QStringLiteral("'sid'");
    QTest::newRow("iat missing")
        << craftJson(hs256Header, R"({"sub":"1","sid":"abc","exp":1700003600})")
        << QStringLiteral("'iat'");
    QTest::newRow("exp missing")
        << craftJson(hs256Header, R"({"sub":"1","sid":"abc","iat":1700000000})")
        << QStringLiteral("'exp'");
    QTest::newRow("exp a string")
        << craftJson(hs256Header, R"({"sub":"1","sid":"abc","iat":1700000000,"exp":"1700003600"})")
        << QStringLiteral("'exp'");
    QTest::newRow("exp a fraction")
        << craftJson(hs256Header, R"({"sub":"1","sid":"abc","iat":1700000000,"exp":1700003600.5})")
        << QStringLiteral("'exp'");
}

void TestJsonWebToken::verifyRejects()
{
    QFETCH(QString, token);
    QFETCH(QString, reason);
    const JsonWebToken tokens(testKey);

    const auto claims = tokens.verify(token, testNow);

    QVERIFY(!claims.ok());
    QCOMPARE(claims.error().kind(), Error::Kind::Unauthorized);
    QVERIFY2(claims.error().message().contains(reason), qPrintable(claims.error().message()));
}

void TestJsonWebToken::issueTimeWithinSkewAccepted()
{
    const JsonWebToken tokens(testKey);
    const QString token = craftJson(
        hs256Header, R"({"sub":"1","sid":"abc","iat":1700000160,"exp":1700003600})");

    const auto claims = tokens.verify(token, testNow);

    QVERIFY2(claims.ok(), qPrintable(claims.ok() ? QString() : claims.error().message()));
}

void TestJsonWebToken::shortKeyRejectsEveryToken()
{
    const QByteArray shortKey = testKey.left(JsonWebToken::minKeyLength - 1);
    const JsonWebToken tokens(shortKey);

    const auto claims = tokens.verify(tokens.sign(testClaims()), testNow);

    QVERIFY(!claims.ok());
    QCOMPARE(claims.error().kind(), Error::Kind::Internal);
}

QTEST_GUILESS_MAIN(TestJsonWebToken)
#include "tst_jsonwebtoken.moc"
