#include "runner/localdestinationrunner.h"

#include "logging.h"
#include "runner/rsyncpreview.h"
#include "system/driveoperations.h"
#include "system/mountpointrules.h"

#include <QDirIterator>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QLocale>
#include <QtConcurrent/QtConcurrentRun>
#include <QMetaObject>

namespace dynamight {

namespace {

// Whether the regular files under the sources add up to at most limit bytes. Symlinks are not
// followed, as rsync -a copies them as links.
bool sourcesFitWithin(const QStringList &sources, qint64 limit)
{
    qint64 total = 0;
    for (const QString &source : sources) {
        QDirIterator it(source, QDir::Files | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            it.next();
            const QFileInfo info = it.fileInfo();
            if (info.isSymLink())
                continue;
            total += info.size();
            if (total > limit)
                return false;
        }
    }
    return true;
}

const QString kCancelledMessage = QStringLiteral("Cancelled by user");
const QString kInterruptedMessage =
    QStringLiteral("interrupted: the service stopped during this run");

// Ends a message about a run that stopped before rsync started.
QString nothingWritten(const QString &message)
{
    const QString separator = message.endsWith(u'.') ? QStringLiteral(" ") : QStringLiteral(". ");
    return message + separator + QStringLiteral("Nothing was written.");
}

// Returns "1.50 MiB (1572864 bytes)", or "512 bytes" where the two would say the same.
QString describeSize(qint64 bytes)
{
    if (bytes < 1024)
        return QStringLiteral("%1 bytes").arg(bytes);
    return QStringLiteral("%1 (%2 bytes)").arg(QLocale::c().formattedDataSize(bytes)).arg(bytes);
}

} // namespace

QList<RsyncTask> localRsyncTasks(const Job &job)
{
    const LocalDestination destination = LocalDestination::fromConfig(job.destinationConfig);
    QList<RsyncTask> tasks;
    for (const QString &source : job.sourceDirs)
        tasks.append(RsyncTask{source, destination.targetFor(source)});
    return tasks;
}

LocalDestinationRunner::LocalDestinationRunner(LocalRunPlan plan, QObject *parent)
    : BackupRunner(parent)
    , m_plan(std::move(plan))
    , m_usbUuid(m_plan.destination.usbUuid.value_or(QString()))
    , m_mountPoint(resolveExistingPrefix(m_plan.destination.mountPoint))
    , m_tools(new AsyncToolRunner(this))
{ }

LocalDestinationRunner::~LocalDestinationRunner()
{
    // Deleted here, not by ~QObject, so that none of their callbacks reaches a destroyed runner.
    delete m_rsync;
    delete m_tools;
}

void LocalDestinationRunner::start()
{
    if (m_step != Step::NotStarted)
        return;

    if (m_usbUuid.isEmpty())
        checkSpace();
    else
        checkDrive();
}

void LocalDestinationRunner::cancel(std::chrono::milliseconds gracePeriod)
{
    if (m_step == Step::Unmounting || m_step == Step::Finished || m_cancelRequested)
        return;

    m_cancelRequested = true;
    switch (m_step) {
    case Step::NotStarted:
        m_outcome = RunOutcome{RunStatus::Cancelled, std::nullopt, kCancelledMessage, {}};
        finishRun();
        return;
    case Step::CheckingSpace:
        m_tools->abort();
        stopIfCancelled();
        return;
    case Step::Syncing:
        m_rsync->cancel(gracePeriod);
        return;
    case Step::CheckingDrive:
    case Step::Mounting:
        log(LogLevel::Info,
            QStringLiteral("Cancel requested: the run stops once the drive check "
                           "or mount in progress ends"));
        return;
    case Step::Unmounting:
    case Step::Finished:
        return;
    }
}

void LocalDestinationRunner::kill()
{
    if (m_step == Step::Finished)
        return;

    if (m_rsync) {
        m_rsync->disconnect(this);
        m_rsync->kill();
    }
    m_tools->abort();

    if (shouldUnmount()) {
        BlockingToolRunner blocking;
        unmountDrive(blocking, m_plan.tools, m_mountPoint, kShutdownUnmountTimeout,
                     [this](Status unmounted) {
                         if (!unmounted) {
                             qCWarning(lcRunner).noquote()
                                 << "Failed to unmount" << m_mountPoint
                                 << "while stopping:" << unmounted.error().message();
                         }
                     });
    }

    m_step = Step::Finished;
    qCInfo(lcRunner) << "Local run killed because the service is stopping";
    Q_EMIT finished(RunOutcome{RunStatus::Failed, std::nullopt, kInterruptedMessage, m_counters});
}

void LocalDestinationRunner::checkDrive()
{
    m_step = Step::CheckingDrive;
    log(LogLevel::Info,
        QStringLiteral("Checking that drive %1 is mounted at %2").arg(m_usbUuid, m_mountPoint));
    verifyMountedDrive(*m_tools, m_plan.tools, m_usbUuid, m_mountPoint,
                       [this](Result<MountEntry> mounted) { handleDriveCheck(mounted); });
}

void LocalDestinationRunner::handleDriveCheck(const Result<MountEntry> &mounted)
{
    if (mounted) {
        m_mount = *mounted;
        log(LogLevel::Info,
            QStringLiteral("Drive %1 (%2) is mounted at %3")
                .arg(m_usbUuid, mounted->device, m_mountPoint));
        if (!stopIfCancelled())
            checkSpace();
        return;
    }
    if (stopIfCancelled())
        return;

    const bool notMounted = mounted.error().kind() == Error::Kind::NotFound;
    if (notMounted && m_plan.destination.autoMount) {
        mountDrive();
        return;
    }
    if (notMounted) {
        fail(nothingWritten(QStringLiteral("Drive %1 is not mounted at %2, and auto_mount is off: "
                                           "mount the drive there or turn auto_mount on")
                                .arg(m_usbUuid, m_mountPoint)));
        return;
    }
    fail(nothingWritten(mounted.error().message()));
}

void LocalDestinationRunner::mountDrive()
{
    m_step = Step::Mounting;
    log(LogLevel::Info, QStringLiteral("Mounting drive %1 at %2").arg(m_usbUuid, m_mountPoint));
    mountDriveByUuid(*m_tools, m_plan.tools, m_usbUuid, m_mountPoint, kMountTimeout,
                     [this](Result<MountEntry> mounted) { handleMounted(mounted); });
}

void LocalDestinationRunner::handleMounted(const Result<MountEntry> &mounted)
{
    if (!mounted) {
        if (!stopIfCancelled())
            fail(nothingWritten(mounted.error().message()));
        return;
    }

    m_mount = *mounted;
    log(LogLevel::Info,
        QStringLiteral("Mounted drive %1 (%2) at %3")
            .arg(m_usbUuid, mounted->device, m_mountPoint));
    if (!stopIfCancelled())
        checkSpace();
}

void LocalDestinationRunner::checkSpace()
{
    if (m_plan.options.dryRun) {
        startSync();
        return;
    }

    m_step = Step::CheckingSpace;
    const std::optional<qint64> free = freeBytesAt(m_plan.destination.root());
    if (!free) {
        checkSpaceWithDryRun();
        return;
    }

    // A run copies at most the sources' total size, so when that fits, the dry run
    // (a second scan of both trees) can only agree and is skipped. The walk runs on a worker
    // thread and stops as soon as the total passes the free space.
    QStringList sources;
    for (const RsyncTask &task : m_plan.tasks)
        sources.append(task.source);
    auto *watcher = new QFutureWatcher<bool>(this);
    connect(watcher, &QFutureWatcher<bool>::finished, this, [this, watcher, free = *free] {
        watcher->deleteLater();
        if (m_step != Step::CheckingSpace || stopIfCancelled())
            return;
        if (!watcher->result()) {
            checkSpaceWithDryRun();
            return;
        }
        log(LogLevel::Info, QStringLiteral("The sources fit into the %1 free at %2")
                                .arg(describeSize(free), m_plan.destination.root()));
        startSync();
    });
    watcher->setFuture(QtConcurrent::run(sourcesFitWithin, sources, *free));
}

void LocalDestinationRunner::checkSpaceWithDryRun()
{
    log(LogLevel::Info,
        QStringLiteral("Checking the free space at %1 with a dry run")
            .arg(m_plan.destination.root()));
    previewSync(*m_tools, m_plan.tools.rsync, m_plan.tasks, m_plan.options,
                QDeadlineTimer(QDeadlineTimer::Forever),
                [this](Result<SyncPreview> preview) { handlePreview(preview); });
}

void LocalDestinationRunner::handlePreview(const Result<SyncPreview> &preview)
{
    if (stopIfCancelled())
        return;
    if (!preview) {
        fail(nothingWritten(preview.error().message()));
        return;
    }

    const QString root = m_plan.destination.root();
    const std::optional<qint64> free = freeBytesAt(root);
    log(LogLevel::Info,
        QStringLiteral("Dry run: %1 files to copy with %2, %3 to delete, and %4 free at %5")
            .arg(preview->filesToCopy)
            .arg(describeSize(preview->bytesToCopy))
            .arg(preview->filesToDelete)
            .arg(free ? describeSize(*free) : QStringLiteral("unknown space"), root));
    if (!free) {
        log(LogLevel::Warning,
            QStringLiteral("Could not read the free space at %1, so the run goes "
                           "ahead without the free-space check")
                .arg(root));
    } else if (preview->bytesToCopy > *free) {
        fail(nothingWritten(
            QStringLiteral("Not enough free space at %1: the backup needs %2 but "
                           "only %3 are free. Free up space there or use a larger "
                           "drive.")
                .arg(root, describeSize(preview->bytesToCopy), describeSize(*free))));
        return;
    }
    startSync();
}

void LocalDestinationRunner::startSync()
{
    // The drive could have been unmounted since step 1, and then rsync would write to the
    // empty folder under it.
    if (m_mount) {
        const auto mounts = readMountInfo();
        const auto current = mounts ? mountAt(*mounts, m_mountPoint) : std::nullopt;
        if (!current || current->mountId != m_mount->mountId) {
            m_mount.reset();
            fail(nothingWritten(QStringLiteral("Drive %1 is no longer mounted at %2")
                                    .arg(m_usbUuid, m_mountPoint)));
            return;
        }
    }

    m_step = Step::Syncing;
    m_rsync = new RsyncRunner(m_plan.tasks, m_plan.options, m_plan.tools.rsync, this);
    connect(m_rsync, &BackupRunner::processStarted, this, &BackupRunner::processStarted);
    connect(m_rsync, &BackupRunner::logLine, this, &BackupRunner::logLine);
    connect(m_rsync, &BackupRunner::progress, this, [this](const RunCounters &counters) {
        m_counters = counters;
        Q_EMIT progress(counters);
    });
    connect(m_rsync, &BackupRunner::finished, this, &LocalDestinationRunner::handleSyncFinished);
    m_rsync->start();
}

void LocalDestinationRunner::handleSyncFinished(const RunOutcome &outcome)
{
    m_outcome = outcome;
    m_counters = outcome.counters;
    cleanUp();
}

// Ends the run as cancelled when a cancel came during a step that could not be interrupted.
bool LocalDestinationRunner::stopIfCancelled()
{
    if (!m_cancelRequested)
        return false;
    m_outcome = RunOutcome{RunStatus::Cancelled, std::nullopt, kCancelledMessage, m_counters};
    cleanUp();
    return true;
}

void LocalDestinationRunner::fail(const QString &message)
{
    m_outcome = RunOutcome{RunStatus::Failed, std::nullopt, message, m_counters};
    cleanUp();
}

void LocalDestinationRunner::cleanUp()
{
    if (!shouldUnmount()) {
        finishRun();
        return;
    }

    m_step = Step::Unmounting;
    log(LogLevel::Info,
        QStringLiteral("Syncing and unmounting drive %1 from %2").arg(m_usbUuid, m_mountPoint));
    unmountDrive(*m_tools, m_plan.tools, m_mountPoint, kUnmountTimeout, [this](Status unmounted) {
        if (unmounted) {
            log(LogLevel::Info,
                QStringLiteral("Unmounted drive %1 from %2").arg(m_usbUuid, m_mountPoint));
        } else {
            log(LogLevel::Warning,
                QStringLiteral("%1. The drive is still mounted at %2.")
                    .arg(unmounted.error().message(), m_mountPoint));
        }
        finishRun();
    });
}

bool LocalDestinationRunner::shouldUnmount() const
{
    return m_mount.has_value() && m_plan.destination.autoUnmount;
}

void LocalDestinationRunner::finishRun()
{
    m_step = Step::Finished;
    qCInfo(lcRunner).noquote() << "Local run finished with status"
                               << runStatusName(m_outcome.status);
    const RunOutcome outcome = m_outcome;
    QMetaObject::invokeMethod(
        this, [this, outcome] { Q_EMIT finished(outcome); }, Qt::QueuedConnection);
}

void LocalDestinationRunner::log(LogLevel level, const QString &message)
{
    Q_EMIT logLine(level, message);
}

} // namespace dynamight
