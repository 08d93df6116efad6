#include "runner/sshhostkeys.h"

#include <QCryptographicHash>
#include <QStringList>

namespace dynamight {

namespace {

// The host key algorithms of golang.org/x/crypto/ssh (supportedHostKeyAlgos) as vendored in
// rclone 1.60, in its order of preference, certificates left out.
const QStringList &rclonePreferredKeyTypes()
{
    static const QStringList types{
        QStringLiteral("ecdsa-sha2-nistp256"),
        QStringLiteral("ecdsa-sha2-nistp384"),
        QStringLiteral("ecdsa-sha2-nistp521"),
        QStringLiteral("ssh-rsa"),
        QStringLiteral("ssh-dss"),
        QStringLiteral("ssh-ed25519"),
    };
    return types;
}

QString describeKeys(const QList<SshHostKey> &keys)
{
    QStringList parts;
    for (const SshHostKey &key : keys)
        parts << QStringLiteral("%1 (%2)").arg(key.fingerprint(), key.type);
    return parts.join(QStringLiteral(", "));
}

} // namespace

QString SshHostKey::fingerprint() const
{
    const QByteArray blob = QByteArray::fromBase64(base64Blob);
    const QByteArray digest = QCryptographicHash::hash(blob, QCryptographicHash::Sha256);
    return QStringLiteral("SHA256:") + QString::fromLatin1(digest.toBase64(QByteArray::OmitTrailingEquals));
}

QByteArray SshHostKey::knownHostsLine(const QString &host, int port) const
{
    // known_hosts names a host on a port other than 22 as "[host]:port".
    const QString name = port == 22 ? host : QStringLiteral("[%1]:%2").arg(host).arg(port);
    return name.toUtf8() + ' ' + type.toLatin1() + ' ' + base64Blob + '\n';
}

QList<SshHostKey> parseSshKeyscanOutput(const QByteArray &output)
{
    QList<SshHostKey> keys;
    for (const QByteArray &rawLine : output.split('\n')) {
        const QByteArray line = rawLine.trimmed();
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        const QList<QByteArray> fields = line.simplified().split(' ');
        if (fields.size() < 3)
            continue;
        keys.append(SshHostKey{QString::fromLatin1(fields.at(1)), fields.at(2)});
    }
    return keys;
}

std::optional<SshHostKey> keyNegotiatedByRclone(const QList<SshHostKey> &keys)
{
    for (const QString &type : rclonePreferredKeyTypes()) {
        for (const SshHostKey &key : keys) {
            if (key.type == type)
                return key;
        }
    }
    return std::nullopt;
}

SshHostKeyCheck checkSshHostKeys(const QList<SshHostKey> &keys, const QString &host, int port,
                                 const QString &trustedFingerprint)
{
    const QString server = QStringLiteral("%1:%2").arg(host).arg(port);
    const auto negotiated = keyNegotiatedByRclone(keys);
    if (!negotiated) {
        return {std::nullopt, QStringLiteral("Failed to read the SSH host key of %1: the server offered "
                                             "no key that rclone can check")
                                  .arg(server)};
    }

    const QString offered = negotiated->fingerprint();
    if (trustedFingerprint.isEmpty()) {
        return {std::nullopt,
                QStringLiteral("Host key of %1 is unknown: the server offers %2 (%3). Check that this "
                               "is the server's key, then set destination_config.host_key_fingerprint "
                               "to %2")
                    .arg(server, offered, negotiated->type)};
    }
    if (offered == trustedFingerprint)
        return {negotiated, QString()};

    for (const SshHostKey &key : keys) {
        if (key.fingerprint() != trustedFingerprint)
            continue;
        return {std::nullopt,
                QStringLiteral("Host key of %1: the job trusts the server's %2 key, but rclone checks its "
                               "%3 key, whose fingerprint is %4. Set destination_config.host_key_fingerprint "
                               "to %4 after checking it")
                    .arg(server, key.type, negotiated->type, offered)};
    }

    return {std::nullopt,
            QStringLiteral("Host key of %1 does not match: the job trusts %2, but the server offers %3 "
                           "(%4; all keys: %5). The key changed or another server answered. If the "
                           "change is expected, set destination_config.host_key_fingerprint to %3")
                .arg(server, trustedFingerprint, offered, negotiated->type, describeKeys(keys))};
}

} // namespace dynamight
