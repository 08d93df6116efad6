#pragma once

#include "result.h"
#include "system/blockdevices.h"
#include "system/mountinfo.h"
#include "system/toolrunner.h"

#include <QString>
#include <QStringList>

#include <chrono>
#include <functional>

namespace dynamight {

// Drive operations written against ToolRunner, so an HTTP handler runs them blocking and a
// backup run runs them from the event loop. Each calls its callback exactly once, unless an
// AsyncToolRunner is aborted or destroyed first. Error messages are written for the user.

using DrivesCallback = std::function<void(Result<QList<Drive>>)>;
using DriveCallback = std::function<void(Result<Drive>)>;
using MountCallback = std::function<void(Result<MountEntry>)>;
using StatusCallback = std::function<void(Status)>;

// How long lsblk and each blkid probe may take.
constexpr std::chrono::milliseconds kDriveScanTimeout{10000};

// Lists the drives, sorted USB first: lsblk's tree without the system disks, each device
// without udev data probed by blkid, keeping those that hold a filesystem.
void scanDrives(ToolRunner &runner, const SystemTools &tools, DrivesCallback done);

// Finds the connected drive whose filesystem has this UUID (NotFound when there is none).
void findDrive(ToolRunner &runner, const SystemTools &tools, const QString &uuid,
               DriveCallback done);

// Checks that the filesystem with this UUID is the one mounted at mountPoint, which must be
// resolved as mountinfo shows it. NotFound when nothing is mounted there, Conflict when a
// different filesystem is.
void verifyMountedDrive(ToolRunner &runner, const SystemTools &tools, const QString &uuid,
                        const QString &mountPoint, MountCallback done);

// Mounts the drive at a prepared mount point with nosuid and nodev, then returns the new
// mount table entry.
void mountDrive(ToolRunner &runner, const SystemTools &tools, const Drive &drive,
                const QString &mountPoint, std::chrono::milliseconds timeout, MountCallback done);

// Finds the drive with this UUID and mounts it at mountPoint: checks that mountPoint is not a
// system folder, that the drive is not mounted elsewhere, and prepares the mount point
// (prepareMountPoint). mountPoint must be absolute and clean; symlinks in it are resolved. When
// the drive is mounted at mountPoint already, returns that mount.
void mountDriveByUuid(ToolRunner &runner, const SystemTools &tools, const QString &uuid,
                      const QString &mountPoint, std::chrono::milliseconds timeout,
                      MountCallback done);

// Flushes the filesystem with "sync -f" and unmounts it. A busy filesystem is a Conflict whose
// message names the processes and mounts that keep it busy.
void unmountDrive(ToolRunner &runner, const SystemTools &tools, const QString &mountPoint,
                  std::chrono::milliseconds timeout, StatusCallback done);

// Names the processes whose working directory, root, executable or open files are at or below
// mountPoint, as "name (pid N)", at most `limit` of them.
QStringList processesUsing(const QString &mountPoint, int limit = 5);

// Turns a failed mount into a message for the user, from mount's stderr (util-linux 2.38).
Error describeMountFailure(const ToolResult &result, const ToolCommand &command, const Drive &drive,
                           const QString &mountPoint);

} // namespace dynamight
