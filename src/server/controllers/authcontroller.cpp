#include "controllers/authcontroller.h"

#include "auth/authservice.h"
#include "http/loginthrottle.h"
#include "http/sessioncookie.h"
#include "json/representation.h"
#include "serverconfig.h"

namespace dynamight {

using Method = QHttpServerRequest::Method;

namespace {

struct Credentials
{
    QString username;
    QString password;
};

Result<Credentials> readCredentials(const ApiRequest &request)
{
    const auto body = request.jsonObject();
    if (!body)
        return body.error();
    for (const char *field : {"username", "password"}) {
        const QJsonValue value = body->value(QLatin1String(field));
        if (value.isUndefined() || value.isNull())
            return Error::invalid(QStringLiteral("Field '%1' is required").arg(QLatin1String(field)));
        if (!value.isString())
            return Error::invalid(QStringLiteral("Field '%1' must be a string").arg(QLatin1String(field)));
    }
    return Credentials{body->value(QLatin1String("username")).toString(),
                       body->value(QLatin1String("password")).toString()};
}

} // namespace

AuthController::AuthController(ServerContext context, LoginThrottle &throttle)
    : Controller(context)
    , m_throttle(throttle)
{
}

QList<Route> AuthController::routes()
{
    return {
        {Method::Get, QStringLiteral("/api/auth/setup-required"), Access::Public, bind(&AuthController::setupRequired)},
        {Method::Post, QStringLiteral("/api/auth/setup"), Access::Public, bind(&AuthController::setup)},
        {Method::Post, QStringLiteral("/api/auth/login"), Access::Public, bind(&AuthController::login)},
        {Method::Post, QStringLiteral("/api/auth/logout"), Access::Authenticated, bind(&AuthController::logout)},
        {Method::Get, QStringLiteral("/api/auth/me"), Access::Authenticated, bind(&AuthController::me)},
        {Method::Get, QStringLiteral("/api/auth/token"), Access::Authenticated, bind(&AuthController::token)},
        {Method::Post, QStringLiteral("/api/auth/change-password"), Access::Authenticated, bind(&AuthController::changePassword)},
    };
}

ApiResponse AuthController::setupRequired(const ApiRequest &)
{
    return ApiResponse::json(QJsonObject{{QStringLiteral("setup_required"), m_context.auth.setupRequired()}});
}

ApiResponse AuthController::setup(const ApiRequest &request)
{
    const auto credentials = readCredentials(request);
    if (!credentials)
        return ApiResponse::fromError(credentials.error());
    const auto session = m_context.auth.setup(credentials->username, credentials->password);
    if (!session)
        return ApiResponse::fromError(session.error());
    ApiResponse response = signedIn(*session);
    return response;
}

ApiResponse AuthController::login(const ApiRequest &request)
{
    return m_throttle.attempt(request, [&] {
        const auto credentials = readCredentials(request);
        if (!credentials)
            return ApiResponse::fromError(credentials.error());
        const auto result = m_context.auth.login(credentials->username, credentials->password);
        if (!result)
            return ApiResponse::fromError(result.error());
        if (result->session)
            return signedIn(*result->session);
        // No cookie yet: the session exists only after the second factor.
        return ApiResponse::json(QJsonObject{{QStringLiteral("totp_required"), true},
                                             {QStringLiteral("totp_token"), result->totpToken}});
    });
}

ApiResponse AuthController::logout(const ApiRequest &request)
{
    const Status loggedOut = m_context.auth.logout(request.session()->sessionId);
    if (!loggedOut)
        return ApiResponse::fromError(loggedOut.error());
    ApiResponse response = ApiResponse::message(QStringLiteral("Logged out"));
    response.addHeader("Set-Cookie", cookie(QString(), 0));
    return response;
}

ApiResponse AuthController::me(const ApiRequest &request)
{
    const User &user = request.session()->user;
    QJsonObject body = userToJson(user);
    body.insert(QStringLiteral("totp_enabled"), user.totpEnabled);
    return ApiResponse::json(body);
}

ApiResponse AuthController::token(const ApiRequest &request)
{
    return ApiResponse::json(QJsonObject{{QStringLiteral("token"), request.token()}});
}

ApiResponse AuthController::changePassword(const ApiRequest &request)
{
    const auto fields = requiredStrings(request, {QStringLiteral("current_password"), QStringLiteral("new_password")});
    if (!fields)
        return ApiResponse::fromError(fields.error());
    const auto session = m_context.auth.changePassword(*request.session(), fields->at(0), fields->at(1));
    if (!session)
        return ApiResponse::fromError(session.error());

    // The caller's old session was revoked with the others, so the response carries the new one.
    ApiResponse response = ApiResponse::message(QStringLiteral("Password changed"));
    addSessionCookie(response, *session, m_context);
    return response;
}

ApiResponse AuthController::signedIn(const IssuedSession &session) const
{
    return signedInResponse(session, m_context);
}

QByteArray AuthController::cookie(const QString &value, qint64 maxAgeSeconds) const
{
    return sessionCookie(value, maxAgeSeconds, m_context.config.secureCookies);
}

} // namespace dynamight
