#include "auth/sessionstore.h"
#include "auth/userstore.h"
#include "storage/database.h"

#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

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

} // namespace

class TestSessionStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void createMakesRandomHexIds();
    void createSetsTimes();
    void findValidRejectsExpired();
    void revokeEndsSession();
    void revokeTwiceKeepsFirstTime();
    void revokeUnknownIsNotFound();
    void revokeAllExceptKeepsOne();
    void revokeAllExceptWithoutKept();
    void deleteExpiredRemovesOnlyExpired();

private:
    qint64 createUser(const QString &name);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::shared_ptr<Database> m_database;
    ManualClock m_clock;
    std::unique_ptr<SessionStore> m_sessions;
};

void TestSessionStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    auto database = Database::open(m_dir->path());
    QVERIFY(database.ok());
    m_database = *database;
    m_clock = ManualClock();
    m_sessions = std::make_unique<SessionStore>(m_database, m_clock);
}

void TestSessionStore::cleanup()
{
    m_sessions.reset();
    m_database.reset();
    m_dir.reset();
}

qint64 TestSessionStore::createUser(const QString &name)
{
    UserStore users(m_database, m_clock);
    const auto user = users.create(name, QStringLiteral("$argon2id$unused"));
    if (!user.ok())
        qFatal("Failed to create a user: %s", qPrintable(user.error().message()));
    return user->id;
}

void TestSessionStore::createMakesRandomHexIds()
{
    const qint64 userId = createUser(QStringLiteral("admin"));
    const QRegularExpression hex(QStringLiteral("^[0-9a-f]{32}$"));

    const auto first = m_sessions->create(userId, 1h);
    const auto second = m_sessions->create(userId, 1h);

    QVERIFY(first.ok());
    QVERIFY(second.ok());
    QVERIFY2(hex.match(first->id).hasMatch(), qPrintable(first->id));
    QVERIFY2(hex.match(second->id).hasMatch(), qPrintable(second->id));
    QVERIFY(first->id != second->id);
}

void TestSessionStore::createSetsTimes()
{
    const qint64 userId = createUser(QStringLiteral("admin"));

    const auto created = m_sessions->create(userId, 1h);

    QVERIFY(created.ok());
    const auto found = m_sessions->find(created->id);
    QVERIFY(found.ok());
    QCOMPARE(found->userId, userId);
    QCOMPARE(found->createdAt, m_clock.now());
    QCOMPARE(found->expiresAt, m_clock.now().addSecs(3600));
    QVERIFY(!found->revokedAt.isValid());
}

void TestSessionStore::findValidRejectsExpired()
{
    const qint64 userId = createUser(QStringLiteral("admin"));
    const auto created = m_sessions->create(userId, 1h);
    QVERIFY(created.ok());

    m_clock.advance(1h - 1s);
    QVERIFY(m_sessions->findValid(created->id).ok());
    m_clock.advance(1s);

    const auto valid = m_sessions->findValid(created->id);
    QVERIFY(!valid.ok());
    QCOMPARE(valid.error().kind(), Error::Kind::NotFound);
    QVERIFY(m_sessions->find(created->id).ok());
}

void TestSessionStore::revokeEndsSession()
{
    const qint64 userId = createUser(QStringLiteral("admin"));
    const auto created = m_sessions->create(userId, 1h);
    QVERIFY(created.ok());

    QVERIFY(m_sessions->revoke(created->id).ok());

    QVERIFY(!m_sessions->findValid(created->id).ok());
    const auto found = m_sessions->find(created->id);
    QVERIFY(found.ok());
    QCOMPARE(found->revokedAt, m_clock.now());
}

void TestSessionStore::revokeTwiceKeepsFirstTime()
{
    const qint64 userId = createUser(QStringLiteral("admin"));
    const auto created = m_sessions->create(userId, 1h);
    QVERIFY(created.ok());
    const QDateTime firstRevocation = m_clock.now();
    QVERIFY(m_sessions->revoke(created->id).ok());
    m_clock.advance(10s);

    QVERIFY(m_sessions->revoke(created->id).ok());

    const auto found = m_sessions->find(created->id);
    QVERIFY(found.ok());
    QCOMPARE(found->revokedAt, firstRevocation);
}

void TestSessionStore::revokeUnknownIsNotFound()
{
    const Status status = m_sessions->revoke(QStringLiteral("0123456789abcdef0123456789abcdef"));

    QVERIFY(!status.ok());
    QCOMPARE(status.error().kind(), Error::Kind::NotFound);
    QVERIFY2(!status.error().message().contains(QLatin1String("0123456789abcdef0123")),
             qPrintable(status.error().message()));
}

void TestSessionStore::revokeAllExceptKeepsOne()
{
    const qint64 admin = createUser(QStringLiteral("admin"));
    const qint64 other = createUser(QStringLiteral("other"));
    const auto kept = m_sessions->create(admin, 1h);
    const auto second = m_sessions->create(admin, 1h);
    const auto third = m_sessions->create(admin, 1h);
    const auto alreadyRevoked = m_sessions->create(admin, 1h);
    const auto othersSession = m_sessions->create(other, 1h);
    QVERIFY(kept.ok() && second.ok() && third.ok() && alreadyRevoked.ok() && othersSession.ok());
    QVERIFY(m_sessions->revoke(alreadyRevoked->id).ok());

    const auto revoked = m_sessions->revokeAllExcept(admin, kept->id);

    QVERIFY(revoked.ok());
    QStringList expected{second->id, third->id};
    QStringList actual = *revoked;
    expected.sort();
    actual.sort();
    QCOMPARE(actual, expected);
    QVERIFY(m_sessions->findValid(kept->id).ok());
    QVERIFY(!m_sessions->findValid(second->id).ok());
    QVERIFY(!m_sessions->findValid(third->id).ok());
    QVERIFY(m_sessions->findValid(othersSession->id).ok());
}

void TestSessionStore::revokeAllExceptWithoutKept()
{
    const qint64 admin = createUser(QStringLiteral("admin"));
    const auto first = m_sessions->create(admin, 1h);
    const auto second = m_sessions->create(admin, 1h);
    QVERIFY(first.ok() && second.ok());

    const auto revoked = m_sessions->revokeAllExcept(admin, QString());

    QVERIFY(revoked.ok());
    QCOMPARE(revoked->size(), 2);
    QVERIFY(!m_sessions->findValid(first->id).ok());
    QVERIFY(!m_sessions->findValid(second->id).ok());
}

void TestSessionStore::deleteExpiredRemovesOnlyExpired()
{
    const qint64 admin = createUser(QStringLiteral("admin"));
    const auto shortLived = m_sessions->create(admin, 1h);
    const auto revokedShortLived = m_sessions->create(admin, 1h);
    const auto longLived = m_sessions->create(admin, 2h);
    QVERIFY(shortLived.ok() && revokedShortLived.ok() && longLived.ok());
    QVERIFY(m_sessions->revoke(revokedShortLived->id).ok());
    m_clock.advance(1h);

    const auto deleted = m_sessions->deleteExpired();

    QVERIFY(deleted.ok());
    QCOMPARE(*deleted, 2);
    QVERIFY(!m_sessions->find(shortLived->id).ok());
    QVERIFY(!m_sessions->find(revokedShortLived->id).ok());
    QVERIFY(m_sessions->findValid(longLived->id).ok());
}

QTEST_GUILESS_MAIN(TestSessionStore)
#include "tst_sessionstore.moc"
