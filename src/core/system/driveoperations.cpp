#include "system/driveoperations.h"

#include "logging.h"
#include "system/filesystemuuid.h"
#include "system/mountpointrules.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <memory>

namespace dynamight {

namespace {

bool isInside(const QString &path, const QString &folder)
{
    return path == folder || path.startsWith(folder + u'/');
}

// Probes, one after another, the drives that lsblk could not describe, then reports the list.
// Shared by the callbacks, so it lives until the last one has run.
struct DriveScan : std::enable_shared_from_this<DriveScan>
{
    DriveScan(ToolRunner &toolRunner, const SystemTools &systemTools, DrivesCallback callback)
        : runner(toolRunner)
        , tools(systemTools)
        , done(std::move(callback))
    { }

    void start()
    {
        ToolCommand command{tools.lsblk, lsblkArguments(), kDriveScanTimeout, {}};
        auto self = shared_from_this();
        runner.run(command, [self, command](const ToolResult &result) {
            self->handleList(result, command);
        });
    }

    void handleList(const ToolResult &result, const ToolCommand &command)
    {
        if (!result.succeeded()) {
            done(Error(Error::Kind::Unavailable,
                       QStringLiteral("Failed to list the drives: %1")
                           .arg(result.describeFailure(command))));
            return;
        }
        const auto tree = parseLsblkJson(result.standardOutput);
        if (!tree) {
            done(tree.error());
            return;
        }
        const auto mounts = readMountInfo();
        if (!mounts) {
            done(mounts.error());
            return;
        }
        drives = candidateDrives(*tree, *mounts);
        probeNext();
    }

    void probeNext()
    {
        // A device of size 0, such as an unused zram device or a card reader without a card,
        // contains nothing to probe.
        while (next < drives.size()
               && (!drives.at(next).fstype.isEmpty() || drives.at(next).sizeBytes == 0))
            ++next;
        if (next >= drives.size()) {
            finish();
            return;
        }

        ToolCommand command{
            tools.blkid, blkidArguments(drives.at(next).path), kDriveScanTimeout, {}};
        auto self = shared_from_this();
        runner.run(command, [self, command](const ToolResult &result) {
            self->handleProbe(result, command);
        });
    }

    // blkid exits with 2 when it finds nothing, as on an empty loop device or a blank disk.
    void handleProbe(const ToolResult &result, const ToolCommand &command)
    {
        Drive &drive = drives[next];
        if (result.succeeded()) {
            if (const auto probe = parseBlkidUdev(result.standardOutput))
                completeFromProbe(drive, *probe);
        } else if (!(result.outcome == ToolResult::Outcome::Exited && result.exitCode == 2)) {
            qCWarning(lcSystem).noquote()
                << "Failed to probe" << drive.path << ":" << result.describeFailure(command);
        }
        ++next;
        probeNext();
    }

    void finish()
    {
        QList<Drive> filesystems;
        for (const Drive &drive : std::as_const(drives)) {
            if (holdsFilesystem(drive))
                filesystems.append(drive);
        }
        sortDrives(filesystems);
        done(filesystems);
    }

