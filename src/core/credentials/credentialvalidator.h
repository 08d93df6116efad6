#pragma once

#include "credentials/credential.h"
#include "result.h"

#include <QJsonObject>
#include <QStringList>

#include <optional>

namespace dynamight {

// Parses a provider type name: the destination types that take a credential, with the
// spellings one_drive and web_dav accepted. Returns std::nullopt for local and unknown names.
std::optional<DestinationType> credentialProviderFromName(const QString &name);
// The canonical provider type names, in API order.
QStringList credentialProviderNames();

// Parses the body of POST /credentials: name, provider_type and data, each checked. The first
// problem found is an InvalidInput error that names the field; messages never contain a value
// from data, because those values are secrets. The read-only fields of a credential as the API
// returns it (id, created_at, updated_at) are ignored; any other unknown field is rejected.
Result<NewCredential> parseNewCredential(const QJsonObject &body);

// Parses the body of PUT /credentials/:id for a credential of providerType: name and data are
// each optional, but one of them must be present. provider_type may be sent only with the
// credential's current type, since changing it would leave the data meaningless.
Result<CredentialChange> parseCredentialChange(const QJsonObject &body,
                                               DestinationType providerType);

// Checks the data object of a credential of the given provider type and returns it with empty
// optional fields left out.
Result<QJsonObject> parseCredentialData(DestinationType providerType, const QJsonValue &data);

} // namespace dynamight
