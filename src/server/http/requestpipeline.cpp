#include "http/requestpipeline.h"

#include "auth/authservice.h"
#include "serverconfig.h"
#include "serverlogging.h"

#include <QHostAddress>
#include <QHttpServerRequest>
#include <QUrl>

#include <exception>

namespace dynamight {

namespace {

bool changesState(QHttpServerRequest::Method method)
{
    using Method = QHttpServerRequest::Method;
    return method == Method::Post || method == Method::Put || method == Method::Patch
           || method == Method::Delete;
}

// Splits "name:port" or "[v6]:port" into the lower-case name and the port, -1 when absent.
QPair<QString, int> splitHost(const QByteArray &host)
{
    const QString text = QString::fromLatin1(host).trimmed().toLower();
    if (text.startsWith(QLatin1Char('['))) {
        const qsizetype close = text.indexOf(QLatin1Char(']'));
        const QString name = text.mid(1, close - 1);
        const QString rest = text.mid(close + 1);
        return {name, rest.startsWith(QLatin1Char(':')) ? rest.mid(1).toInt() : -1};
    }
    const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
    if (colon < 0 || text.count(QLatin1Char(':')) > 1)
        return {text, -1};
    return {text.left(colon), text.mid(colon + 1).toInt()};
}

} // namespace

RequestPipeline::RequestPipeline(const ServerConfig &config, AuthService &auth, const Router &router)
    : m_config(config)
    , m_auth(auth)
    , m_router(router)
{
}

ApiResponse RequestPipeline::handle(const QHttpServerRequest &request) const
{
    const QString path = request.url().path();
    ApiResponse response;
    const QByteArray host = request.value(QByteArrayLiteral("Host"));
    if (!isAllowedHost(host, m_config.allowedHosts)) {
        qCWarning(lcHttp).noquote() << "HTTP: rejected Host header" << QString::fromLatin1(host.left(100))
                                    << "from" << request.remoteAddress().toString();
        response = ApiResponse::error(403, QStringLiteral("Host '%1' is not allowed: add it to "
                                                          "DYNAMIGHT_ALLOWED_HOSTS to serve it")
                                               .arg(QString::fromLatin1(host.left(100))));
    } else {
        response = route(request);
    }
    response.addSecurityHeaders(path);
    return response;
}

ApiResponse RequestPipeline::route(const QHttpServerRequest &request) const
{
    const QString path = request.url().path();
    const Router::Match match = m_router.match(request.method(), path);
    if (!match.route && !match.allowedMethods.isEmpty()) {
        ApiResponse response = ApiResponse::error(
            405, QStringLiteral("Method %1 is not allowed on %2; allowed: %3")
                     .arg(QString::fromLatin1(Router::methodName(request.method())), path,
                          QString::fromLatin1(match.allowedMethods)));
        response.setHeader("Allow", match.allowedMethods);
        return response;
    }
    if (!match.route)
        return ApiResponse::error(404, QStringLiteral("No resource at %1").arg(path.left(200)));

    const QByteArray origin = request.value(QByteArrayLiteral("Origin"));
    if (changesState(request.method()) && !isSameOrigin(origin, request.value(QByteArrayLiteral("Host")), m_config.secureCookies)) {
        qCWarning(lcHttp).noquote() << "HTTP: rejected a cross-origin" << Router::methodName(request.method())
                                    << path << "from origin" << QString::fromLatin1(origin.left(100));
        return ApiResponse::error(403, QStringLiteral("Cross-origin requests are not allowed"));
    }
    return invoke(match, request);
}

ApiResponse RequestPipeline::invoke(const Router::Match &match, const QHttpServerRequest &request) const
{
    std::optional<AuthenticatedSession> session;
    if (match.route->access == Access::Authenticated) {
        auto authenticated = m_auth.authenticate(tokenOf(request));
        if (!authenticated)
            return ApiResponse::error(401, QStringLiteral("Invalid or expired token"));
        session = *authenticated;
    }

    try {
        return match.route->handler(ApiRequest(request, match.pathValues, session));
    } catch (const std::exception &exception) {
        qCCritical(lcHttp).noquote() << "HTTP: handler of" << request.url().path() << "failed:" << exception.what();
    } catch (...) {
        qCCritical(lcHttp).noquote() << "HTTP: handler of" << request.url().path() << "failed";
    }
    return ApiResponse::error(500, QStringLiteral("An unexpected error occurred"));
}

bool RequestPipeline::isAllowedHost(const QByteArray &host, const QStringList &allowedNames)
{
    // HTTP/1.0 clients may omit Host; a browser, which DNS rebinding needs, always sends it.
    if (host.isEmpty())
        return true;
    const QString name = splitHost(host).first;
    if (name == QLatin1String("localhost") || !QHostAddress(name).isNull())
        return true;
    for (const QString &allowed : allowedNames) {
        if (name.compare(allowed, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

bool RequestPipeline::isSameOrigin(const QByteArray &origin, const QByteArray &host, bool httpsOrigin)
{
    if (origin.isEmpty())
        return true;
    const QUrl url(QString::fromLatin1(origin));
    if (!url.isValid() || url.host().isEmpty())
        return false;
    if (url.scheme() != (httpsOrigin ? QLatin1String("https") : QLatin1String("http")))
        return false;
    const int defaultPort = url.scheme() == QLatin1String("https") ? 443 : 80;
    const auto [hostName, hostPort] = splitHost(host);
    return url.host().toLower() == hostName && url.port(defaultPort) == (hostPort < 0 ? defaultPort : hostPort);
}

} // namespace dynamight
