#include "auth/userstore.h"
#include "storage/database.h"
#include "storage/sqlerror.h"

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

const QString someHash = QStringLiteral("$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA");

} // namespace

class TestUserStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void createThenFindById();
    void findByNameIgnoresCase();
    void duplicateNameConflicts_data();
    void duplicateNameConflicts();
    void createFirstOnlyWhenEmpty();
    void missingUserIsNotFound();
    void countCountsUsers();
    void updatePasswordHashStoresIt();
    void updatePasswordHashOfMissingUser();

private:
    QString storedColumn(qint64 id, const char *column) const;

    std::unique_ptr<QTemporaryDir> m_dir;
    std::shared_ptr<Database> m_database;
    ManualClock m_clock;
    std::unique_ptr<UserStore> m_users;
};

void TestUserStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    auto database = Database::open(m_dir->path());
    QVERIFY(database.ok());
    m_database = *database;
    m_clock = ManualClock();
    m_users = std::make_unique<UserStore>(m_database, m_clock);
}

void TestUserStore::cleanup()
{
    m_users.reset();
    m_database.reset();
    m_dir.reset();
}

QString TestUserStore::storedColumn(qint64 id, const char *column) const
{
    auto query = execute(m_database->connection(Database::Schema::Main),
                         QStringLiteral("SELECT %1 FROM users WHERE id = ?")
                             .arg(QLatin1String(column)),
                         {id});
    return query.ok() && query->next() ? query->value(0).toString() : QString();
}

void TestUserStore::createThenFindById()
{
    const auto created = m_users->create(QStringLiteral("admin"), someHash);
    QVERIFY(created.ok());

    const auto found = m_users->findById(created->id);

    QVERIFY(found.ok());
    QCOMPARE(found->user.id, created->id);
    QCOMPARE(found->user.username, QStringLiteral("admin"));
    QVERIFY(!found->user.totpEnabled);
    QCOMPARE(found->passwordHash, someHash);
    QCOMPARE(storedColumn(created->id, "created_at"), toStoredTime(m_clock.now()));
    QCOMPARE(storedColumn(created->id, "updated_at"), toStoredTime(m_clock.now()));
}

void TestUserStore::findByNameIgnoresCase()
{
    QVERIFY(m_users->create(QStringLiteral("Admin"), someHash).ok());

    const auto found = m_users->findByName(QStringLiteral("aDMIN"));

    QVERIFY(found.ok());
    QCOMPARE(found->user.username, QStringLiteral("Admin"));
}

void TestUserStore::duplicateNameConflicts_data()
{
    QTest::addColumn<QString>("second");

    QTest::newRow("same case") << QStringLiteral("admin");
    QTest::newRow("other case") << QStringLiteral("ADMIN");
}

void TestUserStore::duplicateNameConflicts()
{
    QFETCH(QString, second);
    QVERIFY(m_users->create(QStringLiteral("admin"), someHash).ok());

    const auto created = m_users->create(second, someHash);

    QVERIFY(!created.ok());
    QCOMPARE(created.error().kind(), Error::Kind::Conflict);
    QCOMPARE(created.error().message(),
             QStringLiteral("A user named '%1' already exists").arg(second));
}

void TestUserStore::createFirstOnlyWhenEmpty()
{
    const auto first = m_users->createFirst(QStringLiteral("admin"), someHash);
    const auto second = m_users->createFirst(QStringLiteral("other"), someHash);

    QVERIFY(first.ok());
    QVERIFY(!second.ok());
    QCOMPARE(second.error().kind(), Error::Kind::Conflict);
    QCOMPARE(*m_users->count(), 1);
}

void TestUserStore::missingUserIsNotFound()
{
    const auto byId = m_users->findById(7);
    const auto byName = m_users->findByName(QStringLiteral("nobody"));

    QVERIFY(!byId.ok());
    QVERIFY(!byName.ok());
    QCOMPARE(byId.error().kind(), Error::Kind::NotFound);
    QCOMPARE(byName.error().kind(), Error::Kind::NotFound);
}

void TestUserStore::countCountsUsers()
{
    QCOMPARE(*m_users->count(), 0);
    QVERIFY(m_users->create(QStringLiteral("one"), someHash).ok());
    QVERIFY(m_users->create(QStringLiteral("two"), someHash).ok());

    QCOMPARE(*m_users->count(), 2);
}

void TestUserStore::updatePasswordHashStoresIt()
{
    const auto created = m_users->create(QStringLiteral("admin"), someHash);
    QVERIFY(created.ok());
    m_clock.advance(60s);
    const QString newHash = someHash + QStringLiteral("new");

    QVERIFY(m_users->updatePasswordHash(created->id, newHash).ok());

    QCOMPARE(m_users->findById(created->id)->passwordHash, newHash);
    QCOMPARE(storedColumn(created->id, "updated_at"), toStoredTime(m_clock.now()));
    QVERIFY(storedColumn(created->id, "created_at") != toStoredTime(m_clock.now()));
}

void TestUserStore::updatePasswordHashOfMissingUser()
{
    const Status status = m_users->updatePasswordHash(7, someHash);

    QVERIFY(!status.ok());
    QCOMPARE(status.error().kind(), Error::Kind::NotFound);
}

QTEST_GUILESS_MAIN(TestUserStore)
#include "tst_userstore.moc"
