#include "auth/authservice.h"
#include "auth/passwordhasher.h"
#include "auth/userstore.h"
#include "storage/database.h"
#include "storage/sqlerror.h"

#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace dynamight;
using namespace std::chrono_literals;

namespace {

// A clock whose time changes only when the test advances it.
class ManualClock final : public Clock
{
public:
    QDateTime now() const override { return m_now; }
    void advance(std::chrono::seconds seconds) { m_now = m_now.addSecs(seconds.count()); }

private:
    QDateTime m_now = QDateTime(QDate(2024, 3, 1), QTime(12, 0), Qt::UTC);
};

const QByteArray signingKey = QByteArrayLiteral("tst_authservice-signing-key-0123456789");
const QString adminName = QStringLiteral("admin");
const QString adminPassword = QStringLiteral("securepassword123");

// Made with libsodium 1.0.18's crypto_pwhash_str() under OPSLIMIT_MIN and MEMLIMIT_MIN for the
// password "correct horse battery".
const QString weakHash = QStringLiteral(
    "$argon2id$v=19$m=8,t=1,p=1$UqsMXZZXULacoNIOipu4gA"
    "$Pre9a0RUsKXRkzts07IShGGluzxjixHFDp0LcbfszcM");

} // namespace

class TestAuthService : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void setupRequiredUntilFirstUser();
    void setupOnceThenConflict();
    void setupRejectsUsername_data();
    void setupRejectsUsername();
    void setupAcceptsUsername_data();
    void setupAcceptsUsername();
    void setupRejectsShortPassword();
    void loginSucceeds();
    void loginIgnoresUsernameCase();
    void loginFailuresLookAlike();
    void loginFailuresTakeAlike();
    void loginUpgradesWeakHash();
    void authenticateAcceptsIssuedToken();
    void authenticateRejectsGarbage();
    void authenticateRejectsOtherKey();
    void logoutRevokesSession();
    void logoutKeepsOtherSessions();
    void deletedSessionRejected();
    void deletedUserRejected();
    void expiredSessionRejected();
    void shortenedSessionRejected();
    void userFindsById();
    void logsHoldNoSecrets();

private:
    std::unique_ptr<AuthService> makeService(const QByteArray &key = signingKey);
    IssuedSession setupAdmin();

    std::unique_ptr<QTemporaryDir> m_dir;
    std::shared_ptr<Database> m_database;
    ManualClock m_clock;
    std::unique_ptr<AuthService> m_auth;
};

void TestAuthService::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    auto database = Database::open(m_dir->path());
    QVERIFY2(database.ok(), qPrintable(database.ok() ? QString() : database.error().message()));
    m_database = *database;
    m_clock = ManualClock();
    m_auth = makeService();
}

void TestAuthService::cleanup()
{
    m_auth.reset();
    m_database.reset();
    m_dir.reset();
}

std::unique_ptr<AuthService> TestAuthService::makeService(const QByteArray &key)
{
    return std::make_unique<AuthService>(m_database, key, m_clock, 24h);
}

IssuedSession TestAuthService::setupAdmin()
{
    auto issued = m_auth->setup(adminName, adminPassword);
    if (!issued.ok())
        qFatal("Failed to set up the admin user: %s", qPrintable(issued.error().message()));
    return *issued;
}

void TestAuthService::setupRequiredUntilFirstUser()
{
    QVERIFY(m_auth->setupRequired());

    setupAdmin();

    QVERIFY(!m_auth->setupRequired());
}

void TestAuthService::setupOnceThenConflict()
{
    const IssuedSession issued = setupAdmin();
    QCOMPARE(issued.user.username, adminName);
    QVERIFY(issued.user.id > 0);
    QVERIFY(!issued.user.totpEnabled);
    QCOMPARE(issued.sessionId.size(), 32);
    QCOMPARE(issued.expiresAt, m_clock.now().addSecs(24 * 3600));
    QVERIFY(!issued.token.isEmpty());

    const auto again = m_auth->setup(QStringLiteral("second"), adminPassword);

    QVERIFY(!again.ok());
    QCOMPARE(again.error().kind(), Error::Kind::Conflict);
    QCOMPARE(again.error().message(), QStringLiteral("Setup is already complete"));
    const auto secondUser = m_auth->login(QStringLiteral("second"), adminPassword);
    QVERIFY(!secondUser.ok());
}

