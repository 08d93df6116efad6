#include "system/blockdevices.h"
#include "system/filesystemuuid.h"
#include "system/mountpointrules.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace dynamight;
using namespace Qt::StringLiterals;

namespace {

QByteArray readData(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Returns the drives as GET /system/drives would list them when no device needs a probe.
QList<Drive> listedDrives(const QString &dataFile, const QList<MountEntry> &mounts = {})
{
    const auto tree = parseLsblkJson(readData(dataFile));
    if (!tree)
        return {};
    QList<Drive> drives;
    for (const Drive &drive : candidateDrives(*tree, mounts)) {
        if (holdsFilesystem(drive))
            drives.append(drive);
    }
    sortDrives(drives);
    return drives;
}

QStringList namesOf(const QList<Drive> &drives)
{
    QStringList names;
    for (const Drive &drive : drives)
        names.append(drive.name);
    return names;
}

const Drive *findByName(const QList<Drive> &drives, const QString &name)
{
    for (const Drive &drive : drives) {
        if (drive.name == name)
            return &drive;
    }
    return nullptr;
}

} // namespace

class TestDrives : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void lsblkWithoutUdev();
    void systemDisksLeftOut();
    void drivesSortedUsbFirst();
    void partitionsInheritTransport();
    void systemMajorMinorLeftOut();
    void malformedLsblkRejected_data();
    void malformedLsblkRejected();
    void blkidUdevParsed();
    void blkidWithoutFilesystem();
    void probeCompletesDrive();
    void probeOfContainerIsNoFilesystem();
    void filesystemUuid_data();
    void filesystemUuid();
    void uuidComparedWithoutCase();
    void blockSizeFormatted_data();
    void blockSizeFormatted();
    void mountPointLocation_data();
    void mountPointLocation();
    void existingPrefixResolved();
    void mountPointPrepared();
    void nonEmptyMountPointRejected();
};

void TestDrives::lsblkWithoutUdev()
{
    const QString path = QFINDTESTDATA("data/lsblk/no-udev.json");
    const auto tree = parseLsblkJson(readData(path));
    QVERIFY(tree.ok());

    // The disk that carries / is left out; the loop device and zram stay until probed.
    const QList<Drive> candidates = candidateDrives(*tree, {});
    QCOMPARE(namesOf(candidates), (QStringList{u"loop0"_s, u"zram0"_s}));
    const Drive &loop = candidates.first();
    QCOMPARE(loop.path, u"/dev/loop0"_s);
    QCOMPARE(loop.transport, u"loop"_s);
    QCOMPARE(loop.sizeBytes, qint64(16777216));
    QCOMPARE(loop.mountPoints, QStringList{u"/tmp/dmexp.l6DC/m p"_s});
    QVERIFY(loop.fstype.isEmpty());
    QVERIFY(!loop.removable);
    QCOMPARE(candidates.at(1).sizeBytes, qint64(0));
}

void TestDrives::systemDisksLeftOut()
{
    const QList<Drive> drives = listedDrives(QFINDTESTDATA("data/lsblk/desktop-udev.json"));

    // sda carries / and /boot/efi, sdc an LVM volume at /usr, sdd the swap: none of their
    // devices is offered, not even sda3 or vg-data. squashfs and the empty drive are no targets.
    for (const QString &name : {u"sda1"_s, u"sda2"_s, u"sda3"_s, u"vg-usr"_s, u"vg-data"_s,
                                u"sdd1"_s, u"loop3"_s, u"sr0"_s})
        QVERIFY2(!findByName(drives, name), qPrintable(name));
}

void TestDrives::drivesSortedUsbFirst()
{
    const QList<Drive> drives = listedDrives(QFINDTESTDATA("data/lsblk/desktop-udev.json"));

    QCOMPARE(namesOf(drives), (QStringList{u"sdb1"_s, u"sde"_s, u"nvme0n1p1"_s}));
}

