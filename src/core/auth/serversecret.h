#pragma once

#include "result.h"

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>

#include <optional>

namespace dynamight {

class Keychain;

// The server's secret and where it came from, so the caller can log the source (never the value).
struct LoadedSecret
{
    QByteArray value;
    // "environment variable DYNAMIGHT_SECRET", "file <path>" or
    // "the OS keychain (service dynamight, key <key>)".
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
    // Written to the data dir when its secret is kept in the keychain. It contains no secret.
    static constexpr const char *keychainMarkerFileName = "secret.keychain";

    // Context strings for deriveKey(), exactly 8 characters as crypto_kdf requires.
    static constexpr char tokenSigningContext[] = "dmjwtsig";
    static constexpr char credentialEncryptionContext[] = "dmcredex";
    static constexpr char totpEncryptionContext[] = "dmtotpsk";

    // Loads the secret from the first source that has one. The environment variable comes
    // first. Next, when keychain is given and dataDir has no secret.key yet, comes the keychain
    // entry of dataDir. Last comes the file secret.key in dataDir, generated (32 random bytes,
    // mode 0600) when missing. An existing secret.key always wins over the keychain, so an
    // installation never switches to a new secret. A new secret goes into the keychain when it
    // is reachable, else into secret.key. Once the keychain contains dataDir's secret (the
    // marker file records that), an unreachable keychain is an Unavailable error, because a new
    // secret would make the stored credentials unreadable.
    static Result<LoadedSecret> load(const QString &dataDir,
                                     const QProcessEnvironment &environment
                                     = QProcessEnvironment::systemEnvironment(),
                                     Keychain *keychain = nullptr);

    // Returns the keychain key of dataDir's secret, built from its canonical path, so two data
    // dirs never share a secret.
    static QString keychainKey(const QString &dataDir);

private:
    // Each source returns std::nullopt when it has no secret, so load() tries the next one.
    static std::optional<Result<LoadedSecret>>
    fromEnvironment(const QProcessEnvironment &environment);
    static std::optional<Result<LoadedSecret>> fromKeychain(const QString &dataDir,
                                                            Keychain &keychain);
    static Result<LoadedSecret> fromFile(const QString &dataDir);
};

// Derives a 32-byte subkey of secret for one purpose: the context (exactly 8 bytes are read) and
// subkeyId select it, so the signing and encryption keys are unrelated.
// secret is first hashed to a 32-byte master key (BLAKE2b), because a secret from the
// environment may have any length. secret must not be empty.
QByteArray deriveKey(const QByteArray &secret, const char context[8], quint64 subkeyId);

} // namespace dynamight
