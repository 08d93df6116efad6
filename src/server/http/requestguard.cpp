#include "http/requestguard.h"

#include "http/apiresponse.h"
#include "serverlogging.h"

#include <QTcpSocket>

namespace dynamight {

GuardedTcpServer::GuardedTcpServer(qint64 maxBodyBytes, QObject *parent)
    : QTcpServer(parent)
    , m_maxBodyBytes(maxBodyBytes)
{
}

void GuardedTcpServer::incomingConnection(qintptr socketDescriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        delete socket;
        return;
    }
    new RequestGuard(socket, m_maxBodyBytes);
    addPendingConnection(socket);
}

RequestGuard::RequestGuard(QTcpSocket *socket, qint64 maxBodyBytes)
    : QObject(socket)
    , m_socket(socket)
    , m_maxBodyBytes(maxBodyBytes)
{
    connect(socket, &QTcpSocket::readyRead, this, &RequestGuard::inspect);
}

void RequestGuard::inspect()
{
    if (m_state == State::PassThrough)
        return;
    if (m_state == State::Rejected) {
        // Discard what the client still sends; committing first keeps a transaction that
        // QHttpServer started from holding on to the discarded bytes.
        if (m_socket->isTransactionStarted())
            m_socket->commitTransaction();
        m_socket->skip(m_socket->bytesAvailable());
        return;
    }
    consume(m_socket->peek(m_socket->bytesAvailable()));
}

void RequestGuard::consume(QByteArray data)
{
    while (!data.isEmpty() && (m_state == State::Headers || m_state == State::Body)) {
        if (m_state == State::Body) {
            const qint64 taken = qMin<qint64>(m_bodyRemaining, data.size());
            m_bodyRemaining -= taken;
            data.remove(0, taken);
            if (m_bodyRemaining == 0)
                m_state = State::Headers;
            continue;
        }
        const qsizetype taken = consumeHeaders(data);
        data.remove(0, taken);
    }
}

qsizetype RequestGuard::consumeHeaders(const QByteArray &data)
{
    const qsizetype previous = m_headerBuffer.size();
    m_headerBuffer.append(data);
    const qsizetype end = m_headerBuffer.indexOf("\r\n\r\n");
    if (end < 0) {
        if (m_headerBuffer.size() > maxHeaderBytes)
            reject(431, QStringLiteral("The request headers exceed %1 bytes").arg(maxHeaderBytes));
        return data.size();
    }

    const QByteArray block = m_headerBuffer.left(end);
    m_headerBuffer.clear();
    if (block.size() > maxHeaderBytes) {
        reject(431, QStringLiteral("The request headers exceed %1 bytes").arg(maxHeaderBytes));
        return data.size();
    }
    m_state = State::Headers;
    checkHeaders(block);
    return end + 4 - previous;
}

void RequestGuard::checkHeaders(const QByteArray &block)
{
    qint64 contentLength = 0;
    bool chunked = false;
    bool upgrade = false;
    bool expectContinue = false;
    const QList<QByteArray> lines = block.split('\n');
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "content-length") {
            bool ok = false;
            const qint64 length = value.toLongLong(&ok);
            if (!ok || length < 0) {
                reject(400, QStringLiteral("Invalid Content-Length header"));
                return;
            }
            contentLength = length;
        } else if (name == "transfer-encoding") {
            chunked = value.toLower().contains("chunked");
        } else if (name == "upgrade") {
            upgrade = value.toLower() == "websocket";
        } else if (name == "expect") {
            expectContinue = value.toLower() == "100-continue";
        }
    }

    if (upgrade) {
        m_state = State::PassThrough;
        return;
    }
    if (chunked) {
        reject(411, QStringLiteral("Chunked request bodies are not accepted; send a Content-Length header"));
        return;
    }
    if (contentLength > m_maxBodyBytes) {
        reject(413, QStringLiteral("The request body of %1 bytes exceeds the limit of %2 bytes")
                        .arg(contentLength)
                        .arg(m_maxBodyBytes));
        return;
    }
    // QHttpServer 6.4 sends no reply to Expect: 100-continue, which stalls curl for a second.
    if (expectContinue && contentLength > 0)
        m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    m_bodyRemaining = contentLength;
    m_state = contentLength > 0 ? State::Body : State::Headers;
}

void RequestGuard::reject(int status, const QString &message)
{
    qCWarning(lcHttp).noquote() << "HTTP: rejected a request from" << m_socket->peerAddress().toString()
                                << "with status" << status << ":" << message;
    m_state = State::Rejected;
    if (m_socket->isTransactionStarted())
        m_socket->commitTransaction();
    m_socket->skip(m_socket->bytesAvailable());

    ApiResponse response = ApiResponse::error(status, message);
    response.setHeader("Connection", "close");
    response.addSecurityHeaders(QStringLiteral("/api"));
    m_socket->write(response.serialize());
    m_socket->disconnectFromHost();
}

} // namespace dynamight
