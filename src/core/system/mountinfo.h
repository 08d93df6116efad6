#pragma once

#include "result.h"

#include <QByteArrayView>
#include <QList>
#include <QString>

#include <optional>

namespace dynamight {

// One line of /proc/self/mountinfo (see proc(5)), with the kernel's octal escapes decoded.
struct MountEntry
{
    int mountId = 0;
    int parentId = 0;
    // The st_dev of files on this mount as "major:minor", e.g. "7:0" for /dev/loop0.
    QString majorMinor;
    // The folder of the filesystem that is mounted here; "/" unless this is a bind mount.
    QString root;
    QString mountPoint;
    // The per-mount options, e.g. "rw,nosuid,nodev,relatime".
    QString options;
    QString fstype;
    // The mount source, usually the device path, e.g. "/dev/sdb1".
    QString device;
};

// Parses one mountinfo line. Returns std::nullopt when the line lacks a field.
std::optional<MountEntry> parseMountInfoLine(QByteArrayView line);
// Parses the whole file, skipping malformed lines.
QList<MountEntry> parseMountInfo(QByteArrayView text);

// Decodes the "\ooo" escapes (backslash and three octal digits) that the kernel writes for a
// space, tab, newline or backslash in a path, so "/mnt/my\040disk" becomes "/mnt/my disk".
// Names are decoded as UTF-8.
QString decodeMountInfoEscapes(QByteArrayView field);

// Tells whether a filesystem type is a kernel or memory filesystem (proc, sysfs, tmpfs, cgroup
// and the like) that keeps no user data on a drive.
bool isPseudoFilesystem(const QString &fstype);

// Reads and parses the mount table; path is only replaced by tests.
Result<QList<MountEntry>>
readMountInfo(const QString &path = QStringLiteral("/proc/self/mountinfo"));

// Returns the mount that is visible at mountPoint: the last one mounted there, which hides any
// earlier ones. mountPoint must be written as mountinfo writes it, with symlinks resolved.
std::optional<MountEntry> mountAt(const QList<MountEntry> &mounts, const QString &mountPoint);

// Returns the mounts strictly below mountPoint, which keep it busy until they are unmounted.
QList<MountEntry> mountsBelow(const QList<MountEntry> &mounts, const QString &mountPoint);

} // namespace dynamight
