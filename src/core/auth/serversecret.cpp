#include "auth/serversecret.h"

#include "auth/keychain.h"
#include "auth/passwordhasher.h"
#include "logging.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QList>
#include <QSaveFile>

#include <sodium.h>

namespace dynamight {

namespace {

constexpr QFileDevice::Permissions ownerReadWrite
    = QFileDevice::ReadOwner | QFileDevice::WriteOwner;

// Every permission bit beyond the owner's read and write.
constexpr QFileDevice::Permissions widerThanOwnerReadWrite = QFileDevice::ExeOwner
    | QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup
    | QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther;

QString fileSource(const QString &path)
{
    return QStringLiteral("file ") + path;
}

// Gives the data dir mode 0700 (as Database::open does), so no other user can open the secret
// file, even in the moment after QSaveFile creates it and before its mode is narrowed.
Status prepareDataDir(const QString &dataDir)
{
    if (!QDir().mkpath(dataDir)) {
        return Error::storage(
            QStringLiteral("Failed to create the data dir %1: check its parent's permissions")
                .arg(dataDir));
    }
    QFile::setPermissions(dataDir, QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                       | QFileDevice::ExeOwner);
    return {};
}

void tightenPermissions(const QString &path)
{
    if (!(QFile::permissions(path) & widerThanOwnerReadWrite))
        return;
    if (QFile::setPermissions(path, ownerReadWrite)) {
        qCWarning(lcAuth).noquote() << "Server secret: set the mode of" << path
                                    << "to 0600, because it allowed more than owner read and write";
    } else {
        qCWarning(lcAuth).noquote() << "Failed to set the mode of the server secret file" << path
                                    << "to 0600: other users may be able to read it";
    }
}

Error wrongLength(const QString &path, qint64 length)
{
    return Error::storage(
        QStringLiteral("The server secret file %1 is %2 bytes long instead of %3, so it is damaged "
                       "or was replaced. Stored credentials are encrypted with a key derived from "
                       "the original secret and cannot be decrypted without it: restore the file "
                       "from a backup. Deleting the file makes Dynamight generate a new secret, "
                       "after which every stored credential must be entered again.")
            .arg(path)
            .arg(length)
            .arg(ServerSecret::fileLength));
}

Result<LoadedSecret> readSecretFile(const QString &path)
{
    tightenPermissions(path);

    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return Error::storage(QStringLiteral("Failed to read the server secret file %1: %2. "
                                             "Check its owner and mode.")
                                  .arg(path, file.errorString()));
    }
    // One byte more than expected is enough to tell that the file is too long.
    const QByteArray secret = file.read(ServerSecret::fileLength + 1);
    if (secret.size() != ServerSecret::fileLength)
        return wrongLength(path, file.size());
    return LoadedSecret{secret, fileSource(path), false};
}

Error writeError(const QString &path, const QString &reason)
{
    return Error::storage(
        QStringLiteral("Failed to write the server secret file %1: %2").arg(path, reason));
}

Result<QByteArray> randomSecret()
{
    if (const Status ready = initializeSodium(); !ready)
        return ready.error();
    QByteArray secret(ServerSecret::fileLength, Qt::Uninitialized);
    randombytes_buf(secret.data(), static_cast<size_t>(secret.size()));
    return secret;
}

Result<LoadedSecret> generateSecretFile(const QString &path)
{
    const auto generated = randomSecret();
    if (!generated)
        return generated.error();
    const QByteArray &secret = *generated;

    // QSaveFile writes a temporary file (with Qt 6.4 on Linux, an unnamed O_TMPFILE) and moves it
    // to path on commit, so a crash leaves either no file or a complete one. The mode is narrowed
    // before the secret is written.
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return writeError(path, file.errorString());
    if (!file.setPermissions(ownerReadWrite)) {
        file.cancelWriting();
        return writeError(path, QStringLiteral("cannot set its mode to 0600"));
    }
    if (file.write(secret) != secret.size() || !file.commit())
        return writeError(path, file.errorString());

    qCInfo(lcAuth).noquote() << "Server secret: generated a new secret in" << path;
    return LoadedSecret{secret, fileSource(path), true};
}

QString secretFilePath(const QString &dataDir)
{
    return QDir(dataDir).absoluteFilePath(QLatin1String(ServerSecret::fileName));
}

QString markerPath(const QString &dataDir)
{
    return QDir(dataDir).absoluteFilePath(QLatin1String(ServerSecret::keychainMarkerFileName));
}

// Records that dataDir's secret is in the keychain, so that a later start with the keychain
// unreachable fails instead of generating a new secret.
void writeKeychainMarker(const QString &path, const QString &entry)
{
    if (QFileInfo::exists(path))
        return;
    const QByteArray text = QStringLiteral(
        "The Dynamight server secret of this data dir is kept in %1.\n"
        "While this file exists, Dynamight refuses to start with a new secret when the keychain "
        "is unavailable, because stored credentials cannot be decrypted without the old one.\n")
                                .arg(entry)
                                .toUtf8();
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || !file.setPermissions(ownerReadWrite)
        || file.write(text) != text.size() || !file.commit()) {
        qCWarning(lcAuth).noquote() << "Failed to write" << path << "cause:" << file.errorString()
                                    << "- if the keychain is unavailable at a later start, a new "
                                       "secret will be generated in secret.key";
    }
}

