#pragma once

#include "models/job.h"
#include "result.h"
#include "runner/rsyncpreview.h"
#include "system/toolrunner.h"

#include <QString>

#include <chrono>
#include <optional>

namespace dynamight {

// The changes that a run of a local job would make now, from rsync's own dry run.
struct JobPreview
{
    SyncPreview sync;
    // mount_point/backup_subdir, the folder the job writes below.
    QString destination;
    // Free bytes at the destination, or std::nullopt when they cannot be read.
    std::optional<qint64> freeBytes;
};

// Previews a local job while the caller waits. It makes the checks a run makes before rsync
// starts: the sources, and with usb_uuid the drive mounted at mount_point, which a preview
// never mounts. Then it runs rsync --dry-run for each source within `timeout`. A job whose run
// would stop before rsync is a Conflict with the run's reason, and a dry run that does not
// finish in time is Unavailable.
Result<JobPreview> previewLocalJob(const Job &job, const SystemTools &tools,
                                   std::chrono::milliseconds timeout);

} // namespace dynamight
