#pragma once

#include "result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QPair>

namespace dynamight {

// An HTTP response as the pipeline builds it, written to the socket in one piece.
class ApiResponse
{
public:
    using Header = QPair<QByteArray, QByteArray>;

    ApiResponse() = default;
    ApiResponse(int status, QByteArray body, QByteArray contentType);

    static ApiResponse json(const QJsonValue &value, int status = 200);
    static ApiResponse message(const QString &text, int status = 200);
    // The reference's error body {"error": title, "message": message} plus any extra fields.
    static ApiResponse error(int status, const QString &message, const QJsonObject &extra = {});
    // Maps a core error to its status and body; the one place where error kinds meet HTTP.
    static ApiResponse fromError(const Error &error, const QJsonObject &extra = {});

    int status() const { return m_status; }
    const QByteArray &body() const { return m_body; }
    const QList<Header> &headers() const { return m_headers; }
    bool hasHeader(const QByteArray &name) const;
    void setHeader(const QByteArray &name, const QByteArray &value);
    void addHeader(const QByteArray &name, const QByteArray &value);
    // Sets the headers every response carries; API paths also get Cache-Control: no-store.
    void addSecurityHeaders(const QString &path);

    // Returns the whole HTTP/1.1 message: status line, headers, Content-Length and body.
    QByteArray serialize() const;

    static QByteArray reasonPhrase(int status);
    static QString errorTitle(int status);

private:
    int m_status = 200;
    QByteArray m_body;
    QList<Header> m_headers;
};

} // namespace dynamight
