#pragma once

#include "auth/jsonwebtoken.h"
#include "auth/sessionstore.h"
#include "auth/userstore.h"
#include "clock.h"
#include "models/user.h"
#include "result.h"

#include <QDateTime>
#include <QObject>
#include <QString>

#include <chrono>
#include <memory>

namespace dynamight {

class Database;

// A new session and the token that names it, for the token cookie.
struct IssuedSession
{
    User user;
    QString token;
    QString sessionId;
    QDateTime expiresAt;
};

// The session that a request's token belongs to.
struct AuthenticatedSession
{
    User user;
    QString sessionId;
    QDateTime expiresAt;
};

// Accounts and sessions: the first-run setup, login with a password, and the check of the token
// that every authenticated request carries. A token is valid only while its server-side session
// is, so logout takes effect at once. Passwords and tokens are never logged.
class AuthService : public QObject
{
    Q_OBJECT

public:
    static constexpr int maxUsernameLength = 64;

    // signingKey signs the session tokens (see deriveKey()), and clock must outlive the service.
    AuthService(std::shared_ptr<Database> database, QByteArray signingKey, const Clock &clock,
                std::chrono::seconds sessionLifetime = std::chrono::hours(24),
                QObject *parent = nullptr);

    // Returns whether no user exists yet. A storage error counts as false, so that a broken
    // database never offers setup.
    bool setupRequired() const;
    // Creates the first user and logs it in. Once a user exists this is a Conflict error.
    Result<IssuedSession> setup(const QString &username, const QString &password);
    // Unknown users and wrong passwords give the same Unauthorized error in about the same
    // time, so a client cannot probe for usernames.
    Result<IssuedSession> login(const QString &username, const QString &password);
    // Checks the token's signature and times, then that its session is valid and its user exists.
    Result<AuthenticatedSession> authenticate(const QString &token) const;
    // Revokes the session and emits sessionRevoked().
    Status logout(const QString &sessionId);
    Result<User> user(qint64 id) const;

    // Letters are ASCII only, because SQLite's NOCASE, which keeps usernames unique, folds only
    // ASCII case.
    static Status checkUsername(const QString &username);

Q_SIGNALS:
    // Emitted after a session was revoked, so its open WebSockets can be closed.
    void sessionRevoked(const QString &sessionId);

private:
    Result<IssuedSession> issueSession(const User &user);
    Result<AuthenticatedSession> findSession(const TokenClaims &claims) const;
    void upgradeHash(const StoredUser &stored, const QString &password);

    UserStore m_users;
    SessionStore m_sessions;
    JsonWebToken m_tokens;
    const Clock &m_clock;
    std::chrono::seconds m_sessionLifetime;
};

} // namespace dynamight
