#include "auth/serversecret.h"

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

Result<LoadedSecret> generateSecretFile(const QString &path)
{
    if (const Status ready = initializeSodium(); !ready)
        return ready.error();
    QByteArray secret(ServerSecret::fileLength, Qt::Uninitialized);
    randombytes_buf(secret.data(), static_cast<size_t>(secret.size()));

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

} // namespace

Result<LoadedSecret> ServerSecret::load(const QString &dataDir,
                                        const QProcessEnvironment &environment)
{
    if (auto secret = fromEnvironment(environment))
        return std::move(*secret);

    // TODO: try the OS keychain (QtKeychain) here, between the environment and the file, once
    // a keychain source exists. It should return std::nullopt when no keychain is reachable
    // (QtKeychain 0.13 fails at once without D-Bus), and must keep using an existing secret.key,
    // because stored credentials depend on the secret that encrypted them.
    return fromFile(dataDir);
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
    if (const Status prepared = prepareDataDir(dataDir); !prepared)
        return prepared.error();

    const QString path = QDir(dataDir).absoluteFilePath(QLatin1String(fileName));
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
