#pragma once

#include <QByteArray>
#include <QObject>
#include <QTcpServer>

class QTcpSocket;

namespace dynamight {

// A QTcpServer for QHttpServer::bind() that watches each connection's byte stream before the
// HTTP server reads it. QHttpServer 6.4 buffers a whole request body in memory and has no size
// limit, so this is where oversized bodies are rejected with 413, before they are read.
class GuardedTcpServer : public QTcpServer
{
    Q_OBJECT

public:
    explicit GuardedTcpServer(qint64 maxBodyBytes, QObject *parent = nullptr);

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    qint64 m_maxBodyBytes;
};

// Follows the HTTP/1.1 framing of one connection (header block, Content-Length body, next
// request) by peeking at each chunk of bytes as it arrives, ahead of QHttpServer. It must be
// connected to readyRead before QHttpServer is, and relies on QHttpServer reading everything
// that is available on each readyRead (QHttpServerRequestPrivate::parse calls readAll).
class RequestGuard : public QObject
{
    Q_OBJECT

public:
    RequestGuard(QTcpSocket *socket, qint64 maxBodyBytes);

    static constexpr qint64 maxHeaderBytes = 64 * 1024;

private:
    enum class State {
        Headers,
        Body,
        PassThrough,
        Rejected,
    };

    void inspect();
    void consume(QByteArray data);
    qsizetype consumeHeaders(const QByteArray &data);
    void checkHeaders(const QByteArray &block);
    void reject(int status, const QString &message);

    QTcpSocket *m_socket;
    qint64 m_maxBodyBytes;
    State m_state = State::Headers;
    QByteArray m_headerBuffer;
    qint64 m_bodyRemaining = 0;
};

} // namespace dynamight
