#include "http/loginthrottle.h"

#include "http/apirequest.h"
#include "serverconfig.h"

#include <QHttpServerRequest>

namespace dynamight {

namespace {

// Compares IPv4 peers that a dual-stack socket reports as ::ffff:a.b.c.d like plain IPv4.
QHostAddress plain(const QHostAddress &address)
{
    bool isIpv4 = false;
    const quint32 ipv4 = address.toIPv4Address(&isIpv4);
    return isIpv4 ? QHostAddress(ipv4) : address;
}

bool isTrusted(const QHostAddress &peer, const QList<QPair<QHostAddress, int>> &trustedProxies)
{
    for (const auto &subnet : trustedProxies) {
        if (peer.isInSubnet(subnet))
            return true;
    }
    return false;
}

} // namespace

LoginThrottle::LoginThrottle(const ServerConfig &config, const Clock &clock)
    : m_config(config)
    , m_limiter(config.rateLimit, clock)
{ }

ApiResponse LoginThrottle::attempt(const ApiRequest &request,
                                   const std::function<ApiResponse()> &handler)
{
    const QString client = clientAddress(request.http(), m_config.trustedProxies);
    if (const auto retryAfter = m_limiter.retryAfter(client))
        return lockedOut(*retryAfter);

    ApiResponse response = handler();
    if (response.status() == 401)
        m_limiter.recordFailure(client);
    else if (response.status() >= 200 && response.status() < 300)
        m_limiter.recordSuccess(client);
    return response;
}

QString LoginThrottle::clientAddress(const QHttpServerRequest &request,
                                     const QList<QPair<QHostAddress, int>> &trustedProxies)
{
    const QHostAddress peer = plain(request.remoteAddress());
    if (!isTrusted(peer, trustedProxies))
        return peer.toString();

    const QList<QByteArray> hops = request.value(QByteArrayLiteral("X-Forwarded-For")).split(',');
    const QHostAddress forwarded(QString::fromLatin1(hops.constLast().trimmed()));
    return forwarded.isNull() ? peer.toString() : plain(forwarded).toString();
}

ApiResponse LoginThrottle::lockedOut(std::chrono::seconds retryAfter)
{
    const qint64 seconds = retryAfter.count();
    ApiResponse response = ApiResponse::error(
        429, QStringLiteral("Too many failed attempts. Try again in %1 seconds.").arg(seconds),
        QJsonObject{{QStringLiteral("retry_after"), seconds}});
    response.setHeader("Retry-After", QByteArray::number(seconds));
    return response;
}

} // namespace dynamight
