#include "auth/loginchallengestore.h"

#include "auth/passwordhasher.h"
#include "storage/database.h"
#include "storage/sqlerror.h"

#include <sodium.h>

namespace dynamight {

namespace {

constexpr int tokenBytes = 32;

Error challengeInvalid()
{
    return Error::unauthorized(
        QStringLiteral("The two-factor login has expired or is invalid: log in again"));
}

// Longer tokens are rejected without hashing them, because the ones create() makes are 64
// characters long.
constexpr qsizetype maxTokenLength = 256;

QString tokenHash(const QString &token)
{
    const QByteArray bytes = token.toLatin1();
    unsigned char hash[crypto_generichash_BYTES];
    crypto_generichash(hash, sizeof hash,
                       reinterpret_cast<const unsigned char *>(bytes.constData()),
                       static_cast<unsigned long long>(bytes.size()), nullptr, 0);
    return QString::fromLatin1(
        QByteArray(reinterpret_cast<const char *>(hash), sizeof hash).toHex());
}

// The WHERE condition of a challenge that can still complete a login. It binds the token hash,
// the current time and maxFailedAttempts, in that order.
QString validCondition()
{
    return QStringLiteral("token_hash = ? AND used_at IS NULL AND expires_at > ? "
                          "AND failed_attempts < ?");
}

} // namespace

LoginChallengeStore::LoginChallengeStore(std::shared_ptr<Database> database, const Clock &clock)
    : m_database(std::move(database))
    , m_clock(clock)
{ }

Result<QString> LoginChallengeStore::create(qint64 userId, std::chrono::seconds lifetime)
{
    if (const Status ready = initializeSodium(); !ready)
        return ready.error();
    QByteArray random(tokenBytes, Qt::Uninitialized);
    randombytes_buf(random.data(), static_cast<size_t>(random.size()));
    const QString token = QString::fromLatin1(random.toHex());

    const QDateTime now = m_clock.now().toUTC();
    const auto db = m_database->connection(Database::Schema::Main);
    auto deleted = execute(db, QStringLiteral("DELETE FROM login_challenges WHERE expires_at <= ?"),
                           {toStoredTime(now)});
    if (!deleted)
        return deleted.error();
    auto inserted = execute(
        db,
        QStringLiteral("INSERT INTO login_challenges (token_hash, user_id, "
                       "created_at, expires_at) VALUES (?, ?, ?, ?)"),
        {tokenHash(token), userId, toStoredTime(now), toStoredTime(now.addSecs(lifetime.count()))});
    if (!inserted)
        return inserted.error();
    return token;
}

Result<qint64> LoginChallengeStore::findValid(const QString &token) const
{
    if (token.isEmpty() || token.size() > maxTokenLength)
        return challengeInvalid();
    const auto db = m_database->connection(Database::Schema::Main);
    auto query = execute(
        db, QStringLiteral("SELECT user_id FROM login_challenges WHERE ") + validCondition(),
        {tokenHash(token), toStoredTime(m_clock.now()), maxFailedAttempts});
    if (!query)
        return query.error();
    if (!query->next())
        return challengeInvalid();
    return query->value(0).toLongLong();
}

Status LoginChallengeStore::recordFailure(const QString &token)
{
    if (token.isEmpty() || token.size() > maxTokenLength)
        return {};
    const auto db = m_database->connection(Database::Schema::Main);
    auto query = execute(db,
                         QStringLiteral("UPDATE login_challenges SET failed_attempts = "
                                        "failed_attempts + 1 WHERE token_hash = ?"),
                         {tokenHash(token)});
    if (!query)
        return query.error();
    return {};
}

Status LoginChallengeStore::consume(const QString &token)
{
    if (token.isEmpty() || token.size() > maxTokenLength)
        return challengeInvalid();
    const QString now = toStoredTime(m_clock.now());
    const auto db = m_database->connection(Database::Schema::Main);
    auto query = execute(
        db, QStringLiteral("UPDATE login_challenges SET used_at = ? WHERE ") + validCondition(),
        {now, tokenHash(token), now, maxFailedAttempts});
    if (!query)
        return query.error();
    if (query->numRowsAffected() != 1)
        return challengeInvalid();
    return {};
}

} // namespace dynamight
