#include "auth/totp.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTest>
#include <QUrl>
#include <QUrlQuery>

using namespace dynamight;

namespace {

// RFC 6238 Appendix B uses this 20-byte ASCII key for its SHA-1 vectors.
const QByteArray rfcKey = QByteArrayLiteral("12345678901234567890");

QDateTime utcSeconds(qint64 seconds) { return QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC); }

} // namespace

class TestTotp : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rfc6238Vectors_data();
    void rfc6238Vectors();
    void rfc4648Vectors_data();
    void rfc4648Vectors();
    void base32RoundTrip();
    void base32DecodeIsLenient();
    void base32DecodeRejects_data();
    void base32DecodeRejects();
    void timeStepFloors_data();
    void timeStepFloors();
    void matchesOathtool_data();
    void matchesOathtool();
    void verifyAcceptsAdjacentSteps_data();
    void verifyAcceptsAdjacentSteps();
    void verifyRejectsMalformed_data();
    void verifyRejectsMalformed();
    void generatedSecretIsRandom();
    void otpauthUrlCarriesSecret();
};

void TestTotp::rfc6238Vectors_data()
{
    QTest::addColumn<qint64>("seconds");
    QTest::addColumn<QString>("expected");

    QTest::newRow("59") << qint64(59) << QStringLiteral("94287082");
    QTest::newRow("1111111109") << qint64(1111111109) << QStringLiteral("07081804");
    QTest::newRow("1111111111") << qint64(1111111111) << QStringLiteral("14050471");
    QTest::newRow("1234567890") << qint64(1234567890) << QStringLiteral("89005924");
    QTest::newRow("2000000000") << qint64(2000000000) << QStringLiteral("69279037");
    QTest::newRow("20000000000") << qint64(20000000000) << QStringLiteral("65353130");
}

void TestTotp::rfc6238Vectors()
{
    QFETCH(qint64, seconds);
    QFETCH(QString, expected);

    QCOMPARE(Totp::codeAt(rfcKey, utcSeconds(seconds), 8), expected);
    // The 6-digit code is the last 6 digits of the 8-digit one, as both are modulo a power of 10.
    QCOMPARE(Totp::codeAt(rfcKey, utcSeconds(seconds)), expected.right(6));
}

