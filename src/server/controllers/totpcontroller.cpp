#include "controllers/totpcontroller.h"

#include "auth/authservice.h"
#include "auth/qrcodeimage.h"
#include "http/loginthrottle.h"
#include "http/sessioncookie.h"

#include <QJsonArray>

namespace dynamight {

using Method = QHttpServerRequest::Method;

namespace {

QJsonObject enabledBody(bool enabled) { return {{QStringLiteral("enabled"), enabled}}; }

} // namespace

TotpController::TotpController(ServerContext context, LoginThrottle &throttle)
    : Controller(context)
    , m_throttle(throttle)
{ }

QList<Route> TotpController::routes()
{
    const QString prefix = QStringLiteral("/api/auth/totp/");
    return {
        {Method::Get, prefix + QStringLiteral("status"), Access::Authenticated,
         bind(&TotpController::status)},
        {Method::Post, prefix + QStringLiteral("setup"), Access::Authenticated,
         bind(&TotpController::setup)},
        {Method::Post, prefix + QStringLiteral("enable"), Access::Authenticated,
         bind(&TotpController::enable)},
        {Method::Post, prefix + QStringLiteral("disable"), Access::Authenticated,
         bind(&TotpController::disable)},
        {Method::Post, prefix + QStringLiteral("validate"), Access::Public,
         bind(&TotpController::validate)},
        {Method::Post, prefix + QStringLiteral("recovery"), Access::Public,
         bind(&TotpController::recovery)},
    };
}

ApiResponse TotpController::status(const ApiRequest &request)
{
    const auto enabled = m_context.auth.totp().isEnabled(request.session()->user.id);
    if (!enabled)
        return ApiResponse::fromError(enabled.error());
    return ApiResponse::json(enabledBody(*enabled));
}

ApiResponse TotpController::setup(const ApiRequest &request)
{
    const auto enrollment = m_context.auth.totp().setup(request.session()->user);
    if (!enrollment)
        return ApiResponse::fromError(enrollment.error());
    return ApiResponse::json(QJsonObject{
        {QStringLiteral("secret"), enrollment->secret},
        {QStringLiteral("qr_code"), pngDataUrl(enrollment->qrCodePng)},
        {QStringLiteral("otpauth_url"), enrollment->otpauthUrl},
    });
}

ApiResponse TotpController::enable(const ApiRequest &request)
{
    const auto fields =
        requiredStrings(request, {QStringLiteral("secret"), QStringLiteral("code")});
    if (!fields)
        return ApiResponse::fromError(fields.error());
    const auto codes =
        m_context.auth.totp().enable(request.session()->user.id, fields->at(0), fields->at(1));
    if (!codes)
        return ApiResponse::fromError(codes.error());

    QJsonObject body = enabledBody(true);
    body.insert(QStringLiteral("recovery_codes"), QJsonArray::fromStringList(*codes));
    return ApiResponse::json(body);
}

ApiResponse TotpController::disable(const ApiRequest &request)
{
    const auto fields = requiredStrings(request, {QStringLiteral("code")});
    if (!fields)
        return ApiResponse::fromError(fields.error());
    const Status disabled =
        m_context.auth.totp().disable(request.session()->user.id, fields->at(0));
    if (!disabled)
        return ApiResponse::fromError(disabled.error());
    return ApiResponse::json(enabledBody(false));
}

ApiResponse TotpController::validate(const ApiRequest &request)
{
    return m_throttle.attempt(request, [&] {
        const auto fields =
            requiredStrings(request, {QStringLiteral("totp_token"), QStringLiteral("code")});
        if (!fields)
            return ApiResponse::fromError(fields.error());
        const auto session = m_context.auth.loginWithTotp(fields->at(0), fields->at(1));
        if (!session)
            return ApiResponse::fromError(session.error());
        return signedInResponse(*session, m_context);
    });
}

ApiResponse TotpController::recovery(const ApiRequest &request)
{
    return m_throttle.attempt(request, [&] {
        const auto fields = requiredStrings(
            request, {QStringLiteral("totp_token"), QStringLiteral("recovery_code")});
        if (!fields)
            return ApiResponse::fromError(fields.error());
        const auto login = m_context.auth.loginWithRecoveryCode(fields->at(0), fields->at(1));
        if (!login)
            return ApiResponse::fromError(login.error());
        return signedInResponse(login->session, m_context,
                                {{QStringLiteral("remaining_codes"), login->remainingCodes}});
    });
}

} // namespace dynamight