void TestAuthService::setupRejectsUsername_data()
{
    QTest::addColumn<QString>("username");

    QTest::newRow("empty") << QString();
    QTest::newRow("65 characters") << QString(65, u'a');
    QTest::newRow("space") << QStringLiteral("ad min");
    QTest::newRow("slash") << QStringLiteral("ad/min");
    QTest::newRow("newline") << QStringLiteral("admin\n");
    QTest::newRow("non-ASCII letter") << QStringLiteral("j\u00f6rg");
    QTest::newRow("quote") << QStringLiteral("admin'");
}

void TestAuthService::setupRejectsUsername()
{
    QFETCH(QString, username);

    const auto issued = m_auth->setup(username, adminPassword);

    QVERIFY(!issued.ok());
    QCOMPARE(issued.error().kind(), Error::Kind::InvalidInput);
    QVERIFY2(issued.error().message().contains(QLatin1String("1 to 64 characters")),
             qPrintable(issued.error().message()));
    QVERIFY(m_auth->setupRequired());
}

void TestAuthService::setupAcceptsUsername_data()
{
    QTest::addColumn<QString>("username");

    QTest::newRow("one character") << QStringLiteral("a");
    QTest::newRow("64 characters") << QString(64, u'a');
    QTest::newRow("every allowed kind") << QStringLiteral("Ops.Team_1-backup@example.org");
}

void TestAuthService::setupAcceptsUsername()
{
    QFETCH(QString, username);

    const auto issued = m_auth->setup(username, adminPassword);

    QVERIFY2(issued.ok(), qPrintable(issued.ok() ? QString() : issued.error().message()));
    QCOMPARE(issued->user.username, username);
}

void TestAuthService::setupRejectsShortPassword()
{
    const auto issued = m_auth->setup(adminName, QStringLiteral("1234567"));

    QVERIFY(!issued.ok());
    QCOMPARE(issued.error().kind(), Error::Kind::InvalidInput);
    QCOMPARE(issued.error().message(),
             QStringLiteral("Password must be 8 to 1024 characters long"));
    QVERIFY(m_auth->setupRequired());
}

void TestAuthService::loginSucceeds()
{
    const IssuedSession first = setupAdmin();

    const auto login = m_auth->login(adminName, adminPassword);

    QVERIFY2(login.ok(), qPrintable(login.ok() ? QString() : login.error().message()));
    QVERIFY(login->session.has_value());
    QVERIFY(login->totpToken.isEmpty());
    const auto &issued = login->session;
    QCOMPARE(issued->user.id, first.user.id);
    QCOMPARE(issued->user.username, adminName);
    QVERIFY(issued->sessionId != first.sessionId);
    QVERIFY(issued->token != first.token);
}

void TestAuthService::loginIgnoresUsernameCase()
{
    setupAdmin();

    const auto issued = m_auth->login(QStringLiteral("ADMIN"), adminPassword);

    QVERIFY(issued.ok());
    QCOMPARE(issued->session->user.username, adminName);
}

void TestAuthService::loginFailuresLookAlike()
{
    setupAdmin();

    const auto wrongPassword = m_auth->login(adminName, QStringLiteral("wrongpassword123"));
    const auto unknownUser = m_auth->login(QStringLiteral("nobody"), adminPassword);

    QVERIFY(!wrongPassword.ok());
    QVERIFY(!unknownUser.ok());
    QCOMPARE(wrongPassword.error().kind(), Error::Kind::Unauthorized);
    QCOMPARE(unknownUser.error().kind(), Error::Kind::Unauthorized);
    QCOMPARE(wrongPassword.error().message(), QStringLiteral("Invalid username or password"));
    QCOMPARE(unknownUser.error().message(), wrongPassword.error().message());
}

