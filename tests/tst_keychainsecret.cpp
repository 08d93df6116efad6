#include "apiclient.h"
#include "auth/keychain.h"
#include "auth/serversecret.h"
#include "auth/systemkeychain.h"
#include "serverprocess.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace dynamight;
using namespace Qt::StringLiterals;

namespace {

// Set in the environment of this binary when it runs again inside a private D-Bus session
// with an unlocked GNOME Keyring, where TestKeychainInSession runs instead.
constexpr char sessionVariable[] = "DYNAMIGHT_TEST_KEYRING_SESSION";

constexpr QFileDevice::Permissions ownerReadWrite = QFileDevice::ReadOwner | QFileDevice::WriteOwner
    | QFileDevice::ReadUser | QFileDevice::WriteUser;

// An in-memory keychain whose reachability a test sets.
class FakeKeychain final : public Keychain
{
public:
    Lookup read(const QString &key) override
    {
        readKeys.append(key);
        if (!available)
            return {LookupStatus::Unavailable, QByteArray(),
                    u"the fake keychain is switched off"_s};
        if (!entries.contains(key))
            return {LookupStatus::NotFound, QByteArray(), QString()};
        return {LookupStatus::Found, entries.value(key), QString()};
    }

    Status write(const QString &key, const QByteArray &value) override
    {
        if (!available || !writable)
            return Error(Error::Kind::Unavailable,
                         u"Failed to write %1: read-only"_s.arg(describe(key)));
        entries.insert(key, value);
        writtenKeys.append(key);
        return {};
    }

    QString describe(const QString &key) const override
    {
        return u"the fake keychain (key %1)"_s.arg(key);
    }

    QHash<QString, QByteArray> entries;
    bool available = true;
    bool writable = true;
    QStringList readKeys;
    QStringList writtenKeys;
};

QString messageOf(const Result<LoadedSecret> &secret)
{
    return secret.ok() ? QString() : secret.error().message();
}

void writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(content), content.size());
    QVERIFY(file.setPermissions(ownerReadWrite));
}

} // namespace

// The order of the secret sources, with a fake keychain.
class TestKeychainSecret : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void environmentWinsOverKeychain();
    void newInstallationUsesKeychain();
    void keychainSecretReused();
    void existingFileWinsOverKeychain();
    void unavailableKeychainFallsBackToFile();
    void failedWriteFallsBackToFile();
    void unavailableAfterKeychainUseFails();
    void lostEntryReplacedWithWarning();
    void damagedEntryRejected();
    void keyDependsOnDataDir();
    void serverFallsBackWithoutDbus();
    void systemKeychainInPrivateSession();

private:
    QString dataPath(const QString &name) const { return QDir(m_dir->path()).filePath(name); }

    std::unique_ptr<QTemporaryDir> m_dir;
    FakeKeychain m_keychain;
};

void TestKeychainSecret::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_keychain = FakeKeychain();
}

void TestKeychainSecret::cleanup() { m_dir.reset(); }

void TestKeychainSecret::environmentWinsOverKeychain()
{
    QProcessEnvironment environment;
    environment.insert(u"DYNAMIGHT_SECRET"_s, QString(40, u'e'));

    const auto secret = ServerSecret::load(m_dir->path(), environment, &m_keychain);

    QVERIFY2(secret.ok(), qPrintable(messageOf(secret)));
    QCOMPARE(secret->source, u"environment variable DYNAMIGHT_SECRET"_s);
    QVERIFY(m_keychain.readKeys.isEmpty());
    QVERIFY(m_keychain.writtenKeys.isEmpty());
}

void TestKeychainSecret::newInstallationUsesKeychain()
{
    const auto secret = ServerSecret::load(m_dir->path(), QProcessEnvironment(), &m_keychain);

    QVERIFY2(secret.ok(), qPrintable(messageOf(secret)));
    const QString key = ServerSecret::keychainKey(m_dir->path());
    QCOMPARE(secret->source, m_keychain.describe(key));
    QVERIFY(secret->generated);
    QCOMPARE(secret->value.size(), ServerSecret::fileLength);
    QCOMPARE(m_keychain.entries.value(key), secret->value);
    QVERIFY(!QFileInfo::exists(dataPath(u"secret.key"_s)));
    QVERIFY(QFileInfo::exists(dataPath(u"secret.keychain"_s)));
    QFile marker(dataPath(u"secret.keychain"_s));
    QVERIFY(marker.open(QIODevice::ReadOnly));
    QVERIFY(!marker.readAll().contains(secret->value));
}

