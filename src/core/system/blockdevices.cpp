#include "system/blockdevices.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <algorithm>

namespace dynamight {

namespace {

QString stringField(const QJsonObject &object, const char *key)
{
    const QJsonValue value = object.value(QLatin1String(key));
    return value.isString() ? value.toString() : QString();
}

// lsblk 2.38 prints booleans as true/false; older versions print "0"/"1" or 0/1.
bool boolField(const QJsonObject &object, const char *key)
{
    const QJsonValue value = object.value(QLatin1String(key));
    if (value.isBool())
        return value.toBool();
    if (value.isString())
        return value.toString() == QLatin1String("1");
    return value.toInt() != 0;
}

// With -b, lsblk 2.38 prints sizes as numbers; older versions print strings.
qint64 sizeField(const QJsonObject &object)
{
    const QJsonValue value = object.value(QLatin1String("size"));
    if (value.isString())
        return value.toString().toLongLong();
    return value.toInteger();
}

BlockDevice parseDevice(const QJsonObject &object)
{
    BlockDevice device;
    device.name = stringField(object, "name");
    device.path = stringField(object, "path");
    device.type = stringField(object, "type");
    device.fstype = stringField(object, "fstype");
    device.label = stringField(object, "label");
    device.uuid = stringField(object, "uuid");
    device.majorMinor = stringField(object, "maj:min");
    device.transport = stringField(object, "tran");
    device.sizeBytes = sizeField(object);
    device.removable = boolField(object, "rm");
    device.hotplug = boolField(object, "hotplug");
    device.readOnly = boolField(object, "ro");

    // An unmounted device has [null] here.
    for (const QJsonValue &mountPoint : object.value(QLatin1String("mountpoints")).toArray()) {
        if (mountPoint.isString() && !mountPoint.toString().isEmpty())
            device.mountPoints.append(mountPoint.toString());
    }
    for (const QJsonValue &child : object.value(QLatin1String("children")).toArray())
        device.children.append(parseDevice(child.toObject()));
    return device;
}

bool carriesSystem(const BlockDevice &device, const QSet<QString> &systemMajorMinors)
{
    if (systemMajorMinors.contains(device.majorMinor))
        return true;
    if (std::any_of(device.mountPoints.cbegin(), device.mountPoints.cend(), isSystemMountPoint))
        return true;
    return std::any_of(
        device.children.cbegin(), device.children.cend(),
        [&](const BlockDevice &child) { return carriesSystem(child, systemMajorMinors); });
}

struct Inherited
{
    QString transport;
    bool removable = false;
};

void collectLeaves(const BlockDevice &device, Inherited inherited, QList<Drive> &drives,
                   QSet<QString> &seen)
{
    if (!device.transport.isEmpty())
        inherited.transport = device.transport;
    if (device.type == QLatin1String("loop"))
        inherited.transport = QStringLiteral("loop");
    inherited.removable = inherited.removable || device.removable || device.hotplug;

    if (!device.children.isEmpty()) {
        for (const BlockDevice &child : device.children)
            collectLeaves(child, inherited, drives, seen);
        return;
    }
    // A volume that spans two disks appears under both.
    if (device.path.isEmpty() || seen.contains(device.path))
        return;
    seen.insert(device.path);

    Drive drive;
    drive.name = device.name;
    drive.path = device.path;
    drive.type = device.type;
    drive.label = device.label;
    drive.uuid = device.uuid;
    drive.fstype = device.fstype;
    drive.majorMinor = device.majorMinor;
    drive.transport = inherited.transport;
    drive.sizeBytes = device.sizeBytes;
    drive.mountPoints = device.mountPoints;
    drive.removable = inherited.removable;
    drive.readOnly = device.readOnly;
    drives.append(drive);
}

int sortGroup(const Drive &drive)
{
    if (drive.transport == QLatin1String("usb"))
        return 0;
    return drive.removable ? 1 : 2;
}

} // namespace

QStringList lsblkArguments()
{
    return {QStringLiteral("--json"), QStringLiteral("--bytes"), QStringLiteral("--output"),
            QStringLiteral("NAME,PATH,TYPE,FSTYPE,LABEL,UUID,MAJ:MIN,TRAN,SIZE,MOUNTPOINTS,RM,"
                           "HOTPLUG,RO")};
}

Result<QList<BlockDevice>> parseLsblkJson(QByteArrayView json)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json.toByteArray(), &parseError);
    const QJsonValue devices = document.object().value(QLatin1String("blockdevices"));
    if (parseError.error != QJsonParseError::NoError || !devices.isArray()) {
        return Error(Error::Kind::Unavailable,
                     QStringLiteral("Failed to read the device list from lsblk: its output is not "
                                    "the expected JSON (%1)")
                         .arg(parseError.errorString()));
    }

    QList<BlockDevice> tree;
    for (const QJsonValue &device : devices.toArray())
        tree.append(parseDevice(device.toObject()));
    return tree;
}

