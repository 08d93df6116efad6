#include "system/drivemanager.h"

#include "logging.h"
#include "system/driveoperations.h"

#include <algorithm>
#include <optional>

namespace dynamight {

DriveManager::DriveManager(SystemTools tools)
    : m_tools(std::move(tools))
{ }

// With a BlockingToolRunner every callback has run when the operation returns.
Result<QList<Drive>> DriveManager::drives() const
{
    BlockingToolRunner runner;
    std::optional<Result<QList<Drive>>> result;
    scanDrives(runner, m_tools,
               [&result](Result<QList<Drive>> drives) { result = std::move(drives); });
    if (!result)
        return Error::internal(QStringLiteral("The drive scan did not finish"));
    if (!*result)
        qCWarning(lcSystem).noquote() << result->error().message();
    return *result;
}

Result<QList<MountEntry>> DriveManager::mounts() const
{
    const auto all = readMountInfo();
    if (!all)
        return all.error();

    QList<MountEntry> real;
    for (const MountEntry &entry : *all) {
        if (!isPseudoFilesystem(entry.fstype))
            real.append(entry);
    }
    return real;
}

Result<MountEntry> DriveManager::mount(const QString &uuid, const QString &mountPoint) const
{
    BlockingToolRunner runner;
    std::optional<Result<MountEntry>> result;
    mountDriveByUuid(runner, m_tools, uuid, mountPoint, kMountTimeout,
                     [&result](Result<MountEntry> mounted) { result = std::move(mounted); });
    if (!result)
        return Error::internal(QStringLiteral("The mount did not finish"));
    if (!*result) {
        qCWarning(lcSystem).noquote() << "Failed to mount drive" << uuid << "at" << mountPoint
                                      << ":" << result->error().message();
    }
    return *result;
}

Status DriveManager::unmount(const QString &mountPoint) const
{
    const auto table = readMountInfo();
    if (!table)
        return table.error();
    const auto mounted = mountAt(*table, mountPoint);
    if (!mounted)
        return Error::conflict(QStringLiteral("Nothing is mounted at %1").arg(mountPoint));

    // Only what GET /system/drives offers, so a system disk or a network share stays mounted.
    const auto listed = drives();
    if (!listed)
        return listed.error();
    const bool isDrive = std::any_of(listed->cbegin(), listed->cend(), [&](const Drive &drive) {
        return drive.path == mounted->device || drive.majorMinor == mounted->majorMinor;
    });
    if (!isDrive) {
        return Error::conflict(QStringLiteral("%1 (mounted at %2) is not one of the drives that "
                                              "Dynamight lists, so it does not unmount it: unmount "
                                              "it yourself if you must")
                                   .arg(mounted->device, mountPoint));
    }

    BlockingToolRunner runner;
    std::optional<Status> result;
    unmountDrive(runner, m_tools, mountPoint, kMountTimeout,
                 [&result](Status unmounted) { result = std::move(unmounted); });
    if (!result)
        return Error::internal(QStringLiteral("The unmount did not finish"));
    if (!*result) {
        qCWarning(lcSystem).noquote()
            << "Failed to unmount" << mountPoint << ":" << result->error().message();
    }
    return *result;
}

} // namespace dynamight
