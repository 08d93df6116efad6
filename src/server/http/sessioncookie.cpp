#include "http/sessioncookie.h"

#include "auth/authservice.h"
#include "clock.h"
#include "http/apirequest.h"
#include "json/representation.h"
#include "serverconfig.h"
#include "servercontext.h"

namespace dynamight {

QByteArray sessionCookie(const QString &token, qint64 maxAgeSeconds, bool secure)
{
    QByteArray cookie = "token=" + token.toLatin1()
        + "; Path=/; Max-Age=" + QByteArray::number(maxAgeSeconds) + "; HttpOnly; SameSite=Strict";
    if (secure)
        cookie += "; Secure";
    return cookie;
}

void addSessionCookie(ApiResponse &response, const IssuedSession &session,
                      const ServerContext &context)
{
    const qint64 maxAge = qMax<qint64>(0, context.clock.now().secsTo(session.expiresAt));
    response.addHeader("Set-Cookie",
                       sessionCookie(session.token, maxAge, context.config.secureCookies));
}

ApiResponse signedInResponse(const IssuedSession &session, const ServerContext &context,
                             const QJsonObject &extra)
{
    QJsonObject body = userToJson(session.user);
    for (auto it = extra.begin(); it != extra.end(); ++it)
        body.insert(it.key(), it.value());
    ApiResponse response = ApiResponse::json(body);
    addSessionCookie(response, session, context);
    return response;
}

Result<QStringList> requiredStrings(const ApiRequest &request, const QStringList &names)
{
    const auto body = request.jsonObject();
    if (!body)
        return body.error();

    QStringList values;
    for (const QString &name : names) {
        const QJsonValue value = body->value(name);
        if (value.isUndefined() || value.isNull())
            return Error::invalid(QStringLiteral("Field '%1' is required").arg(name));
        if (!value.isString())
            return Error::invalid(QStringLiteral("Field '%1' must be a string").arg(name));
        values.append(value.toString());
    }
    return values;
}

} // namespace dynamight
