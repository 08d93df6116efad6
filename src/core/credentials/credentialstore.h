#pragma once

#include "auth/secretbox.h"
#include "credentials/credential.h"
#include "result.h"

#include <QList>

#include <memory>
#include <optional>

namespace dynamight {

class Database;
struct Job;

// The credentials table. Names and provider types are stored in clear, so listing never needs
// the server secret. The data object is sealed with a SecretBox whose associated data names the
// credential's id and provider type, so a sealed value copied to another row does not open.
// Names are unique after Unicode case folding; a second credential of the same name is a
// Conflict.
class CredentialStore
{
public:
    // encryptionKey is the 32-byte key from deriveKey(secret, credentialEncryptionContext, 1).
    CredentialStore(std::shared_ptr<Database> database, QByteArray encryptionKey);

    // Lists the credentials in id order, only those of provider when it is given.
    Result<QList<Credential>> list(std::optional<DestinationType> provider = std::nullopt) const;
    Result<Credential> find(qint64 id) const;
    Result<Credential> create(const NewCredential &credential, const QDateTime &now);
    Result<Credential> update(qint64 id, const CredentialChange &change, const QDateTime &now);
    // Deletes the credential unless a job refers to it, which is a Conflict naming the jobs.
    Status remove(qint64 id);
    // Returns the jobs whose credential_id is id, in job id order.
    Result<QList<CredentialUser>> users(qint64 id) const;

    // Decrypts the data object. When the server secret changed or was lost since the credential
    // was stored, this is a Conflict that says so and asks for the credential again.
    Result<QJsonObject> secretData(qint64 id) const;
    // Returns the ids of the credentials whose data does not decrypt with the current key.
    Result<QList<qint64>> undecryptableIds() const;

    // Checks a job's credential_id before the job is stored: null, or the id of a credential
    // whose provider type is the job's destination type. Otherwise an InvalidInput error that
    // names the field.
    Status checkJobCredential(const Job &job) const;

private:
    Result<bool> nameTaken(const QString &name, qint64 exceptId) const;
    Status checkNameFree(const QString &name, qint64 exceptId) const;
    Status storeData(qint64 id, DestinationType providerType, const QJsonObject &data);
    Result<QByteArray> sealedData(qint64 id) const;

    std::shared_ptr<Database> m_database;
    SecretBox m_box;
};

} // namespace dynamight