void TestKeychainSecret::keychainSecretReused()
{
    const auto first = ServerSecret::load(m_dir->path(), QProcessEnvironment(), &m_keychain);
    const auto second = ServerSecret::load(m_dir->path(), QProcessEnvironment(), &m_keychain);

    QVERIFY2(first.ok(), qPrintable(messageOf(first)));
    QVERIFY2(second.ok(), qPrintable(messageOf(second)));
    QCOMPARE(second->value, first->value);
    QVERIFY(!second->generated);
    QCOMPARE(m_keychain.writtenKeys.size(), 1);
}

void TestKeychainSecret::existingFileWinsOverKeychain()
{
    const QByteArray fileSecret(ServerSecret::fileLength, 'f');
    writeFile(dataPath(u"secret.key"_s), fileSecret);
    m_keychain.entries.insert(ServerSecret::keychainKey(m_dir->path()),
                              QByteArray(ServerSecret::fileLength, 'k'));

    const auto secret = ServerSecret::load(m_dir->path(), QProcessEnvironment(), &m_keychain);

    QVERIFY2(secret.ok(), qPrintable(messageOf(secret)));
    QCOMPARE(secret->value, fileSecret);
    QCOMPARE(secret->source, u"file "_s + dataPath(u"secret.key"_s));
    QVERIFY(m_keychain.readKeys.isEmpty());
    QVERIFY(m_keychain.writtenKeys.isEmpty());
}

void TestKeychainSecret::unavailableKeychainFallsBackToFile()
{
    m_keychain.available = false;

    const auto secret = ServerSecret::load(m_dir->path(), QProcessEnvironment(), &m_keychain);

    QVERIFY2(secret.ok(), qPrintable(messageOf(secret)));
    QCOMPARE(secret->source, u"file "_s + dataPath(u"secret.key"_s));
    QVERIFY(secret->generated);
    QCOMPARE(QFile::permissions(dataPath(u"secret.key"_s)), ownerReadWrite);
    QVERIFY(!QFileInfo::exists(dataPath(u"secret.keychain"_s)));

    // Once the file exists it stays the source, also when the keychain comes back.
    m_keychain.available = true;
    const auto again = ServerSecret::load(m_dir->path(), QProcessEnvironment(), &m_keychain);
    QVERIFY2(again.ok(), qPrintable(messageOf(again)));
    QCOMPARE(again->value, secret->value);
    QVERIFY(m_keychain.writtenKeys.isEmpty());
}

void TestKeychainSecret::failedWriteFallsBackToFile()
{
    m_keychain.writable = false;

    const auto secret = ServerSecret::load(m_dir->path(), QProcessEnvironment(), &m_keychain);

    QVERIFY2(secret.ok(), qPrintable(messageOf(secret)));
    QCOMPARE(secret->source, u"file "_s + dataPath(u"secret.key"_s));
    QVERIFY(!QFileInfo::exists(dataPath(u"secret.keychain"_s)));
}

void TestKeychainSecret::unavailableAfterKeychainUseFails()
{
    QVERIFY(ServerSecret::load(m_dir->path(), QProcessEnvironment(), &m_keychain).ok());
    m_keychain.available = false;

    const auto secret = ServerSecret::load(m_dir->path(), QProcessEnvironment(), &m_keychain);

    QVERIFY(!secret.ok());
    QCOMPARE(secret.error().kind(), Error::Kind::Unavailable);
    const QString message = secret.error().message();
    QVERIFY2(message.contains(u"the fake keychain is switched off"_s), qPrintable(message));
    QVERIFY2(message.contains(dataPath(u"secret.keychain"_s)), qPrintable(message));
    QVERIFY(!QFileInfo::exists(dataPath(u"secret.key"_s)));
}

