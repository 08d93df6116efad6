#include "auth/sessionstore.h"

#include "auth/passwordhasher.h"
#include "storage/database.h"
#include "storage/sqlerror.h"

#include <sodium.h>

namespace dynamight {

namespace {

constexpr int sessionIdBytes = 16;

const QString &selectSession()
{
    static const QString sql = QStringLiteral(
        "SELECT id, user_id, created_at, expires_at, revoked_at FROM sessions WHERE id = ?");
    return sql;
}

Result<QString> randomSessionId()
{
    if (const Status ready = initializeSodium(); !ready)
        return ready.error();
    QByteArray bytes(sessionIdBytes, Qt::Uninitialized);
    randombytes_buf(bytes.data(), static_cast<size_t>(bytes.size()));
    return QString::fromLatin1(bytes.toHex());
}

Session sessionFromRow(const QSqlQuery &query)
{
    return Session{query.value(0).toString(), query.value(1).toLongLong(),
                   fromStoredTime(query.value(2).toString()),
                   fromStoredTime(query.value(3).toString()),
                   fromStoredTime(query.value(4).toString())};
}

Error sessionNotFound(const QString &id)
{
    // The first 8 digits are enough to match the message with log lines.
    return Error::notFound(QStringLiteral("Session %1... not found").arg(id.left(8)));
}

} // namespace

SessionStore::SessionStore(std::shared_ptr<Database> database, const Clock &clock)
    : m_database(std::move(database))
    , m_clock(clock)
{
}

Result<Session> SessionStore::create(qint64 userId, std::chrono::seconds lifetime)
{
    const auto id = randomSessionId();
    if (!id)
        return id.error();

    const QDateTime now = m_clock.now().toUTC();
    const Session session{*id, userId, now, now.addSecs(lifetime.count()), {}};
    const auto db = m_database->connection(Database::Schema::Main);
    auto query = execute(db,
                         QStringLiteral("INSERT INTO sessions (id, user_id, created_at, "
                                        "expires_at) VALUES (?, ?, ?, ?)"),
                         {session.id, userId, toStoredTime(session.createdAt),
                          toStoredTime(session.expiresAt)});
    if (!query)
        return query.error();
    return session;
}

Result<Session> SessionStore::find(const QString &id) const
{
    const auto db = m_database->connection(Database::Schema::Main);
    auto query = execute(db, selectSession(), {id});
    if (!query)
        return query.error();
    if (!query->next())
        return sessionNotFound(id);
    return sessionFromRow(*query);
}

Result<Session> SessionStore::findValid(const QString &id) const
{
    const auto db = m_database->connection(Database::Schema::Main);
    auto query = execute(db,
                         selectSession()
                             + QStringLiteral(" AND revoked_at IS NULL AND expires_at > ?"),
                         {id, toStoredTime(m_clock.now())});
    if (!query)
        return query.error();
    if (!query->next())
        return sessionNotFound(id);
    return sessionFromRow(*query);
}

Status SessionStore::revoke(const QString &id)
{
    // SQLite counts a row matched by the WHERE clause as changed even when COALESCE keeps its
    // old value, so an already revoked session is not reported as missing.
    const auto db = m_database->connection(Database::Schema::Main);
    auto query = execute(db,
                         QStringLiteral("UPDATE sessions SET revoked_at = COALESCE(revoked_at, ?) "
                                        "WHERE id = ?"),
                         {toStoredTime(m_clock.now()), id});
    if (!query)
        return query.error();
    if (query->numRowsAffected() == 0)
        return sessionNotFound(id);
    return {};
}

Result<QStringList> SessionStore::revokeAllExcept(qint64 userId, const QString &keptId)
{
    const QString now = toStoredTime(m_clock.now());
    // A null QString binds as SQL NULL, and "id <> NULL" matches no row at all.
    const QString boundKeptId = keptId.isNull() ? QStringLiteral("") : keptId;
    const auto db = m_database->connection(Database::Schema::Main);
    QStringList revoked;
    const Status status = inTransaction(db, [&]() -> Status {
        auto select = execute(db,
                              QStringLiteral("SELECT id FROM sessions WHERE user_id = ? "
                                             "AND id <> ? AND revoked_at IS NULL "
                                             "AND expires_at > ?"),
                              {userId, boundKeptId, now});
        if (!select)
            return select.error();
        while (select->next())
            revoked.append(select->value(0).toString());

        auto update = execute(db,
                              QStringLiteral("UPDATE sessions SET revoked_at = ? "
                                             "WHERE user_id = ? AND id <> ? "
                                             "AND revoked_at IS NULL AND expires_at > ?"),
                              {now, userId, boundKeptId, now});
        if (!update)
            return update.error();
        return {};
    });
    if (!status)
        return status.error();
    return revoked;
}

Result<int> SessionStore::deleteExpired()
{
    const auto db = m_database->connection(Database::Schema::Main);
    auto query = execute(db, QStringLiteral("DELETE FROM sessions WHERE expires_at <= ?"),
                         {toStoredTime(m_clock.now())});
    if (!query)
        return query.error();
    return query->numRowsAffected();
}

} // namespace dynamight