Error keychainUnavailable(const QString &entry, const QString &cause, const QString &marker)
{
    return Error(Error::Kind::Unavailable,
                 QStringLiteral("Failed to read the server secret from %1: %2. This data dir keeps "
                                "its secret there, and starting with a new one would make every "
                                "stored credential unreadable. Make the keychain available (unlock "
                                "it, or start the session's Secret Service) and start again. To "
                                "start with a new secret instead, delete %3; every stored credential "
                                "must then be entered again.")
                     .arg(entry, cause, marker));
}

Error wrongKeychainLength(const QString &entry, qsizetype length)
{
    return Error::storage(
        QStringLiteral("The server secret in %1 is %2 bytes long instead of %3, so it is damaged or "
                       "was replaced: restore it. Deleting the entry makes Dynamight generate a new "
                       "secret, after which every stored credential must be entered again.")
            .arg(entry)
            .arg(length)
            .arg(ServerSecret::fileLength));
}

} // namespace

Result<LoadedSecret> ServerSecret::load(const QString &dataDir,
                                        const QProcessEnvironment &environment, Keychain *keychain)
{
    if (auto secret = fromEnvironment(environment))
        return std::move(*secret);
    if (const Status prepared = prepareDataDir(dataDir); !prepared)
        return prepared.error();

    // An existing secret.key encrypted the stored credentials, so it wins over the keychain.
    const bool fileExists = QFileInfo::exists(secretFilePath(dataDir));
    if (keychain && !fileExists) {
        if (auto secret = fromKeychain(dataDir, *keychain))
            return std::move(*secret);
    }
    if (!keychain && !fileExists && QFileInfo::exists(markerPath(dataDir))) {
        qCWarning(lcAuth).noquote() << "Server secret: this data dir keeps its secret in the OS "
                                       "keychain, which is disabled; a new secret in secret.key "
                                       "cannot decrypt the credentials stored before";
    }
    return fromFile(dataDir);
}

QString ServerSecret::keychainKey(const QString &dataDir)
{
    const QFileInfo info(dataDir);
    const QString canonical = info.canonicalFilePath();
    return QStringLiteral("server-secret:")
        + (canonical.isEmpty() ? QDir::cleanPath(info.absoluteFilePath()) : canonical);
}

