#include "apiserver.h"

#include "controllers/authcontroller.h"
#include "controllers/credentialscontroller.h"
#include "controllers/jobpreviewcontroller.h"
#include "controllers/jobscontroller.h"
#include "controllers/providerscontroller.h"
#include "controllers/runscontroller.h"
#include "controllers/schedulescontroller.h"
#include "controllers/settingscontroller.h"
#include "controllers/systemcontroller.h"
#include "controllers/totpcontroller.h"
#include "http/loginthrottle.h"
#include "http/requestguard.h"
#include "serverconfig.h"
#include "serverlogging.h"
#include "websockethub.h"
#include "webui.h"

#include <QHttpServerRequest>
#include <QTcpSocket>

namespace dynamight {

namespace {

bool isWebSocketUpgrade(const QHttpServerRequest &request)
{
    return request.value(QByteArrayLiteral("Upgrade")).compare("websocket", Qt::CaseInsensitive) == 0;
}

bool isApiPath(const QString &path)
{
    return path == QLatin1String("/api") || path.startsWith(QLatin1String("/api/"));
}

} // namespace

ApiServer::ApiServer(ServerContext context, QObject *parent)
    : QAbstractHttpServer(parent)
    , m_context(context)
    , m_throttle(std::make_unique<LoginThrottle>(context.config, context.clock))
    , m_pipeline(context.config, context.auth, m_router)
    , m_hub(std::make_unique<WebSocketHub>(context, *this))
    , m_webUi(std::make_unique<WebUi>(context.config.allowedHosts))
{
    m_controllers.push_back(std::make_unique<AuthController>(context, *m_throttle));
    m_controllers.push_back(std::make_unique<TotpController>(context, *m_throttle));
    m_controllers.push_back(std::make_unique<JobsController>(context));
    m_controllers.push_back(std::make_unique<JobPreviewController>(context));
    m_controllers.push_back(std::make_unique<CredentialsController>(context));
    m_controllers.push_back(std::make_unique<ProvidersController>(context));
    m_controllers.push_back(std::make_unique<RunsController>(context));
    m_controllers.push_back(std::make_unique<SchedulesController>(context));
    m_controllers.push_back(std::make_unique<SettingsController>(context));
    m_controllers.push_back(std::make_unique<SystemController>(context));
    for (const auto &controller : m_controllers)
        m_router.add(controller->routes());
}

ApiServer::~ApiServer() = default;

Result<quint16> ApiServer::start()
{
    auto *tcpServer = new GuardedTcpServer(m_context.config.maxBodyBytes, this);
    if (!tcpServer->listen(m_context.config.host, m_context.config.port)) {
        const QString message = QStringLiteral("Failed to listen on %1:%2: %3")
                                    .arg(m_context.config.host.toString())
                                    .arg(m_context.config.port)
                                    .arg(tcpServer->errorString());
        delete tcpServer;
        return Error(Error::Kind::Unavailable, message);
    }
    bind(tcpServer);
    return tcpServer->serverPort();
}

bool ApiServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    const QString path = request.url().path();
    if (!isApiPath(path)) {
        const ApiResponse response = m_webUi->handle(request);
        qCDebug(lcHttp).noquote() << Router::methodName(request.method()) << path << response.status();
        write(socket, response, path);
        return true;
    }
    if (path.startsWith(QLatin1String("/api/ws/"))) {
        // Write nothing: QHttpServer hands the socket to its WebSocket server after this returns,
        // and the hub authenticates the client on the open socket.
        if (isWebSocketUpgrade(request))
            return true;
        write(socket, ApiResponse::error(426, QStringLiteral("%1 is a WebSocket endpoint; connect with a "
                                                             "WebSocket client")
                                                  .arg(path.left(200))),
              path);
        return true;
    }

    const ApiResponse response = m_pipeline.handle(request);
    qCDebug(lcHttp).noquote() << Router::methodName(request.method()) << path << response.status();
    write(socket, response, path);
    return true;
}

void ApiServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    const QString path = request.url().path();
    write(socket, ApiResponse::error(404, QStringLiteral("No resource at %1").arg(path.left(200))), path);
}

void ApiServer::write(QTcpSocket *socket, ApiResponse response, const QString &path)
{
    response.addSecurityHeaders(path);
    if (socket->state() == QAbstractSocket::ConnectedState)
        socket->write(response.serialize());
}

} // namespace dynamight
