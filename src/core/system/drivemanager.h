#pragma once

#include "result.h"
#include "system/blockdevices.h"
#include "system/mountinfo.h"
#include "system/toolrunner.h"

#include <QList>
#include <QString>

#include <chrono>

namespace dynamight {

// The drive and mount operations behind the system API. Each blocks its caller until its
// child processes end or time out (lsblk and blkid 10 s each, mount, sync and umount 60 s
// each), because a QHttpServer 6.4 handler must send its response before it returns.
class DriveManager
{
public:
    explicit DriveManager(SystemTools tools = {});

    Result<QList<Drive>> drives() const;
    // Returns the mount table without pseudo filesystems such as proc, sysfs and tmpfs.
    Result<QList<MountEntry>> mounts() const;
    // See mountDriveByUuid().
    Result<MountEntry> mount(const QString &uuid, const QString &mountPoint) const;
    // See unmountDrive(). Only a filesystem on one of drives() is unmounted: a Conflict for
    // anything else, such as a network share. mountPoint must be resolved as mountinfo shows it.
    Status unmount(const QString &mountPoint) const;

    static constexpr std::chrono::milliseconds kMountTimeout{60000};

private:
    SystemTools m_tools;
};

} // namespace dynamight
