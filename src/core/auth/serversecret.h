#pragma once

#include "result.h"

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>

#include <optional>

namespace dynamight {

// The server's secret and where it came from, so the caller can log the source (never the value).
struct LoadedSecret
{
    QByteArray value;
    // "environment variable DYNAMIGHT_SECRET" or "file <path>".
    QString source;
    // True when this load generated the secret, so it did not exist before.
    bool generated = false;
};

// The secret that session tokens are signed with and stored credentials are encrypted with, via
// keys derived by deriveKey(). Losing it logs every user out and makes every stored credential
// unreadable, so the file that contains it belongs in the data dir's backups.
class ServerSecret
{
public:
    static constexpr const char *environmentVariable = "DYNAMIGHT_SECRET";
    static constexpr int minEnvironmentLength = 32;
    static constexpr const char *fileName = "secret.key";
    static constexpr int fileLength = 32;

    // Context strings for deriveKey(), exactly 8 characters as crypto_kdf requires.
    static constexpr char tokenSigningContext[] = "dmjwtsig";
    static constexpr char credentialEncryptionContext[] = "dmcredex";

    // Loads the secret from the first source that has one: the environment variable, then the
    // file secret.key in dataDir, which is generated (32 random bytes, mode 0600) when missing.
    static Result<LoadedSecret> load(const QString &dataDir,
                                     const QProcessEnvironment &environment
                                     = QProcessEnvironment::systemEnvironment());

private:
    // Each source returns std::nullopt when it has no secret, so load() tries the next one.
    static std::optional<Result<LoadedSecret>>
    fromEnvironment(const QProcessEnvironment &environment);
    static Result<LoadedSecret> fromFile(const QString &dataDir);
};

// Derives a 32-byte subkey of secret for one purpose: the context (exactly 8 bytes are read) and
// subkeyId select it, so the signing and encryption keys are unrelated.
// secret is first hashed to a 32-byte master key (BLAKE2b), because a secret from the
// environment may have any length. secret must not be empty.
QByteArray deriveKey(const QByteArray &secret, const char context[8], quint64 subkeyId);

} // namespace dynamight