    ToolRunner &runner;
    SystemTools tools;
    DrivesCallback done;
    QList<Drive> drives;
    qsizetype next = 0;
};

bool contains(const QByteArray &text, const char *needle)
{
    return text.contains(QByteArrayView(needle));
}

QString joinedNames(const QList<MountEntry> &mounts)
{
    QStringList names;
    for (const MountEntry &mount : mounts)
        names.append(mount.mountPoint);
    return names.join(QLatin1String(", "));
}

Error describeBusy(const QString &mountPoint)
{
    const auto mounts = readMountInfo();
    const QList<MountEntry> nested =
        mounts ? mountsBelow(*mounts, mountPoint) : QList<MountEntry>();
    if (!nested.isEmpty()) {
        return Error::conflict(
            QStringLiteral("Cannot unmount %1: the drive is busy because other "
                           "filesystems are mounted inside it (%2). Unmount them "
                           "first.")
                .arg(mountPoint, joinedNames(nested)));
    }

    const QStringList users = processesUsing(mountPoint);
    if (!users.isEmpty()) {
        return Error::conflict(QStringLiteral("Cannot unmount %1: the drive is busy because these "
                                              "programs use files on it: %2. Close them and try "
                                              "again.")
                                   .arg(mountPoint, users.join(QLatin1String(", "))));
    }
    return Error::conflict(QStringLiteral("Cannot unmount %1: the drive is busy, a program still "
                                          "uses files on it. Close programs that use it and try "
                                          "again.")
                               .arg(mountPoint));
}

Error describeUnmountFailure(const ToolResult &result, const ToolCommand &command,
                             const QString &mountPoint)
{
    const QByteArray &errors = result.standardError;
    if (result.outcome == ToolResult::Outcome::Exited && contains(errors, "target is busy"))
        return describeBusy(mountPoint);
    if (contains(errors, "not mounted"))
        return Error::conflict(QStringLiteral("Nothing is mounted at %1").arg(mountPoint));
    if (contains(errors, "must be superuser") || contains(errors, "Operation not permitted")) {
        return Error(Error::Kind::Unavailable,
                     QStringLiteral("Cannot unmount %1: the service has no permission to unmount "
                                    "drives. Run it as root, or unmount the drive yourself.")
                         .arg(mountPoint));
    }
    return Error(Error::Kind::Unavailable,
                 QStringLiteral("Failed to unmount %1: %2")
                     .arg(mountPoint, result.describeFailure(command)));
}

void checkUnmounted(const MountEntry &before, const QString &mountPoint, StatusCallback done)
{
    const auto mounts = readMountInfo();
    if (!mounts) {
        done(mounts.error());
        return;
    }
    const auto now = mountAt(*mounts, mountPoint);
    if (now && now->mountId == before.mountId) {
        done(Error(
            Error::Kind::Unavailable,
            QStringLiteral("umount reported success but %1 is still mounted").arg(mountPoint)));
        return;
    }
    qCInfo(lcSystem).noquote() << "Unmounted" << before.device << "from" << mountPoint;
    done(Status());
}

} // namespace

void scanDrives(ToolRunner &runner, const SystemTools &tools, DrivesCallback done)
{
    std::make_shared<DriveScan>(runner, tools, std::move(done))->start();
}

void findDrive(ToolRunner &runner, const SystemTools &tools, const QString &uuid,
               DriveCallback done)
{
    scanDrives(runner, tools, [uuid, done](Result<QList<Drive>> drives) {
        if (!drives) {
            done(drives.error());
            return;
        }
        for (const Drive &drive : *drives) {
            if (sameFilesystemUuid(drive.uuid, uuid)) {
                done(drive);
                return;
            }
        }
        done(Error::notFound(QStringLiteral("No drive with UUID %1 is connected: connect it, or "
                                            "check the UUID in the drive list")
                                 .arg(uuid)));
    });
}

void verifyMountedDrive(ToolRunner &runner, const SystemTools &tools, const QString &uuid,
                        const QString &mountPoint, MountCallback done)
{
    const auto mounts = readMountInfo();
    if (!mounts) {
        done(mounts.error());
        return;
    }
    const auto mounted = mountAt(*mounts, mountPoint);
    if (!mounted) {
        done(
            Error::notFound(QStringLiteral("Drive %1 is not mounted at %2").arg(uuid, mountPoint)));
        return;
    }
    if (!mounted->device.startsWith(QLatin1String("/dev/"))) {
        done(Error::conflict(QStringLiteral("%1 is mounted at %2, which is not drive %3")
                                 .arg(mounted->device, mountPoint, uuid)));
        return;
    }

    const MountEntry entry = *mounted;
    const ToolCommand command{tools.blkid, blkidArguments(entry.device), kDriveScanTimeout, {}};
    runner.run(command, [entry, command, uuid, mountPoint, done](const ToolResult &result) {
        const auto probe =
            result.succeeded() ? parseBlkidUdev(result.standardOutput) : std::nullopt;
        if (!probe) {
            done(Error::conflict(
                QStringLiteral("Cannot tell which filesystem %1 (mounted at %2) "
                               "holds, so it is not treated as drive %3: %4")
                    .arg(entry.device, mountPoint, uuid, result.describeFailure(command))));
            return;
        }
        if (!sameFilesystemUuid(probe->uuid, uuid)) {
            done(Error::conflict(QStringLiteral("A different filesystem is mounted at %1: %2 has "
                                                "UUID %3, not %4")
                                     .arg(mountPoint, entry.device, probe->uuid, uuid)));
            return;
        }
        done(entry);
    });
}

void mountDrive(ToolRunner &runner, const SystemTools &tools, const Drive &drive,
                const QString &mountPoint, std::chrono::milliseconds timeout, MountCallback done)
{
    // nosuid and nodev, because a backup drive has no business carrying setuid programs or
    // device files that act on this machine.
    const ToolCommand command{tools.mount,
                              {QStringLiteral("-o"), QStringLiteral("nosuid,nodev"),
                               QStringLiteral("--"), drive.path, mountPoint},
                              timeout,
                              {}};
    qCInfo(lcSystem).noquote() << "Mounting" << drive.path << "( UUID" << drive.uuid << ") at"
                               << mountPoint;
    runner.run(command, [command, drive, mountPoint, done](const ToolResult &result) {
        if (!result.succeeded()) {
            done(describeMountFailure(result, command, drive, mountPoint));
            return;
        }
        const auto mounts = readMountInfo();
        if (!mounts) {
            done(mounts.error());
            return;
        }
        const auto mounted = mountAt(*mounts, mountPoint);
        const bool isDrive =
            mounted && (mounted->device == drive.path || mounted->majorMinor == drive.majorMinor);
        if (!isDrive) {
            done(Error(Error::Kind::Unavailable,
                       QStringLiteral("mount reported success but %1 is not mounted at %2")
                           .arg(drive.path, mountPoint)));
            return;
        }
        done(*mounted);
    });
}

void mountDriveByUuid(ToolRunner &runner, const SystemTools &tools, const QString &uuid,
                      const QString &mountPoint, std::chrono::milliseconds timeout,
                      MountCallback done)
{
    if (!isFilesystemUuid(uuid)) {
        done(Error::invalid(QStringLiteral("'%1' is not a filesystem UUID: use the form 1234-ABCD, "
                                           "16 hex digits, or 3b3f0c7e-0d6a-4e8e-9a57-2f7f4c1d9e10")
                                .arg(uuid)));
        return;
    }
    const QString target = resolveExistingPrefix(mountPoint);
    if (const Status location = checkMountPointLocation(target); !location) {
        done(location.error());
        return;
    }

    ToolRunner *toolRunner = &runner;
    findDrive(runner, tools, uuid, [toolRunner, tools, target, timeout, done](Result<Drive> drive) {
        if (!drive) {
            done(drive.error());
            return;
        }
        const auto mounts = readMountInfo();
        if (!mounts) {
            done(mounts.error());
            return;
        }
        const auto atTarget = mountAt(*mounts, target);
        if (atTarget && drive->mountPoints.contains(target) && atTarget->device == drive->path) {
            done(*atTarget);
            return;
        }
        if (!drive->mountPoints.isEmpty()) {
            done(Error::conflict(
                QStringLiteral("Drive %1 is already mounted at %2: unmount it there "
                               "first, or use that folder")
                    .arg(drive->uuid, drive->mountPoints.join(QLatin1String(", ")))));
            return;
        }
        if (const Status prepared = prepareMountPoint(target, *mounts); !prepared) {
            done(prepared.error());
            return;
        }
        mountDrive(*toolRunner, tools, *drive, target, timeout, done);
    });
}

void unmountDrive(ToolRunner &runner, const SystemTools &tools, const QString &mountPoint,
                  std::chrono::milliseconds timeout, StatusCallback done)
{
    const auto mounts = readMountInfo();
    if (!mounts) {
        done(mounts.error());
        return;
    }
    const auto mounted = mountAt(*mounts, mountPoint);
    if (!mounted) {
        done(Error::conflict(QStringLiteral("Nothing is mounted at %1").arg(mountPoint)));
        return;
    }

    // umount flushes too, but an explicit sync first makes a slow flush a sync timeout, which
    // reads better than a stalled unmount, and leaves the data safe if umount then fails.
    const MountEntry entry = *mounted;
    const ToolCommand sync{
        tools.sync, {QStringLiteral("-f"), QStringLiteral("--"), mountPoint}, timeout, {}};
    const ToolCommand umount{tools.umount, {QStringLiteral("--"), mountPoint}, timeout, {}};
    ToolRunner *toolRunner = &runner;
    runner.run(sync, [toolRunner, sync, umount, entry, mountPoint, done](const ToolResult &synced) {
        if (!synced.succeeded()) {
            done(Error(Error::Kind::Unavailable,
                       QStringLiteral("Failed to flush the data to the drive at %1, so it was not "
                                      "unmounted: %2")
                           .arg(mountPoint, synced.describeFailure(sync))));
            return;
        }
        toolRunner->run(umount, [umount, entry, mountPoint, done](const ToolResult &result) {
            if (!result.succeeded()) {
                done(describeUnmountFailure(result, umount, mountPoint));
                return;
            }
            checkUnmounted(entry, mountPoint, done);
        });
    });
}

QStringList processesUsing(const QString &mountPoint, int limit)
{
    QStringList users;
    const QStringList entries =
        QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &pid : entries) {
        if (users.size() >= limit)
            break;
        bool numeric = false;
        pid.toLongLong(&numeric);
        if (!numeric)
            continue;

        const QString base = QStringLiteral("/proc/") + pid;
        QStringList links{base + QStringLiteral("/cwd"), base + QStringLiteral("/root"),
                          base + QStringLiteral("/exe")};
        const QStringList fds =
            QDir(base + QStringLiteral("/fd")).entryList(QDir::System | QDir::NoDotAndDotDot);
        for (const QString &fd : fds)
            links.append(base + QStringLiteral("/fd/") + fd);

        // The root link is "/" unless the process is chrooted, so only a chroot on the drive
        // matches it.
        const bool uses = std::any_of(links.cbegin(), links.cend(), [&](const QString &link) {
            const QString target = QFile::symLinkTarget(link);
            return !target.isEmpty() && isInside(target, mountPoint);
        });
        if (!uses)
            continue;

        QFile comm(base + QStringLiteral("/comm"));
        const QString name = comm.open(QIODevice::ReadOnly)
            ? QString::fromUtf8(comm.readAll()).trimmed()
            : QStringLiteral("unknown");
        users.append(QStringLiteral("%1 (pid %2)").arg(name, pid));
    }
    return users;
}

