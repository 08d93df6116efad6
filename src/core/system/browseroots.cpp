#include "system/browseroots.h"

#include "logging.h"
#include "system/mountpointrules.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

namespace dynamight {

namespace {

// The maximum name length of most Linux filesystems, in bytes (NAME_MAX).
constexpr qsizetype kMaxNameBytes = 255;
constexpr qsizetype kMaxPathLength = 4096;

bool isInside(const QString &path, const QString &folder)
{
    if (folder == QLatin1String("/"))
        return path.startsWith(u'/');
    return path == folder || path.startsWith(folder + u'/');
}

bool hasControlCharacter(const QString &text)
{
    return std::any_of(text.cbegin(), text.cend(),
                       [](QChar c) { return c.category() == QChar::Other_Control; });
}

Status checkInput(const QString &path)
{
    if (path.isEmpty())
        return Error::invalid(QStringLiteral("The path must not be empty"));
    if (path.size() > kMaxPathLength)
        return Error::invalid(
            QStringLiteral("The path is longer than %1 characters").arg(kMaxPathLength));
    if (path.contains(QChar(u'\0')))
        return Error::invalid(QStringLiteral("The path must not contain a NUL character"));
    if (!path.startsWith(u'/')) {
        return Error::invalid(
            QStringLiteral("The path must be absolute, starting with '/', got '%1'").arg(path));
    }
    return {};
}

QString systemErrorText(int error) { return QString::fromLocal8Bit(std::strerror(error)); }

Error directoryError(int error, const QString &path)
{
    switch (error) {
    case EACCES:
    case EPERM:
        return Error::forbidden(
            QStringLiteral("Cannot read folder %1: permission denied").arg(path));
    case ENOENT:
        return Error::notFound(QStringLiteral("Folder %1 does not exist").arg(path));
    case ENOTDIR:
        return Error::invalid(QStringLiteral("%1 is not a folder").arg(path));
    default:
        return Error(Error::Kind::Unavailable,
                     QStringLiteral("Cannot read folder %1: %2").arg(path, systemErrorText(error)));
    }
}

Error makeDirectoryError(int error, const QString &path)
{
    switch (error) {
    case EACCES:
    case EPERM:
        return Error::forbidden(
            QStringLiteral("Cannot create folder %1: permission denied").arg(path));
    case EROFS:
        return Error::conflict(
            QStringLiteral("Cannot create folder %1: the drive is read-only").arg(path));
    case ENOSPC:
    case EDQUOT:
        return Error::conflict(
            QStringLiteral("Cannot create folder %1: the drive is full").arg(path));
    case ENAMETOOLONG:
        return Error::invalid(
            QStringLiteral("Cannot create folder %1: the name is too long").arg(path));
    default:
        return Error(
            Error::Kind::Unavailable,
            QStringLiteral("Cannot create folder %1: %2").arg(path, systemErrorText(error)));
    }
}

QString joinPath(const QString &folder, const QString &name)
{
    if (folder == QLatin1String("/"))
        return u'/' + name;
    return folder + u'/' + name;
}

bool listsBefore(const DirectoryEntry &first, const DirectoryEntry &second)
{
    if (first.isDir != second.isDir)
        return first.isDir;
    const int order = first.name.compare(second.name, Qt::CaseInsensitive);
    return order != 0 ? order < 0 : first.name < second.name;
}

} // namespace

BrowseRoots::BrowseRoots(QStringList configuredRoots)
{
    for (const QString &root : configuredRoots)
        m_configured.append(QDir::cleanPath(root));
}

QStringList BrowseRoots::paths() const
{
    QStringList resolved;
    for (const QString &root : m_configured) {
        const QString canonical = QFileInfo(root).canonicalFilePath();
        if (!canonical.isEmpty() && QFileInfo(canonical).isDir() && !resolved.contains(canonical))
            resolved.append(canonical);
    }
    return resolved;
}

bool BrowseRoots::contains(const QString &resolvedPath) const
{
    const QStringList roots = paths();
    return std::any_of(roots.cbegin(), roots.cend(),
                       [&](const QString &root) { return isInside(resolvedPath, root); });
}

Error BrowseRoots::outsideRoots(const QString &path) const
{
    return Error::forbidden(QStringLiteral("Access denied: %1 is outside the allowed folders (%2)")
                                .arg(path, m_configured.join(QLatin1String(", "))));
}

// Catches "/mnt/../etc" before anything on the disk is looked at.
Status BrowseRoots::checkLexically(const QString &cleanPath) const
{
    const QStringList roots = m_configured + paths();
    const bool inside = std::any_of(roots.cbegin(), roots.cend(),
                                    [&](const QString &root) { return isInside(cleanPath, root); });
    return inside ? Status() : Status(outsideRoots(cleanPath));
}

Result<QString> BrowseRoots::resolveExisting(const QString &path) const
{
    if (const Status input = checkInput(path); !input)
        return input.error();
    const QString cleaned = QDir::cleanPath(path);
    if (const Status lexical = checkLexically(cleaned); !lexical)
        return lexical.error();

    const QString canonical = QFileInfo(cleaned).canonicalFilePath();
    if (canonical.isEmpty()) {
        // A missing file behind a symlink that leads out is outside too, not just missing.
        if (!contains(resolveExistingPrefix(cleaned)))
            return outsideRoots(cleaned);
        return Error::notFound(QStringLiteral("%1 does not exist").arg(cleaned));
    }
    if (!contains(canonical))
        return outsideRoots(cleaned);
    return canonical;
}

Result<QString> BrowseRoots::resolveNew(const QString &path) const
{
    if (const Status input = checkInput(path); !input)
        return input.error();
    const QString cleaned = QDir::cleanPath(path);
    if (const Status lexical = checkLexically(cleaned); !lexical)
        return lexical.error();

    const QString resolved = resolveExistingPrefix(cleaned);
    if (!contains(resolved))
        return outsideRoots(cleaned);
    if (paths().contains(resolved)) {
        return Error::invalid(QStringLiteral("%1 is an allowed root folder itself: choose a folder "
                                             "inside it")
                                  .arg(resolved));
    }
    return resolved;
}

Result<DirectoryListing> BrowseRoots::list(const QString &path, int maxEntries) const
{
    QString folder;
    if (path.isEmpty()) {
        const QStringList roots = paths();
        if (roots.isEmpty()) {
            return Error::notFound(QStringLiteral("None of the allowed folders exists (%1)")
                                       .arg(m_configured.join(QLatin1String(", "))));
        }
        folder = roots.first();
    } else {
        const auto resolved = resolveExisting(path);
        if (!resolved)
            return resolved.error();
        folder = *resolved;
    }

    DIR *directory = ::opendir(QFile::encodeName(folder).constData());
    if (!directory)
        return directoryError(errno, folder);

    DirectoryListing listing;
    listing.path = folder;
    int skipped = 0;
    while (const dirent *item = ::readdir(directory)) {
        const QByteArray rawName(item->d_name);
        if (rawName == "." || rawName == "..")
            continue;

        // A name that is not valid UTF-8 would come back changed, and its path would not work.
        const QString name = QFile::decodeName(rawName);
        struct stat status
        {
        };
        if (QFile::encodeName(name) != rawName
            || ::fstatat(::dirfd(directory), rawName.constData(), &status, AT_SYMLINK_NOFOLLOW)
                != 0) {
            ++skipped;
            continue;
        }

        const QString entryPath = joinPath(folder, name);
        if (S_ISLNK(status.st_mode)) {
            const QString target = QFileInfo(entryPath).canonicalFilePath();
            if (target.isEmpty() || !contains(target)
                || ::stat(QFile::encodeName(target).constData(), &status) != 0) {
                ++skipped;
                continue;
            }
        }

        DirectoryEntry entry;
        entry.name = name;
        entry.path = entryPath;
        entry.isDir = S_ISDIR(status.st_mode);
        if (!entry.isDir)
            entry.size = qint64(status.st_size);
        entry.modified = QDateTime::fromSecsSinceEpoch(status.st_mtim.tv_sec, Qt::UTC);
        listing.entries.append(entry);
    }
    ::closedir(directory);

    if (skipped > 0)
        qCDebug(lcSystem).noquote()
            << "Browse: left out" << skipped << "unreadable entries of" << folder;
    std::sort(listing.entries.begin(), listing.entries.end(), listsBefore);
    if (listing.entries.size() > maxEntries) {
        listing.entries.resize(maxEntries);
        listing.truncated = true;
    }

    const QString parent = QFileInfo(folder).path();
    if (folder != QLatin1String("/") && contains(parent))
        listing.parent = parent;
    return listing;
}

Result<QString> BrowseRoots::makeDirectory(const QString &path) const
{
    if (const Status input = checkInput(path); !input)
        return input.error();
    const QString cleaned = QDir::cleanPath(path);
    const QString name = cleaned.mid(cleaned.lastIndexOf(u'/') + 1);
    if (name.isEmpty() || name == QLatin1String(".") || name == QLatin1String("..")) {
        return Error::invalid(QStringLiteral("'%1' does not end with a folder name").arg(path));
    }
    if (hasControlCharacter(name)) {
        return Error::invalid(QStringLiteral("Folder names must not contain a newline or other "
                                             "control character"));
    }
    if (QFile::encodeName(name).size() > kMaxNameBytes)
        return Error::invalid(
            QStringLiteral("The folder name is longer than %1 bytes").arg(kMaxNameBytes));
    if (const Status lexical = checkLexically(cleaned); !lexical)
        return lexical.error();

    const QString parentPath = QFileInfo(cleaned).path();
    const auto parent = resolveExisting(parentPath);
    if (!parent) {
        if (parent.error().kind() == Error::Kind::NotFound)
            return Error::notFound(
                QStringLiteral("Parent folder %1 does not exist").arg(parentPath));
        return parent.error();
    }
    if (!QFileInfo(*parent).isDir())
        return Error::invalid(QStringLiteral("%1 is not a folder").arg(parentPath));

    const QString target = joinPath(*parent, name);
    const QFileInfo existing(target);
    if (existing.exists() || existing.isSymLink()) {
        if (existing.isDir())
            return Error::conflict(QStringLiteral("Folder %1 already exists").arg(target));
        return Error::conflict(QStringLiteral("A file named %1 already exists").arg(target));
    }

    if (::mkdir(QFile::encodeName(target).constData(), 0777) != 0)
        return makeDirectoryError(errno, target);
    qCInfo(lcSystem).noquote() << "Browse: created folder" << target;
    return target;
}

} // namespace dynamight
