#include "auth/authservice.h"

#include "auth/passwordhasher.h"
#include "auth/passwordreset.h"
#include "logging.h"
#include "storage/database.h"

#include <algorithm>

namespace dynamight {

namespace {

// The hash that login verifies against when the username is unknown, so that the failure costs
// one Argon2id verify, as a wrong password does. Which password it hashes does not matter,
// because login rejects an unknown user whatever the verify returns.
const QString &dummyHash()
{
    static const QString hash = [] {
        const auto hashed = PasswordHasher::hash(QStringLiteral("dynamight-dummy-password"));
        return hashed ? *hashed : QString();
    }();
    return hash;
}

Error invalidCredentials()
{
    return Error::unauthorized(QStringLiteral("Invalid username or password"));
}

Error setupComplete()
{
    return Error::conflict(QStringLiteral("Setup is already complete"));
}

Error sessionEnded()
{
    return Error::unauthorized(QStringLiteral("The session has ended: log in again"));
}

// Logs name a session by its first 8 hex digits, which is enough to match log lines.
QString idPrefix(const QString &sessionId)
{
    return sessionId.left(8);
}

bool isUsernameCharacter(QChar c)
{
    const char16_t code = c.unicode();
    return (code >= u'A' && code <= u'Z') || (code >= u'a' && code <= u'z')
        || (code >= u'0' && code <= u'9') || code == u'.' || code == u'_' || code == u'-'
        || code == u'@';
}

} // namespace

AuthService::AuthService(std::shared_ptr<Database> database, QByteArray signingKey,
                         const Clock &clock, std::chrono::seconds sessionLifetime,
                         QByteArray totpKey, QObject *parent)
    : QObject(parent)
    , m_users(database, clock)
    , m_sessions(database, clock)
    , m_challenges(database, clock)
    , m_totp(database, std::move(totpKey), clock)
    , m_tokens(signingKey)
    , m_clock(clock)
    , m_sessionLifetime(sessionLifetime)
{
    if (signingKey.size() < JsonWebToken::minKeyLength) {
        qCCritical(lcAuth) << "Auth: the token signing key is shorter than"
                           << JsonWebToken::minKeyLength
                           << "bytes, so every session token will be rejected";
    }
    // Computed now so that the first login of an unknown user does not take twice as long.
    dummyHash();
}

bool AuthService::setupRequired() const
{
    const auto users = m_users.count();
    return users && *users == 0;
}

Result<IssuedSession> AuthService::setup(const QString &username, const QString &password)
{
    const auto users = m_users.count();
    if (!users)
        return users.error();
    if (*users > 0) {
        qCWarning(lcAuth) << "Auth: rejected setup for user" << username.left(maxUsernameLength)
                          << "because setup is already complete";
        return setupComplete();
    }
    if (const Status valid = checkUsername(username); !valid)
        return valid.error();
    if (const Status valid = PasswordHasher::checkPolicy(password); !valid)
        return valid.error();

    const auto hash = PasswordHasher::hash(password);
    if (!hash)
        return hash.error();
    // A concurrent setup that won the race shows up as a Conflict here.
    const auto user = m_users.createFirst(username, *hash);
    if (!user && user.error().kind() == Error::Kind::Conflict)
        return setupComplete();
    if (!user)
        return user.error();

    auto issued = issueSession(*user);
    if (issued) {
        qCInfo(lcAuth).noquote() << "Auth: setup created user" << user->username << "with id"
                                 << user->id << "and session" << idPrefix(issued->sessionId);
    }
    return issued;
}

Result<LoginResult> AuthService::login(const QString &username, const QString &password)
{
    const auto stored = m_users.findByName(username);
    if (!stored && stored.error().kind() != Error::Kind::NotFound)
        return stored.error();

    const QString &hash = stored ? stored->passwordHash : dummyHash();
    const bool matches = PasswordHasher::verify(password, hash);
    if (!stored) {
        // The typed name is not logged: people type their password into the name field.
        qCWarning(lcAuth) << "Auth: failed login for an unknown user name";
        return invalidCredentials();
    }
    if (!matches) {
        qCWarning(lcAuth).noquote() << "Auth: failed login for user" << stored->user.username;
        return invalidCredentials();
    }

    upgradeHash(*stored, password);
    if (stored->user.totpEnabled) {
        auto token = m_challenges.create(stored->user.id, totpChallengeLifetime);
        if (!token)
            return token.error();
        qCInfo(lcAuth).noquote() << "Auth: user" << stored->user.username
                                 << "passed the password check and must send a TOTP code";
        return LoginResult{std::nullopt, *token};
    }

    auto issued = issueSession(stored->user);
    if (!issued)
        return issued.error();
    qCInfo(lcAuth).noquote() << "Auth: user" << stored->user.username << "logged in, session"
                             << idPrefix(issued->sessionId);
    return LoginResult{*issued, QString()};
}

Result<IssuedSession> AuthService::loginWithTotp(const QString &totpToken, const QString &code)
{
    const auto userId = m_challenges.findValid(totpToken);
    if (!userId)
        return userId.error();
    if (const Status verified = m_totp.verifyCode(*userId, code); !verified) {
        m_challenges.recordFailure(totpToken);
        return verified.error();
    }
    return completeChallenge(totpToken, *userId, "a TOTP code");
}

Result<RecoveryLogin> AuthService::loginWithRecoveryCode(const QString &totpToken,
                                                         const QString &recoveryCode)
{
    const auto userId = m_challenges.findValid(totpToken);
    if (!userId)
        return userId.error();
    const auto remaining = m_totp.useRecoveryCode(*userId, recoveryCode);
    if (!remaining) {
        m_challenges.recordFailure(totpToken);
        return remaining.error();
    }
    auto issued = completeChallenge(totpToken, *userId, "a recovery code");
    if (!issued)
        return issued.error();
    return RecoveryLogin{*issued, *remaining};
}

Result<IssuedSession> AuthService::changePassword(const AuthenticatedSession &session,
                                                  const QString &currentPassword,
                                                  const QString &newPassword)
{
    const auto stored = m_users.findById(session.user.id);
    if (!stored)
        return stored.error();
    if (!PasswordHasher::verify(currentPassword, stored->passwordHash)) {
        qCWarning(lcAuth).noquote() << "Auth: rejected a password change of user"
                                    << stored->user.username << "because the current password"
                                    << "is wrong";
        return Error::invalid(QStringLiteral("Current password is incorrect"));
    }

    const auto revoked = replacePassword(m_users, m_sessions, stored->user.id, newPassword);
    if (!revoked)
        return revoked.error();
    qCInfo(lcAuth).noquote() << "Auth: user" << stored->user.username
                             << "changed the password; revoked" << revoked->size() << "sessions";
    emitRevoked(*revoked);
    return issueSession(stored->user);
}

Result<AuthenticatedSession> AuthService::authenticate(const QString &token) const
{
    const auto claims = m_tokens.verify(token, m_clock.now());
    if (!claims) {
        // Debug only: expired cookies are routine, and every request would log one.
        qCDebug(lcAuth).noquote() << "Auth: rejected a token:" << claims.error().message();
        return claims.error();
    }
    return findSession(*claims);
}

Status AuthService::logout(const QString &sessionId)
{
    const auto session = m_sessions.find(sessionId);
    if (!session)
        return session.error();
    if (const Status revoked = m_sessions.revoke(sessionId); !revoked)
        return revoked;

    const auto stored = m_users.findById(session->userId);
    const QString username = stored ? stored->user.username : QStringLiteral("(deleted)");
    qCInfo(lcAuth).noquote() << "Auth: user" << username << "logged out, session"
                             << idPrefix(sessionId);
    Q_EMIT sessionRevoked(sessionId);
    return {};
}

Result<User> AuthService::user(qint64 id) const
{
    const auto stored = m_users.findById(id);
    if (!stored)
        return stored.error();
    return stored->user;
}

Status AuthService::checkUsername(const QString &username)
{
    const bool validLength = !username.isEmpty() && username.size() <= maxUsernameLength;
    if (!validLength || !std::all_of(username.begin(), username.end(), isUsernameCharacter)) {
        return Error::invalid(
            QStringLiteral("Username must be 1 to %1 characters long and contain only ASCII "
                           "letters, digits, '.', '_', '-' and '@'")
                .arg(maxUsernameLength));
    }
    return {};
}

Result<IssuedSession> AuthService::issueSession(const User &user)
{
    // Each new session deletes the expired ones, so the table never grows past the live ones.
    if (const auto deleted = m_sessions.deleteExpired(); deleted && *deleted > 0)
        qCDebug(lcAuth) << "Auth: deleted" << *deleted << "expired sessions";

    const auto session = m_sessions.create(user.id, m_sessionLifetime);
    if (!session)
        return session.error();
    const TokenClaims claims{QString::number(user.id), session->id, session->createdAt,
                             session->expiresAt};
    return IssuedSession{user, m_tokens.sign(claims), session->id, session->expiresAt};
}

Result<IssuedSession> AuthService::completeChallenge(const QString &totpToken, qint64 userId,
                                                     const char *factor)
{
    if (const Status consumed = m_challenges.consume(totpToken); !consumed)
        return consumed.error();
    const auto stored = m_users.findById(userId);
    if (!stored)
        return stored.error();

    auto issued = issueSession(stored->user);
    if (issued) {
        qCInfo(lcAuth).noquote() << "Auth: user" << stored->user.username << "logged in with"
                                 << factor << ", session" << idPrefix(issued->sessionId);
    }
    return issued;
}

void AuthService::emitRevoked(const QStringList &sessionIds)
{
    for (const QString &sessionId : sessionIds)
        Q_EMIT sessionRevoked(sessionId);
}

Result<AuthenticatedSession> AuthService::findSession(const TokenClaims &claims) const
{
    const auto session = m_sessions.findValid(claims.sessionId);
    if (!session && session.error().kind() == Error::Kind::NotFound)
        return sessionEnded();
    if (!session)
        return session.error();
    if (claims.subject != QString::number(session->userId)) {
        return Error::unauthorized(
            QStringLiteral("The token does not match its session: log in again"));
    }

    const auto stored = m_users.findById(session->userId);
    if (!stored && stored.error().kind() == Error::Kind::NotFound)
        return sessionEnded();
    if (!stored)
        return stored.error();
    return AuthenticatedSession{stored->user, session->id, session->expiresAt};
}

void AuthService::upgradeHash(const StoredUser &stored, const QString &password)
{
    if (!PasswordHasher::needsRehash(stored.passwordHash))
        return;

    const auto hash = PasswordHasher::hash(password);
    const Status updated = hash ? m_users.updatePasswordHash(stored.user.id, *hash)
                                : Status(hash.error());
    if (!updated) {
        qCWarning(lcAuth).noquote() << "Failed to rehash the password of user"
                                    << stored.user.username << ":" << updated.error().message();
        return;
    }
    qCInfo(lcAuth).noquote() << "Auth: rehashed the password of user" << stored.user.username
                             << "with the current Argon2id limits";
}

} // namespace dynamight
