#pragma once

#include "auth/jsonwebtoken.h"
#include "auth/loginchallengestore.h"
#include "auth/sessionstore.h"
#include "auth/totpservice.h"
#include "auth/userstore.h"
#include "clock.h"
#include "models/user.h"
#include "result.h"

#include <QDateTime>
#include <QObject>
#include <QString>

#include <chrono>
#include <memory>
#include <optional>

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

// The outcome of a correct password: the new session, or, when the user has two-factor
// authentication on, no session yet and the token of the challenge that a TOTP code or a
// recovery code completes.
struct LoginResult
{
    std::optional<IssuedSession> session;
    QString totpToken;
};

// A login completed with a recovery code, and how many unused codes the user has left.
struct RecoveryLogin
{
    IssuedSession session;
    int remainingCodes = 0;
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
    // How long the client has to send the second factor after a correct password.
    static constexpr std::chrono::seconds totpChallengeLifetime{300};

    // signingKey signs the session tokens and totpKey protects the TOTP secrets and recovery
    // codes (see deriveKey()). Without totpKey, two-factor setup fails. clock must outlive the
    // service.
    AuthService(std::shared_ptr<Database> database, QByteArray signingKey, const Clock &clock,
                std::chrono::seconds sessionLifetime = std::chrono::hours(24),
                QByteArray totpKey = {}, QObject *parent = nullptr);

    // Returns whether no user exists yet. A storage error counts as false, so that a broken
    // database never offers setup.
    bool setupRequired() const;
    // Creates the first user and logs it in. Once a user exists this is a Conflict error.
    Result<IssuedSession> setup(const QString &username, const QString &password);
    // Unknown users and wrong passwords give the same Unauthorized error in about the same
    // time, so a client cannot probe for usernames. A user with two-factor authentication on
    // gets a challenge token instead of a session.
    Result<LoginResult> login(const QString &username, const QString &password);
    // Completes a login that returned a challenge token. The token works for one successful
    // completion within totpChallengeLifetime. Wrong codes are Unauthorized errors, and after
    // LoginChallengeStore::maxFailedAttempts of them the token stops working.
    Result<IssuedSession> loginWithTotp(const QString &totpToken, const QString &code);
    Result<RecoveryLogin> loginWithRecoveryCode(const QString &totpToken,
                                                const QString &recoveryCode);
    // Checks the current password (a wrong one is an InvalidInput error, because the session
    // itself is valid), stores the new one, revokes every session of the user, the caller's
    // included, and returns a new session for the caller.
    Result<IssuedSession> changePassword(const AuthenticatedSession &session,
                                         const QString &currentPassword,
                                         const QString &newPassword);
    // Checks the token's signature and times, then that its session is valid and its user exists.
    Result<AuthenticatedSession> authenticate(const QString &token) const;
    // Revokes the session and emits sessionRevoked().
    Status logout(const QString &sessionId);
    Result<User> user(qint64 id) const;
    TotpService &totp() { return m_totp; }

    // Letters are ASCII only, because SQLite's NOCASE, which keeps usernames unique, folds only
    // ASCII case.
    static Status checkUsername(const QString &username);

Q_SIGNALS:
    // Emitted after a session was revoked, so its open WebSockets can be closed.
    void sessionRevoked(const QString &sessionId);

private:
    Result<IssuedSession> issueSession(const User &user);
    Result<IssuedSession> completeChallenge(const QString &totpToken, qint64 userId,
                                            const char *factor);
    void emitRevoked(const QStringList &sessionIds);
    Result<AuthenticatedSession> findSession(const TokenClaims &claims) const;
    void upgradeHash(const StoredUser &stored, const QString &password);

    UserStore m_users;
    SessionStore m_sessions;
    LoginChallengeStore m_challenges;
    TotpService m_totp;
    JsonWebToken m_tokens;
    const Clock &m_clock;
    std::chrono::seconds m_sessionLifetime;
};

} // namespace dynamight
