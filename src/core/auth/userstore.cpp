#include "auth/userstore.h"

#include "storage/database.h"
#include "storage/sqlerror.h"

namespace dynamight {

UserStore::UserStore(std::shared_ptr<Database> database, const Clock &clock)
    : m_database(std::move(database))
    , m_clock(clock)
{
}

Result<User> UserStore::create(const QString &username, const QString &passwordHash)
{
    auto query = insert(QStringLiteral("INSERT INTO users (username, password_hash, created_at, "
                                       "updated_at) VALUES (?, ?, ?, ?)"),
                        username, passwordHash);
    if (!query)
        return query.error();
    return User{query->lastInsertId().toLongLong(), username};
}

Result<User> UserStore::createFirst(const QString &username, const QString &passwordHash)
{
    auto query = insert(QStringLiteral("INSERT INTO users (username, password_hash, created_at, "
                                       "updated_at) SELECT ?, ?, ?, ? "
                                       "WHERE NOT EXISTS (SELECT 1 FROM users)"),
                        username, passwordHash);
    if (!query)
        return query.error();
    if (query->numRowsAffected() == 0)
        return Error::conflict(QStringLiteral("A user already exists"));
    return User{query->lastInsertId().toLongLong(), username};
}

Result<StoredUser> UserStore::findById(qint64 id) const
{
    return findOne(QStringLiteral("id = ?"), id);
}

Result<StoredUser> UserStore::findByName(const QString &username) const
{
    // The column's COLLATE NOCASE makes this comparison ignore ASCII case.
    return findOne(QStringLiteral("username = ?"), username);
}

Result<qint64> UserStore::count() const
{
    const auto db = m_database->connection(Database::Schema::Main);
    auto query = execute(db, QStringLiteral("SELECT COUNT(*) FROM users"));
    if (!query)
        return query.error();
    return query->next() ? query->value(0).toLongLong() : 0;
}

Status UserStore::updatePasswordHash(qint64 id, const QString &passwordHash)
{
    const auto db = m_database->connection(Database::Schema::Main);
    auto query = execute(db,
                         QStringLiteral("UPDATE users SET password_hash = ?, updated_at = ? "
                                        "WHERE id = ?"),
                         {passwordHash, toStoredTime(m_clock.now()), id});
    if (!query)
        return query.error();
    if (query->numRowsAffected() == 0)
        return Error::notFound(QStringLiteral("User %1 not found").arg(id));
    return {};
}

Result<QSqlQuery> UserStore::insert(const QString &sql, const QString &username,
                                    const QString &passwordHash)
{
    const QString now = toStoredTime(m_clock.now());
    const auto db = m_database->connection(Database::Schema::Main);
    auto query = execute(db, sql, {username, passwordHash, now, now});
    if (!query && query.error().kind() == Error::Kind::Conflict)
        return Error::conflict(QStringLiteral("A user named '%1' already exists").arg(username));
    return query;
}

Result<StoredUser> UserStore::findOne(const QString &condition, const QVariant &value) const
{
    const auto db = m_database->connection(Database::Schema::Main);
    auto query = execute(db,
                         QStringLiteral("SELECT id, username, password_hash, "
                                        "totp_secret IS NOT NULL FROM users WHERE ")
                             + condition,
                         {value});
    if (!query)
        return query.error();
    if (!query->next())
        return Error::notFound(QStringLiteral("User %1 not found").arg(value.toString()));

    return StoredUser{User{query->value(0).toLongLong(), query->value(1).toString(),
                           query->value(3).toBool()},
                      query->value(2).toString()};
}

} // namespace dynamight
