#include "credentials/credentialstore.h"

#include "clock.h"
#include "credentials/credentialvalidator.h"
#include "logging.h"
#include "models/job.h"
#include "storage/database.h"
#include "storage/sqlerror.h"

#include <QJsonDocument>
#include <QSqlQuery>
#include <QStringList>

namespace dynamight {

namespace {

const QString selectColumns =
    QStringLiteral("SELECT id, name, provider_type, created_at, updated_at FROM credentials");

Credential credentialFromRow(const QSqlQuery &query)
{
    Credential credential;
    credential.id = query.value(0).toLongLong();
    credential.name = query.value(1).toString();
    credential.providerType =
        credentialProviderFromName(query.value(2).toString()).value_or(DestinationType::S3);
    credential.createdAt = fromStoredTime(query.value(3).toString());
    credential.updatedAt = fromStoredTime(query.value(4).toString());
    return credential;
}

// The key that uniqueness is checked on: QString::toCaseFolded() folds every script's case,
// where SQLite's NOCASE folds only ASCII letters.
QString nameKey(const QString &name) { return name.toCaseFolded(); }

// Binds a sealed value to its row and provider type: opening it with another id or type fails.
QByteArray associatedData(qint64 id, DestinationType providerType)
{
    return QByteArrayLiteral("dynamight credential ") + QByteArray::number(id) + ' '
        + destinationTypeName(providerType).toLatin1();
}

Error undecryptable(qint64 id)
{
    return Error::conflict(
        QStringLiteral("Cannot decrypt credential %1: the server secret changed or "
                       "was lost; re-enter the credential")
            .arg(id));
}

QString quotedNames(const QList<CredentialUser> &users)
{
    QStringList names;
    for (const CredentialUser &user : users)
        names.append(QLatin1Char('\'') + user.jobName + QLatin1Char('\''));
    return names.join(QStringLiteral(", "));
}

} // namespace

CredentialStore::CredentialStore(std::shared_ptr<Database> database, QByteArray encryptionKey)
    : m_database(std::move(database))
    , m_box(std::move(encryptionKey))
{ }

Result<QList<Credential>> CredentialStore::list(std::optional<DestinationType> provider) const
{
    const QSqlDatabase db = m_database->connection(Database::Schema::Main);
    auto query = provider
        ? execute(db, selectColumns + QStringLiteral(" WHERE provider_type = ? ORDER BY id"),
                  {destinationTypeName(*provider)})
        : execute(db, selectColumns + QStringLiteral(" ORDER BY id"));
    if (!query)
        return query.error();
    QList<Credential> credentials;
    while (query->next())
        credentials.append(credentialFromRow(*query));
    return credentials;
}

Result<Credential> CredentialStore::find(qint64 id) const
{
    auto query = execute(m_database->connection(Database::Schema::Main),
                         selectColumns + QStringLiteral(" WHERE id = ?"), {id});
    if (!query)
        return query.error();
    if (!query->next())
        return Error::notFound(QStringLiteral("Credential %1 not found").arg(id));
    return credentialFromRow(*query);
}

Result<Credential> CredentialStore::create(const NewCredential &credential, const QDateTime &now)
{
    const QSqlDatabase db = m_database->connection(Database::Schema::Main);
    qint64 id = 0;
    // The row is inserted with empty data first, because the sealed data is bound to the id.
    const Status stored = inTransaction(db, [&]() -> Status {
        const Status free = checkNameFree(credential.name, 0);
        if (!free)
            return free;
        auto query =
            execute(db,
                    QStringLiteral("INSERT INTO credentials (name, name_key, provider_type, data, "
                                   "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)"),
                    {credential.name, nameKey(credential.name),
                     destinationTypeName(credential.providerType), QByteArray(""),
                     toStoredTime(now), toStoredTime(now)});
        if (!query)
            return query.error();
        id = query->lastInsertId().toLongLong();
        return storeData(id, credential.providerType, credential.data);
    });
    if (!stored)
        return stored.error();

    qCInfo(lcCredentials).noquote()
        << "Credentials: created credential" << id << "named" << credential.name
        << "of provider type" << destinationTypeName(credential.providerType);
    return find(id);
}

Result<Credential> CredentialStore::update(qint64 id, const CredentialChange &change,
                                           const QDateTime &now)
{
    const QSqlDatabase db = m_database->connection(Database::Schema::Main);
    const Status stored = inTransaction(db, [&]() -> Status {
        const auto existing = find(id);
        if (!existing)
            return existing.error();
        if (change.name) {
            const Status free = checkNameFree(*change.name, id);
            if (!free)
                return free;
            auto query = execute(
                db, QStringLiteral("UPDATE credentials SET name = ?, name_key = ? WHERE id = ?"),
                {*change.name, nameKey(*change.name), id});
            if (!query)
                return query.error();
        }
        if (change.data) {
            const Status sealed = storeData(id, existing->providerType, *change.data);
            if (!sealed)
                return sealed;
        }
        auto query =
            execute(db, QStringLiteral("UPDATE credentials SET updated_at = ? WHERE id = ?"),
                    {toStoredTime(now), id});
        return query ? Status() : Status(query.error());
    });
    if (!stored)
        return stored.error();

    qCInfo(lcCredentials).noquote()
        << "Credentials: updated credential" << id
        << (change.data ? "with new data" : "without changing its data");
    return find(id);
}

Status CredentialStore::remove(qint64 id)
{
    const QSqlDatabase db = m_database->connection(Database::Schema::Main);
    const Status removed = inTransaction(db, [&]() -> Status {
        const auto existing = find(id);
        if (!existing)
            return existing.error();
        const auto jobs = users(id);
        if (!jobs)
            return jobs.error();
        if (!jobs->isEmpty()) {
            return Error::conflict(
                QStringLiteral("Credential %1 is in use by %2 job(s): %3. Give those "
                               "jobs another credential_id or delete them first")
                    .arg(id)
                    .arg(jobs->size())
                    .arg(quotedNames(*jobs)));
        }
        auto query = execute(db, QStringLiteral("DELETE FROM credentials WHERE id = ?"), {id});
        return query ? Status() : Status(query.error());
    });
    if (!removed)
        return removed;

    qCInfo(lcCredentials) << "Credentials: deleted credential" << id;
    return {};
}

Result<QList<CredentialUser>> CredentialStore::users(qint64 id) const
{
    auto query = execute(
        m_database->connection(Database::Schema::Main),
        QStringLiteral("SELECT id, name FROM jobs WHERE credential_id = ? ORDER BY id"), {id});
    if (!query)
        return query.error();
    QList<CredentialUser> jobs;
    while (query->next())
        jobs.append({query->value(0).toLongLong(), query->value(1).toString()});
    return jobs;
}

Result<QJsonObject> CredentialStore::secretData(qint64 id) const
{
    const auto credential = find(id);
    if (!credential)
        return credential.error();
    const auto sealed = sealedData(id);
    if (!sealed)
        return sealed.error();

    const auto plaintext = m_box.open(*sealed, associatedData(id, credential->providerType));
    if (!plaintext) {
        qCWarning(lcCredentials).noquote()
            << "Failed to decrypt credential" << id << "cause:" << plaintext.error().message();
        return undecryptable(id);
    }
    const QJsonDocument document = QJsonDocument::fromJson(*plaintext);
    if (!document.isObject()) {
        qCCritical(lcCredentials) << "Credentials: the decrypted data of credential" << id
                                  << "is not a JSON object";
        return Error::storage(
            QStringLiteral("The stored data of credential %1 is damaged; re-enter the "
                           "credential")
                .arg(id));
    }
    return document.object();
}

Result<QList<qint64>> CredentialStore::undecryptableIds() const
{
    auto query =
        execute(m_database->connection(Database::Schema::Main),
                QStringLiteral("SELECT id, provider_type, data FROM credentials ORDER BY id"));
    if (!query)
        return query.error();
    QList<qint64> ids;
    while (query->next()) {
        const qint64 id = query->value(0).toLongLong();
        const auto type = credentialProviderFromName(query->value(1).toString());
        if (!type || !m_box.open(query->value(2).toByteArray(), associatedData(id, *type)))
            ids.append(id);
    }
    return ids;
}

Status CredentialStore::checkJobCredential(const Job &job) const
{
    if (!job.credentialId)
        return {};
    const qint64 id = *job.credentialId;
    const QString destination = destinationTypeName(job.destinationType);
    if (job.destinationType == DestinationType::Local) {
        return Error::invalid(
            QStringLiteral("Field 'credential_id' must be null for destination type "
                           "'local', which needs no credential"));
    }

    const auto credential = find(id);
    if (!credential && credential.error().kind() == Error::Kind::NotFound) {
        return Error::invalid(
            QStringLiteral("Field 'credential_id' names credential %1, which does not "
                           "exist: create it first or choose another")
                .arg(id));
    }
    if (!credential)
        return credential.error();
    if (credential->providerType != job.destinationType) {
        return Error::invalid(
            QStringLiteral("Field 'credential_id' names credential %1 ('%2') of provider "
                           "type '%3', but the destination type is '%4': choose "
                           "a credential of provider type '%4'")
                .arg(id)
                .arg(credential->name, destinationTypeName(credential->providerType), destination));
    }
    return {};
}

Result<bool> CredentialStore::nameTaken(const QString &name, qint64 exceptId) const
{
    auto query = execute(m_database->connection(Database::Schema::Main),
                         QStringLiteral("SELECT 1 FROM credentials WHERE name_key = ? AND id != ?"),
                         {nameKey(name), exceptId});
    if (!query)
        return query.error();
    return query->next();
}

Status CredentialStore::checkNameFree(const QString &name, qint64 exceptId) const
{
    auto taken = nameTaken(name, exceptId);
    if (!taken)
        return taken.error();
    if (*taken) {
        return Error::conflict(
            QStringLiteral("A credential named '%1' already exists; choose another name")
                .arg(name));
    }
    return {};
}

Status CredentialStore::storeData(qint64 id, DestinationType providerType, const QJsonObject &data)
{
    const QByteArray sealed = m_box.seal(QJsonDocument(data).toJson(QJsonDocument::Compact),
                                         associatedData(id, providerType));
    if (sealed.isEmpty()) {
        qCCritical(lcCredentials) << "Failed to encrypt the data of credential" << id
                                  << "cause: libsodium did not start or the key is not 32 bytes";
        return Error::internal(
            QStringLiteral("Failed to encrypt the data of credential %1").arg(id));
    }
    auto query =
        execute(m_database->connection(Database::Schema::Main),
                QStringLiteral("UPDATE credentials SET data = ? WHERE id = ?"), {sealed, id});
    return query ? Status() : Status(query.error());
}

Result<QByteArray> CredentialStore::sealedData(qint64 id) const
{
    auto query = execute(m_database->connection(Database::Schema::Main),
                         QStringLiteral("SELECT data FROM credentials WHERE id = ?"), {id});
    if (!query)
        return query.error();
    if (!query->next())
        return Error::notFound(QStringLiteral("Credential %1 not found").arg(id));
    return query->value(0).toByteArray();
}

} // namespace dynamight
