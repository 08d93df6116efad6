#pragma once

#include "auth/ratelimiter.h"
#include "http/apiresponse.h"

#include <QHostAddress>
#include <QList>
#include <QPair>

#include <functional>

class QHttpServerRequest;

namespace dynamight {

class ApiRequest;
class Clock;
struct ServerConfig;

// The rate limit of the routes that check a password or a second factor (login, TOTP
// validate, TOTP recovery), shared by them so that failures on any of them add up per client
// address.
class LoginThrottle
{
public:
    // config and clock must outlive the throttle.
    LoginThrottle(const ServerConfig &config, const Clock &clock);

    // Runs handler unless the client is locked out, and then counts a 401 response as a
    // failure and a 2xx response as a success. While locked out, every request gets 429 with
    // Retry-After, whether its credentials are right or not.
    ApiResponse attempt(const ApiRequest &request, const std::function<ApiResponse()> &handler);

    // Returns the client address of request: the peer address, or the last X-Forwarded-For
    // entry when the peer is one of trustedProxies (address and prefix length). A proxy appends
    // the address it saw, so the last entry is the one a client cannot forge, and the entries
    // before it are ignored. An entry that is not an IP address counts as absent.
    // NOTE: only the first X-Forwarded-For header is read, so put a single proxy in front that
    // merges the header, as nginx's $proxy_add_x_forwarded_for does.
    static QString clientAddress(const QHttpServerRequest &request,
                                 const QList<QPair<QHostAddress, int>> &trustedProxies);

private:
    static ApiResponse lockedOut(std::chrono::seconds retryAfter);

    const ServerConfig &m_config;
    RateLimiter m_limiter;
};

} // namespace dynamight