QStringList blkidArguments(const QString &devicePath)
{
    // -p probes the device itself instead of the cache, which without udev may be stale.
    return {QStringLiteral("-p"), QStringLiteral("-o"), QStringLiteral("udev"),
            QStringLiteral("--"), devicePath};
}

QString decodeBlkidEscapes(QByteArrayView value)
{
    QByteArray decoded;
    for (qsizetype i = 0; i < value.size(); ++i) {
        if (value[i] == '\\' && i + 3 < value.size() && value[i + 1] == 'x') {
            bool ok = false;
            const int byte = value.sliced(i + 2, 2).toByteArray().toInt(&ok, 16);
            if (ok) {
                decoded.append(char(byte));
                i += 3;
                continue;
            }
        }
        decoded.append(value[i]);
    }
    return QString::fromUtf8(decoded);
}

std::optional<FilesystemProbe> parseBlkidUdev(QByteArrayView output)
{
    FilesystemProbe probe;
    QString plainLabel;
    bool encodedLabel = false;
    for (const QByteArray &line : output.toByteArray().split('\n')) {
        const qsizetype equals = line.indexOf('=');
        if (equals <= 0)
            continue;
        const QByteArray key = line.left(equals);
        const QByteArrayView value = QByteArrayView(line).sliced(equals + 1);
        if (key == "ID_FS_TYPE") {
            probe.fstype = QString::fromUtf8(value);
        } else if (key == "ID_FS_UUID") {
            probe.uuid = QString::fromUtf8(value);
        } else if (key == "ID_FS_USAGE") {
            probe.usage = QString::fromUtf8(value);
        } else if (key == "ID_FS_LABEL_ENC") {
            probe.label = decodeBlkidEscapes(value);
            encodedLabel = true;
        } else if (key == "ID_FS_LABEL") {
            plainLabel = QString::fromUtf8(value);
        }
    }
    if (!encodedLabel)
        probe.label = plainLabel;
    if (probe.fstype.isEmpty())
        return std::nullopt;
    return probe;
}

bool isSystemMountPoint(const QString &mountPoint)
{
    static const QSet<QString> exact{
        QStringLiteral("/"),    QStringLiteral("/boot"),  QStringLiteral("/usr"),
        QStringLiteral("/var"), QStringLiteral("[SWAP]"),
    };
    return exact.contains(mountPoint) || mountPoint.startsWith(QLatin1String("/boot/"));
}

QList<Drive> candidateDrives(const QList<BlockDevice> &tree, const QList<MountEntry> &mounts)
{
    QSet<QString> systemMajorMinors;
    for (const MountEntry &mount : mounts) {
        if (isSystemMountPoint(mount.mountPoint))
            systemMajorMinors.insert(mount.majorMinor);
    }

    QList<Drive> drives;
    QSet<QString> seen;
    for (const BlockDevice &device : tree) {
        if (carriesSystem(device, systemMajorMinors)) {
            seen.insert(device.path);
            continue;
        }
        collectLeaves(device, Inherited(), drives, seen);
    }
    return drives;
}

void completeFromProbe(Drive &drive, const FilesystemProbe &probe)
{
    if (drive.fstype.isEmpty())
        drive.fstype = probe.fstype;
    if (drive.uuid.isEmpty())
        drive.uuid = probe.uuid;
    if (drive.label.isEmpty())
        drive.label = probe.label;
    if (!probe.usage.isEmpty() && probe.usage != QLatin1String("filesystem"))
        drive.fstype.clear();
}

bool holdsFilesystem(const Drive &drive)
{
    static const QSet<QString> notFilesystems{
        QStringLiteral("swap"),        QStringLiteral("LVM2_member"),
        QStringLiteral("crypto_LUKS"), QStringLiteral("linux_raid_member"),
        QStringLiteral("zfs_member"),  QStringLiteral("bcache"),
        QStringLiteral("squashfs"),    QStringLiteral("BitLocker"),
    };
    return !drive.fstype.isEmpty() && !notFilesystems.contains(drive.fstype);
}

void sortDrives(QList<Drive> &drives)
{
    std::stable_sort(drives.begin(), drives.end(), [](const Drive &first, const Drive &second) {
        const int firstGroup = sortGroup(first);
        const int secondGroup = sortGroup(second);
        if (firstGroup != secondGroup)
            return firstGroup < secondGroup;
        return first.name < second.name;
    });
}

QString formatBlockSize(qint64 bytes)
{
    static const char units[] = "BKMGTPE";
    int exponent = 0;
    double value = double(qMax<qint64>(bytes, 0));
    while (value >= 1024.0 && exponent < 6) {
        value /= 1024.0;
        ++exponent;
    }

    // One decimal, dropped when it rounds to zero, as lsblk prints "500G" but "465.8G".
    const qint64 tenths = qRound64(value * 10.0);
    const QString unit = exponent == 0 ? QString() : QString(QLatin1Char(units[exponent]));
    if (exponent == 0)
        return QString::number(bytes) + u'B';
    if (tenths % 10 == 0)
        return QString::number(tenths / 10) + unit;
    return QString::number(tenths / 10) + u'.' + QString::number(tenths % 10) + unit;
}

} // namespace dynamight
