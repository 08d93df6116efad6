#include "auth/totpstore.h"

#include "storage/database.h"
#include "storage/sqlerror.h"

namespace dynamight {

namespace {

Error userNotFound(qint64 userId)
{
    return Error::notFound(QStringLiteral("User %1 not found").arg(userId));
}

// A null QByteArray binds as SQL NULL, which is what an empty secret is stored as.
QVariant nullable(const QByteArray &value)
{
    return value.isEmpty() ? QVariant(QMetaType(QMetaType::QByteArray)) : QVariant(value);
}

Status updateUser(const QSqlDatabase &db, const QString &assignments, QVariantList values,
                  qint64 userId)
{
    values.append(userId);
    auto query = execute(
        db, QStringLiteral("UPDATE users SET ") + assignments + QStringLiteral(" WHERE id = ?"),
        values);
    if (!query)
        return query.error();
    if (query->numRowsAffected() == 0)
        return userNotFound(userId);
    return {};
}

} // namespace

TotpStore::TotpStore(std::shared_ptr<Database> database, const Clock &clock)
    : m_database(std::move(database))
    , m_clock(clock)
{ }

Result<TotpRecord> TotpStore::find(qint64 userId) const
{
    const auto db = m_database->connection(Database::Schema::Main);
    auto query = execute(db,
                         QStringLiteral("SELECT totp_secret, totp_pending_secret, totp_last_step "
                                        "FROM users WHERE id = ?"),
                         {userId});
    if (!query)
        return query.error();
    if (!query->next())
        return userNotFound(userId);

    TotpRecord record{query->value(0).toByteArray(), query->value(1).toByteArray(), {}};
    if (!query->isNull(2))
        record.lastStep = query->value(2).toLongLong();
    return record;
}

Status TotpStore::setPending(qint64 userId, const QByteArray &sealedSecret)
{
    const auto db = m_database->connection(Database::Schema::Main);
    return updateUser(db, QStringLiteral("totp_pending_secret = ?"), {nullable(sealedSecret)},
                      userId);
}

Status TotpStore::activate(qint64 userId, const QByteArray &sealedSecret, qint64 step,
                           const QStringList &recoveryCodeHashes)
{
    const auto db = m_database->connection(Database::Schema::Main);
    return inTransaction(db, [&]() -> Status {
        const Status updated = updateUser(
            db,
            QStringLiteral("totp_secret = ?, totp_pending_secret = NULL, totp_last_step = ?, "
                           "updated_at = ?"),
            {sealedSecret, step, toStoredTime(m_clock.now())}, userId);
        if (!updated)
            return updated;
        auto deleted =
            execute(db, QStringLiteral("DELETE FROM recovery_codes WHERE user_id = ?"), {userId});
        if (!deleted)
            return deleted.error();
        for (const QString &hash : recoveryCodeHashes) {
            auto inserted = execute(
                db, QStringLiteral("INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)"),
                {userId, hash});
            if (!inserted)
                return inserted.error();
        }
        return {};
    });
}

Status TotpStore::clear(qint64 userId)
{
    const auto db = m_database->connection(Database::Schema::Main);
    return inTransaction(db, [&]() -> Status {
        const Status updated =
            updateUser(db,
                       QStringLiteral("totp_secret = NULL, totp_pending_secret = NULL, "
                                      "totp_last_step = NULL, updated_at = ?"),
                       {toStoredTime(m_clock.now())}, userId);
        if (!updated)
            return updated;
        auto deleted =
            execute(db, QStringLiteral("DELETE FROM recovery_codes WHERE user_id = ?"), {userId});
        if (!deleted)
            return deleted.error();
        return {};
    });
}

Result<bool> TotpStore::acceptStep(qint64 userId, qint64 step)
{
    const auto db = m_database->connection(Database::Schema::Main);
    auto query = execute(db,
                         QStringLiteral("UPDATE users SET totp_last_step = ? WHERE id = ? "
                                        "AND (totp_last_step IS NULL OR totp_last_step < ?)"),
                         {step, userId, step});
    if (!query)
        return query.error();
    return query->numRowsAffected() == 1;
}

Result<bool> TotpStore::useRecoveryCode(qint64 userId, const QString &codeHash)
{
    // One statement, so that two requests with the same code cannot both use it. The id
    // subquery picks one row should the same code have been generated twice.
    const auto db = m_database->connection(Database::Schema::Main);
    auto query = execute(db,
                         QStringLiteral("UPDATE recovery_codes SET used_at = ? WHERE id = "
                                        "(SELECT id FROM recovery_codes WHERE user_id = ? "
                                        "AND code_hash = ? AND used_at IS NULL LIMIT 1)"),
                         {toStoredTime(m_clock.now()), userId, codeHash});
    if (!query)
        return query.error();
    return query->numRowsAffected() == 1;
}

Result<int> TotpStore::unusedRecoveryCodes(qint64 userId) const
{
    const auto db = m_database->connection(Database::Schema::Main);
    auto query = execute(db,
                         QStringLiteral("SELECT COUNT(*) FROM recovery_codes "
                                        "WHERE user_id = ? AND used_at IS NULL"),
                         {userId});
    if (!query)
        return query.error();
    return query->next() ? query->value(0).toInt() : 0;
}

} // namespace dynamight