Error describeMountFailure(const ToolResult &result, const ToolCommand &command, const Drive &drive,
                           const QString &mountPoint)
{
    const QByteArray &errors = result.standardError;
    const QString driveName = QStringLiteral("drive %1 (%2)").arg(drive.uuid, drive.path);
    if (result.outcome != ToolResult::Outcome::Exited) {
        return Error(Error::Kind::Unavailable,
                     QStringLiteral("Failed to mount %1 at %2: %3")
                         .arg(driveName, mountPoint, result.describeFailure(command)));
    }
    if (contains(errors, "unknown filesystem type")) {
        return Error::conflict(
            QStringLiteral("Cannot mount %1: this system has no driver for its %2 "
                           "filesystem. Install one (exfat-fuse for exFAT, "
                           "ntfs-3g for NTFS) or use a drive formatted as ext4.")
                .arg(driveName, drive.fstype.isEmpty() ? QStringLiteral("unknown") : drive.fstype));
    }
    if (contains(errors, "wrong fs type") || contains(errors, "bad superblock")) {
        return Error::conflict(
            QStringLiteral("Cannot mount %1: its %2 filesystem could not be read "
                           "and may be damaged. Check it with fsck and try "
                           "again.")
                .arg(driveName, drive.fstype));
    }
    if (contains(errors, "already mounted") || contains(errors, "busy")) {
        return Error::conflict(QStringLiteral("Cannot mount %1 at %2: it is already mounted or in "
                                              "use. Check the mount list.")
                                   .arg(driveName, mountPoint));
    }
    if (contains(errors, "must be superuser") || contains(errors, "permission denied")
        || contains(errors, "Permission denied")) {
        return Error(Error::Kind::Unavailable,
                     QStringLiteral("Cannot mount %1: the service has no permission to mount "
                                    "drives. Run it as root, or mount the drive yourself.")
                         .arg(driveName));
    }
    if (contains(errors, "does not exist") || contains(errors, "No such file")) {
        return Error::notFound(QStringLiteral("Cannot mount %1: the device is gone. Reconnect the "
                                              "drive and try again.")
                                   .arg(driveName));
    }
    return Error(Error::Kind::Unavailable,
                 QStringLiteral("Failed to mount %1 at %2: %3")
                     .arg(driveName, mountPoint, result.describeFailure(command)));
}

} // namespace dynamight