void TestDrives::partitionsInheritTransport()
{
    const QList<Drive> drives = listedDrives(QFINDTESTDATA("data/lsblk/desktop-udev.json"));

    const Drive *photos = findByName(drives, u"sdb1"_s);
    QVERIFY(photos);
    QCOMPARE(photos->transport, u"usb"_s);
    QVERIFY(photos->removable);
    QCOMPARE(photos->label, u"PHOTOS"_s);
    QCOMPARE(photos->uuid, u"64A2-0F1B"_s);
    QCOMPARE(photos->fstype, u"exfat"_s);
    QCOMPARE(photos->mountPoints, QStringList{u"/media/user/PHOTOS"_s});

    const Drive *internal = findByName(drives, u"nvme0n1p1"_s);
    QVERIFY(internal);
    QCOMPARE(internal->transport, u"nvme"_s);
    QVERIFY(!internal->removable);

    const Drive *whole = findByName(drives, u"sde"_s);
    QVERIFY(whole);
    QCOMPARE(whole->label, u"OLD DISK"_s);
    QVERIFY(whole->removable);
}

void TestDrives::systemMajorMinorLeftOut()
{
    const QString path = QFINDTESTDATA("data/lsblk/no-udev.json");
    const auto tree = parseLsblkJson(readData(path));
    QVERIFY(tree.ok());
    // A mount of / that lsblk did not attribute, known only by its major:minor in mountinfo.
    MountEntry root;
    root.mountPoint = u"/"_s;
    root.majorMinor = u"7:0"_s;

    const QList<Drive> candidates = candidateDrives(*tree, {root});

    QVERIFY(!findByName(candidates, u"loop0"_s));
}

void TestDrives::malformedLsblkRejected_data()
{
    QTest::addColumn<QByteArray>("json");

    QTest::newRow("empty") << QByteArray();
    QTest::newRow("not json") << QByteArray("NAME SIZE\nsda 1T");
    QTest::newRow("no blockdevices") << QByteArray(R"({"devices": []})");
    QTest::newRow("blockdevices not an array") << QByteArray(R"({"blockdevices": {}})");
}

void TestDrives::malformedLsblkRejected()
{
    QFETCH(QByteArray, json);

    const auto tree = parseLsblkJson(json);

    QVERIFY(!tree.ok());
    QCOMPARE(tree.error().kind(), Error::Kind::Unavailable);
}

// Recorded from "blkid -p -o udev" (util-linux 2.38.1) on an ext4 image labelled 'Bäck $up"x'.
void TestDrives::blkidUdevParsed()
{
    const QByteArray output = "ID_FS_LABEL=B\xc3\xa4"
                              "ck_$up\"x\n"
                              "ID_FS_LABEL_ENC=B\xc3\xa4"
                              "ck\\x20\\x24up\\x22x\n"
                              "ID_FS_UUID=cceff68b-40ec-42e2-930d-ba8a64ff495e\n"
                              "ID_FS_UUID_ENC=cceff68b-40ec-42e2-930d-ba8a64ff495e\n"
                              "ID_FS_VERSION=1.0\n"
                              "ID_FS_BLOCK_SIZE=1024\n"
                              "ID_FS_TYPE=ext4\n"
                              "ID_FS_USAGE=filesystem\n";

    const auto probe = parseBlkidUdev(output);

    QVERIFY(probe.has_value());
    QCOMPARE(probe->label, u"Bäck $up\"x"_s);
    QCOMPARE(probe->uuid, u"cceff68b-40ec-42e2-930d-ba8a64ff495e"_s);
    QCOMPARE(probe->fstype, u"ext4"_s);
    QCOMPARE(probe->usage, u"filesystem"_s);
}

void TestDrives::blkidWithoutFilesystem()
{
    QVERIFY(!parseBlkidUdev(QByteArray()).has_value());
    QVERIFY(!parseBlkidUdev("ID_PART_TABLE_TYPE=dos\nID_PART_TABLE_UUID=1234abcd\n").has_value());
}

void TestDrives::probeCompletesDrive()
{
    Drive drive;
    drive.name = u"loop0"_s;
    FilesystemProbe probe{u"ext4"_s, u"3b3f0c7e-0d6a-4e8e-9a57-2f7f4c1d9e10"_s, u"BACKUP USB"_s,
                          u"filesystem"_s};

    completeFromProbe(drive, probe);

    QCOMPARE(drive.fstype, u"ext4"_s);
    QCOMPARE(drive.uuid, probe.uuid);
    QCOMPARE(drive.label, u"BACKUP USB"_s);
    QVERIFY(holdsFilesystem(drive));
}

