#include "runner/rcloneworkspace.h"

#include "runner/processgroup.h"
#include "runner/rcloneremote.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <unistd.h>

namespace dynamight {

namespace {

QString runtimeBase()
{
    const QString runtime = qEnvironmentVariable("XDG_RUNTIME_DIR");
    const QFileInfo info(runtime);
    if (!runtime.isEmpty() && info.isDir() && info.isWritable())
        return runtime;
    return QDir::tempPath();
}

bool isVariableForRclone(const QString &name)
{
    static const QStringList prefixes{QStringLiteral("RCLONE_"), QStringLiteral("AWS_")};
    static const QStringList names{QStringLiteral("XDG_CONFIG_HOME"), QStringLiteral("SSH_AUTH_SOCK"),
                                   QStringLiteral("GOOGLE_APPLICATION_CREDENTIALS")};
    for (const QString &prefix : prefixes) {
        if (name.startsWith(prefix))
            return true;
    }
    return names.contains(name);
}

} // namespace

RcloneWorkspace::RcloneWorkspace(const QString &templatePath)
    : m_directory(templatePath)
{
}

RcloneWorkspace::~RcloneWorkspace() { m_directory.remove(); }

Result<std::unique_ptr<RcloneWorkspace>> RcloneWorkspace::create()
{
    const QString base = runtimeBase();
    // The service's process id in the name lets removeLeftovers() tell a crashed service's
    // folders from those of a service that is still running.
    const QString templatePath = QStringLiteral("%1/dynamight-rclone-%2-XXXXXX").arg(base).arg(QCoreApplication::applicationPid());
    std::unique_ptr<RcloneWorkspace> workspace(new RcloneWorkspace(templatePath));
    if (!workspace->m_directory.isValid()) {
        return Error::internal(QStringLiteral("Failed to create a private folder for rclone's config in %1: %2")
                                   .arg(base, workspace->m_directory.errorString()));
    }
    // QTemporaryDir creates the folder with mode 0700 (mkdtemp); make sure of it.
    QFile::setPermissions(workspace->path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    return workspace;
}

int RcloneWorkspace::removeLeftovers()
{
    const QDir base(runtimeBase());
    const QStringList names = base.entryList({QStringLiteral("dynamight-rclone-*")}, QDir::Dirs | QDir::NoDotAndDotDot);
    int removed = 0;
    for (const QString &name : names) {
        const QString pid = name.section(QLatin1Char('-'), 2, 2);
        bool numeric = false;
        pid.toLongLong(&numeric);
        const QFileInfo info(base.filePath(name));
        if (!numeric || info.ownerId() != ::getuid() || QFileInfo::exists(QStringLiteral("/proc/") + pid))
            continue;
        if (QDir(info.filePath()).removeRecursively())
            ++removed;
    }
    return removed;
}

QString RcloneWorkspace::configPath() const { return m_directory.filePath(QStringLiteral("rclone.conf")); }

QString RcloneWorkspace::knownHostsPath() const { return m_directory.filePath(QStringLiteral("known_hosts")); }

Status RcloneWorkspace::writeKnownHosts(const QByteArray &knownHosts, RcloneRemote &remote) const
{
    const Status written = writePrivateFile(knownHostsPath(), knownHosts);
    if (!written)
        return written;
    remote.setOption(QStringLiteral("known_hosts_file"), knownHostsPath());
    return {};
}

Status RcloneWorkspace::writeConfig(const RcloneRemote &remote) const
{
    const auto config = remote.renderConfig();
    if (!config)
        return config.error();
    return writePrivateFile(configPath(), *config);
}

std::optional<QString> RcloneWorkspace::readConfigValue(const QString &key) const
{
    QFile file(configPath());
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    return readRcloneConfigValue(file.readAll(), RcloneRemote::name(), key);
}

// Creates the file with mode 0600 before any byte is written, so the secrets are never readable
// by others, not even for a moment.
Status RcloneWorkspace::writePrivateFile(const QString &path, const QByteArray &content) const
{
    QFile file(path);
    QFile::remove(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly, QFileDevice::ReadOwner | QFileDevice::WriteOwner)
        || file.write(content) != content.size() || !file.flush()) {
        return Error::internal(QStringLiteral("Failed to write %1: %2").arg(path, file.errorString()));
    }
    return {};
}

QProcessEnvironment rcloneEnvironment()
{
    QProcessEnvironment environment = ProcessGroup::defaultEnvironment();
    const QStringList names = environment.keys();
    for (const QString &name : names) {
        if (isVariableForRclone(name))
            environment.remove(name);
    }
    return environment;
}

} // namespace dynamight
