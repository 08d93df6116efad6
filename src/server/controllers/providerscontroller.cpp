#include "controllers/providerscontroller.h"

#include "credentials/credentialstore.h"
#include "credentials/credentialvalidator.h"
#include "jobs/jobvalidator.h"
#include "providers/providercatalog.h"

#include <QSet>

namespace dynamight {

using Method = QHttpServerRequest::Method;

namespace {

Result<DestinationType> readDestinationType(const QJsonObject &body)
{
    const QJsonValue value = body.value(QLatin1String("destination_type"));
    if (value.isUndefined() || value.isNull())
        return Error::invalid(QStringLiteral("Field 'destination_type' is required"));
    const auto type = destinationTypeFromName(value.toString());
    if (!value.isString() || !type) {
        return Error::invalid(QStringLiteral("Field 'destination_type' must be one of: %1")
                                  .arg(destinationTypeNames().join(QStringLiteral(", "))));
    }
    return *type;
}

Status rejectUnknownFields(const QJsonObject &body)
{
    static const QSet<QString> known{QStringLiteral("destination_type"), QStringLiteral("destination_config"),
                                     QStringLiteral("credential_id"), QStringLiteral("credential_data")};
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (!known.contains(it.key()))
            return Error::invalid(QStringLiteral("Unknown field '%1'").arg(it.key().left(100)));
    }
    return {};
}

bool isPresent(const QJsonValue &value) { return !value.isUndefined() && !value.isNull(); }

} // namespace

ProvidersController::ProvidersController(ServerContext context, RunnerPrograms programs)
    : Controller(context)
    , m_tester(std::move(programs))
{
}

QList<Route> ProvidersController::routes()
{
    return {
        {Method::Get, QStringLiteral("/api/providers"), Access::Authenticated, bind(&ProvidersController::list)},
        {Method::Get, QStringLiteral("/api/providers/:type/capabilities"), Access::Authenticated,
         bind(&ProvidersController::capabilities)},
        {Method::Post, QStringLiteral("/api/providers/test"), Access::Authenticated, bind(&ProvidersController::test)},
    };
}

ApiResponse ProvidersController::list(const ApiRequest &) { return ApiResponse::json(providerList()); }

ApiResponse ProvidersController::capabilities(const ApiRequest &request)
{
    const QString name = request.pathValue(QStringLiteral("type"));
    const auto type = destinationTypeFromName(name);
    if (!type) {
        return ApiResponse::fromError(Error::notFound(QStringLiteral("Provider type '%1' not found; the types are: %2")
                                                          .arg(name.left(40), destinationTypeNames().join(QStringLiteral(", ")))));
    }
    return ApiResponse::json(providerCapabilities(*type));
}

ApiResponse ProvidersController::test(const ApiRequest &request)
{
    const auto body = request.jsonObject();
    if (!body)
        return ApiResponse::fromError(body.error());
    const Status known = rejectUnknownFields(*body);
    if (!known)
        return ApiResponse::fromError(known.error());
    const auto type = readDestinationType(*body);
    if (!type)
        return ApiResponse::fromError(type.error());
    const auto config = parseDestinationConfig(*type, body->value(QLatin1String("destination_config")));
    if (!config)
        return ApiResponse::fromError(config.error());
    const auto data = credentialData(*type, *body);
    if (!data)
        return ApiResponse::fromError(data.error());

    return ApiResponse::json(m_tester.test(*type, *config, *data).toJson());
}

// Returns the saved credential's decrypted data or the checked inline data. A local destination
// takes neither.
Result<QJsonObject> ProvidersController::credentialData(DestinationType type, const QJsonObject &body) const
{
    const QJsonValue id = body.value(QLatin1String("credential_id"));
    const QJsonValue inlineData = body.value(QLatin1String("credential_data"));
    if (type == DestinationType::Local)
        return QJsonObject();
    if (isPresent(id) && isPresent(inlineData))
        return Error::invalid(QStringLiteral("Send either 'credential_id' or 'credential_data', not both"));
    if (isPresent(inlineData))
        return parseCredentialData(type, inlineData);
    if (!isPresent(id)) {
        return Error::invalid(QStringLiteral("Field 'credential_id' or 'credential_data' is required for destination "
                                             "type '%1'")
                                  .arg(destinationTypeName(type)));
    }

    const double number = id.toDouble(-1);
    if (!id.isDouble() || number < 1 || number != qint64(number))
        return Error::invalid(QStringLiteral("Field 'credential_id' must be a positive integer"));
    const auto credential = m_context.credentials.find(qint64(number));
    if (!credential)
        return credential.error();
    if (credential->providerType != type) {
        return Error::invalid(QStringLiteral("Field 'credential_id' names a %1 credential, but the destination type is %2")
                                  .arg(destinationTypeName(credential->providerType), destinationTypeName(type)));
    }
    return m_context.credentials.secretData(credential->id);
}

} // namespace dynamight
