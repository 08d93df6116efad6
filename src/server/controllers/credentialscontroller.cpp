#include "controllers/credentialscontroller.h"

#include "clock.h"
#include "credentials/credentialstore.h"
#include "credentials/credentialvalidator.h"
#include "json/representation.h"

namespace dynamight {

using Method = QHttpServerRequest::Method;

namespace {

Result<std::optional<DestinationType>> readProviderFilter(const ApiRequest &request)
{
    const auto text = request.queryValue(QStringLiteral("provider"));
    if (!text)
        return std::optional<DestinationType>();
    const auto type = credentialProviderFromName(*text);
    if (!type) {
        return Error::invalid(
            QStringLiteral("Query parameter 'provider' must be one of: %1, got '%2'")
                .arg(credentialProviderNames().join(QStringLiteral(", ")), text->left(40)));
    }
    return std::optional<DestinationType>(*type);
}

ApiResponse credentialResponse(const Result<Credential> &credential, int status = 200)
{
    if (!credential)
        return ApiResponse::fromError(credential.error());
    return ApiResponse::json(credentialToJson(*credential), status);
}

} // namespace

QList<Route> CredentialsController::routes()
{
    return {
        {Method::Get, QStringLiteral("/api/credentials"), Access::Authenticated,
         bind(&CredentialsController::list)},
        {Method::Post, QStringLiteral("/api/credentials"), Access::Authenticated,
         bind(&CredentialsController::create)},
        {Method::Get, QStringLiteral("/api/credentials/:id"), Access::Authenticated,
         bind(&CredentialsController::get)},
        {Method::Put, QStringLiteral("/api/credentials/:id"), Access::Authenticated,
         bind(&CredentialsController::update)},
        {Method::Delete, QStringLiteral("/api/credentials/:id"), Access::Authenticated,
         bind(&CredentialsController::remove)},
        {Method::Get, QStringLiteral("/api/credentials/:id/usage"), Access::Authenticated,
         bind(&CredentialsController::usage)},
    };
}

ApiResponse CredentialsController::list(const ApiRequest &request)
{
    const auto provider = readProviderFilter(request);
    if (!provider)
        return ApiResponse::fromError(provider.error());
    const auto credentials = m_context.credentials.list(*provider);
    if (!credentials)
        return ApiResponse::fromError(credentials.error());

    QJsonArray array;
    for (const Credential &credential : *credentials)
        array.append(credentialToJson(credential));
    return ApiResponse::json(array);
}

ApiResponse CredentialsController::get(const ApiRequest &request)
{
    const auto id = request.id(QStringLiteral("id"), QStringLiteral("credential"));
    if (!id)
        return ApiResponse::fromError(id.error());
    return credentialResponse(m_context.credentials.find(*id));
}

ApiResponse CredentialsController::create(const ApiRequest &request)
{
    const auto body = request.jsonObject();
    if (!body)
        return ApiResponse::fromError(body.error());
    const auto credential = parseNewCredential(*body);
    if (!credential)
        return ApiResponse::fromError(credential.error());
    return credentialResponse(m_context.credentials.create(*credential, m_context.clock.now()),
                              201);
}

ApiResponse CredentialsController::update(const ApiRequest &request)
{
    const auto id = request.id(QStringLiteral("id"), QStringLiteral("credential"));
    if (!id)
        return ApiResponse::fromError(id.error());
    const auto existing = m_context.credentials.find(*id);
    if (!existing)
        return ApiResponse::fromError(existing.error());
    const auto body = request.jsonObject();
    if (!body)
        return ApiResponse::fromError(body.error());
    const auto change = parseCredentialChange(*body, existing->providerType);
    if (!change)
        return ApiResponse::fromError(change.error());
    return credentialResponse(m_context.credentials.update(*id, *change, m_context.clock.now()));
}

ApiResponse CredentialsController::remove(const ApiRequest &request)
{
    const auto id = request.id(QStringLiteral("id"), QStringLiteral("credential"));
    if (!id)
        return ApiResponse::fromError(id.error());
    const Status removed = m_context.credentials.remove(*id);
    if (!removed && removed.error().kind() == Error::Kind::Conflict)
        return inUseResponse(*id, removed.error());
    if (!removed)
        return ApiResponse::fromError(removed.error());
    return ApiResponse::message(QStringLiteral("Credential deleted"));
}

ApiResponse CredentialsController::usage(const ApiRequest &request)
{
    const auto id = request.id(QStringLiteral("id"), QStringLiteral("credential"));
    if (!id)
        return ApiResponse::fromError(id.error());
    const auto credential = m_context.credentials.find(*id);
    if (!credential)
        return ApiResponse::fromError(credential.error());
    const auto users = m_context.credentials.users(*id);
    if (!users)
        return ApiResponse::fromError(users.error());

    QJsonArray jobs;
    for (const CredentialUser &user : *users)
        jobs.append(QJsonObject{{QStringLiteral("id"), user.jobId},
                                {QStringLiteral("name"), user.jobName}});
    return ApiResponse::json(
        QJsonObject{{QStringLiteral("credential_id"), *id}, {QStringLiteral("jobs"), jobs}});
}

ApiResponse CredentialsController::inUseResponse(qint64 id, const Error &error) const
{
    const auto users = m_context.credentials.users(id);
    if (!users)
        return ApiResponse::fromError(error);

    QJsonArray names;
    for (const CredentialUser &user : *users)
        names.append(user.jobName);
    // Unlike other errors, this 409 puts the count in "error" and the job names in "jobs",
    // because the documented API returns that shape. "message" still tells what to do.
    return ApiResponse::json(
        QJsonObject{
            {QStringLiteral("error"),
             QStringLiteral("Credential is in use by %1 job(s)").arg(users->size())},
            {QStringLiteral("message"), error.message()},
            {QStringLiteral("jobs"), names},
        },
        409);
}

} // namespace dynamight
