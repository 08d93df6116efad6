#pragma once

#include "http/apiresponse.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace dynamight {

class ApiRequest;
struct IssuedSession;
struct ServerContext;

// Returns the Set-Cookie value of the token cookie (HttpOnly, SameSite=Strict, Secure when
// configured). An empty token with maxAgeSeconds 0 deletes the cookie.
QByteArray sessionCookie(const QString &token, qint64 maxAgeSeconds, bool secure);

// Adds the Set-Cookie header with the token of session.
void addSessionCookie(ApiResponse &response, const IssuedSession &session,
                      const ServerContext &context);
// Returns the user's id and username, plus the extra fields, with the token cookie of session.
ApiResponse signedInResponse(const IssuedSession &session, const ServerContext &context,
                             const QJsonObject &extra = {});

// Returns the values of the named fields of the request's JSON object body, in order. A field
// that is missing, null or not a string is an InvalidInput error that names it.
Result<QStringList> requiredStrings(const ApiRequest &request, const QStringList &names);

} // namespace dynamight
