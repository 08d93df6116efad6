#pragma once

#include "clock.h"
#include "result.h"

#include <QDateTime>
#include <QString>
#include <QStringList>

#include <chrono>
#include <memory>

namespace dynamight {

class Database;

// The server-side record of a login, named by the "sid" claim of its token.
struct Session
{
    // 32 lower-case hex digits (128 random bits).
    QString id;
    qint64 userId = 0;
    QDateTime createdAt;
    QDateTime expiresAt;
    // Invalid while the session has not been revoked.
    QDateTime revokedAt;
};

// The sessions table of the main database. A session is valid until it expires or is revoked.
class SessionStore
{
public:
    SessionStore(std::shared_ptr<Database> database, const Clock &clock);

    // Creates a session of userId that expires lifetime from now.
    Result<Session> create(qint64 userId, std::chrono::seconds lifetime);

    // Returns the session whatever its state, or a NotFound error.
    Result<Session> find(const QString &id) const;
    // Returns the session if it is neither revoked nor expired, else a NotFound error.
    Result<Session> findValid(const QString &id) const;

    // Revokes the session. Revoking it again keeps the first revocation time, and an unknown id
    // is a NotFound error.
    Status revoke(const QString &id);
    // Revokes every valid session of userId except keptId (none when keptId is empty), as a
    // password change does, and returns the ids it revoked so their WebSockets can be closed.
    Result<QStringList> revokeAllExcept(qint64 userId, const QString &keptId);
    // Deletes the sessions that have expired, revoked or not, and returns how many.
    Result<int> deleteExpired();

private:
    std::shared_ptr<Database> m_database;
    const Clock &m_clock;
};

} // namespace dynamight
