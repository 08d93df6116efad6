#include "http/apiresponse.h"

#include "logging.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <map>

namespace dynamight {

ApiResponse::ApiResponse(int status, QByteArray body, QByteArray contentType)
    : m_status(status)
    , m_body(std::move(body))
{
    setHeader("Content-Type", contentType);
}

ApiResponse ApiResponse::json(const QJsonValue &value, int status)
{
    QJsonDocument document;
    if (value.isArray())
        document.setArray(value.toArray());
    else
        document.setObject(value.toObject());
    return ApiResponse(status, document.toJson(QJsonDocument::Compact), "application/json");
}

ApiResponse ApiResponse::message(const QString &text, int status)
{
    return json(QJsonObject{{QStringLiteral("message"), text}}, status);
}

ApiResponse ApiResponse::error(int status, const QString &message, const QJsonObject &extra)
{
    QJsonObject body = extra;
    body.insert(QStringLiteral("error"), errorTitle(status));
    body.insert(QStringLiteral("message"), message);
    return json(body, status);
}

ApiResponse ApiResponse::fromError(const Error &error, const QJsonObject &extra)
{
    switch (error.kind()) {
    case Error::Kind::InvalidInput:
        return ApiResponse::error(400, error.message(), extra);
    case Error::Kind::Unauthorized:
        return ApiResponse::error(401, error.message(), extra);
    case Error::Kind::Forbidden:
        return ApiResponse::error(403, error.message(), extra);
    case Error::Kind::NotFound:
        return ApiResponse::error(404, error.message(), extra);
    case Error::Kind::Conflict:
        return ApiResponse::error(409, error.message(), extra);
    case Error::Kind::Unavailable:
        return ApiResponse::error(503, error.message(), extra);
    case Error::Kind::Storage:
    case Error::Kind::Internal:
        break;
    }
    // The cause was logged where it happened; the client gets no internals.
    return ApiResponse::error(500, QStringLiteral("An unexpected error occurred"));
}

bool ApiResponse::hasHeader(const QByteArray &name) const
{
    for (const Header &header : m_headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

void ApiResponse::setHeader(const QByteArray &name, const QByteArray &value)
{
    for (Header &header : m_headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) == 0) {
            header.second = value;
            return;
        }
    }
    m_headers.append({name, value});
}

void ApiResponse::addHeader(const QByteArray &name, const QByteArray &value)
{
    m_headers.append({name, value});
}

void ApiResponse::addSecurityHeaders(const QString &path)
{
    setHeader("X-Content-Type-Options", "nosniff");
    setHeader("X-Frame-Options", "DENY");
    setHeader("Referrer-Policy", "no-referrer");
    setHeader("Content-Security-Policy",
              "default-src 'self'; connect-src 'self'; img-src 'self' data:; "
              "frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    if (path.startsWith(QLatin1String("/api")))
        setHeader("Cache-Control", "no-store");
}

QByteArray ApiResponse::serialize() const
{
    QByteArray message = "HTTP/1.1 " + QByteArray::number(m_status) + ' ' + reasonPhrase(m_status) + "\r\n";
    for (const Header &header : m_headers)
        message += header.first + ": " + header.second + "\r\n";
    message += "Content-Length: " + QByteArray::number(m_body.size()) + "\r\n\r\n";
    message += m_body;
    return message;
}

QByteArray ApiResponse::reasonPhrase(int status)
{
    static const std::map<int, QByteArray> phrases{
        {100, "Continue"},
        {200, "OK"},
        {201, "Created"},
        {202, "Accepted"},
        {204, "No Content"},
        {304, "Not Modified"},
        {400, "Bad Request"},
        {401, "Unauthorized"},
        {403, "Forbidden"},
        {404, "Not Found"},
        {405, "Method Not Allowed"},
        {409, "Conflict"},
        {411, "Length Required"},
        {413, "Payload Too Large"},
        {415, "Unsupported Media Type"},
        {426, "Upgrade Required"},
        {429, "Too Many Requests"},
        {431, "Request Header Fields Too Large"},
        {500, "Internal Server Error"},
        {501, "Not Implemented"},
        {503, "Service Unavailable"},
    };
    const auto it = phrases.find(status);
    return it == phrases.end() ? QByteArray("Unknown") : it->second;
}

QString ApiResponse::errorTitle(int status)
{
    static const std::map<int, const char *> titles{
        {400, "Invalid request"},
        {401, "Unauthorized"},
        {403, "Forbidden"},
        {404, "Not found"},
        {405, "Method not allowed"},
        {409, "Conflict"},
        {411, "Length required"},
        {413, "Payload too large"},
        {415, "Unsupported media type"},
        {426, "Upgrade required"},
        {429, "Rate limited"},
        {431, "Request header fields too large"},
        {503, "Service unavailable"},
    };
    const auto it = titles.find(status);
    return QLatin1String(it == titles.end() ? "Internal error" : it->second);
}

} // namespace dynamight
