#include "websockethub.h"

#include "auth/authservice.h"
#include "http/apirequest.h"
#include "http/requestpipeline.h"
#include "json/representation.h"
#include "runs/logstore.h"
#include "runs/runmanager.h"
#include "runs/runstore.h"
#include "serverconfig.h"
#include "serverlogging.h"

#include <QAbstractHttpServer>
#include <QJsonDocument>
#include <QUrlQuery>
#include <QWebSocket>

namespace dynamight {

namespace {

const QString statusPath = QStringLiteral("/api/ws/status");
const QString logsPrefix = QStringLiteral("/api/ws/logs/");

QString toText(const QJsonObject &message)
{
    return QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact));
}

QJsonObject countersOf(const Run &run)
{
    return {
        {QStringLiteral("files_transferred"), run.counters.filesTransferred},
        {QStringLiteral("bytes_transferred"), run.counters.bytesTransferred},
        {QStringLiteral("files_deleted"), run.counters.filesDeleted},
    };
}

} // namespace

QJsonObject runStatusMessage(const Run &run)
{
    QJsonObject message = countersOf(run);
    message.insert(QStringLiteral("type"), QStringLiteral("status"));
    message.insert(QStringLiteral("run_id"), run.id);
    message.insert(QStringLiteral("status"), runStatusName(run.status));
    message.insert(QStringLiteral("error_message"), nullableText(run.errorMessage));
    return message;
}

WebSocketHub::WebSocketHub(ServerContext context, QAbstractHttpServer &server, QObject *parent)
    : QObject(parent)
    , m_context(context)
    , m_server(server)
{
    connect(&server, &QAbstractHttpServer::newWebSocketConnection, this, &WebSocketHub::acceptPending);
    connect(&context.runManager, &RunManager::logsStored, this, &WebSocketHub::onLogsStored);
    connect(&context.runManager, &RunManager::runStarted, this, &WebSocketHub::onRunStarted);
    connect(&context.runManager, &RunManager::runProgress, this, &WebSocketHub::onRunProgress);
    connect(&context.runManager, &RunManager::runFinished, this, &WebSocketHub::onRunFinished);
    connect(&context.auth, &AuthService::sessionRevoked, this, &WebSocketHub::onSessionRevoked);
}

WebSocketHub::~WebSocketHub()
{
    const QList<QWebSocket *> sockets = m_clients.keys();
    m_clients.clear();
    for (QWebSocket *socket : sockets) {
        socket->disconnect(this);
        socket->close(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("Server shutting down"));
        delete socket;
    }
}

void WebSocketHub::acceptPending()
{
    while (m_server.hasPendingWebSocketConnections()) {
        std::unique_ptr<QWebSocket> socket = m_server.nextPendingWebSocketConnection();
        if (socket)
            accept(socket.release());
    }
}

void WebSocketHub::accept(QWebSocket *socket)
{
    socket->setParent(this);
    connect(socket, &QWebSocket::disconnected, this, [this, socket] { remove(socket); });

    const QNetworkRequest request = socket->request();
    const QString path = socket->requestUrl().path();
    if (!RequestPipeline::isSameOrigin(socket->origin().toLatin1(), request.rawHeader("Host"),
                                       m_context.config.secureCookies)) {
        qCWarning(lcWebSocket).noquote() << "WebSocket: rejected origin" << socket->origin() << "on" << path;
        socket->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("Cross-origin WebSocket connections are not allowed"));
        return;
    }

    QString token = QUrlQuery(socket->requestUrl()).queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded);
    if (token.isEmpty())
        token = QString::fromLatin1(cookieValue(request.rawHeader("Cookie"), "token"));
    const auto session = m_context.auth.authenticate(token);
    if (!session) {
        socket->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("Invalid or expired token"));
        return;
    }

    Client client{session->sessionId, 0};
    if (path == statusPath) {
        m_clients.insert(socket, client);
        qCDebug(lcWebSocket) << "WebSocket: status client connected, clients:" << m_clients.size();
    } else if (path.startsWith(logsPrefix)) {
        startLogStream(socket, client, path.mid(logsPrefix.size()));
    } else {
        socket->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("No WebSocket endpoint at %1").arg(path.left(100)));
    }
}

