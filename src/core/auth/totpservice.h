#pragma once

#include "auth/secretbox.h"
#include "auth/totpstore.h"
#include "clock.h"
#include "models/user.h"
#include "result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <memory>

namespace dynamight {

class Database;

// A new secret for the authenticator app: in base32, as an otpauth URL, and as that URL drawn
// as a QR code.
struct TotpEnrollment
{
    QString secret;
    QString otpauthUrl;
    QByteArray qrCodePng;
};

// Two-factor authentication with TOTP (RFC 6238) for each user: enrollment, the check of a
// code, and recovery codes. Secrets are stored sealed with SecretBox. A secret becomes active
// only after a code made from it confirms that the user's app has it, and each time step's code
// is accepted once.
class TotpService
{
public:
    static constexpr const char *issuer = "Dynamight";
    static constexpr int recoveryCodeCount = 10;

    // key seals the secrets and keys the recovery code hashes, for example
    // deriveKey(secret, ServerSecret::totpEncryptionContext, 1). clock must outlive the service.
    TotpService(std::shared_ptr<Database> database, QByteArray key, const Clock &clock);

    Result<bool> isEnabled(qint64 userId) const;
    // Generates a secret and keeps it, sealed, as the user's pending one until enable(). A user
    // who has two-factor authentication on already gets a Conflict error.
    Result<TotpEnrollment> setup(const User &user);
    // Turns two-factor authentication on when secret is the pending one and code is valid for
    // it. Returns the recovery codes, which are stored hashed and cannot be shown again. A
    // wrong secret or code is an InvalidInput error and leaves two-factor authentication off.
    Result<QStringList> enable(qint64 userId, const QString &secret, const QString &code);
    // Turns two-factor authentication off when code is valid, else an InvalidInput error.
    Status disable(qint64 userId, const QString &code);

    // Checks code against the user's active secret and uses up its time step. A wrong, reused
    // or older code is an Unauthorized error.
    Status verifyCode(qint64 userId, const QString &code);
    // Uses one recovery code of the user (case, spaces and dashes do not matter) and returns
    // how many remain. An unknown or used code is an Unauthorized error.
    Result<int> useRecoveryCode(qint64 userId, const QString &recoveryCode);

    // Returns the hash that is stored for a recovery code, after normalizing it.
    QString recoveryCodeHash(const QString &recoveryCode) const;
    // Returns a random code like "ABCD-1234-EFGH": 4 letters, 4 digits and 4 letters, which is
    // 8 log2(26) + 4 log2(10), about 51 bits.
    static QString generateRecoveryCode();

private:
    Result<QByteArray> activeSecret(qint64 userId) const;
    Result<QByteArray> pendingSecret(qint64 userId) const;
    Status acceptCode(qint64 userId, const QByteArray &secret, const QString &code);

    TotpStore m_store;
    SecretBox m_box;
    QByteArray m_hashKey;
    const Clock &m_clock;
};

} // namespace dynamight
