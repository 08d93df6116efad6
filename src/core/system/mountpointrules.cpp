#include "system/mountpointrules.h"

#include <QDir>
#include <QFileInfo>
#include <QSet>

#include <algorithm>

namespace dynamight {

namespace {

bool isInside(const QString &path, const QString &folder)
{
    return path == folder || path.startsWith(folder + u'/');
}

} // namespace

QString resolveExistingPrefix(const QString &absolutePath)
{
    QString existing = QDir::cleanPath(absolutePath);
    QStringList missing;
    while (!QFileInfo::exists(existing) && existing != QLatin1String("/")) {
        const qsizetype slash = existing.lastIndexOf(u'/');
        missing.prepend(existing.mid(slash + 1));
        existing = slash == 0 ? QStringLiteral("/") : existing.left(slash);
    }

    QString resolved = QFileInfo(existing).canonicalFilePath();
    if (resolved.isEmpty())
        resolved = existing;
    if (missing.isEmpty())
        return resolved;
    return QDir::cleanPath(resolved + u'/' + missing.join(u'/'));
}

Status checkMountPointLocation(const QString &path)
{
    static const QSet<QString> topLevel{
        QStringLiteral("/"),       QStringLiteral("/bin"),   QStringLiteral("/boot"),
        QStringLiteral("/dev"),    QStringLiteral("/etc"),   QStringLiteral("/home"),
        QStringLiteral("/lib"),    QStringLiteral("/lib32"), QStringLiteral("/lib64"),
        QStringLiteral("/libx32"), QStringLiteral("/media"), QStringLiteral("/mnt"),
        QStringLiteral("/opt"),    QStringLiteral("/proc"),  QStringLiteral("/root"),
        QStringLiteral("/run"),    QStringLiteral("/sbin"),  QStringLiteral("/srv"),
        QStringLiteral("/sys"),    QStringLiteral("/tmp"),   QStringLiteral("/usr"),
        QStringLiteral("/var"),
    };
    static const QStringList systemTrees{
        QStringLiteral("/bin"),   QStringLiteral("/boot"),   QStringLiteral("/dev"),
        QStringLiteral("/etc"),   QStringLiteral("/lib"),    QStringLiteral("/lib32"),
        QStringLiteral("/lib64"), QStringLiteral("/libx32"), QStringLiteral("/proc"),
        QStringLiteral("/run"),   QStringLiteral("/sbin"),   QStringLiteral("/sys"),
        QStringLiteral("/usr"),   QStringLiteral("/var"),
    };

    const bool system = topLevel.contains(path)
        || std::any_of(systemTrees.cbegin(), systemTrees.cend(),
                       [&](const QString &tree) { return isInside(path, tree); });
    if (system) {
        return Error::invalid(
            QStringLiteral("%1 is a system folder and cannot be a mount point: use "
                           "a folder of its own, such as /mnt/backup")
                .arg(path));
    }
    return {};
}

Status prepareMountPoint(const QString &path, const QList<MountEntry> &mounts)
{
    if (const auto mounted = mountAt(mounts, path)) {
        return Error::conflict(QStringLiteral("Something is already mounted at %1 (%2): unmount it "
                                              "first or choose another folder")
                                   .arg(path, mounted->device));
    }

    const QFileInfo info(path);
    if (info.exists() && !info.isDir())
        return Error::conflict(QStringLiteral("%1 exists and is not a folder").arg(path));
    if (!info.exists() && !QDir().mkpath(path)) {
        return Error(Error::Kind::Unavailable,
                     QStringLiteral("Failed to create the mount point %1: check the permissions "
                                    "of its parent folder")
                         .arg(path));
    }

    const bool empty =
        QDir(path).isEmpty(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
    if (!empty) {
        return Error::conflict(QStringLiteral("%1 is not empty: mounting a drive there would hide "
                                              "its files. Choose an empty folder.")
                                   .arg(path));
    }
    return {};
}

} // namespace dynamight
