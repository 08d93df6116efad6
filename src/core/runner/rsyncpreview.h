#pragma once

#include "models/syncoptions.h"
#include "result.h"
#include "runner/rsyncrunner.h"
#include "system/toolrunner.h"

#include <QByteArrayView>
#include <QDeadlineTimer>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace dynamight {

// The changes that rsync's dry runs of a job's tasks report, added up over the tasks.
struct SyncPreview
{
    static constexpr int kMaxListedPaths = 100;

    qint64 filesToCopy = 0;
    // The sum of the sizes of the files to copy: what the destination must have room for, since
    // rsync writes a changed file as a new copy before it replaces the old one.
    qint64 bytesToCopy = 0;
    qint64 filesToDelete = 0;
    // The first kMaxListedPaths of each, relative to the destination root, so each starts with
    // the source folder's name.
    QStringList pathsToCopy;
    QStringList pathsToDelete;

    // Counts one stdout line of a dry run. folder is the task's folder below the destination
    // root. Lines other than rsync's per-file records are ignored.
    void addOutputLine(QByteArrayView line, const QString &folder);
};

// Runs "rsync --dry-run" for each task, one after another, with the options of the real run.
// The deadline bounds the whole preview; QDeadlineTimer::Forever means no limit. The callback
// is called once, unless an AsyncToolRunner is aborted first.
void previewSync(ToolRunner &runner, const QString &rsyncProgram, const QList<RsyncTask> &tasks,
                 const SyncOptions &options, QDeadlineTimer deadline,
                 std::function<void(Result<SyncPreview>)> done);

// Returns the bytes free for an unprivileged user on the filesystem that contains path, or
// its nearest existing parent, or std::nullopt when that cannot be read.
std::optional<qint64> freeBytesAt(const QString &path);

} // namespace dynamight
