#include "runner/sshhostkeys.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace dynamight;

namespace {

// ssh-keyscan output of an OpenSSH 9.2 server on port 2299 with an ECDSA and an Ed25519 key.
const QByteArray kScan =
    "# 127.0.0.1:2299 SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10\n"
    "[127.0.0.1]:2299 ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBBo7gBOrGX4jdeOSAw/fpMostCHBSNoYdqUxn07qKxhGyWPGAX2JraKEjaqz9zee44dRhhfw3SpMoerBYIiaJec=\n"
    "[127.0.0.1]:2299 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAbIr60wCtHUhCll7QxjNgD1FxdWgPpldMxf2RssMwUO\n";
// What ssh-keygen -l printed for the ECDSA key above.
const QString kEcdsaFingerprint = QStringLiteral("SHA256:Hq/yPS75/M8mFN3qKBg2/JndAVpUu9aWcH/Df1YngTc");

} // namespace

class TestSshHostKeys : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parse();
    void fingerprintMatchesSshKeygen();
    void negotiatedKey();
    void knownHostsLine();
    void trustedKeyPasses();
    void unknownKeyFails();
    void changedKeyFails();
    void otherKeyTypeFails();
    void noKeysFails();
};

void TestSshHostKeys::parse()
{
    const QList<SshHostKey> keys = parseSshKeyscanOutput(kScan);
    QCOMPARE(keys.size(), 2);
    QCOMPARE(keys.at(0).type, QStringLiteral("ecdsa-sha2-nistp256"));
    QCOMPARE(keys.at(1).type, QStringLiteral("ssh-ed25519"));
    QCOMPARE(keys.at(0).fingerprint(), kEcdsaFingerprint);
}

void TestSshHostKeys::fingerprintMatchesSshKeygen()
{
    const QString keygen = QStandardPaths::findExecutable(QStringLiteral("ssh-keygen"));
    if (keygen.isEmpty())
        QSKIP("ssh-keygen is not installed");
    QTemporaryDir dir;
    const QString key = dir.filePath(QStringLiteral("key"));
    QCOMPARE(QProcess::execute(keygen, {QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"),
                                        QStringLiteral("-N"), QString(), QStringLiteral("-f"), key}),
             0);
    QFile publicKey(key + QStringLiteral(".pub"));
    QVERIFY(publicKey.open(QIODevice::ReadOnly));
    const QList<QByteArray> fields = publicKey.readAll().split(' ');

    QProcess list;
    list.start(keygen, {QStringLiteral("-l"), QStringLiteral("-f"), publicKey.fileName()});
    QVERIFY(list.waitForFinished(5000));
    const QString expected = QString::fromLatin1(list.readAllStandardOutput()).section(u' ', 1, 1);
    QCOMPARE((SshHostKey{QString::fromLatin1(fields.at(0)), fields.at(1)}.fingerprint()), expected);
}

void TestSshHostKeys::negotiatedKey()
{
    const QList<SshHostKey> keys = parseSshKeyscanOutput(kScan);
    QCOMPARE(keyNegotiatedByRclone(keys)->type, QStringLiteral("ecdsa-sha2-nistp256"));
    QCOMPARE(keyNegotiatedByRclone(keys.mid(1))->type, QStringLiteral("ssh-ed25519"));
    QVERIFY(!keyNegotiatedByRclone({}));
}

void TestSshHostKeys::knownHostsLine()
{
    const SshHostKey key{QStringLiteral("ssh-ed25519"), "AAAA"};
    QCOMPARE(key.knownHostsLine(QStringLiteral("127.0.0.1"), 2299), QByteArray("[127.0.0.1]:2299 ssh-ed25519 AAAA\n"));
    QCOMPARE(key.knownHostsLine(QStringLiteral("backup.example.com"), 22),
             QByteArray("backup.example.com ssh-ed25519 AAAA\n"));
}

void TestSshHostKeys::trustedKeyPasses()
{
    const SshHostKeyCheck check =
        checkSshHostKeys(parseSshKeyscanOutput(kScan), QStringLiteral("127.0.0.1"), 2299, kEcdsaFingerprint);
    QVERIFY(check.trustedKey);
    QCOMPARE(check.trustedKey->fingerprint(), kEcdsaFingerprint);
    QVERIFY(check.errorMessage.isEmpty());
}

void TestSshHostKeys::unknownKeyFails()
{
    const SshHostKeyCheck check = checkSshHostKeys(parseSshKeyscanOutput(kScan), QStringLiteral("127.0.0.1"), 2299, {});
    QVERIFY(!check.trustedKey);
    QVERIFY2(check.errorMessage.startsWith(QStringLiteral("Host key of 127.0.0.1:2299 is unknown")), qPrintable(check.errorMessage));
    QVERIFY(check.errorMessage.contains(kEcdsaFingerprint));
}

void TestSshHostKeys::changedKeyFails()
{
    const QString old = QStringLiteral("SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8");
    const SshHostKeyCheck check = checkSshHostKeys(parseSshKeyscanOutput(kScan), QStringLiteral("127.0.0.1"), 2299, old);
    QVERIFY(!check.trustedKey);
    QVERIFY2(check.errorMessage.contains(QStringLiteral("does not match")), qPrintable(check.errorMessage));
    QVERIFY(check.errorMessage.contains(old));
    QVERIFY(check.errorMessage.contains(kEcdsaFingerprint));
}

// A job that trusts the Ed25519 key of a server that also has an ECDSA key cannot work with
// rclone 1.60, which checks the ECDSA key. The message names the fingerprint to trust.
void TestSshHostKeys::otherKeyTypeFails()
{
    const QList<SshHostKey> keys = parseSshKeyscanOutput(kScan);
    const SshHostKeyCheck check =
        checkSshHostKeys(keys, QStringLiteral("127.0.0.1"), 2299, keys.at(1).fingerprint());
    QVERIFY(!check.trustedKey);
    QVERIFY2(check.errorMessage.contains(QStringLiteral("rclone checks its ecdsa-sha2-nistp256 key")),
             qPrintable(check.errorMessage));
    QVERIFY(check.errorMessage.contains(kEcdsaFingerprint));
}

void TestSshHostKeys::noKeysFails()
{
    const SshHostKeyCheck check = checkSshHostKeys({}, QStringLiteral("127.0.0.1"), 22, kEcdsaFingerprint);
    QVERIFY(!check.trustedKey);
    QVERIFY(check.errorMessage.startsWith(QStringLiteral("Failed to read the SSH host key")));
}

QTEST_GUILESS_MAIN(TestSshHostKeys)
#include "tst_sshhostkeys.moc"
