#pragma once

#include "http/requestpipeline.h"
#include "http/router.h"
#include "result.h"
#include "servercontext.h"

#include <QAbstractHttpServer>

#include <memory>
#include <vector>

namespace dynamight {

class Controller;
class LoginThrottle;
class WebSocketHub;
class WebUi;

// The HTTP and WebSocket server of the REST API and the web UI. QHttpServer 6.4 requires that a
// handler writes its response before it returns, so every handler here is synchronous and quick.
// Long work (runs) goes to the run manager, which reports over WebSocket.
class ApiServer : public QAbstractHttpServer
{
    Q_OBJECT

public:
    explicit ApiServer(ServerContext context, QObject *parent = nullptr);
    ~ApiServer() override;

    // Listens on the configured address and returns the bound port.
    Result<quint16> start();
    const Router &router() const { return m_router; }

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    void write(QTcpSocket *socket, ApiResponse response, const QString &path);

    ServerContext m_context;
    Router m_router;
    std::unique_ptr<LoginThrottle> m_throttle;
    std::vector<std::unique_ptr<Controller>> m_controllers;
    RequestPipeline m_pipeline;
    std::unique_ptr<WebSocketHub> m_hub;
    std::unique_ptr<WebUi> m_webUi;
};

} // namespace dynamight
