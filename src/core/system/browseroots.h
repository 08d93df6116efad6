#pragma once

#include "result.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace dynamight {

struct DirectoryEntry
{
    QString name;
    // The folder's resolved path joined with the name; a symlink keeps its own name here.
    QString path;
    bool isDir = false;
    // Null for folders.
    std::optional<qint64> size;
    QDateTime modified;
};

struct DirectoryListing
{
    QString path;
    // Null when the parent is outside every allowed root.
    std::optional<QString> parent;
    // Folders first, then files, each sorted by name regardless of case.
    QList<DirectoryEntry> entries;
    // True when the folder had more than the maximum number of entries.
    bool truncated = false;
};

// The folders the file browser may show and create folders in (DYNAMIGHT_ALLOWED_BROWSE_PATHS).
// Every path is resolved, symlinks and ".." included, before it is compared with the roots, so
// neither a symlink nor an encoded ".." leads out of them. A path outside the roots is
// Forbidden whether or not it exists, so the response reveals nothing about the rest of the
// disk.
class BrowseRoots
{
public:
    // The maximum number of entries returned per folder, so a huge folder stays quick to list.
    static constexpr int kMaxEntries = 10000;

    explicit BrowseRoots(QStringList configuredRoots);

    // Returns the roots that exist, resolved, in the configured order, without repeats.
    QStringList paths() const;
    // Resolves a path that must exist and lie inside a root.
    Result<QString> resolveExisting(const QString &path) const;
    // Resolves a path that need not exist yet and must lie strictly inside a root.
    Result<QString> resolveNew(const QString &path) const;
    // Tells whether a resolved path is a root or lies inside one.
    bool contains(const QString &resolvedPath) const;

    // Lists a folder; an empty path means the first root. Entries that cannot be read, whose
    // names are not valid UTF-8, or that are symlinks leading out of the roots are left out.
    Result<DirectoryListing> list(const QString &path, int maxEntries = kMaxEntries) const;
    // Creates one folder whose parent exists; returns its resolved path.
    Result<QString> makeDirectory(const QString &path) const;

private:
    Status checkLexically(const QString &cleanPath) const;
    Error outsideRoots(const QString &path) const;

    QStringList m_configured;
};

} // namespace dynamight
