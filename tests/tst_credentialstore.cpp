#include "auth/serversecret.h"
#include "credentials/credentialstore.h"
#include "jobs/jobstore.h"
#include "storage/database.h"
#include "storage/sqlerror.h"

#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace dynamight;
using namespace Qt::StringLiterals;

namespace {

const QDateTime createdTime(QDate(2026, 1, 5), QTime(10, 0), Qt::UTC);
const QDateTime updatedTime(QDate(2026, 1, 6), QTime(11, 30), Qt::UTC);

const QString s3Secret = u"STORETEST-s3-secret-5f1c9a"_s;

QByteArray keyFor(const char *secret)
{
    return deriveKey(QByteArray(secret), ServerSecret::credentialEncryptionContext, 1);
}

NewCredential s3Credential(const QString &name = u"AWS Production"_s)
{
    return {
        name, DestinationType::S3,
        QJsonObject{{u"access_key_id"_s, u"AKIASTORETEST"_s}, {u"secret_access_key"_s, s3Secret}}};
}

NewCredential sftpCredential(const QString &name = u"Backup Server"_s)
{
    return {name, DestinationType::Sftp,
            QJsonObject{{u"password"_s, u"STORETEST-sftp-password"_s}}};
}

Job jobUsing(const QString &name, DestinationType type, std::optional<qint64> credentialId)
{
    Job job;
    job.name = name;
    job.sourceDirs = {u"/srv/data"_s};
    job.destinationType = type;
    job.credentialId = credentialId;
    return job;
}

} // namespace

class TestCredentialStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void createThenFindAndList();
    void listFiltersByProvider();
    void secretDataRoundTrips();
    void dataStoredSealed();
    void duplicateNameConflicts_data();
    void duplicateNameConflicts();
    void renameKeepsData();
    void newDataReplacesOld();
    void updateOfMissingIsNotFound();
    void changedSecretFailsClearly();
    void reenteredDataReadableAgain();
    void sealedDataBoundToRow();
    void removeInUseConflicts();
    void removeUnusedDeletes();
    void jobCredentialChecked();

private:
    void reopenWithKey(const QByteArray &key);
    QByteArray storedData(qint64 id) const;
    void setStoredData(qint64 id, const QByteArray &data);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::shared_ptr<Database> m_database;
    std::unique_ptr<CredentialStore> m_credentials;
    std::unique_ptr<JobStore> m_jobs;
};

void TestCredentialStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    auto database = Database::open(m_dir->path());
    QVERIFY(database.ok());
    m_database = *database;
    m_jobs = std::make_unique<JobStore>(m_database);
    reopenWithKey(keyFor("first server secret"));
}

void TestCredentialStore::cleanup()
{
    m_credentials.reset();
    m_jobs.reset();
    m_database.reset();
    m_dir.reset();
}

void TestCredentialStore::reopenWithKey(const QByteArray &key)
{
    m_credentials = std::make_unique<CredentialStore>(m_database, key);
}

QByteArray TestCredentialStore::storedData(qint64 id) const
{
    auto query = execute(m_database->connection(Database::Schema::Main),
                         u"SELECT data FROM credentials WHERE id = ?"_s, {id});
    return query.ok() && query->next() ? query->value(0).toByteArray() : QByteArray();
}

void TestCredentialStore::setStoredData(qint64 id, const QByteArray &data)
{
    auto query = execute(m_database->connection(Database::Schema::Main),
                         u"UPDATE credentials SET data = ? WHERE id = ?"_s, {data, id});
    QVERIFY(query.ok());
}

void TestCredentialStore::createThenFindAndList()
{
    const auto created = m_credentials->create(s3Credential(), createdTime);

    QVERIFY2(created.ok(), qPrintable(created.ok() ? QString() : created.error().message()));
    QVERIFY(created->id > 0);
    QCOMPARE(created->name, u"AWS Production"_s);
    QCOMPARE(created->providerType, DestinationType::S3);
    QCOMPARE(created->createdAt, createdTime);
    QCOMPARE(created->updatedAt, createdTime);

    const auto found = m_credentials->find(created->id);
    QVERIFY(found.ok());
    QCOMPARE(found->name, created->name);

    const auto listed = m_credentials->list();
    QVERIFY(listed.ok());
    QCOMPARE(listed->size(), 1);
    QCOMPARE(listed->first().id, created->id);
}

void TestCredentialStore::listFiltersByProvider()
{
    QVERIFY(m_credentials->create(s3Credential(u"One"_s), createdTime).ok());
    QVERIFY(m_credentials->create(sftpCredential(u"Two"_s), createdTime).ok());
    QVERIFY(m_credentials->create(s3Credential(u"Three"_s), createdTime).ok());

    const auto s3 = m_credentials->list(DestinationType::S3);
    QVERIFY(s3.ok());
    QCOMPARE(s3->size(), 2);
    QCOMPARE(s3->at(0).name, u"One"_s);
    QCOMPARE(s3->at(1).name, u"Three"_s);

    const auto webDav = m_credentials->list(DestinationType::WebDav);
    QVERIFY(webDav.ok());
    QVERIFY(webDav->isEmpty());
}