void TestDrives::probeOfContainerIsNoFilesystem()
{
    Drive drive;
    completeFromProbe(drive,
                      FilesystemProbe{u"crypto_LUKS"_s, u"0b1e5f7a-55c1-4b7e-9f0e-3d2c1b0a9f8e"_s,
                                      QString(), u"crypto"_s});
    QVERIFY(!holdsFilesystem(drive));

    Drive swap;
    completeFromProbe(swap,
                      FilesystemProbe{u"swap"_s, u"11112222-3333-4444-5555-666677778888"_s,
                                      QString(), u"other"_s});
    QVERIFY(!holdsFilesystem(swap));
}

void TestDrives::filesystemUuid_data()
{
    QTest::addColumn<QString>("uuid");
    QTest::addColumn<bool>("valid");

    QTest::newRow("fat upper") << u"1234-ABCD"_s << true;
    QTest::newRow("fat lower") << u"64a2-0f1b"_s << true;
    QTest::newRow("ntfs") << u"0123456789ABCDEF"_s << true;
    QTest::newRow("ext4") << u"3b3f0c7e-0d6a-4e8e-9a57-2f7f4c1d9e10"_s << true;
    QTest::newRow("ext4 upper") << u"3B3F0C7E-0D6A-4E8E-9A57-2F7F4C1D9E10"_s << true;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("not hex") << u"ABCD-EFGH"_s << false;
    QTest::newRow("fat short") << u"123-ABCD"_s << false;
    QTest::newRow("ntfs 15 digits") << u"0123456789ABCDE"_s << false;
    QTest::newRow("ntfs 17 digits") << u"0123456789ABCDEF0"_s << false;
    QTest::newRow("36 without dashes") << u"3b3f0c7e00d6a04e8e09a5702f7f4c1d9e10"_s << false;
    QTest::newRow("uuid braces") << u"{3b3f0c7e-0d6a-4e8e-9a57-2f7f4c1d9e10}"_s << false;
    QTest::newRow("trailing newline") << u"1234-ABCD\n"_s << false;
    QTest::newRow("option") << u"--all"_s << false;
    QTest::newRow("path") << u"../../dev/sda"_s << false;
}

void TestDrives::filesystemUuid()
{
    QFETCH(QString, uuid);
    QFETCH(bool, valid);

    QCOMPARE(isFilesystemUuid(uuid), valid);
}

void TestDrives::uuidComparedWithoutCase()
{
    QVERIFY(sameFilesystemUuid(u"64a2-0f1b"_s, u"64A2-0F1B"_s));
    QVERIFY(!sameFilesystemUuid(u"64a2-0f1b"_s, u"64A2-0F1C"_s));
    QVERIFY(!sameFilesystemUuid(QString(), QString()));
}

void TestDrives::blockSizeFormatted_data()
{
    QTest::addColumn<qint64>("bytes");
    QTest::addColumn<QString>("text");

    QTest::newRow("zero") << qint64(0) << u"0B"_s;
    QTest::newRow("bytes") << qint64(512) << u"512B"_s;
    QTest::newRow("32 MiB") << qint64(32) * 1024 * 1024 << u"32M"_s;
    QTest::newRow("500 GiB") << qint64(500) * 1024 * 1024 * 1024 << u"500G"_s;
    QTest::newRow("500 GB disk") << qint64(500107862016) << u"465.8G"_s;
    QTest::newRow("1 TB disk") << qint64(1000204886016) << u"931.5G"_s;
    QTest::newRow("2 TB disk") << qint64(2000398934016) << u"1.8T"_s;
}

void TestDrives::blockSizeFormatted()
{
    QFETCH(qint64, bytes);
    QFETCH(QString, text);

    QCOMPARE(formatBlockSize(bytes), text);
}

