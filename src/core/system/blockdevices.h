#pragma once

#include "result.h"
#include "system/mountinfo.h"

#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace dynamight {

// One node of the device tree that lsblk prints as JSON; partitions, LVM volumes and mapped
// devices are children of the devices they live on.
struct BlockDevice
{
    QString name;
    QString path;
    // "disk", "part", "loop", "rom", "lvm", "crypt" and so on.
    QString type;
    QString fstype;
    QString label;
    QString uuid;
    QString majorMinor;
    // "usb", "sata", "nvme", ... as lsblk reads it from sysfs; empty for partitions and loops.
    QString transport;
    qint64 sizeBytes = 0;
    QStringList mountPoints;
    bool removable = false;
    bool hotplug = false;
    bool readOnly = false;
    QList<BlockDevice> children;
};

// A filesystem that may be offered as a backup drive: a leaf of the device tree that contains
// a filesystem and does not belong to a disk that carries the running system.
struct Drive
{
    QString name;
    QString path;
    QString type;
    QString label;
    QString uuid;
    QString fstype;
    QString majorMinor;
    // lsblk's transport, inherited from the disk for partitions, and "loop" for loop devices.
    QString transport;
    qint64 sizeBytes = 0;
    QStringList mountPoints;
    // True for media the kernel calls removable or hot-pluggable, as USB drives are.
    bool removable = false;
    bool readOnly = false;
};

// The result of blkid's low-level probe of a device.
struct FilesystemProbe
{
    QString fstype;
    QString uuid;
    QString label;
    // "filesystem", "raid", "crypto" or "other" (swap, for one).
    QString usage;
};

// The arguments for lsblk's JSON tree with sizes in bytes. MOUNTPOINTS needs util-linux 2.37.
QStringList lsblkArguments();
Result<QList<BlockDevice>> parseLsblkJson(QByteArrayView json);

// The arguments for probing one device. "-o udev" is used because "-o export" prints bytes
// above 127 as "M-" sequences (util-linux 2.38.1), which garbles non-ASCII labels, while the
// udev format keeps UTF-8 and escapes only unsafe bytes as \xNN.
QStringList blkidArguments(const QString &devicePath);
// Parses blkid's udev output. Returns std::nullopt when it names no filesystem type.
std::optional<FilesystemProbe> parseBlkidUdev(QByteArrayView output);
// Decodes the \xNN escapes of blkid's *_ENC values.
QString decodeBlkidEscapes(QByteArrayView value);

// Tells whether a mount point belongs to the running system: /, /boot and below, /usr, /var,
// and "[SWAP]", which lsblk prints for active swap.
bool isSystemMountPoint(const QString &mountPoint);

// Flattens the tree into the devices that may hold a drive, leaving out every device of a disk
// that carries the running system, found by lsblk's mount points and by mounts whose
// major:minor matches. Devices that have children (partitioned disks) are left out too, since
// their filesystems live on the children. fstype stays empty where lsblk had no udev data.
QList<Drive> candidateDrives(const QList<BlockDevice> &tree, const QList<MountEntry> &mounts);

// Fills the fields lsblk left empty from a probe.
void completeFromProbe(Drive &drive, const FilesystemProbe &probe);

// Tells whether the drive contains a filesystem that can be mounted for backups: not swap,
// not an LVM, RAID or LUKS container, and not a read-only squashfs image.
bool holdsFilesystem(const Drive &drive);

// Sorts USB drives first, then other removable ones, then the rest, each group by name.
void sortDrives(QList<Drive> &drives);

// Formats a size as lsblk does by default: binary units with one decimal, e.g. "465.8G", "32M".
QString formatBlockSize(qint64 bytes);

} // namespace dynamight
