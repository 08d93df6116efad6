#pragma once

#include "auth/ratelimiter.h"

#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QStringList>

namespace dynamight {

// The HTTP layer's settings: the address it listens on and the requests it accepts.
struct ServerConfig
{
    QHostAddress host = QHostAddress::LocalHost;
    // 0 lets the system choose a free port, which is printed at start.
    quint16 port = 8080;
    // Host header names accepted beside localhost, loopback and IP literals.
    QStringList allowedHosts;
    bool secureCookies = false;
    qint64 maxBodyBytes = 1024 * 1024;
    QStringList allowedBrowsePaths;
    // The failed-login limit per client address, from the DYNAMIGHT_RATE_LIMIT_* settings.
    RateLimitPolicy rateLimit;
    // Reverse proxies (address and prefix length) whose X-Forwarded-For header names the client.
    QList<QPair<QHostAddress, int>> trustedProxies;
};

} // namespace dynamight
