#include "runner/jobpreview.h"

#include "runner/localdestinationrunner.h"
#include "runs/runnerfactory.h"
#include "system/driveoperations.h"
#include "system/mountpointrules.h"

namespace dynamight {

namespace {

Status checkDriveMounted(const LocalDestination &destination, const SystemTools &tools)
{
    BlockingToolRunner runner;
    const QString mountPoint = resolveExistingPrefix(destination.mountPoint);
    std::optional<Status> checked;
    verifyMountedDrive(
        runner, tools, *destination.usbUuid, mountPoint, [&](Result<MountEntry> mounted) {
            if (mounted)
                checked = Status();
            else if (mounted.error().kind() == Error::Kind::NotFound)
                checked = Error::conflict(mounted.error().message()
                                          + QStringLiteral(": mount it to preview the job"));
            else
                checked = Error::conflict(mounted.error().message());
        });
    return checked.value_or(Error::internal(QStringLiteral("The drive check did not finish")));
}

} // namespace

Result<JobPreview> previewLocalJob(const Job &job, const SystemTools &tools,
                                   std::chrono::milliseconds timeout)
{
    if (job.destinationType != DestinationType::Local) {
        // TODO: preview rclone destinations with "rclone --dry-run" once a caller needs it.
        return Error::invalid(QStringLiteral("Preview supports local jobs only, and job '%1' has a "
                                             "%2 destination")
                                  .arg(job.name, destinationTypeName(job.destinationType)));
    }
    if (const Status ready = checkLocalPreconditions(job); !ready)
        return Error::conflict(ready.error().message());

    const LocalDestination destination = LocalDestination::fromConfig(job.destinationConfig);
    if (destination.usbUuid) {
        if (const Status mounted = checkDriveMounted(destination, tools); !mounted)
            return mounted.error();
    }

    BlockingToolRunner runner;
    std::optional<Result<SyncPreview>> sync;
    previewSync(runner, tools.rsync, localRsyncTasks(job), job.syncOptions, QDeadlineTimer(timeout),
                [&sync](Result<SyncPreview> preview) { sync = std::move(preview); });
    if (!sync)
        return Error::internal(QStringLiteral("The dry run did not finish"));
    if (!*sync)
        return sync->error();

    return JobPreview{sync->value(), destination.root(), freeBytesAt(destination.root())};
}

} // namespace dynamight
