#include "auth/secretbox.h"

#include <QTest>

using namespace dynamight;

namespace {

const QByteArray firstKey(SecretBox::keyLength, 'a');
const QByteArray secondKey(SecretBox::keyLength, 'b');

} // namespace

class TestSecretBox : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void layoutHasVersionAndNonce();
    void nonceDiffersPerSeal();
    void otherKeyRejected();
    void otherAssociatedDataRejected();
    void alteredByteRejected();
    void shortValueRejected_data();
    void shortValueRejected();
    void unknownVersionRejected();
    void wrongKeyLengthRejected();
};

void TestSecretBox::roundTrip_data()
{
    QTest::addColumn<QByteArray>("plaintext");
    QTest::addColumn<QByteArray>("associatedData");

    QTest::newRow("empty") << QByteArray() << QByteArray();
    QTest::newRow("short") << QByteArray("JBSWY3DPEHPK3PXP") << QByteArray();
    QTest::newRow("with associated data") << QByteArray("secret") << QByteArray("user:1");
    QTest::newRow("binary") << QByteArray("\x00\x01\xff\x7f", 4) << QByteArray("\x00", 1);
    QTest::newRow("large") << QByteArray(100000, 'x') << QByteArray("ad");
}

void TestSecretBox::roundTrip()
{
    QFETCH(QByteArray, plaintext);
    QFETCH(QByteArray, associatedData);
    const SecretBox box(firstKey);

    const QByteArray sealed = box.seal(plaintext, associatedData);
    const auto opened = box.open(sealed, associatedData);

    QVERIFY(opened.ok());
    QCOMPARE(*opened, plaintext);
}

void TestSecretBox::layoutHasVersionAndNonce()
{
    const QByteArray sealed = SecretBox(firstKey).seal("abc");

    QCOMPARE(sealed.size(), 1 + 24 + 3 + 16);
    QCOMPARE(sealed.at(0), char(1));
    QVERIFY(!sealed.contains("abc"));
}

void TestSecretBox::nonceDiffersPerSeal()
{
    const SecretBox box(firstKey);

    QVERIFY(box.seal("same") != box.seal("same"));
}

void TestSecretBox::otherKeyRejected()
{
    const QByteArray sealed = SecretBox(firstKey).seal("secret");

    const auto opened = SecretBox(secondKey).open(sealed);

    QVERIFY(!opened.ok());
    QCOMPARE(opened.error().kind(), Error::Kind::Storage);
    QVERIFY2(opened.error().message().contains(QLatin1String("server secret changed")),
             qPrintable(opened.error().message()));
}

void TestSecretBox::otherAssociatedDataRejected()
{
    const SecretBox box(firstKey);
    const QByteArray sealed = box.seal("secret", "user:1");

    QVERIFY(!box.open(sealed, "user:2").ok());
    QVERIFY(!box.open(sealed).ok());
}

void TestSecretBox::alteredByteRejected()
{
    const SecretBox box(firstKey);
    const QByteArray sealed = box.seal("secret");

    for (qsizetype i = 1; i < sealed.size(); ++i) {
        QByteArray altered = sealed;
        altered[i] = char(altered.at(i) ^ 0x01);
        QVERIFY2(!box.open(altered).ok(), qPrintable(QString::number(i)));
    }
}

void TestSecretBox::shortValueRejected_data()
{
    QTest::addColumn<QByteArray>("sealed");

    QTest::newRow("empty") << QByteArray();
    QTest::newRow("version only") << QByteArray(1, char(1));
    QTest::newRow("one byte short") << QByteArray(1 + 24 + 15, char(1));
}

void TestSecretBox::shortValueRejected()
{
    QFETCH(QByteArray, sealed);

    const auto opened = SecretBox(firstKey).open(sealed);

    QVERIFY(!opened.ok());
    QCOMPARE(opened.error().kind(), Error::Kind::Storage);
}

void TestSecretBox::unknownVersionRejected()
{
    const SecretBox box(firstKey);
    QByteArray sealed = box.seal("secret");
    sealed[0] = char(2);

    const auto opened = box.open(sealed);

    QVERIFY(!opened.ok());
    QVERIFY2(opened.error().message().contains(QLatin1String("version 2")),
             qPrintable(opened.error().message()));
}

void TestSecretBox::wrongKeyLengthRejected()
{
    const SecretBox box(QByteArray(16, 'k'));

    QVERIFY(box.seal("secret").isEmpty());
    const auto opened = box.open(SecretBox(firstKey).seal("secret"));
    QVERIFY(!opened.ok());
    QCOMPARE(opened.error().kind(), Error::Kind::Internal);
}

QTEST_GUILESS_MAIN(TestSecretBox)
#include "tst_secretbox.moc"
