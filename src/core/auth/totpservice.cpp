#include "auth/totpservice.h"

#include "auth/passwordhasher.h"
#include "auth/qrcodeimage.h"
#include "auth/serversecret.h"
#include "auth/totp.h"
#include "logging.h"

#include <sodium.h>

namespace dynamight {

namespace {

// Subkeys of the service key, so that sealing and hashing never share a key.
constexpr char sealingContext[] = "dmtotpsb";
constexpr char recoveryHashContext[] = "dmtotprc";

// Associated data of the sealed secrets: a value copied to another user's row, or from the
// pending column to the active one, does not open.
QByteArray activeData(qint64 userId)
{
    return "dynamight-totp-secret:" + QByteArray::number(userId);
}

QByteArray pendingData(qint64 userId)
{
    return "dynamight-totp-pending:" + QByteArray::number(userId);
}

Error invalidCode() { return Error::unauthorized(QStringLiteral("Invalid or already used code")); }

QString normalizedRecoveryCode(const QString &code)
{
    QString normalized = code.toUpper();
    normalized.removeIf([](QChar c) { return c == QLatin1Char('-') || c.isSpace(); });
    return normalized;
}

QChar randomCharacter(char first, quint32 count)
{
    return QLatin1Char(static_cast<char>(first + static_cast<char>(randombytes_uniform(count))));
}

} // namespace

TotpService::TotpService(std::shared_ptr<Database> database, QByteArray key, const Clock &clock)
    : m_store(std::move(database), clock)
    , m_box(key.isEmpty() ? QByteArray() : deriveKey(key, sealingContext, 1))
    , m_hashKey(key.isEmpty() ? QByteArray() : deriveKey(key, recoveryHashContext, 1))
    , m_clock(clock)
{ }

Result<bool> TotpService::isEnabled(qint64 userId) const
{
    const auto record = m_store.find(userId);
    if (!record)
        return record.error();
    return !record->secret.isEmpty();
}

Result<TotpEnrollment> TotpService::setup(const User &user)
{
    const auto enabled = isEnabled(user.id);
    if (!enabled)
        return enabled.error();
    if (*enabled) {
        return Error::conflict(QStringLiteral(
            "Two-factor authentication is already on: disable it before setting it up again"));
    }

    const QByteArray secret = Totp::generateSecret();
    const QByteArray sealed = m_box.seal(secret, pendingData(user.id));
    if (secret.isEmpty() || sealed.isEmpty())
        return Error::internal(QStringLiteral("Failed to generate a TOTP secret"));
    if (const Status stored = m_store.setPending(user.id, sealed); !stored)
        return stored.error();

    const QString url = Totp::otpauthUrl(QLatin1String(issuer), user.username, secret);
    qCInfo(lcAuth).noquote() << "TOTP: user" << user.username << "started setting up two-factor"
                             << "authentication";
    return TotpEnrollment{Totp::base32Encode(secret), url, qrCodePng(url)};
}

Result<QStringList> TotpService::enable(qint64 userId, const QString &secret, const QString &code)
{
    const auto pending = pendingSecret(userId);
    if (!pending)
        return pending.error();
    const auto presented = Totp::base32Decode(secret);
    if (!presented || *presented != *pending) {
        return Error::invalid(QStringLiteral(
            "The secret does not match the one from the latest setup: set up again"));
    }
    const auto step = Totp::verify(*pending, code, m_clock.now());
    if (!step)
        return Error::invalid(QStringLiteral("Invalid code: two-factor authentication stays off"));

    QStringList codes;
    QStringList hashes;
    for (int i = 0; i < recoveryCodeCount; ++i) {
        codes.append(generateRecoveryCode());
        hashes.append(recoveryCodeHash(codes.constLast()));
    }
    const QByteArray sealed = m_box.seal(*pending, activeData(userId));
    if (sealed.isEmpty())
        return Error::internal(QStringLiteral("Failed to encrypt the TOTP secret"));
    if (const Status stored = m_store.activate(userId, sealed, *step, hashes); !stored)
        return stored.error();

    qCInfo(lcAuth) << "TOTP: turned two-factor authentication on for user" << userId;
    return codes;
}

Status TotpService::disable(qint64 userId, const QString &code)
{
    const auto secret = activeSecret(userId);
    if (!secret)
        return secret.error();
    const Status accepted = acceptCode(userId, *secret, code);
    if (!accepted && accepted.error().kind() == Error::Kind::Unauthorized)
        return Error::invalid(QStringLiteral("Invalid or already used code: two-factor "
                                             "authentication stays on"));
    if (!accepted)
        return accepted;
    if (const Status cleared = m_store.clear(userId); !cleared)
        return cleared;

    qCInfo(lcAuth) << "TOTP: turned two-factor authentication off for user" << userId;
    return {};
}

Status TotpService::verifyCode(qint64 userId, const QString &code)
{
    const auto secret = activeSecret(userId);
    if (!secret)
        return secret.error();
    return acceptCode(userId, *secret, code);
}

Result<int> TotpService::useRecoveryCode(qint64 userId, const QString &recoveryCode)
{
    const auto used = m_store.useRecoveryCode(userId, recoveryCodeHash(recoveryCode));
    if (!used)
        return used.error();
    if (!*used)
        return Error::unauthorized(QStringLiteral("Invalid or already used recovery code"));

    const auto remaining = m_store.unusedRecoveryCodes(userId);
    if (remaining) {
        qCInfo(lcAuth) << "TOTP: user" << userId << "used a recovery code," << *remaining
                       << "remain";
    }
    return remaining;
}

QString TotpService::recoveryCodeHash(const QString &recoveryCode) const
{
    const QByteArray bytes = normalizedRecoveryCode(recoveryCode).toUtf8();
    unsigned char hash[crypto_generichash_BYTES];
    crypto_generichash(hash, sizeof hash,
                       reinterpret_cast<const unsigned char *>(bytes.constData()),
                       static_cast<unsigned long long>(bytes.size()),
                       reinterpret_cast<const unsigned char *>(m_hashKey.constData()),
                       static_cast<size_t>(m_hashKey.size()));
    return QString::fromLatin1(
        QByteArray(reinterpret_cast<const char *>(hash), sizeof hash).toHex());
}

QString TotpService::generateRecoveryCode()
{
    initializeSodium();
    QString code;
    for (int group = 0; group < 3; ++group) {
        if (group > 0)
            code.append(QLatin1Char('-'));
        for (int i = 0; i < 4; ++i)
            code.append(group == 1 ? randomCharacter('0', 10) : randomCharacter('A', 26));
    }
    return code;
}

Result<QByteArray> TotpService::activeSecret(qint64 userId) const
{
    const auto record = m_store.find(userId);
    if (!record)
        return record.error();
    if (record->secret.isEmpty())
        return Error::invalid(
            QStringLiteral("Two-factor authentication is not on for this user: set it up first"));
    auto secret = m_box.open(record->secret, activeData(userId));
    if (!secret) {
        qCCritical(lcAuth).noquote() << "Failed to read the TOTP secret of user" << userId << ":"
                                     << secret.error().message();
    }
    return secret;
}

Result<QByteArray> TotpService::pendingSecret(qint64 userId) const
{
    const auto record = m_store.find(userId);
    if (!record)
        return record.error();
    if (!record->secret.isEmpty())
        return Error::conflict(QStringLiteral("Two-factor authentication is already on"));
    if (record->pendingSecret.isEmpty())
        return Error::invalid(QStringLiteral("No TOTP setup is pending: call setup first"));
    auto secret = m_box.open(record->pendingSecret, pendingData(userId));
    if (!secret) {
        qCWarning(lcAuth).noquote() << "Failed to read the pending TOTP secret of user" << userId
                                    << ":" << secret.error().message();
    }
    return secret;
}

Status TotpService::acceptCode(qint64 userId, const QByteArray &secret, const QString &code)
{
    const auto step = Totp::verify(secret, code, m_clock.now());
    if (!step) {
        qCWarning(lcAuth) << "TOTP: rejected a wrong code of user" << userId;
        return invalidCode();
    }
    const auto accepted = m_store.acceptStep(userId, *step);
    if (!accepted)
        return accepted.error();
    if (!*accepted) {
        qCWarning(lcAuth) << "TOTP: rejected a reused code of user" << userId;
        return invalidCode();
    }
    return {};
}

} // namespace dynamight