void TestAuthService::loginFailuresTakeAlike()
{
    setupAdmin();
    const auto fastest = [this](const QString &username) {
        qint64 best = std::numeric_limits<qint64>::max();
        for (int attempt = 0; attempt < 3; ++attempt) {
            QElapsedTimer timer;
            timer.start();
            const auto result = m_auth->login(username, QStringLiteral("wrongpassword123"));
            best = std::min(best, timer.nsecsElapsed());
            if (result.ok())
                qFatal("a wrong password was accepted");
        }
        return best;
    };

    const qint64 knownUser = fastest(adminName);
    const qint64 unknownUser = fastest(QStringLiteral("nobody"));

    // Without the dummy verify, an unknown user fails in microseconds and a known one in tens of
    // milliseconds. The bound is loose, so that a busy machine does not make the test flaky.
    QVERIFY2(unknownUser * 2 > knownUser,
             qPrintable(QStringLiteral("unknown user %1 ns, known user %2 ns")
                            .arg(unknownUser)
                            .arg(knownUser)));
}

void TestAuthService::loginUpgradesWeakHash()
{
    UserStore users(m_database, m_clock);
    const auto created = users.create(QStringLiteral("legacy"), weakHash);
    QVERIFY(created.ok());

    const auto issued
        = m_auth->login(QStringLiteral("legacy"), QStringLiteral("correct horse battery"));

    QVERIFY2(issued.ok(), qPrintable(issued.ok() ? QString() : issued.error().message()));
    const auto stored = users.findById(created->id);
    QVERIFY(stored.ok());
    QVERIFY(stored->passwordHash != weakHash);
    QVERIFY(!PasswordHasher::needsRehash(stored->passwordHash));
    QVERIFY(PasswordHasher::verify(QStringLiteral("correct horse battery"), stored->passwordHash));
}

void TestAuthService::authenticateAcceptsIssuedToken()
{
    const IssuedSession issued = setupAdmin();

    const auto session = m_auth->authenticate(issued.token);

    QVERIFY2(session.ok(), qPrintable(session.ok() ? QString() : session.error().message()));
    QCOMPARE(session->sessionId, issued.sessionId);
    QCOMPARE(session->user.id, issued.user.id);
    QCOMPARE(session->user.username, adminName);
    QCOMPARE(session->expiresAt, issued.expiresAt);
}

void TestAuthService::authenticateRejectsGarbage()
{
    setupAdmin();

    const auto session = m_auth->authenticate(QStringLiteral("not-a-token"));

    QVERIFY(!session.ok());
    QCOMPARE(session.error().kind(), Error::Kind::Unauthorized);
}

void TestAuthService::authenticateRejectsOtherKey()
{
    const IssuedSession issued = setupAdmin();
    const auto other = makeService(QByteArrayLiteral("another-signing-key-of-at-least-32-bytes"));

    const auto session = other->authenticate(issued.token);

    QVERIFY(!session.ok());
    QCOMPARE(session.error().kind(), Error::Kind::Unauthorized);
}

void TestAuthService::logoutRevokesSession()
{
    const IssuedSession issued = setupAdmin();
    QSignalSpy revoked(m_auth.get(), &AuthService::sessionRevoked);

    const Status status = m_auth->logout(issued.sessionId);

    QVERIFY2(status.ok(), qPrintable(status.ok() ? QString() : status.error().message()));
    QCOMPARE(revoked.count(), 1);
    QCOMPARE(revoked.first().first().toString(), issued.sessionId);
    const auto session = m_auth->authenticate(issued.token);
    QVERIFY(!session.ok());
    QCOMPARE(session.error().kind(), Error::Kind::Unauthorized);
    QCOMPARE(session.error().message(), QStringLiteral("The session has ended: log in again"));
}

void TestAuthService::logoutKeepsOtherSessions()
{
    const IssuedSession first = setupAdmin();
    const auto second = m_auth->login(adminName, adminPassword);
    QVERIFY(second.ok());

    QVERIFY(m_auth->logout(first.sessionId).ok());

    QVERIFY(m_auth->authenticate(second->session->token).ok());
    const Status unknown = m_auth->logout(QStringLiteral("00000000000000000000000000000000"));
    QVERIFY(!unknown.ok());
    QCOMPARE(unknown.error().kind(), Error::Kind::NotFound);
}

