#pragma once

#include "models/job.h"
#include "result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>
#include <utility>

namespace dynamight {

// The SSH server of an SFTP remote, whose host key is checked before rclone connects.
struct SshEndpoint
{
    QString host;
    int port = 22;
    // The SHA256:... fingerprint that the job trusts; empty when it trusts none yet.
    QString trustedFingerprint;
};

// One rclone remote, as a section of an rclone config file, and the folder in it that receives
// one subfolder per source. Built from a job's destination and its decrypted credential, so
// options() contains secrets: it goes into a 0600 config file and never into a log.
class RcloneRemote
{
public:
    // The section name in the config file, so paths on the command line read "dest:path".
    static QString name() { return QStringLiteral("dest"); }

    QString backend() const { return m_backend; }
    const QList<std::pair<QString, QString>> &options() const { return m_options; }
    std::optional<QString> option(const QString &key) const;
    // Sets key to value, replacing an earlier value of key.
    void setOption(const QString &key, const QString &value);

    // The folder inside the remote, without the remote's name: "bucket/prefix" for S3.
    QString rootPath() const { return m_rootPath; }
    // Returns "dest:<root>/<basename of source>", the rclone path that receives source.
    QString targetFor(const QString &source) const;
    // Returns "dest:<root>", the path that a connection test lists.
    QString rootTarget() const;

    const std::optional<SshEndpoint> &sshEndpoint() const { return m_ssh; }
    // Whether the remote authenticates with an OAuth token that rclone may refresh.
    bool usesOAuthToken() const { return m_backend == QLatin1String("drive") || m_backend == QLatin1String("onedrive"); }

    // Renders the config file: one [dest] section, each value quoted the way rclone's config
    // reader unquotes it. Fails if a value contains a line break.
    Result<QByteArray> renderConfig() const;

private:
    friend Result<RcloneRemote> buildRcloneRemote(DestinationType, const QJsonObject &, const QJsonObject &);

    QString m_backend;
    QList<std::pair<QString, QString>> m_options;
    QString m_rootPath;
    std::optional<SshEndpoint> m_ssh;
};

// Builds the remote for a destination from its validated destination_config and the
// credential's decrypted data. Passwords and passphrases are obscured as rclone requires. An
// SFTP remote's known_hosts_file is set later, by RcloneWorkspace::writeKnownHosts().
Result<RcloneRemote> buildRcloneRemote(DestinationType type, const QJsonObject &destinationConfig,
                                       const QJsonObject &credentialData);

// Returns rclone's OAuth token JSON ({"access_token", "token_type", "refresh_token", "expiry"})
// for the data of a google_drive or onedrive credential.
QString rcloneTokenFromCredential(const QJsonObject &credentialData);
// Returns the credential data that a token JSON from rclone's config file stands for, or
// std::nullopt when the text is not such a token.
std::optional<QJsonObject> credentialFromRcloneToken(const QString &tokenJson);

// Unquotes a value of rclone's config file as rclone 1.60's reader (goconfig) does: a value that
// starts with `, ", """ or ' ends at the last occurrence of that quote, and any other value is
// trimmed.
QString unquoteRcloneConfigValue(const QString &rawValue);
// Reads key from section of an rclone config file's text.
std::optional<QString> readRcloneConfigValue(const QByteArray &configText, const QString &section,
                                             const QString &key);

} // namespace dynamight
