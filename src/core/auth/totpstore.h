#pragma once

#include "clock.h"
#include "result.h"

#include <QByteArray>
#include <QStringList>

#include <memory>
#include <optional>

namespace dynamight {

class Database;

// A user's two-factor state as stored. Secrets are SecretBox-sealed, empty when not set.
struct TotpRecord
{
    QByteArray secret;
    QByteArray pendingSecret;
    std::optional<qint64> lastStep;
};

// The TOTP columns of the users table and the recovery_codes table of the main database.
class TotpStore
{
public:
    TotpStore(std::shared_ptr<Database> database, const Clock &clock);

    // Returns a NotFound error when the user does not exist.
    Result<TotpRecord> find(qint64 userId) const;
    // Stores the secret that setup offered, replacing any earlier offer.
    Status setPending(qint64 userId, const QByteArray &sealedSecret);
    // Turns two-factor authentication on in one transaction: the secret becomes active, the
    // offer is cleared, step becomes the last accepted one, and the recovery codes replace any
    // earlier ones.
    Status activate(qint64 userId, const QByteArray &sealedSecret, qint64 step,
                    const QStringList &recoveryCodeHashes);
    // Turns two-factor authentication off and deletes the secrets and recovery codes.
    Status clear(qint64 userId);

    // Stores step as the last accepted one when it is later than the stored one, in one
    // statement so that two requests with the same code cannot both succeed. Returns whether
    // it was stored.
    Result<bool> acceptStep(qint64 userId, qint64 step);
    // Marks the unused recovery code with this hash as used. Returns whether one was found.
    Result<bool> useRecoveryCode(qint64 userId, const QString &codeHash);
    Result<int> unusedRecoveryCodes(qint64 userId) const;

private:
    std::shared_ptr<Database> m_database;
    const Clock &m_clock;
};

} // namespace dynamight