void TestAuthService::deletedSessionRejected()
{
    const IssuedSession issued = setupAdmin();
    const auto deleted = execute(m_database->connection(Database::Schema::Main),
                                 QStringLiteral("DELETE FROM sessions WHERE id = ?"),
                                 {issued.sessionId});
    QVERIFY(deleted.ok());

    const auto session = m_auth->authenticate(issued.token);

    QVERIFY(!session.ok());
    QCOMPARE(session.error().kind(), Error::Kind::Unauthorized);
}

void TestAuthService::deletedUserRejected()
{
    const IssuedSession issued = setupAdmin();
    const auto deleted = execute(m_database->connection(Database::Schema::Main),
                                 QStringLiteral("DELETE FROM users WHERE id = ?"),
                                 {issued.user.id});
    QVERIFY(deleted.ok());

    const auto session = m_auth->authenticate(issued.token);

    QVERIFY(!session.ok());
    QCOMPARE(session.error().kind(), Error::Kind::Unauthorized);
    QVERIFY(m_auth->setupRequired());
}

void TestAuthService::expiredSessionRejected()
{
    const IssuedSession issued = setupAdmin();
    m_clock.advance(24h - 1s);
    QVERIFY(m_auth->authenticate(issued.token).ok());

    m_clock.advance(1s);
    const auto session = m_auth->authenticate(issued.token);

    QVERIFY(!session.ok());
    QCOMPARE(session.error().kind(), Error::Kind::Unauthorized);
    QVERIFY2(session.error().message().contains(QLatin1String("expired")),
             qPrintable(session.error().message()));
}

void TestAuthService::shortenedSessionRejected()
{
    const IssuedSession issued = setupAdmin();
    // The token stays within its exp, so only the session row's expiry can reject it.
    const auto shortened = execute(m_database->connection(Database::Schema::Main),
                                   QStringLiteral("UPDATE sessions SET expires_at = ? "
                                                  "WHERE id = ?"),
                                   {toStoredTime(m_clock.now()), issued.sessionId});
    QVERIFY(shortened.ok());

    const auto session = m_auth->authenticate(issued.token);

    QVERIFY(!session.ok());
    QCOMPARE(session.error().message(), QStringLiteral("The session has ended: log in again"));
}

void TestAuthService::userFindsById()
{
    const IssuedSession issued = setupAdmin();

    const auto user = m_auth->user(issued.user.id);
    const auto missing = m_auth->user(issued.user.id + 1);

    QVERIFY(user.ok());
    QCOMPARE(user->username, adminName);
    QVERIFY(!missing.ok());
    QCOMPARE(missing.error().kind(), Error::Kind::NotFound);
}

void TestAuthService::logsHoldNoSecrets()
{
    static QStringList messages;
    messages.clear();
    const QtMessageHandler previous = qInstallMessageHandler(
        [](QtMsgType, const QMessageLogContext &, const QString &message) {
            messages.append(message);
        });
    QLoggingCategory::setFilterRules(QStringLiteral("dynamight.core.auth.debug=true"));

    const IssuedSession issued = setupAdmin();
    const auto wrong = m_auth->login(adminName, QStringLiteral("wrongpassword123"));
    const auto rejected = m_auth->authenticate(issued.token + u'x');
    const Status loggedOut = m_auth->logout(issued.sessionId);

    QLoggingCategory::setFilterRules(QString());
    qInstallMessageHandler(previous);
    QVERIFY(!wrong.ok());
    QVERIFY(!rejected.ok());
    QVERIFY(loggedOut.ok());
    QVERIFY(messages.size() >= 4);
    const QString all = messages.join(u'\n');
    QVERIFY(!all.contains(adminPassword));
    QVERIFY(!all.contains(QLatin1String("wrongpassword123")));
    QVERIFY(!all.contains(issued.token.section(u'.', 2)));
    QVERIFY(!all.contains(issued.sessionId));
    QVERIFY(all.contains(issued.sessionId.left(8)));
}

QTEST_GUILESS_MAIN(TestAuthService)
#include "tst_authservice.moc"
