#pragma once

#include "clock.h"
#include "models/user.h"
#include "result.h"

#include <QSqlQuery>
#include <QString>
#include <QVariant>

#include <memory>

namespace dynamight {

class Database;

// A user row with its Argon2id password hash. API responses carry the User alone.
struct StoredUser
{
    User user;
    QString passwordHash;
};

// The users table of the main database. Usernames are unique regardless of ASCII case.
class UserStore
{
public:
    UserStore(std::shared_ptr<Database> database, const Clock &clock);

    // Inserts a user. A username that is taken, in any ASCII case, is a Conflict error.
    Result<User> create(const QString &username, const QString &passwordHash);
    // Inserts a user only if the table is empty, in one statement so that two concurrent calls
    // cannot both succeed. Returns a Conflict error when a user exists.
    Result<User> createFirst(const QString &username, const QString &passwordHash);

    // Both return a NotFound error when no such user exists.
    Result<StoredUser> findById(qint64 id) const;
    Result<StoredUser> findByName(const QString &username) const;

    Result<qint64> count() const;
    Status updatePasswordHash(qint64 id, const QString &passwordHash);

private:
    Result<QSqlQuery> insert(const QString &sql, const QString &username,
                             const QString &passwordHash);
    Result<StoredUser> findOne(const QString &condition, const QVariant &value) const;

    std::shared_ptr<Database> m_database;
    const Clock &m_clock;
};

} // namespace dynamight
