#include "apiclient.h"

#include <QBuffer>
#include <QDeadlineTimer>
#include <QEventLoop>
#include <QNetworkCookie>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTcpSocket>
#include <QTimer>

bool HttpReply::isJson() const
{
    QJsonParseError error;
    QJsonDocument::fromJson(body, &error);
    return error.error == QJsonParseError::NoError;
}

QByteArray HttpReply::header(const QByteArray &name) const
{
    for (const auto &header : headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) == 0)
            return header.second;
    }
    return {};
}

ApiClient::ApiClient(QUrl baseUrl)
    : m_baseUrl(std::move(baseUrl))
{
    m_network.setCookieJar(new QNetworkCookieJar(&m_network));
}

QUrl ApiClient::url(const QString &path) const
{
    return QUrl(m_baseUrl.toString() + path);
}

HttpReply ApiClient::get(const QString &path)
{
    return send("GET", path, {});
}

HttpReply ApiClient::post(const QString &path, const QJsonObject &body)
{
    return send("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact),
                {{"Content-Type", "application/json"}});
}

HttpReply ApiClient::post(const QString &path)
{
    return send("POST", path, {});
}

HttpReply ApiClient::put(const QString &path, const QJsonObject &body)
{
    return send("PUT", path, QJsonDocument(body).toJson(QJsonDocument::Compact),
                {{"Content-Type", "application/json"}});
}

HttpReply ApiClient::remove(const QString &path)
{
    return send("DELETE", path, {});
}

HttpReply ApiClient::send(const QByteArray &method, const QString &path, const QByteArray &body,
                          const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QNetworkRequest request(url(path));
    for (const auto &header : headers)
        request.setRawHeader(header.first, header.second);
    QBuffer buffer;
    buffer.setData(body);
    buffer.open(QIODevice::ReadOnly);
    QNetworkReply *reply = m_network.sendCustomRequest(request, method, &buffer);

    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(30000, &loop, &QEventLoop::quit);
    loop.exec();

    HttpReply result;
    if (!reply->isFinished()) {
        reply->abort();
        result.networkError = QStringLiteral("timed out");
    }
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    for (const auto &pair : reply->rawHeaderPairs())
        result.headers.append(pair);
    if (reply->error() != QNetworkReply::NoError && result.status == 0)
        result.networkError = reply->errorString();
    reply->deleteLater();
    return result;
}

HttpReply ApiClient::setUpAdmin()
{
    return post(QStringLiteral("/api/auth/setup"),
                {{QStringLiteral("username"), QStringLiteral("admin")},
                 {QStringLiteral("password"), QStringLiteral("securepassword123")}});
}

HttpReply ApiClient::login(const QString &username, const QString &password)
{
    return post(QStringLiteral("/api/auth/login"),
                {{QStringLiteral("username"), username}, {QStringLiteral("password"), password}});
}

QByteArray ApiClient::tokenCookie() const
{
    const auto cookies = m_network.cookieJar()->cookiesForUrl(m_baseUrl);
    for (const QNetworkCookie &cookie : cookies) {
        if (cookie.name() == "token")
            return cookie.value();
    }
    return {};
}

void ApiClient::clearCookies()
{
    m_network.setCookieJar(new QNetworkCookieJar(&m_network));
}

QByteArray ApiClient::sendRaw(const QByteArray &bytes, int timeoutMs) const
{
    QTcpSocket socket;
    socket.connectToHost(m_baseUrl.host(), static_cast<quint16>(m_baseUrl.port()));
    if (!socket.waitForConnected(timeoutMs))
        return {};
    socket.write(bytes);
    socket.flush();

    QByteArray response;
    const QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired() && socket.state() == QAbstractSocket::ConnectedState) {
        if (socket.waitForReadyRead(50))
            response += socket.readAll();
        const HttpReply parsed = parseRaw(response);
        const qsizetype headerEnd = response.indexOf("\r\n\r\n");
        const QByteArray length = parsed.header("Content-Length");
        if (headerEnd >= 0 && !length.isEmpty() && response.size() - headerEnd - 4 >= length.toLongLong())
            break;
    }
    response += socket.readAll();
    return response;
}

HttpReply ApiClient::parseRaw(const QByteArray &response)
{
    HttpReply reply;
    const qsizetype headerEnd = response.indexOf("\r\n\r\n");
    const QByteArray head = headerEnd < 0 ? response : response.left(headerEnd);
    const QList<QByteArray> lines = head.split('\n');
    if (!lines.isEmpty())
        reply.status = lines.first().split(' ').value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines.at(i).indexOf(':');
        if (colon > 0)
            reply.headers.append({lines.at(i).left(colon).trimmed(), lines.at(i).mid(colon + 1).trimmed()});
    }
    if (headerEnd >= 0)
        reply.body = response.mid(headerEnd + 4);
    return reply;
}

WebSocketClient::WebSocketClient()
{
    connect(&m_socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
        messages.append(QJsonDocument::fromJson(text.toUtf8()).object());
    });
    connect(&m_socket, &QWebSocket::disconnected, this, [this] {
        closed = true;
        closeCode = m_socket.closeCode();
        closeReason = m_socket.closeReason();
    });
}

bool WebSocketClient::open(const QUrl &url, const QList<QPair<QByteArray, QByteArray>> &headers, int timeoutMs)
{
    QNetworkRequest request(url);
    for (const auto &header : headers)
        request.setRawHeader(header.first, header.second);
    m_socket.open(request);
    return waitFor([this](const QList<QJsonObject> &) {
        return m_socket.state() == QAbstractSocket::ConnectedState || closed;
    }, timeoutMs) && m_socket.state() == QAbstractSocket::ConnectedState;
}

bool WebSocketClient::waitForClose(int timeoutMs)
{
    return waitFor([this](const QList<QJsonObject> &) { return closed; }, timeoutMs);
}

bool WebSocketClient::waitFor(const std::function<bool(const QList<QJsonObject> &)> &condition, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!condition(messages)) {
        if (deadline.hasExpired())
            return false;
        QEventLoop loop;
        QTimer::singleShot(20, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return true;
}