void TestDrives::mountPointLocation_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("allowed");

    QTest::newRow("root") << u"/"_s << false;
    QTest::newRow("mnt itself") << u"/mnt"_s << false;
    QTest::newRow("media itself") << u"/media"_s << false;
    QTest::newRow("home itself") << u"/home"_s << false;
    QTest::newRow("tmp itself") << u"/tmp"_s << false;
    QTest::newRow("etc") << u"/etc"_s << false;
    QTest::newRow("inside etc") << u"/etc/backup"_s << false;
    QTest::newRow("inside usr") << u"/usr/local/backup"_s << false;
    QTest::newRow("inside boot") << u"/boot/usb"_s << false;
    QTest::newRow("inside proc") << u"/proc/sys"_s << false;
    QTest::newRow("inside dev") << u"/dev/usb"_s << false;
    QTest::newRow("inside run") << u"/run/media/user/usb"_s << false;
    QTest::newRow("inside var") << u"/var/lib/docker"_s << false;
    QTest::newRow("inside mnt") << u"/mnt/backup"_s << true;
    QTest::newRow("inside media") << u"/media/user/BACKUP"_s << true;
    QTest::newRow("inside home") << u"/home/user/usb"_s << true;
    QTest::newRow("inside tmp") << u"/tmp/test/usb"_s << true;
    QTest::newRow("etc-like name") << u"/etcetera"_s << true;
}

void TestDrives::mountPointLocation()
{
    QFETCH(QString, path);
    QFETCH(bool, allowed);

    const Status checked = checkMountPointLocation(path);

    QCOMPARE(checked.ok(), allowed);
    if (!allowed)
        QVERIFY2(checked.error().message().contains(u"system folder"_s),
                 qPrintable(checked.error().message()));
}

void TestDrives::existingPrefixResolved()
{
    QTemporaryDir temporary;
    QVERIFY(temporary.isValid());
    const QString real = QDir(temporary.path()).canonicalPath();
    QVERIFY(QDir().mkpath(real + u"/real/inside"_s));
    QVERIFY(QFile::link(real + u"/real"_s, real + u"/link"_s));
    QVERIFY(QFile::link(u"/etc"_s, real + u"/to etc"_s));

    QCOMPARE(resolveExistingPrefix(real + u"/link/inside"_s), real + u"/real/inside"_s);
    QCOMPARE(resolveExistingPrefix(real + u"/link/new/deeper"_s), real + u"/real/new/deeper"_s);
    QCOMPARE(resolveExistingPrefix(real + u"/to etc/usb"_s), u"/etc/usb"_s);
    QVERIFY(!checkMountPointLocation(resolveExistingPrefix(real + u"/to etc/usb"_s)).ok());
}

void TestDrives::mountPointPrepared()
{
    QTemporaryDir temporary;
    QVERIFY(temporary.isValid());
    const QString mountPoint = temporary.filePath(u"new/usb drive"_s);

    const Status prepared = prepareMountPoint(mountPoint, {});

    QVERIFY2(prepared.ok(), prepared.ok() ? "" : qPrintable(prepared.error().message()));
    QVERIFY(QFileInfo(mountPoint).isDir());
}

void TestDrives::nonEmptyMountPointRejected()
{
    QTemporaryDir temporary;
    QVERIFY(temporary.isValid());
    const QString mountPoint = temporary.filePath(u"full"_s);
    QVERIFY(QDir().mkpath(mountPoint));
    QFile file(mountPoint + u"/.hidden"_s);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    MountEntry mounted;
    mounted.mountPoint = temporary.filePath(u"busy"_s);
    mounted.device = u"/dev/sdz1"_s;

    const Status notEmpty = prepareMountPoint(mountPoint, {});
    const Status alreadyMounted = prepareMountPoint(mounted.mountPoint, {mounted});
    const Status notFolder = prepareMountPoint(mountPoint + u"/.hidden"_s, {});

    QVERIFY(!notEmpty.ok());
    QCOMPARE(notEmpty.error().kind(), Error::Kind::Conflict);
    QVERIFY(notEmpty.error().message().contains(u"not empty"_s));
    QVERIFY(!alreadyMounted.ok());
    QVERIFY(alreadyMounted.error().message().contains(u"/dev/sdz1"_s));
    QVERIFY(!notFolder.ok());
}

QTEST_GUILESS_MAIN(TestDrives)
#include "tst_drives.moc"
