#pragma once

#include "auth/authservice.h"
#include "result.h"

#include <QHash>
#include <QHttpServerRequest>
#include <QJsonObject>
#include <QUrlQuery>

#include <optional>

namespace dynamight {

// A request as a controller receives it: the HTTP request, the values captured from the path, and
// the session that the pipeline authenticated (none on public routes).
class ApiRequest
{
public:
    ApiRequest(const QHttpServerRequest &http, QHash<QString, QString> pathValues,
               std::optional<AuthenticatedSession> session);

    const QHttpServerRequest &http() const { return m_http; }
    const std::optional<AuthenticatedSession> &session() const { return m_session; }
    QString pathValue(const QString &name) const { return m_pathValues.value(name); }

    // Parses the path value as a positive id; resource names the thing for the error message.
    Result<qint64> id(const QString &name, const QString &resource) const;
    // Parses the body as a JSON object: empty, malformed or non-object bodies are InvalidInput.
    Result<QJsonObject> jsonObject() const;
    // Reads an integer query parameter, fallback when absent, InvalidInput when out of range.
    Result<int> queryInt(const QString &name, int fallback, int minimum, int maximum) const;
    std::optional<QString> queryValue(const QString &name) const;
    // Returns the value of the named cookie of the Cookie header, empty when absent.
    QByteArray cookie(const QByteArray &name) const;
    // Returns the session token: the token cookie, else an "Authorization: Bearer" header.
    QString token() const;

private:
    const QHttpServerRequest &m_http;
    QHash<QString, QString> m_pathValues;
    std::optional<AuthenticatedSession> m_session;
    QUrlQuery m_query;
};

QByteArray cookieValue(const QByteArray &cookieHeader, const QByteArray &name);
QString tokenOf(const QHttpServerRequest &request);

} // namespace dynamight
