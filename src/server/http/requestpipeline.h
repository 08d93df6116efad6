#pragma once

#include "http/apiresponse.h"
#include "http/router.h"

class QHttpServerRequest;

namespace dynamight {

class AuthService;
struct ServerConfig;

// The steps every request goes through, in order: Host check (DNS rebinding), route lookup
// (404/405), Origin check on state-changing methods (CSRF), authentication (401), the
// handler, and the security headers on the response. Body size is checked earlier, on the
// socket, by RequestGuard.
class RequestPipeline
{
public:
    RequestPipeline(const ServerConfig &config, AuthService &auth, const Router &router);

    ApiResponse handle(const QHttpServerRequest &request) const;

    // Whether the Host header names this server: localhost, an IP literal or a configured name.
    static bool isAllowedHost(const QByteArray &host, const QStringList &allowedNames);
    // Whether an Origin header, when present, names this server: the Host header's name and port,
    // with the scheme http, or https when the server sits behind a TLS proxy (secure cookies).
    static bool isSameOrigin(const QByteArray &origin, const QByteArray &host, bool httpsOrigin);

private:
    ApiResponse route(const QHttpServerRequest &request) const;
    ApiResponse invoke(const Router::Match &match, const QHttpServerRequest &request) const;

    const ServerConfig &m_config;
    AuthService &m_auth;
    const Router &m_router;
};

} // namespace dynamight
