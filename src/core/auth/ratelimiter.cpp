#include "auth/ratelimiter.h"

#include "logging.h"

#include <algorithm>

namespace dynamight {

namespace {

// Once this many clients are tracked, a failure first drops the entries with nothing left to
// remember, so a flood of addresses cannot grow the table without bound. The next pruning waits
// until the table has doubled, which keeps the cost per failure constant on average.
constexpr qsizetype pruneThreshold = 1024;

} // namespace

RateLimiter::RateLimiter(RateLimitPolicy policy, const Clock &clock)
    : m_policy(policy)
    , m_clock(clock)
    , m_pruneAt(pruneThreshold)
{ }

std::optional<std::chrono::seconds> RateLimiter::retryAfter(const QString &client) const
{
    const auto it = m_entries.constFind(client);
    if (it == m_entries.cend() || !it->lockedUntil.isValid())
        return std::nullopt;

    const qint64 remainingMs = m_clock.now().msecsTo(it->lockedUntil);
    if (remainingMs <= 0)
        return std::nullopt;
    return std::chrono::seconds((remainingMs + 999) / 1000);
}

std::optional<std::chrono::seconds> RateLimiter::recordFailure(const QString &client)
{
    if (retryAfter(client))
        return std::nullopt;

    const QDateTime now = m_clock.now();
    pruneIfLarge(now);
    Entry &entry = m_entries[client];
    forgetExpired(entry, now);
    entry.failures.append(now);
    if (entry.failures.size() < m_policy.maxAttempts)
        return std::nullopt;

    const std::chrono::seconds duration = nextLockout(entry.lockouts);
    entry.lockouts += 1;
    entry.lockedUntil = now.addSecs(duration.count());
    entry.failures.clear();
    qCWarning(lcAuth).noquote() << "Rate limit: locked out client" << client << "for"
                                << duration.count() << "s after" << m_policy.maxAttempts
                                << "failed attempts within" << m_policy.window.count()
                                << "s (lockout" << entry.lockouts << "in a row)";
    return duration;
}

void RateLimiter::recordSuccess(const QString &client)
{
    const auto it = m_entries.find(client);
    if (it != m_entries.end())
        it->failures.clear();
}

void RateLimiter::forgetExpired(Entry &entry, const QDateTime &now) const
{
    const QDateTime windowStart = now.addSecs(-m_policy.window.count());
    while (!entry.failures.isEmpty() && entry.failures.constFirst() <= windowStart)
        entry.failures.removeFirst();

    if (entry.lockedUntil.isValid()
        && entry.lockedUntil.addSecs(m_policy.maxLockout.count()) <= now) {
        entry.lockouts = 0;
        entry.lockedUntil = QDateTime();
    }
}

std::chrono::seconds RateLimiter::nextLockout(int lockouts) const
{
    std::chrono::seconds duration = m_policy.lockout;
    for (int i = 0; i < lockouts && duration < m_policy.maxLockout; ++i)
        duration *= 2;
    return std::min(duration, m_policy.maxLockout);
}

void RateLimiter::pruneIfLarge(const QDateTime &now)
{
    if (m_entries.size() < m_pruneAt)
        return;
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        forgetExpired(*it, now);
        if (it->failures.isEmpty() && !it->lockedUntil.isValid())
            it = m_entries.erase(it);
        else
            ++it;
    }
    m_pruneAt = std::max(pruneThreshold, 2 * m_entries.size());
}

} // namespace dynamight
