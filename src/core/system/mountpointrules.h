#pragma once

#include "result.h"
#include "system/mountinfo.h"

#include <QList>
#include <QString>

namespace dynamight {

// Resolves the symlinks of the longest part of an absolute, clean path that exists and
// appends the rest unchanged, so a folder that does not exist yet is named as it will be.
QString resolveExistingPrefix(const QString &absolutePath);

// Rejects a mount point that is a system folder: "/", a top-level folder such as /home, /mnt or
// /tmp, or anything inside /bin, /boot, /dev, /etc, /lib*, /proc, /run, /sbin, /sys, /usr or
// /var. path must be resolved (resolveExistingPrefix), so a symlink cannot lead there.
Status checkMountPointLocation(const QString &path);

// Creates the mount point if it is missing and checks that it is an empty folder with nothing
// mounted on it, because mounting over files would hide them.
Status prepareMountPoint(const QString &path, const QList<MountEntry> &mounts);

} // namespace dynamight
