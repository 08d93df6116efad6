#pragma once

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QNetworkCookieJar>
#include <QObject>
#include <QPair>
#include <QUrl>
#include <QWebSocket>

#include <functional>

// A finished HTTP exchange.
struct HttpReply
{
    int status = 0;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    QString networkError;

    QJsonObject object() const { return QJsonDocument::fromJson(body).object(); }
    QJsonArray array() const { return QJsonDocument::fromJson(body).array(); }
    bool isJson() const;
    QByteArray header(const QByteArray &name) const;
};

// A blocking HTTP client for tests, keeping cookies like a browser would.
class ApiClient
{
public:
    explicit ApiClient(QUrl baseUrl);

    HttpReply get(const QString &path);
    HttpReply post(const QString &path, const QJsonObject &body);
    HttpReply post(const QString &path);
    HttpReply put(const QString &path, const QJsonObject &body);
    HttpReply remove(const QString &path);
    HttpReply send(const QByteArray &method, const QString &path, const QByteArray &body,
                   const QList<QPair<QByteArray, QByteArray>> &headers = {});

    // Creates the admin account (admin / securepassword123) and keeps its session cookie.
    HttpReply setUpAdmin();
    HttpReply login(const QString &username, const QString &password);
    QByteArray tokenCookie() const;
    void clearCookies();

    // Sends bytes on a fresh TCP connection and returns everything the server sent before it
    // closed the connection or the timeout ended.
    QByteArray sendRaw(const QByteArray &bytes, int timeoutMs = 5000) const;
    static HttpReply parseRaw(const QByteArray &response);

    QUrl baseUrl() const { return m_baseUrl; }
    QUrl url(const QString &path) const;

private:
    QUrl m_baseUrl;
    QNetworkAccessManager m_network;
};

// A WebSocket test client that collects every JSON message and the close code.
class WebSocketClient : public QObject
{
    Q_OBJECT

public:
    WebSocketClient();

    // Connects with the given extra headers (Origin, Cookie) and waits for the handshake.
    bool open(const QUrl &url, const QList<QPair<QByteArray, QByteArray>> &headers = {}, int timeoutMs = 5000);
    bool waitForClose(int timeoutMs = 10000);
    bool waitFor(const std::function<bool(const QList<QJsonObject> &)> &condition, int timeoutMs = 10000);

    QList<QJsonObject> messages;
    bool closed = false;
    int closeCode = 0;
    QString closeReason;

    QWebSocket &socket() { return m_socket; }

private:
    QWebSocket m_socket;
};