void TestKeychainSecret::lostEntryReplacedWithWarning()
{
    const auto first = ServerSecret::load(m_dir->path(), QProcessEnvironment(), &m_keychain);
    QVERIFY2(first.ok(), qPrintable(messageOf(first)));
    m_keychain.entries.clear();

    QTest::ignoreMessage(
        QtWarningMsg,
        QRegularExpression(u"is missing although this data dir kept its secret there"_s));
    const auto second = ServerSecret::load(m_dir->path(), QProcessEnvironment(), &m_keychain);

    QVERIFY2(second.ok(), qPrintable(messageOf(second)));
    QVERIFY(second->generated);
    QVERIFY(second->value != first->value);
}

void TestKeychainSecret::damagedEntryRejected()
{
    m_keychain.entries.insert(ServerSecret::keychainKey(m_dir->path()), QByteArray("too short"));

    const auto secret = ServerSecret::load(m_dir->path(), QProcessEnvironment(), &m_keychain);

    QVERIFY(!secret.ok());
    QVERIFY2(secret.error().message().contains(u"9 bytes long instead of 32"_s),
             qPrintable(secret.error().message()));
    QVERIFY(!QFileInfo::exists(dataPath(u"secret.key"_s)));
}

void TestKeychainSecret::keyDependsOnDataDir()
{
    QVERIFY(QDir().mkpath(dataPath(u"one"_s)));
    QVERIFY(QFile::link(dataPath(u"one"_s), dataPath(u"link"_s)));

    QVERIFY(ServerSecret::keychainKey(dataPath(u"one"_s))
            != ServerSecret::keychainKey(dataPath(u"two"_s)));
    QCOMPARE(ServerSecret::keychainKey(dataPath(u"link"_s)),
             ServerSecret::keychainKey(dataPath(u"one"_s)));
    QVERIFY(ServerSecret::keychainKey(dataPath(u"one"_s))
                .endsWith(QFileInfo(dataPath(u"one"_s)).canonicalFilePath()));

    const auto one = ServerSecret::load(dataPath(u"one"_s), QProcessEnvironment(), &m_keychain);
    const auto two = ServerSecret::load(dataPath(u"two"_s), QProcessEnvironment(), &m_keychain);
    QVERIFY2(one.ok(), qPrintable(messageOf(one)));
    QVERIFY2(two.ok(), qPrintable(messageOf(two)));
    QVERIFY(one->value != two->value);
    QCOMPARE(m_keychain.entries.size(), 2);
}

void TestKeychainSecret::serverFallsBackWithoutDbus()
{
    // No session bus address, no X display to autolaunch one from, and an empty runtime dir, so
    // neither QtDBus nor libsecret can find a bus.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(u"DBUS_SESSION_BUS_ADDRESS"_s);
    environment.remove(u"DISPLAY"_s);
    environment.insert(u"XDG_RUNTIME_DIR"_s, dataPath(u"runtime"_s));
    environment.insert(u"DYNAMIGHT_KEYCHAIN"_s, u"on"_s);
    QVERIFY(QDir().mkpath(dataPath(u"runtime"_s)));
    ServerProcess server;

    QElapsedTimer timer;
    timer.start();
    QVERIFY2(server.start({}, environment), server.standardError().constData());
    const qint64 startMs = timer.elapsed();

    QCOMPARE(ApiClient(server.baseUrl()).get(u"/api/system/health"_s).status, 200);
    const QByteArray log = server.standardError();
    QVERIFY2(log.contains("the OS keychain is unavailable"), log.constData());
    QVERIFY2(log.contains("using the server secret from file"), log.constData());
    const QString secretFile = QDir(server.dataDir()).filePath(u"secret.key"_s);
    QCOMPARE(QFile::permissions(secretFile), ownerReadWrite);
    // The keychain's own timeout is 3 s; failing over must not wait for it.
    QVERIFY2(startMs < 2500, qPrintable(u"the server took %1 ms to start"_s.arg(startMs)));
    QCOMPARE(server.stop(), 0);
}

