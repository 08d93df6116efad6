#pragma once

#include "models/syncoptions.h"

#include <QString>
#include <QStringList>

namespace dynamight {

// Builds the arguments (without the program name) that make rclone copy the contents of the
// local folder `source` into the rclone path `destination` ("dest:bucket/prefix/name"), with
// the remote defined in the config file at configPath. `rclone sync` when delete_extraneous is
// on, else `rclone copy`. The function has no side effects. `source` must be absolute, so that
// rclone cannot read a colon in it as a remote name.
QStringList buildRcloneArguments(const QString &configPath, const QString &source, const QString &destination,
                                 const SyncOptions &options);

// Builds the arguments of a connection test: list the top level of `target` once, with short
// connect and I/O timeouts and no retries, so that a dead server fails within seconds.
QStringList buildRcloneCheckArguments(const QString &configPath, const QString &target);

// Translates rsync exclude patterns, as buildRsyncArguments() passes them, into rclone filter
// rules ("- PATTERN") that exclude the same files and folders:
// - A leading "/" anchors a pattern at the source folder in both tools, and a pattern without
//   it matches at any depth, against the last components of the path.
// - *, ** and ? mean the same in both, and a [!...] class becomes rclone's [^...].
// - rsync excludes a whole folder when a pattern matches it, and rclone matches files only, so
//   each pattern also gets a "PATTERN/**" rule for what is below a matching folder. A pattern
//   that ends with "/" (or "/***") matches only folders in rsync, so it gets only that rule.
// - rclone reads { and } as alternation and rsync reads them literally, so they are escaped.
// - rsync reads a backslash as an escape only in a pattern that contains a wildcard, and as a
//   literal character otherwise. The rule keeps that meaning.
QStringList rcloneFilterRules(const QStringList &excludePatterns);

} // namespace dynamight