void WebSocketHub::startLogStream(QWebSocket *socket, Client client, const QString &runText)
{
    bool ok = false;
    const qint64 runId = runText.toLongLong(&ok);
    const auto run = ok && runId > 0 ? m_context.runs.find(runId) : Result<Run>(Error::notFound({}));
    if (!run) {
        socket->close(static_cast<QWebSocketProtocol::CloseCode>(closeUnknownRun),
                      QStringLiteral("Run %1 not found").arg(runText.left(40)));
        return;
    }

    // Everything runs on the one event loop thread, so no line can be stored between the
    // flush, the replay and the subscription: the client sees each line exactly once.
    client.runId = runId;
    m_context.runManager.flushLogs(runId);
    sendStoredLogs(socket, runId);
    if (!m_context.runManager.isRunActive(runId)) {
        // Read again, because the run may have ended since it was first read.
        const auto ended = m_context.runs.find(runId);
        socket->sendTextMessage(toText(runStatusMessage(ended ? *ended : *run)));
        socket->close(QWebSocketProtocol::CloseCodeNormal, QStringLiteral("Run finished"));
        return;
    }
    socket->sendTextMessage(toText(runStatusMessage(*run)));
    m_clients.insert(socket, client);
}

void WebSocketHub::sendStoredLogs(QWebSocket *socket, qint64 runId)
{
    LogStore::Filter filter;
    filter.limit = 5000;
    while (true) {
        const auto entries = m_context.logs.list(runId, filter);
        if (!entries || entries->isEmpty())
            return;
        for (const LogEntry &entry : *entries) {
            QJsonObject message = logEntryToJson(entry);
            message.insert(QStringLiteral("type"), QStringLiteral("log"));
            socket->sendTextMessage(toText(message));
        }
        filter.afterId = entries->last().id;
    }
}

void WebSocketHub::onLogsStored(const QList<LogEntry> &entries)
{
    for (const LogEntry &entry : entries) {
        QJsonObject message = logEntryToJson(entry);
        message.insert(QStringLiteral("type"), QStringLiteral("log"));
        sendToRun(entry.runId, message);
    }
}

void WebSocketHub::onRunStarted(const Run &run)
{
    broadcastStatus({{QStringLiteral("type"), QStringLiteral("job_started")},
                     {QStringLiteral("job_id"), run.jobId},
                     {QStringLiteral("run_id"), run.id},
                     {QStringLiteral("job_name"), run.jobName}});
    sendToRun(run.id, runStatusMessage(run));
}

void WebSocketHub::onRunProgress(const Run &run)
{
    QJsonObject message = countersOf(run);
    message.insert(QStringLiteral("type"), QStringLiteral("job_progress"));
    message.insert(QStringLiteral("bytes_per_second"), run.counters.bytesPerSecond);
    message.insert(QStringLiteral("job_id"), run.jobId);
    message.insert(QStringLiteral("run_id"), run.id);
    broadcastStatus(message);
}

void WebSocketHub::onRunFinished(const Run &run)
{
    QJsonObject message = countersOf(run);
    message.insert(QStringLiteral("type"), QStringLiteral("job_completed"));
    message.insert(QStringLiteral("job_id"), run.jobId);
    message.insert(QStringLiteral("run_id"), run.id);
    message.insert(QStringLiteral("job_name"), run.jobName);
    message.insert(QStringLiteral("status"), runStatusName(run.status));
    message.insert(QStringLiteral("error_message"), nullableText(run.errorMessage));
    broadcastStatus(message);

    sendToRun(run.id, runStatusMessage(run));
    const QList<QWebSocket *> sockets = m_clients.keys();
    for (QWebSocket *socket : sockets) {
        if (m_clients.value(socket).runId == run.id)
            socket->close(QWebSocketProtocol::CloseCodeNormal, QStringLiteral("Run finished"));
    }
}

void WebSocketHub::onSessionRevoked(const QString &sessionId)
{
    const QList<QWebSocket *> sockets = m_clients.keys();
    for (QWebSocket *socket : sockets) {
        if (m_clients.value(socket).sessionId == sessionId)
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("Session ended"));
    }
}

void WebSocketHub::broadcastStatus(QJsonObject message)
{
    message.insert(QStringLiteral("event_id"), m_nextEventId++);
    const QString text = toText(message);
    for (auto it = m_clients.cbegin(); it != m_clients.cend(); ++it) {
        if (it->runId == 0)
            it.key()->sendTextMessage(text);
    }
}

void WebSocketHub::sendToRun(qint64 runId, const QJsonObject &message)
{
    const QString text = toText(message);
    for (auto it = m_clients.cbegin(); it != m_clients.cend(); ++it) {
        if (it->runId == runId)
            it.key()->sendTextMessage(text);
    }
}

void WebSocketHub::remove(QWebSocket *socket)
{
    m_clients.remove(socket);
    socket->deleteLater();
}

} // namespace dynamight
