#pragma once

#include "clock.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>

#include <chrono>
#include <optional>

namespace dynamight {

// The limits of RateLimiter, from the DYNAMIGHT_RATE_LIMIT_* settings.
struct RateLimitPolicy
{
    // Failures within one window that start a lockout.
    int maxAttempts = 5;
    std::chrono::seconds window{60};
    // The first lockout. Each further one doubles it, up to maxLockout.
    std::chrono::seconds lockout{60};
    std::chrono::seconds maxLockout{3600};
};

// Counts failed login attempts per client and locks a client out after too many, in memory.
//
// Failures count in a sliding window: one older than `window` no longer counts, so a user who
// mistypes a password now and then is never locked out. The failure that brings the count in
// the window to maxAttempts starts a lockout and clears the count. Lockouts of one client grow
// as lockout, 2 x lockout, 4 x lockout ... up to maxLockout. The doubling is forgotten once
// maxLockout has passed since the end of the client's last lockout. A success clears the count
// of failures but not the doubling, so a client that guesses passwords between successful
// logins still gets longer lockouts.
class RateLimiter
{
public:
    // clock must outlive the limiter.
    RateLimiter(RateLimitPolicy policy, const Clock &clock);

    // Returns how long the client's lockout still lasts, rounded up to whole seconds, or
    // std::nullopt when it is not locked out.
    std::optional<std::chrono::seconds> retryAfter(const QString &client) const;
    // Counts a failure of client and returns the duration of the lockout it started, if any.
    // A failure during a lockout is not counted, because the caller rejects those attempts
    // before checking them.
    std::optional<std::chrono::seconds> recordFailure(const QString &client);
    void recordSuccess(const QString &client);

    const RateLimitPolicy &policy() const { return m_policy; }
    qsizetype trackedClients() const { return m_entries.size(); }

private:
    struct Entry
    {
        QList<QDateTime> failures;
        QDateTime lockedUntil;
        // Lockouts since the doubling was last forgotten.
        int lockouts = 0;
    };

    void forgetExpired(Entry &entry, const QDateTime &now) const;
    std::chrono::seconds nextLockout(int lockouts) const;
    void pruneIfLarge(const QDateTime &now);

    RateLimitPolicy m_policy;
    const Clock &m_clock;
    QHash<QString, Entry> m_entries;
    qsizetype m_pruneAt;
};

} // namespace dynamight