void TestTotp::rfc4648Vectors_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QString>("encoded");

    // RFC 4648 section 10, without the '=' padding.
    QTest::newRow("empty") << QByteArray() << QString();
    QTest::newRow("f") << QByteArray("f") << QStringLiteral("MY");
    QTest::newRow("fo") << QByteArray("fo") << QStringLiteral("MZXQ");
    QTest::newRow("foo") << QByteArray("foo") << QStringLiteral("MZXW6");
    QTest::newRow("foob") << QByteArray("foob") << QStringLiteral("MZXW6YQ");
    QTest::newRow("fooba") << QByteArray("fooba") << QStringLiteral("MZXW6YTB");
    QTest::newRow("foobar") << QByteArray("foobar") << QStringLiteral("MZXW6YTBOI");
    QTest::newRow("rfc key") << rfcKey << QStringLiteral("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

void TestTotp::rfc4648Vectors()
{
    QFETCH(QByteArray, data);
    QFETCH(QString, encoded);

    QCOMPARE(Totp::base32Encode(data), encoded);
    const auto decoded = Totp::base32Decode(encoded);
    QVERIFY(decoded.has_value());
    QCOMPARE(*decoded, data);
}

void TestTotp::base32RoundTrip()
{
    for (int length = 0; length <= 41; ++length) {
        QByteArray data(length, Qt::Uninitialized);
        for (int i = 0; i < length; ++i)
            data[i] = static_cast<char>((i * 73 + length * 11) & 0xff);

        const QString encoded = Totp::base32Encode(data);
        const auto decoded = Totp::base32Decode(encoded);

        QVERIFY2(decoded.has_value(), qPrintable(encoded));
        QCOMPARE(*decoded, data);
    }
}

void TestTotp::base32DecodeIsLenient()
{
    const auto decoded = Totp::base32Decode(QStringLiteral("mzxw 6ytb-oi======"));

    QVERIFY(decoded.has_value());
    QCOMPARE(*decoded, QByteArray("foobar"));
}

void TestTotp::base32DecodeRejects_data()
{
    QTest::addColumn<QString>("text");

    QTest::newRow("digit 1") << QStringLiteral("MZXW1");
    QTest::newRow("digit 8") << QStringLiteral("MZXW8");
    QTest::newRow("punctuation") << QStringLiteral("MZ.XW");
    QTest::newRow("non-zero trailing bits") << QStringLiteral("MZ");
    QTest::newRow("one character") << QStringLiteral("M");
    QTest::newRow("non-ASCII") << QStringLiteral("MZX\u00c4");
}

void TestTotp::base32DecodeRejects()
{
    QFETCH(QString, text);

    QVERIFY(!Totp::base32Decode(text).has_value());
}

void TestTotp::timeStepFloors_data()
{
    QTest::addColumn<qint64>("seconds");
    QTest::addColumn<qint64>("step");

    QTest::newRow("epoch") << qint64(0) << qint64(0);
    QTest::newRow("29") << qint64(29) << qint64(0);
    QTest::newRow("30") << qint64(30) << qint64(1);
    QTest::newRow("-1") << qint64(-1) << qint64(-1);
    QTest::newRow("-30") << qint64(-30) << qint64(-1);
    QTest::newRow("-31") << qint64(-31) << qint64(-2);
}

void TestTotp::timeStepFloors()
{
    QFETCH(qint64, seconds);
    QFETCH(qint64, step);

    QCOMPARE(Totp::timeStep(utcSeconds(seconds)), step);
}

void TestTotp::matchesOathtool_data()
{
    QTest::addColumn<QString>("secret");
    QTest::addColumn<qint64>("seconds");

    const QString rfcSecret = Totp::base32Encode(rfcKey);
    const QString other = QStringLiteral("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");
    QTest::newRow("rfc key, 59") << rfcSecret << qint64(59);
    QTest::newRow("rfc key, 1111111109") << rfcSecret << qint64(1111111109);
    QTest::newRow("other, 1700000000") << other << qint64(1700000000);
    QTest::newRow("other, 1700000029") << other << qint64(1700000029);
    QTest::newRow("other, 1767225600") << other << qint64(1767225600);
    QTest::newRow("other, 4102444800") << other << qint64(4102444800);
}

void TestTotp::matchesOathtool()
{
    QFETCH(QString, secret);
    QFETCH(qint64, seconds);
    if (QStandardPaths::findExecutable(QStringLiteral("oathtool")).isEmpty())
        QSKIP("oathtool is not installed: run scripts/install-dependencies --tests");

    // The secret is test data, so it may appear on this command line.
    QProcess oathtool;
    const QString now = utcSeconds(seconds).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"));
    oathtool.start(
        QStringLiteral("oathtool"),
        {QStringLiteral("--totp"), QStringLiteral("-b"), secret, QStringLiteral("--now=") + now});
    QVERIFY(oathtool.waitForFinished(10000));
    QCOMPARE(oathtool.exitCode(), 0);
    const QString expected = QString::fromLatin1(oathtool.readAllStandardOutput()).trimmed();

    const auto key = Totp::base32Decode(secret);
    QVERIFY(key.has_value());
    QCOMPARE(Totp::codeAt(*key, utcSeconds(seconds)), expected);
}

void TestTotp::verifyAcceptsAdjacentSteps_data()
{
    QTest::addColumn<int>("offset");
    QTest::addColumn<bool>("accepted");

    QTest::newRow("two steps early") << -2 << false;
    QTest::newRow("one step early") << -1 << true;
    QTest::newRow("current step") << 0 << true;
    QTest::newRow("one step late") << 1 << true;
    QTest::newRow("two steps late") << 2 << false;
}

void TestTotp::verifyAcceptsAdjacentSteps()
{
    QFETCH(int, offset);
    QFETCH(bool, accepted);
    const QDateTime now = utcSeconds(1700000015);
    const qint64 current = Totp::timeStep(now);

    const auto matched = Totp::verify(rfcKey, Totp::code(rfcKey, current + offset), now);

    QCOMPARE(matched.has_value(), accepted);
    if (accepted)
        QCOMPARE(*matched, current + offset);
}

void TestTotp::verifyRejectsMalformed_data()
{
    QTest::addColumn<QString>("code");

    QTest::newRow("empty") << QString();
    QTest::newRow("five digits") << QStringLiteral("12345");
    QTest::newRow("seven digits") << QStringLiteral("1234567");
    QTest::newRow("letters") << QStringLiteral("12a456");
    QTest::newRow("sign") << QStringLiteral("+12345");
    QTest::newRow("Arabic-Indic digits") << QStringLiteral("\u0661\u0662\u0663\u0664\u0665\u0666");
}

void TestTotp::verifyRejectsMalformed()
{
    QFETCH(QString, code);

    QVERIFY(!Totp::verify(rfcKey, code, utcSeconds(1700000015)).has_value());
}

void TestTotp::generatedSecretIsRandom()
{
    const QByteArray first = Totp::generateSecret();
    const QByteArray second = Totp::generateSecret();

    QCOMPARE(first.size(), 20);
    QCOMPARE(second.size(), 20);
    QVERIFY(first != second);
    QCOMPARE(Totp::base32Encode(first).size(), 32);
}

void TestTotp::otpauthUrlCarriesSecret()
{
    const QString url = Totp::otpauthUrl(QStringLiteral("Dynamight"), QStringLiteral("admin"),
                                         QByteArrayLiteral("foobar"));

    QCOMPARE(url,
             QStringLiteral("otpauth://totp/Dynamight:admin?secret=MZXW6YTBOI&issuer=Dynamight"));
    const QUrl parsed(url);
    QCOMPARE(QUrlQuery(parsed).queryItemValue(QStringLiteral("secret")),
             QStringLiteral("MZXW6YTBOI"));
}

QTEST_GUILESS_MAIN(TestTotp)
#include "tst_totp.moc"
