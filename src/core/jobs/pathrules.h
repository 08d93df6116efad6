#pragma once

#include "result.h"

#include <QString>
#include <QStringList>

namespace dynamight {

// Rules for the paths that reach rsync's command line. A path that starts with '-' could be read
// as an option, a newline could forge a log line, and '/' or overlapping source and destination
// folders could copy a backup into itself or delete the source.

// Checks an absolute local path and returns it cleaned (no duplicate or trailing slashes).
Result<QString> checkAbsolutePath(const QString &field, const QString &path);
// Checks a path relative to another folder (backup_subdir); the empty path is allowed.
Result<QString> checkRelativePath(const QString &field, const QString &path);
// Rejects sources that repeat, share a basename, or overlap each other or the destination root,
// comparing both the paths as written and, where they exist, with symlinks resolved.
Status checkNoOverlap(const QStringList &sources, const QString &destinationRoot);

bool pathsOverlap(const QString &first, const QString &second);

} // namespace dynamight