void TestCredentialStore::secretDataRoundTrips()
{
    const auto created = m_credentials->create(s3Credential(), createdTime);
    QVERIFY(created.ok());

    const auto data = m_credentials->secretData(created->id);

    QVERIFY2(data.ok(), qPrintable(data.ok() ? QString() : data.error().message()));
    QCOMPARE(*data, s3Credential().data);
}

void TestCredentialStore::dataStoredSealed()
{
    const auto created = m_credentials->create(s3Credential(), createdTime);
    QVERIFY(created.ok());

    const QByteArray stored = storedData(created->id);

    QVERIFY(!stored.isEmpty());
    QCOMPARE(stored.at(0), SecretBox::version);
    QVERIFY(!stored.contains(s3Secret.toUtf8()));
    QVERIFY(!stored.contains("secret_access_key"));
    QVERIFY(!stored.contains("AKIASTORETEST"));
}

void TestCredentialStore::duplicateNameConflicts_data()
{
    QTest::addColumn<QString>("existing");
    QTest::addColumn<QString>("duplicate");

    QTest::newRow("same") << u"AWS Production"_s << u"AWS Production"_s;
    QTest::newRow("ASCII case") << u"AWS Production"_s << u"aws PRODUCTION"_s;
    // SQLite's NOCASE would let these two through, since it folds only ASCII letters.
    QTest::newRow("non-ASCII case") << u"Sauvegarde été"_s << u"SAUVEGARDE ÉTÉ"_s;
}

void TestCredentialStore::duplicateNameConflicts()
{
    QFETCH(QString, existing);
    QFETCH(QString, duplicate);
    const auto first = m_credentials->create(s3Credential(existing), createdTime);
    const auto other = m_credentials->create(s3Credential(u"Other"_s), createdTime);
    QVERIFY(first.ok());
    QVERIFY(other.ok());

    const auto created = m_credentials->create(sftpCredential(duplicate), createdTime);
    QVERIFY(!created.ok());
    QCOMPARE(created.error().kind(), Error::Kind::Conflict);
    QVERIFY2(created.error().message().contains(u"already exists"_s),
             qPrintable(created.error().message()));

    const auto renamed =
        m_credentials->update(other->id, CredentialChange{duplicate, std::nullopt}, updatedTime);
    QVERIFY(!renamed.ok());
    QCOMPARE(renamed.error().kind(), Error::Kind::Conflict);

    // A credential may take another case of its own name.
    const auto recased =
        m_credentials->update(first->id, CredentialChange{duplicate, std::nullopt}, updatedTime);
    QVERIFY2(recased.ok(), qPrintable(recased.ok() ? QString() : recased.error().message()));
    QCOMPARE(recased->name, duplicate);
}

void TestCredentialStore::renameKeepsData()
{
    const auto created = m_credentials->create(s3Credential(), createdTime);
    QVERIFY(created.ok());
    const QByteArray sealedBefore = storedData(created->id);

    const auto renamed = m_credentials->update(
        created->id, CredentialChange{u"AWS Staging"_s, std::nullopt}, updatedTime);

    QVERIFY(renamed.ok());
    QCOMPARE(renamed->name, u"AWS Staging"_s);
    QCOMPARE(renamed->createdAt, createdTime);
    QCOMPARE(renamed->updatedAt, updatedTime);
    QCOMPARE(storedData(created->id), sealedBefore);
    QCOMPARE(*m_credentials->secretData(created->id), s3Credential().data);
}

void TestCredentialStore::newDataReplacesOld()
{
    const auto created = m_credentials->create(s3Credential(), createdTime);
    QVERIFY(created.ok());
    const QJsonObject newData{{u"access_key_id"_s, u"AKIANEWKEY"_s},
                              {u"secret_access_key"_s, u"new-secret"_s}};

    const auto updated =
        m_credentials->update(created->id, CredentialChange{std::nullopt, newData}, updatedTime);

    QVERIFY(updated.ok());
    QCOMPARE(updated->name, u"AWS Production"_s);
    QCOMPARE(updated->updatedAt, updatedTime);
    QCOMPARE(*m_credentials->secretData(created->id), newData);
}

void TestCredentialStore::updateOfMissingIsNotFound()
{
    const auto updated =
        m_credentials->update(42, CredentialChange{u"x"_s, std::nullopt}, updatedTime);

    QVERIFY(!updated.ok());
    QCOMPARE(updated.error().kind(), Error::Kind::NotFound);
}

void TestCredentialStore::changedSecretFailsClearly()
{
    const auto created = m_credentials->create(s3Credential(), createdTime);
    QVERIFY(created.ok());

    reopenWithKey(keyFor("another server secret"));
    const auto data = m_credentials->secretData(created->id);

    QVERIFY(!data.ok());
    QCOMPARE(data.error().kind(), Error::Kind::Conflict);
    QCOMPARE(data.error().message(),
             u"Cannot decrypt credential %1: the server secret changed or was lost; "
             "re-enter the credential"_s.arg(created->id));
    QVERIFY(m_credentials->find(created->id).ok());
    QCOMPARE(m_credentials->list()->size(), 1);
    QCOMPARE(*m_credentials->undecryptableIds(), QList<qint64>{created->id});
}

