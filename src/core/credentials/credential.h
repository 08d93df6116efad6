#pragma once

#include "models/job.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace dynamight {

// A stored credential as the API shows it. Its secret data is kept apart, encrypted, and is
// read only through CredentialStore::secretData().
struct Credential
{
    qint64 id = 0;
    QString name;
    // Any destination type but Local, which needs no credential.
    DestinationType providerType = DestinationType::S3;
    QDateTime createdAt;
    QDateTime updatedAt;
};

// The validated body of POST /credentials.
struct NewCredential
{
    QString name;
    DestinationType providerType = DestinationType::S3;
    // The provider's secret fields, checked and with empty optional fields left out.
    QJsonObject data;
};

// The validated body of PUT /credentials/:id; an absent member stays as stored.
struct CredentialChange
{
    std::optional<QString> name;
    std::optional<QJsonObject> data;
};

// A job that refers to a credential.
struct CredentialUser
{
    qint64 jobId = 0;
    QString jobName;
};

} // namespace dynamight
