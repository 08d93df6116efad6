#pragma once

#include "models/job.h"
#include "models/syncoptions.h"
#include "runner/backuprunner.h"
#include "runner/rsyncrunner.h"
#include "system/mountinfo.h"
#include "system/toolrunner.h"

#include <QList>

#include <chrono>
#include <optional>

namespace dynamight {

class AsyncToolRunner;
struct SyncPreview;

// The sources, destination, options and programs of a local run.
struct LocalRunPlan
{
    QList<RsyncTask> tasks;
    SyncOptions options;
    LocalDestination destination;
    SystemTools tools;
};

// Returns the rsync task of each source of a local job: its contents go to
// mount_point/backup_subdir/<source basename>.
QList<RsyncTask> localRsyncTasks(const Job &job);

// Runs a local job around RsyncRunner, in steps that each start their child processes
// asynchronously:
//  1. With usb_uuid set, the filesystem with that UUID must be the one mounted at mount_point.
//     When nothing is mounted there and auto_mount is on, the drive is mounted first; in every
//     other case the run fails before anything is written.
//  2. Unless the job is a dry run, rsync's dry run adds up the bytes to copy, and the run fails
//     when the destination has less room, naming both sizes.
//  3. RsyncRunner copies the sources.
//  4. With usb_uuid and auto_unmount set, the drive is synced and unmounted after step 3 and
//     also after a failure or a cancel, provided step 1 found or mounted it at mount_point.
// finished() is emitted from its own event, except from kill(), so a slot may delete the runner.
class LocalDestinationRunner final : public BackupRunner
{
    Q_OBJECT

public:
    explicit LocalDestinationRunner(LocalRunPlan plan, QObject *parent = nullptr);
    ~LocalDestinationRunner() override;

    void start() override;
    // Stops the dry run or rsync at once. A drive check or mount in progress may finish first,
    // since each has a timeout. The unmount step then runs as usual.
    void cancel(std::chrono::milliseconds gracePeriod) override;
    // Kills every child, unmounts with a short timeout when auto_unmount is set, and emits
    // finished() before it returns, because the service may stop right after.
    void kill() override;

    // How long mount may take in step 1, and sync and umount each in step 4. Flushing a large
    // backup to a slow USB stick takes minutes, and nothing waits on this but the run itself.
    static constexpr std::chrono::milliseconds kMountTimeout{60000};
    static constexpr std::chrono::milliseconds kUnmountTimeout{600000};
    // How long kill() waits for sync and umount each while the service stops.
    static constexpr std::chrono::milliseconds kShutdownUnmountTimeout{10000};

private:
    enum class Step {
        NotStarted,
        CheckingDrive,
        Mounting,
        CheckingSpace,
        Syncing,
        Unmounting,
        Finished,
    };

    void checkDrive();
    void handleDriveCheck(const Result<MountEntry> &mounted);
    void mountDrive();
    void handleMounted(const Result<MountEntry> &mounted);
    void checkSpace();
    void checkSpaceWithDryRun();
    void handlePreview(const Result<SyncPreview> &preview);
    void startSync();
    void handleSyncFinished(const RunOutcome &outcome);
    bool stopIfCancelled();
    void fail(const QString &message);
    void cleanUp();
    bool shouldUnmount() const;
    void finishRun();
    void log(LogLevel level, const QString &message);

    LocalRunPlan m_plan;
    QString m_usbUuid;
    // mount_point with symlinks resolved, as mountinfo names it.
    QString m_mountPoint;
    AsyncToolRunner *m_tools = nullptr;
    RsyncRunner *m_rsync = nullptr;
    Step m_step = Step::NotStarted;
    bool m_cancelRequested = false;
    // The mount that step 1 verified or made; set only for the drive with usb_uuid.
    std::optional<MountEntry> m_mount;
    RunOutcome m_outcome;
    RunCounters m_counters;
};

} // namespace dynamight