void TestCredentialStore::reenteredDataReadableAgain()
{
    const auto created = m_credentials->create(s3Credential(), createdTime);
    QVERIFY(created.ok());
    reopenWithKey(keyFor("another server secret"));

    const auto updated = m_credentials->update(
        created->id, CredentialChange{std::nullopt, s3Credential().data}, updatedTime);

    QVERIFY(updated.ok());
    QVERIFY(m_credentials->secretData(created->id).ok());
    QVERIFY(m_credentials->undecryptableIds()->isEmpty());
}

void TestCredentialStore::sealedDataBoundToRow()
{
    const auto first = m_credentials->create(s3Credential(u"First"_s), createdTime);
    const auto second = m_credentials->create(s3Credential(u"Second"_s), createdTime);
    QVERIFY(first.ok());
    QVERIFY(second.ok());

    setStoredData(second->id, storedData(first->id));
    const auto data = m_credentials->secretData(second->id);

    QVERIFY(!data.ok());
    QCOMPARE(data.error().kind(), Error::Kind::Conflict);
    QVERIFY(m_credentials->secretData(first->id).ok());
}

void TestCredentialStore::removeInUseConflicts()
{
    const auto credential = m_credentials->create(s3Credential(), createdTime);
    QVERIFY(credential.ok());
    QVERIFY(
        m_jobs
            ->create(jobUsing(u"Daily Backup"_s, DestinationType::S3, credential->id), createdTime)
            .ok());
    QVERIFY(
        m_jobs->create(jobUsing(u"Unrelated"_s, DestinationType::Local, std::nullopt), createdTime)
            .ok());
    QVERIFY(
        m_jobs
            ->create(jobUsing(u"Weekly Backup"_s, DestinationType::S3, credential->id), createdTime)
            .ok());

    const auto users = m_credentials->users(credential->id);
    QVERIFY(users.ok());
    QCOMPARE(users->size(), 2);
    QCOMPARE(users->at(0).jobName, u"Daily Backup"_s);
    QCOMPARE(users->at(1).jobName, u"Weekly Backup"_s);

    const Status removed = m_credentials->remove(credential->id);

    QVERIFY(!removed.ok());
    QCOMPARE(removed.error().kind(), Error::Kind::Conflict);
    QVERIFY2(removed.error().message().contains(
                 u"in use by 2 job(s): 'Daily Backup', 'Weekly Backup'"_s),
             qPrintable(removed.error().message()));
    QVERIFY(m_credentials->find(credential->id).ok());
}

void TestCredentialStore::removeUnusedDeletes()
{
    const auto credential = m_credentials->create(s3Credential(), createdTime);
    QVERIFY(credential.ok());

    QVERIFY(m_credentials->remove(credential->id).ok());

    QCOMPARE(m_credentials->find(credential->id).error().kind(), Error::Kind::NotFound);
    QCOMPARE(m_credentials->remove(credential->id).error().kind(), Error::Kind::NotFound);
}

void TestCredentialStore::jobCredentialChecked()
{
    const auto s3 = m_credentials->create(s3Credential(), createdTime);
    QVERIFY(s3.ok());

    QVERIFY(m_credentials->checkJobCredential(jobUsing(u"A"_s, DestinationType::S3, s3->id)).ok());
    QVERIFY(m_credentials->checkJobCredential(jobUsing(u"A"_s, DestinationType::S3, std::nullopt))
                .ok());

    const Status missing =
        m_credentials->checkJobCredential(jobUsing(u"A"_s, DestinationType::S3, 99));
    QCOMPARE(missing.error().kind(), Error::Kind::InvalidInput);
    QVERIFY2(missing.error().message().contains(u"'credential_id'"_s),
             qPrintable(missing.error().message()));
    QVERIFY2(missing.error().message().contains(u"99"_s), qPrintable(missing.error().message()));

    const Status mismatch =
        m_credentials->checkJobCredential(jobUsing(u"A"_s, DestinationType::Sftp, s3->id));
    QCOMPARE(mismatch.error().kind(), Error::Kind::InvalidInput);
    QVERIFY2(mismatch.error().message().contains(u"'credential_id'"_s),
             qPrintable(mismatch.error().message()));
    QVERIFY2(mismatch.error().message().contains(u"'s3'"_s),
             qPrintable(mismatch.error().message()));
    QVERIFY2(mismatch.error().message().contains(u"'sftp'"_s),
             qPrintable(mismatch.error().message()));

    const Status local =
        m_credentials->checkJobCredential(jobUsing(u"A"_s, DestinationType::Local, s3->id));
    QCOMPARE(local.error().kind(), Error::Kind::InvalidInput);
    QVERIFY2(local.error().message().contains(u"'credential_id'"_s),
             qPrintable(local.error().message()));
}

QTEST_GUILESS_MAIN(TestCredentialStore)
#include "tst_credentialstore.moc"
