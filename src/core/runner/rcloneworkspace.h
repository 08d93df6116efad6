#pragma once

#include "result.h"

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>
#include <QTemporaryDir>

#include <memory>
#include <optional>

namespace dynamight {

class RcloneRemote;

// The private folder of one rclone run or connection test: a mode 0700 folder under
// $XDG_RUNTIME_DIR (else the temp dir) holding the config file, mode 0600, and the known_hosts
// file of an SFTP remote. The destructor deletes the folder and everything in it.
class RcloneWorkspace
{
public:
    static Result<std::unique_ptr<RcloneWorkspace>> create();
    // Deletes the folders, with the rclone configs and secrets in them, that services which
    // died without cleaning up left behind, and returns how many it deleted.
    static int removeLeftovers();
    ~RcloneWorkspace();

    QString path() const { return m_directory.path(); }
    QString configPath() const;
    QString knownHostsPath() const;

    // Writes the known_hosts file and points the remote's known_hosts_file at it.
    Status writeKnownHosts(const QByteArray &knownHosts, RcloneRemote &remote) const;
    // Writes the config file with the remote as its only section.
    Status writeConfig(const RcloneRemote &remote) const;
    // Reads a value of the remote's section back, as rclone may have rewritten it.
    std::optional<QString> readConfigValue(const QString &key) const;

private:
    explicit RcloneWorkspace(const QString &templatePath);
    Status writePrivateFile(const QString &path, const QByteArray &content) const;

    QTemporaryDir m_directory;
};

// Returns the environment for rclone: the service's (without DYNAMIGHT_*, and with LC_ALL=C.UTF-8)
// minus every variable that changes what rclone does behind the config file's back:
// - RCLONE_* sets any flag or remote option, RCLONE_CONFIG among them.
// - AWS_* carries other S3 keys and profiles, and AWS_CA_BUNDLE makes rclone 1.60's S3 backend
//   fail with LoadCustomCABundleError.
// - XDG_CONFIG_HOME would name another config folder.
// - SSH_AUTH_SOCK would offer the service user's agent keys.
// - GOOGLE_APPLICATION_CREDENTIALS would swap the Drive credentials.
QProcessEnvironment rcloneEnvironment();

} // namespace dynamight
