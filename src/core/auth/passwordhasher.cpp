#include "auth/passwordhasher.h"

#include "logging.h"

#include <QByteArray>
#include <QList>

#include <sodium.h>

namespace dynamight {

namespace {

// Returns the bytes that are hashed: UTF-8 of the NFC form, so a password typed with
// precomposed accents matches the same password typed with combining accents.
QByteArray passwordBytes(const QString &password)
{
    return password.normalized(QString::NormalizationForm_C).toUtf8();
}

// Overwrites the UTF-8 copy of a password before its memory is released.
void wipe(QByteArray &bytes)
{
    if (!bytes.isEmpty())
        sodium_memzero(bytes.data(), static_cast<size_t>(bytes.size()));
}

} // namespace

Status initializeSodium()
{
    // C++11 and later initialize a function-local static once, even when threads race to it.
    static const bool initialized = [] {
        const bool ready = sodium_init() >= 0;
        if (!ready)
            qCCritical(lcAuth) << "Failed to initialize libsodium";
        return ready;
    }();
    if (!initialized) {
        return Error::internal(QStringLiteral(
            "Failed to initialize libsodium: check that the system's random source is available"));
    }
    return {};
}

Status PasswordHasher::checkPolicy(const QString &password)
{
    const auto length = password.toUcs4().size();
    if (length < minLength || length > maxLength) {
        return Error::invalid(QStringLiteral("Password must be %1 to %2 characters long")
                                  .arg(minLength)
                                  .arg(maxLength));
    }
    return {};
}

Result<QString> PasswordHasher::hash(const QString &password)
{
    if (const Status ready = initializeSodium(); !ready)
        return ready.error();

    QByteArray bytes = passwordBytes(password);
    char hashed[crypto_pwhash_STRBYTES];
    const int status = crypto_pwhash_str(hashed, bytes.constData(),
                                         static_cast<unsigned long long>(bytes.size()),
                                         crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                         crypto_pwhash_MEMLIMIT_INTERACTIVE);
    wipe(bytes);
    if (status != 0) {
        return Error::internal(
            QStringLiteral("Failed to hash the password: Argon2id could not allocate its 64 MiB "
                           "of working memory"));
    }
    return QString::fromLatin1(hashed);
}

bool PasswordHasher::verify(const QString &password, const QString &hash)
{
    const QByteArray hashBytes = hash.toLatin1();
    if (!initializeSodium().ok() || hashBytes.size() >= crypto_pwhash_STRBYTES)
        return false;

    QByteArray bytes = passwordBytes(password);
    // hashBytes is NUL-terminated by QByteArray, as crypto_pwhash_str_verify expects.
    const int status = crypto_pwhash_str_verify(hashBytes.constData(), bytes.constData(),
                                                static_cast<unsigned long long>(bytes.size()));
    wipe(bytes);
    return status == 0;
}

bool PasswordHasher::needsRehash(const QString &hash)
{
    const QByteArray hashBytes = hash.toLatin1();
    if (!initializeSodium().ok() || hashBytes.size() >= crypto_pwhash_STRBYTES)
        return true;

    return crypto_pwhash_str_needs_rehash(hashBytes.constData(),
                                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                          crypto_pwhash_MEMLIMIT_INTERACTIVE)
        != 0;
}

} // namespace dynamight
