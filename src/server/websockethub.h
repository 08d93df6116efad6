#pragma once

#include "models/run.h"
#include "servercontext.h"

#include <QHash>
#include <QObject>

class QAbstractHttpServer;
class QWebSocket;

namespace dynamight {

// The WebSocket endpoints on the HTTP server's port: /api/ws/status streams job_started,
// job_progress and job_completed for every job; /api/ws/logs/:run_id streams one run's log lines
// and status. Clients authenticate with the token query parameter or cookie after the upgrade,
// because QHttpServer 6.4 upgrades before the application can respond. A bad token, a foreign
// Origin or an unknown run closes the socket with a close code and a reason.
class WebSocketHub : public QObject
{
    Q_OBJECT

public:
    WebSocketHub(ServerContext context, QAbstractHttpServer &server, QObject *parent = nullptr);
    ~WebSocketHub() override;

    // Close codes: 1008 (policy violation) for authentication and Origin, 4404 for an unknown run.
    static constexpr int closeUnknownRun = 4404;

    int clientCount() const { return static_cast<int>(m_clients.size()); }

private:
    struct Client
    {
        QString sessionId;
        // The run whose log the client follows, 0 on the status stream.
        qint64 runId = 0;
    };

    void acceptPending();
    void accept(QWebSocket *socket);
    void startLogStream(QWebSocket *socket, Client client, const QString &runText);
    void sendStoredLogs(QWebSocket *socket, qint64 runId);

    void onLogsStored(const QList<LogEntry> &entries);
    void onRunStarted(const Run &run);
    void onRunProgress(const Run &run);
    void onRunFinished(const Run &run);
    void onSessionRevoked(const QString &sessionId);

    void broadcastStatus(QJsonObject message);
    void sendToRun(qint64 runId, const QJsonObject &message);
    void remove(QWebSocket *socket);

    ServerContext m_context;
    QAbstractHttpServer &m_server;
    QHash<QWebSocket *, Client> m_clients;
    qint64 m_nextEventId = 1;
};

QJsonObject runStatusMessage(const Run &run);

} // namespace dynamight
