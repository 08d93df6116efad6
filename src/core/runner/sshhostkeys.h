#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace dynamight {

// One public host key of an SSH server, as ssh-keyscan prints it.
struct SshHostKey
{
    // The key type, for example "ssh-ed25519" or "ecdsa-sha2-nistp256".
    QString type;
    // The key blob, base64 as in known_hosts.
    QByteArray base64Blob;

    // Returns the fingerprint as `ssh-keygen -l` prints it: "SHA256:" and the unpadded base64
    // of the SHA-256 digest of the blob.
    QString fingerprint() const;
    // Returns the known_hosts line that trusts this key for host and port.
    QByteArray knownHostsLine(const QString &host, int port) const;
};

// Parses the standard output of ssh-keyscan: "host type base64" lines, comments skipped.
QList<SshHostKey> parseSshKeyscanOutput(const QByteArray &output);

// Returns the key that rclone 1.60 checks against known_hosts when it connects. rclone uses the
// Go x/crypto/ssh client, which picks the first host key algorithm in its own preference list
// that the server offers: ECDSA first, then RSA, then Ed25519. rclone 1.60 has no option to
// change that list, so a known_hosts file that holds only the server's Ed25519 key fails with
// "key mismatch" against a server that also has an ECDSA key (measured against OpenSSH 9.2).
std::optional<SshHostKey> keyNegotiatedByRclone(const QList<SshHostKey> &keys);

// The outcome of checking a server's keys against the fingerprint that a job trusts.
struct SshHostKeyCheck
{
    // The key to write into known_hosts; set only when the check passed.
    std::optional<SshHostKey> trustedKey;
    // The reason the check failed, with the fingerprint to trust if the server is the right one.
    QString errorMessage;
};

// Checks the keys that ssh-keyscan returned for host:port against trustedFingerprint (empty
// when the job trusts no key yet). Passes only when the key that rclone negotiates has that
// fingerprint, so an unknown or changed key fails here, before rclone connects.
SshHostKeyCheck checkSshHostKeys(const QList<SshHostKey> &keys, const QString &host, int port,
                                 const QString &trustedFingerprint);

} // namespace dynamight