std::optional<Result<LoadedSecret>> ServerSecret::fromKeychain(const QString &dataDir,
                                                               Keychain &keychain)
{
    const QString key = keychainKey(dataDir);
    const QString entry = keychain.describe(key);
    const QString marker = markerPath(dataDir);
    const bool keptThereBefore = QFileInfo::exists(marker);

    const Keychain::Lookup lookup = keychain.read(key);
    if (lookup.status == Keychain::LookupStatus::Found) {
        if (lookup.value.size() != fileLength)
            return Result<LoadedSecret>(wrongKeychainLength(entry, lookup.value.size()));
        writeKeychainMarker(marker, entry);
        return Result<LoadedSecret>(LoadedSecret{lookup.value, entry, false});
    }
    if (lookup.status == Keychain::LookupStatus::Unavailable) {
        if (keptThereBefore)
            return Result<LoadedSecret>(keychainUnavailable(entry, lookup.error, marker));
        qCWarning(lcAuth).noquote() << "Server secret: the OS keychain is unavailable, so the secret"
                                    << "is kept in secret.key instead. Cause:" << lookup.error;
        return std::nullopt;
    }

    if (keptThereBefore) {
        qCWarning(lcAuth).noquote() << "Server secret:" << entry << "is missing although this data"
                                    << "dir kept its secret there; generating a new one, so every"
                                    << "stored credential must be entered again";
    }
    const auto secret = randomSecret();
    if (!secret)
        return Result<LoadedSecret>(secret.error());
    if (const Status written = keychain.write(key, *secret); !written) {
        qCWarning(lcAuth).noquote() << "Server secret: keeping the secret in secret.key instead, because"
                                    << written.error().message();
        return std::nullopt;
    }
    writeKeychainMarker(marker, entry);
    qCInfo(lcAuth).noquote() << "Server secret: generated a new secret in" << entry;
    return Result<LoadedSecret>(LoadedSecret{*secret, entry, true});
}

std::optional<Result<LoadedSecret>>
ServerSecret::fromEnvironment(const QProcessEnvironment &environment)
{
    const QString name = QLatin1String(environmentVariable);
    if (!environment.contains(name))
        return std::nullopt;

    const QString value = environment.value(name);
    if (value.toUcs4().size() < minEnvironmentLength) {
        return Result<LoadedSecret>(Error::invalid(
            QStringLiteral("The environment variable %1 is shorter than %2 characters: set it to "
                           "at least %2 random characters (for example the output of "
                           "'openssl rand -base64 32'), or unset it to keep the secret in the "
                           "data dir")
                .arg(name)
                .arg(minEnvironmentLength)));
    }
    return Result<LoadedSecret>(
        LoadedSecret{value.toUtf8(), QStringLiteral("environment variable ") + name, false});
}

Result<LoadedSecret> ServerSecret::fromFile(const QString &dataDir)
{
    const QString path = secretFilePath(dataDir);
    if (QFileInfo::exists(path))
        return readSecretFile(path);
    return generateSecretFile(path);
}

QByteArray deriveKey(const QByteArray &secret, const char context[8], quint64 subkeyId)
{
    static_assert(crypto_kdf_KEYBYTES <= crypto_generichash_BYTES_MAX);
    static_assert(sizeof ServerSecret::tokenSigningContext == crypto_kdf_CONTEXTBYTES + 1);
    static_assert(sizeof ServerSecret::credentialEncryptionContext == crypto_kdf_CONTEXTBYTES + 1);
    Q_ASSERT(!secret.isEmpty());
    // Only selects libsodium's fastest BLAKE2b code, so a failure would not change the output.
    initializeSodium();

    unsigned char masterKey[crypto_kdf_KEYBYTES];
    crypto_generichash(masterKey, sizeof masterKey,
                       reinterpret_cast<const unsigned char *>(secret.constData()),
                       static_cast<unsigned long long>(secret.size()), nullptr, 0);

    QByteArray subkey(32, Qt::Uninitialized);
    crypto_kdf_derive_from_key(reinterpret_cast<unsigned char *>(subkey.data()),
                               static_cast<size_t>(subkey.size()), subkeyId, context, masterKey);
    sodium_memzero(masterKey, sizeof masterKey);
    return subkey;
}

} // namespace dynamight