void TestKeychainSecret::systemKeychainInPrivateSession()
{
    const QString dbusRunSession = QStandardPaths::findExecutable(u"dbus-run-session"_s);
    const QString keyringDaemon = QStandardPaths::findExecutable(u"gnome-keyring-daemon"_s);
    if (dbusRunSession.isEmpty() || keyringDaemon.isEmpty())
        QSKIP("dbus-run-session or gnome-keyring-daemon is missing: run "
              "scripts/install-dependencies --tests");

    const QString home = dataPath(u"home"_s);
    const QString runtime = dataPath(u"runtime"_s);
    QVERIFY(QDir().mkpath(home));
    QVERIFY(QDir().mkpath(runtime));
    QVERIFY(QFile::setPermissions(
        runtime, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
    // The password of the throwaway login keyring, read by gnome-keyring-daemon from stdin.
    writeFile(dataPath(u"keyring-password"_s), "dynamight-test-keyring");

    QProcessEnvironment environment;
    for (const QString &name : {u"PATH"_s, u"DYNAMIGHT_BINARY"_s, u"LANG"_s})
        environment.insert(name, qEnvironmentVariable(name.toLatin1().constData()));
    environment.insert(u"HOME"_s, home);
    environment.insert(u"XDG_DATA_HOME"_s, home + u"/.local/share"_s);
    environment.insert(u"XDG_CONFIG_HOME"_s, home + u"/.config"_s);
    environment.insert(u"XDG_CACHE_HOME"_s, home + u"/.cache"_s);
    environment.insert(u"XDG_RUNTIME_DIR"_s, runtime);
    environment.insert(u"KEYRING_PASSWORD_FILE"_s, dataPath(u"keyring-password"_s));
    environment.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    environment.insert(QLatin1String(sessionVariable), u"1"_s);

    QProcess session;
    session.setProcessEnvironment(environment);
    session.setProcessChannelMode(QProcess::MergedChannels);
    session.start(dbusRunSession,
                  {u"--"_s, u"sh"_s, u"-c"_s,
                   u"gnome-keyring-daemon --unlock --components=secrets < "
                   u"\"$KEYRING_PASSWORD_FILE\" > /dev/null"
                   " && exec \"$0\""_s,
                   QCoreApplication::applicationFilePath()});
    QVERIFY(session.waitForStarted());
    const bool finished = session.waitForFinished(45000);
    if (!finished)
        session.kill();
    const QByteArray output = session.readAll();

    QVERIFY2(finished, output.constData());
    QVERIFY2(session.exitStatus() == QProcess::NormalExit && session.exitCode() == 0,
             output.constData());
    QVERIFY2(output.contains("Totals: "), output.constData());
    qInfo().noquote() << "Inside the private D-Bus session:"
                      << output.mid(output.lastIndexOf("Totals: ")).trimmed();
}

// The QtKeychain source against a real Secret Service: runs only inside the private session
// that TestKeychainSecret::systemKeychainInPrivateSession() starts.
class TestKeychainInSession : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void missingEntryNotFound();
    void writtenEntryReadBack();
    void newInstallationStoredInKeychain();
    void existingFileKept();
    void dataDirsGetOwnSecrets();
    void serverKeepsSecretAcrossRestarts();

private:
    QString dataPath(const QString &name) const { return QDir(m_dir->path()).filePath(name); }

    std::unique_ptr<QTemporaryDir> m_dir;
    SystemKeychain m_keychain;
};

void TestKeychainInSession::initTestCase()
{
    QVERIFY(qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS"));
}

void TestKeychainInSession::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestKeychainInSession::cleanup() { m_dir.reset(); }

void TestKeychainInSession::missingEntryNotFound()
{
    const Keychain::Lookup lookup = m_keychain.read(u"no such entry"_s);

    QVERIFY2(lookup.status == Keychain::LookupStatus::NotFound, qPrintable(lookup.error));
}

void TestKeychainInSession::writtenEntryReadBack()
{
    QByteArray value(32, Qt::Uninitialized);
    for (int i = 0; i < value.size(); ++i)
        value[i] = static_cast<char>(i * 37);

    const Status written = m_keychain.write(u"probe"_s, value);
    QVERIFY2(written.ok(), qPrintable(written.ok() ? QString() : written.error().message()));
    const Keychain::Lookup lookup = m_keychain.read(u"probe"_s);

    QVERIFY2(lookup.status == Keychain::LookupStatus::Found, qPrintable(lookup.error));
    QCOMPARE(lookup.value, value);
}

void TestKeychainInSession::newInstallationStoredInKeychain()
{
    const auto first = ServerSecret::load(m_dir->path(), QProcessEnvironment(), &m_keychain);
    const auto second = ServerSecret::load(m_dir->path(), QProcessEnvironment(), &m_keychain);

    QVERIFY2(first.ok(), qPrintable(messageOf(first)));
    QVERIFY2(second.ok(), qPrintable(messageOf(second)));
    const QString key = ServerSecret::keychainKey(m_dir->path());
    QCOMPARE(first->source, u"the OS keychain (service dynamight, key %1)"_s.arg(key));
    QVERIFY(first->generated);
    QVERIFY(!second->generated);
    QCOMPARE(second->value, first->value);
    QVERIFY(!QFileInfo::exists(dataPath(u"secret.key"_s)));

    // Another Secret Service client sees the entry under QtKeychain's attribute names.
    QProcess lookup;
    lookup.start(u"secret-tool"_s, {u"lookup"_s, u"server"_s, u"dynamight"_s, u"user"_s, key});
    if (!lookup.waitForStarted())
        QSKIP(
            "secret-tool (libsecret-tools) is missing, so the entry was not checked from outside");
    QVERIFY(lookup.waitForFinished());
    QCOMPARE(lookup.exitCode(), 0);
    QVERIFY(!lookup.readAllStandardOutput().isEmpty());
}

void TestKeychainInSession::existingFileKept()
{
    const QByteArray fileSecret(ServerSecret::fileLength, 'f');
    writeFile(dataPath(u"secret.key"_s), fileSecret);

    const auto secret = ServerSecret::load(m_dir->path(), QProcessEnvironment(), &m_keychain);

    QVERIFY2(secret.ok(), qPrintable(messageOf(secret)));
    QCOMPARE(secret->value, fileSecret);
    QVERIFY(m_keychain.read(ServerSecret::keychainKey(m_dir->path())).status
            == Keychain::LookupStatus::NotFound);
}

void TestKeychainInSession::dataDirsGetOwnSecrets()
{
    const auto one = ServerSecret::load(dataPath(u"one"_s), QProcessEnvironment(), &m_keychain);
    const auto two = ServerSecret::load(dataPath(u"two"_s), QProcessEnvironment(), &m_keychain);

    QVERIFY2(one.ok(), qPrintable(messageOf(one)));
    QVERIFY2(two.ok(), qPrintable(messageOf(two)));
    QVERIFY(one->generated);
    QVERIFY(two->generated);
    QVERIFY(one->value != two->value);
}

void TestKeychainInSession::serverKeepsSecretAcrossRestarts()
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"DYNAMIGHT_KEYCHAIN"_s, u"on"_s);
    const QString dataDir = dataPath(u"server"_s);
    QByteArray token;
    {
        ServerProcess server(dataDir);
        QVERIFY2(server.start({}, environment), server.standardError().constData());
        ApiClient client(server.baseUrl());
        QCOMPARE(client.setUpAdmin().status, 200);
        token = client.tokenCookie();
        QVERIFY(!token.isEmpty());
        QCOMPARE(server.stop(), 0);
        const QByteArray log = server.standardError();
        QVERIFY2(log.contains("using the server secret from the OS keychain (service dynamight"),
                 log.constData());
    }
    QVERIFY(!QFileInfo::exists(QDir(dataDir).filePath(u"secret.key"_s)));

    ServerProcess restarted(dataDir);
    QVERIFY2(restarted.start({}, environment), restarted.standardError().constData());
    ApiClient client(restarted.baseUrl());
    // The token is signed with a key derived from the secret, so it is valid only if the
    // restarted server read the same secret from the keychain.
    const HttpReply me = client.send("GET", u"/api/auth/me"_s, {}, {{"Cookie", "token=" + token}});
    QCOMPARE(me.status, 200);
    QCOMPARE(restarted.stop(), 0);
}

int main(int argc, char **argv)
{
    QCoreApplication application(argc, argv);
    if (qEnvironmentVariableIsSet(sessionVariable)) {
        TestKeychainInSession test;
        return QTest::qExec(&test, argc, argv);
    }
    TestKeychainSecret test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_keychainsecret.moc"
