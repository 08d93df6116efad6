#include "auth/passwordhasher.h"

#include <QTest>

using namespace dynamight;

namespace {

// Made with libsodium 1.0.18's crypto_pwhash_str() under OPSLIMIT_MIN and MEMLIMIT_MIN for the
// password "correct horse battery": a hash from older, weaker limits.
const QString weakHash = QStringLiteral(
    "$argon2id$v=19$m=8,t=1,p=1$UqsMXZZXULacoNIOipu4gA"
    "$Pre9a0RUsKXRkzts07IShGGluzxjixHFDp0LcbfszcM");

} // namespace

class TestPasswordHasher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void hashIsArgon2id();
    void verifyMatchesOnlyThePassword();
    void hashesOfOnePasswordDiffer();
    void verifyComparesNfcForms();
    void verifyRejectsMalformedHash_data();
    void verifyRejectsMalformedHash();
    void weakHashVerifiesAndNeedsRehash();
    void freshHashNeedsNoRehash();
    void policyLengths_data();
    void policyLengths();
    void policyMessageStatesLimits();
};

void TestPasswordHasher::hashIsArgon2id()
{
    const auto hash = PasswordHasher::hash(QStringLiteral("securepassword123"));

    QVERIFY2(hash.ok(), qPrintable(hash.ok() ? QString() : hash.error().message()));
    QVERIFY(hash->startsWith(QLatin1String("$argon2id$v=19$m=65536,t=2,p=1$")));
}

void TestPasswordHasher::verifyMatchesOnlyThePassword()
{
    const auto hash = PasswordHasher::hash(QStringLiteral("securepassword123"));
    QVERIFY(hash.ok());

    QVERIFY(PasswordHasher::verify(QStringLiteral("securepassword123"), *hash));
    QVERIFY(!PasswordHasher::verify(QStringLiteral("securepassword124"), *hash));
    QVERIFY(!PasswordHasher::verify(QStringLiteral("SECUREPASSWORD123"), *hash));
    QVERIFY(!PasswordHasher::verify(QString(), *hash));
}

void TestPasswordHasher::hashesOfOnePasswordDiffer()
{
    const auto first = PasswordHasher::hash(QStringLiteral("securepassword123"));
    const auto second = PasswordHasher::hash(QStringLiteral("securepassword123"));
    QVERIFY(first.ok());
    QVERIFY(second.ok());

    QVERIFY(*first != *second);
}

void TestPasswordHasher::verifyComparesNfcForms()
{
    // "é" precomposed (U+00E9) and as "e" plus a combining acute accent (U+0301).
    const QString precomposed = QStringLiteral("caf\u00e9 au lait");
    const QString combining = QStringLiteral("cafe\u0301 au lait");
    const auto hash = PasswordHasher::hash(precomposed);
    QVERIFY(hash.ok());

    QVERIFY(PasswordHasher::verify(combining, *hash));
}

void TestPasswordHasher::verifyRejectsMalformedHash_data()
{
    QTest::addColumn<QString>("hash");

    QTest::newRow("empty") << QString();
    QTest::newRow("not a hash") << QStringLiteral("securepassword123");
    QTest::newRow("truncated") << weakHash.left(40);
    QTest::newRow("too long") << weakHash + QString(200, u'A');
    QTest::newRow("argon2i") << QString(weakHash).replace(QLatin1String("argon2id"),
                                                          QLatin1String("argon2i"));
}

void TestPasswordHasher::verifyRejectsMalformedHash()
{
    QFETCH(QString, hash);

    QVERIFY(!PasswordHasher::verify(QStringLiteral("correct horse battery"), hash));
    QVERIFY(PasswordHasher::needsRehash(hash));
}

void TestPasswordHasher::weakHashVerifiesAndNeedsRehash()
{
    QVERIFY(PasswordHasher::verify(QStringLiteral("correct horse battery"), weakHash));
    QVERIFY(PasswordHasher::needsRehash(weakHash));
}

void TestPasswordHasher::freshHashNeedsNoRehash()
{
    const auto hash = PasswordHasher::hash(QStringLiteral("correct horse battery"));
    QVERIFY(hash.ok());

    QVERIFY(!PasswordHasher::needsRehash(*hash));
}

void TestPasswordHasher::policyLengths_data()
{
    QTest::addColumn<QString>("password");
    QTest::addColumn<bool>("accepted");

    // U+1F511 (key emoji) is one character but two UTF-16 code units.
    const QString key = QStringLiteral("\U0001F511");
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("7 characters") << QString(7, u'x') << false;
    QTest::newRow("8 characters") << QString(8, u'x') << true;
    QTest::newRow("1024 characters") << QString(1024, u'x') << true;
    QTest::newRow("1025 characters") << QString(1025, u'x') << false;
    QTest::newRow("7 emoji, 14 code units") << key.repeated(7) << false;
    QTest::newRow("8 emoji") << key.repeated(8) << true;
    QTest::newRow("1024 emoji, 2048 code units") << key.repeated(1024) << true;
}

void TestPasswordHasher::policyLengths()
{
    QFETCH(QString, password);
    QFETCH(bool, accepted);

    const Status status = PasswordHasher::checkPolicy(password);

    QCOMPARE(status.ok(), accepted);
    if (!accepted)
        QCOMPARE(status.error().kind(), Error::Kind::InvalidInput);
}

void TestPasswordHasher::policyMessageStatesLimits()
{
    const Status status = PasswordHasher::checkPolicy(QStringLiteral("short"));
    QVERIFY(!status.ok());

    QCOMPARE(status.error().message(),
             QStringLiteral("Password must be 8 to 1024 characters long"));
}

QTEST_GUILESS_MAIN(TestPasswordHasher)
#include "tst_passwordhasher.moc"
