#include "auth/serversecret.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace dynamight;

namespace {

constexpr QFileDevice::Permissions ownerReadWrite = QFileDevice::ReadOwner | QFileDevice::WriteOwner
    | QFileDevice::ReadUser | QFileDevice::WriteUser;

const QString environmentSecret = QStringLiteral("an-environment-secret-of-40-characters!!");

QProcessEnvironment environmentWith(const QString &secret)
{
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("DYNAMIGHT_SECRET"), secret);
    return environment;
}

void writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(content), content.size());
    QVERIFY(file.setPermissions(ownerReadWrite));
}

} // namespace

class TestServerSecret : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void environmentWins();
    void shortEnvironmentRejected_data();
    void shortEnvironmentRejected();
    void fileCreatedWithMode0600();
    void fileReusedOnSecondLoad();
    void wideFilePermissionsTightened();
    void wrongFileLengthRejected_data();
    void wrongFileLengthRejected();
    void missingDataDirCreated();
    void derivedKeysDiffer();
    void derivedKeysAreStable();

private:
    QString secretPath() const
    {
        return QDir(m_dir->path()).filePath(QStringLiteral("secret.key"));
    }

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestServerSecret::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestServerSecret::cleanup()
{
    m_dir.reset();
}

void TestServerSecret::environmentWins()
{
    const QByteArray fileSecret(ServerSecret::fileLength, 'f');
    writeFile(secretPath(), fileSecret);

    const auto secret = ServerSecret::load(m_dir->path(), environmentWith(environmentSecret));

    QVERIFY2(secret.ok(), qPrintable(secret.ok() ? QString() : secret.error().message()));
    QCOMPARE(secret->value, environmentSecret.toUtf8());
    QCOMPARE(secret->source, QStringLiteral("environment variable DYNAMIGHT_SECRET"));
    QVERIFY(!secret->generated);
}

void TestServerSecret::shortEnvironmentRejected_data()
{
    QTest::addColumn<QString>("value");

    QTest::newRow("empty") << QString();
    QTest::newRow("31 characters") << QString(31, u'x');
    // 16 emoji: 32 UTF-16 code units and 64 UTF-8 bytes, but 16 characters.
    QTest::newRow("16 emoji") << QStringLiteral("\U0001F511").repeated(16);
}

void TestServerSecret::shortEnvironmentRejected()
{
    QFETCH(QString, value);

    const auto secret = ServerSecret::load(m_dir->path(), environmentWith(value));

    QVERIFY(!secret.ok());
    QCOMPARE(secret.error().kind(), Error::Kind::InvalidInput);
    const QString message = secret.error().message();
    QVERIFY2(message.contains(QLatin1String("DYNAMIGHT_SECRET")), qPrintable(message));
    QVERIFY2(message.contains(QLatin1String("32 characters")), qPrintable(message));
    QVERIFY(!QFileInfo::exists(secretPath()));
}

void TestServerSecret::fileCreatedWithMode0600()
{
    const auto secret = ServerSecret::load(m_dir->path(), QProcessEnvironment());

    QVERIFY2(secret.ok(), qPrintable(secret.ok() ? QString() : secret.error().message()));
    QCOMPARE(secret->value.size(), ServerSecret::fileLength);
    QCOMPARE(secret->source, QStringLiteral("file ") + secretPath());
    QVERIFY(secret->generated);
    QCOMPARE(QFile::permissions(secretPath()), ownerReadWrite);

    QFile file(secretPath());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), secret->value);
}

void TestServerSecret::fileReusedOnSecondLoad()
{
    const auto first = ServerSecret::load(m_dir->path(), QProcessEnvironment());
    const auto second = ServerSecret::load(m_dir->path(), QProcessEnvironment());

    QVERIFY(first.ok());
    QVERIFY(second.ok());
    QCOMPARE(second->value, first->value);
    QVERIFY(!second->generated);
}

void TestServerSecret::wideFilePermissionsTightened()
{
    const QByteArray stored(ServerSecret::fileLength, 's');
    writeFile(secretPath(), stored);
    QVERIFY(QFile::setPermissions(secretPath(), ownerReadWrite | QFileDevice::ReadGroup
                                                    | QFileDevice::ReadOther));

    QTest::ignoreMessage(QtWarningMsg,
                         qPrintable(QStringLiteral("Server secret: set the mode of ")
                                    + secretPath()
                                    + QStringLiteral(" to 0600, because it allowed more than "
                                                     "owner read and write")));
    const auto secret = ServerSecret::load(m_dir->path(), QProcessEnvironment());

    QVERIFY(secret.ok());
    QCOMPARE(secret->value, stored);
    QCOMPARE(QFile::permissions(secretPath()), ownerReadWrite);
}

void TestServerSecret::wrongFileLengthRejected_data()
{
    QTest::addColumn<int>("length");

    QTest::newRow("empty") << 0;
    QTest::newRow("31 bytes") << 31;
    QTest::newRow("33 bytes") << 33;
    QTest::newRow("4096 bytes") << 4096;
}

void TestServerSecret::wrongFileLengthRejected()
{
    QFETCH(int, length);
    const QByteArray stored(length, 's');
    writeFile(secretPath(), stored);

    const auto secret = ServerSecret::load(m_dir->path(), QProcessEnvironment());

    QVERIFY(!secret.ok());
    const QString message = secret.error().message();
    QVERIFY2(message.contains(secretPath()), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("%1 bytes").arg(length)), qPrintable(message));
    QVERIFY2(message.contains(QLatin1String("credentials")), qPrintable(message));
    QFile file(secretPath());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), stored);
}

void TestServerSecret::missingDataDirCreated()
{
    const QString dataDir = QDir(m_dir->path()).filePath(QStringLiteral("nested/data"));

    const auto secret = ServerSecret::load(dataDir, QProcessEnvironment());

    QVERIFY(secret.ok());
    QVERIFY(QFileInfo::exists(QDir(dataDir).filePath(QStringLiteral("secret.key"))));
    QCOMPARE(QFile::permissions(dataDir),
             ownerReadWrite | QFileDevice::ExeOwner | QFileDevice::ExeUser);
}

void TestServerSecret::derivedKeysDiffer()
{
    const QByteArray secret(ServerSecret::fileLength, 's');

    const QByteArray signing = deriveKey(secret, ServerSecret::tokenSigningContext, 1);
    const QByteArray encryption = deriveKey(secret, ServerSecret::credentialEncryptionContext, 1);
    const QByteArray signingTwo = deriveKey(secret, ServerSecret::tokenSigningContext, 2);
    const QByteArray otherSecret = deriveKey(QByteArray(ServerSecret::fileLength, 't'),
                                             ServerSecret::tokenSigningContext, 1);

    QCOMPARE(signing.size(), 32);
    QCOMPARE(encryption.size(), 32);
    QVERIFY(signing != encryption);
    QVERIFY(signing != signingTwo);
    QVERIFY(signing != otherSecret);
    QVERIFY(signing != secret);
}

void TestServerSecret::derivedKeysAreStable()
{
    const QByteArray secret = environmentSecret.toUtf8();

    QCOMPARE(deriveKey(secret, ServerSecret::tokenSigningContext, 1),
             deriveKey(secret, ServerSecret::tokenSigningContext, 1));
}

QTEST_GUILESS_MAIN(TestServerSecret)
#include "tst_serversecret.moc"
