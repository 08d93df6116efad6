#include "http/apirequest.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace dynamight {

ApiRequest::ApiRequest(const QHttpServerRequest &http, QHash<QString, QString> pathValues,
                       std::optional<AuthenticatedSession> session)
    : m_http(http)
    , m_pathValues(std::move(pathValues))
    , m_session(std::move(session))
    , m_query(http.query())
{
}

Result<qint64> ApiRequest::id(const QString &name, const QString &resource) const
{
    const QString text = pathValue(name);
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    if (!ok || value < 1 || text.startsWith(QLatin1Char('+'))) {
        return Error::invalid(QStringLiteral("Invalid %1 id '%2': expected a positive integer")
                                  .arg(resource, text.left(40)));
    }
    return value;
}

Result<QJsonObject> ApiRequest::jsonObject() const
{
    const QByteArray body = m_http.body();
    if (body.trimmed().isEmpty())
        return Error::invalid(QStringLiteral("The request body is empty; send a JSON object"));

    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        return Error::invalid(QStringLiteral("The request body is not valid JSON: %1 at offset %2")
                                  .arg(parseError.errorString())
                                  .arg(parseError.offset));
    }
    if (!document.isObject())
        return Error::invalid(QStringLiteral("The request body must be a JSON object"));
    return document.object();
}

Result<int> ApiRequest::queryInt(const QString &name, int fallback, int minimum, int maximum) const
{
    if (!m_query.hasQueryItem(name))
        return fallback;
    const QString text = m_query.queryItemValue(name, QUrl::FullyDecoded);
    bool ok = false;
    const qlonglong value = text.toLongLong(&ok);
    if (!ok || value < minimum || value > maximum) {
        return Error::invalid(QStringLiteral("Query parameter '%1' must be an integer from %2 to %3, got '%4'")
                                  .arg(name)
                                  .arg(minimum)
                                  .arg(maximum)
                                  .arg(text.left(40)));
    }
    return static_cast<int>(value);
}

std::optional<QString> ApiRequest::queryValue(const QString &name) const
{
    if (!m_query.hasQueryItem(name))
        return std::nullopt;
    return m_query.queryItemValue(name, QUrl::FullyDecoded);
}

QByteArray ApiRequest::cookie(const QByteArray &name) const
{
    return cookieValue(m_http.value(QByteArrayLiteral("Cookie")), name);
}

QString ApiRequest::token() const
{
    return tokenOf(m_http);
}

QString tokenOf(const QHttpServerRequest &request)
{
    const QByteArray cookie = cookieValue(request.value(QByteArrayLiteral("Cookie")), "token");
    if (!cookie.isEmpty())
        return QString::fromLatin1(cookie);
    const QByteArray authorization = request.value(QByteArrayLiteral("Authorization"));
    if (authorization.startsWith("Bearer "))
        return QString::fromLatin1(authorization.mid(7).trimmed());
    return {};
}

QByteArray cookieValue(const QByteArray &cookieHeader, const QByteArray &name)
{
    const QList<QByteArray> pairs = cookieHeader.split(';');
    for (const QByteArray &pair : pairs) {
        const QByteArray trimmed = pair.trimmed();
        const qsizetype equals = trimmed.indexOf('=');
        if (equals > 0 && trimmed.left(equals) == name)
            return trimmed.mid(equals + 1);
    }
    return {};
}

} // namespace dynamight
