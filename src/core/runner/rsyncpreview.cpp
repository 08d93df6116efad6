#include "runner/rsyncpreview.h"

#include "runner/rsyncarguments.h"
#include "runner/rsyncoutput.h"
#include "system/mountpointrules.h"

#include <QFileInfo>
#include <QStorageInfo>

#include <memory>

namespace dynamight {

namespace {

// Runs the tasks' dry runs one after another, shared by the callbacks so it lives until the
// last one has run.
struct PreviewRun : std::enable_shared_from_this<PreviewRun>
{
    ToolRunner *runner = nullptr;
    QString program;
    QList<RsyncTask> tasks;
    SyncOptions options;
    QDeadlineTimer deadline;
    std::function<void(Result<SyncPreview>)> done;
    SyncPreview preview;
    qsizetype next = 0;

    void runNext()
    {
        if (next >= tasks.size()) {
            done(preview);
            return;
        }
        if (deadline.hasExpired()) {
            done(timedOut());
            return;
        }

        const RsyncTask &task = tasks.at(next);
        const QString folder = QFileInfo(task.destination).fileName();
        ToolCommand command;
        command.program = program;
        command.arguments = buildRsyncArguments(task.source, task.destination, options);
        if (!deadline.isForever())
            command.timeout = std::chrono::milliseconds(qMax<qint64>(1, deadline.remainingTime()));
        auto self = shared_from_this();
        command.outputLine = [self, folder](const QByteArray &line) {
            self->preview.addOutputLine(line, folder);
        };
        runner->run(command, [self, command](const ToolResult &result) {
            self->handleResult(result, command);
        });
    }

    void handleResult(const ToolResult &result, const ToolCommand &command)
    {
        if (result.outcome == ToolResult::Outcome::TimedOut) {
            done(timedOut());
            return;
        }
        // 23 and 24 mean some files could not be read or vanished: the counts are still right
        // for the rest, and the real run reports those files.
        const bool usable = result.outcome == ToolResult::Outcome::Exited
            && describeRsyncExit(result.exitCode).status != RunStatus::Failed;
        if (!usable) {
            QString message = result.describeFailure(command);
            if (result.outcome == ToolResult::Outcome::Exited)
                message += QStringLiteral(" (%1)").arg(describeRsyncExit(result.exitCode).reason);
            done(Error(Error::Kind::Unavailable,
                       QStringLiteral("The dry run of %1 failed: %2")
                           .arg(tasks.at(next).source, message)));
            return;
        }
        ++next;
        runNext();
    }

    Error timedOut() const
    {
        return Error(Error::Kind::Unavailable,
                     QStringLiteral("The dry run did not finish within %1 s: the sources are too "
                                    "large to preview here. Run the job with dry_run on instead, "
                                    "which reports the same counts in its run.")
                         .arg(QString::number(double(timeoutMs) / 1000.0)));
    }

    qint64 timeoutMs = 0;
};

} // namespace

void SyncPreview::addOutputLine(QByteArrayView line, const QString &folder)
{
    const auto record = parseRsyncRecord(line);
    if (!record)
        return;

    const QString path = folder.isEmpty() ? record->path : folder + u'/' + record->path;
    switch (record->kind) {
    case RsyncRecord::Kind::TransferredFile:
        ++filesToCopy;
        bytesToCopy += record->size;
        if (pathsToCopy.size() < kMaxListedPaths)
            pathsToCopy.append(path);
        break;
    case RsyncRecord::Kind::Deleted:
        ++filesToDelete;
        if (pathsToDelete.size() < kMaxListedPaths)
            pathsToDelete.append(path);
        break;
    case RsyncRecord::Kind::OtherChange:
        break;
    }
}

void previewSync(ToolRunner &runner, const QString &rsyncProgram, const QList<RsyncTask> &tasks,
                 const SyncOptions &options, QDeadlineTimer deadline,
                 std::function<void(Result<SyncPreview>)> done)
{
    auto run = std::make_shared<PreviewRun>();
    run->runner = &runner;
    run->program = rsyncProgram;
    run->tasks = tasks;
    run->options = options;
    run->options.dryRun = true;
    run->deadline = deadline;
    run->timeoutMs = deadline.isForever() ? 0 : deadline.remainingTime();
    run->done = std::move(done);
    run->runNext();
}

std::optional<qint64> freeBytesAt(const QString &path)
{
    QString existing = resolveExistingPrefix(path);
    while (!QFileInfo::exists(existing) && existing != QLatin1String("/"))
        existing = QFileInfo(existing).path();

    const QStorageInfo storage(existing);
    if (!storage.isValid() || !storage.isReady())
        return std::nullopt;
    return storage.bytesAvailable();
}

} // namespace dynamight
