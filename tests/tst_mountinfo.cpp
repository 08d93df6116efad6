#include "system/mountinfo.h"

#include <QtTest>

using namespace dynamight;
using namespace Qt::StringLiterals;

namespace {

// The lines up to the loop device were recorded on a Debian 12 machine (Linux 6.18) with a loop
// device mounted at a folder whose name has a space. The vfat, sshfs and bind mount lines are
// written by hand in the same format, with a tab, a newline and a backslash in names.
const QByteArray kRecorded =
    "22 27 0:21 / /proc rw,relatime - proc proc rw\n"
    "23 27 0:22 / /sys rw,relatime - sysfs sysfs rw\n"
    "24 27 0:6 / /dev rw,relatime - devtmpfs devtmpfs "
    "rw,size=12335016k,nr_inodes=3083754,mode=755\n"
    "25 24 0:23 / /dev/shm rw,relatime - tmpfs tmpfs rw,size=24683792k\n"
    "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
    "45 27 7:0 / /tmp/dmexp.ivCU/mnt\\040point rw,nosuid,nodev,relatime - ext4 /dev/loop0 rw\n"
    "46 27 8:17 / /media/usb rw,nosuid shared:12 master:3 - vfat /dev/sdb1 rw,fmask=0022\n"
    "47 46 0:50 / /media/usb/tab\\011and\\012newline rw - fuse.sshfs host:/a\\134b rw\n"
    "48 27 8:17 /photos /srv/bound rw - vfat /dev/sdb1 rw\n"
    "49 27 7:1 / /media/usb rw,relatime - ext4 /dev/loop1 rw\n";

} // namespace

class TestMountInfo : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesEveryField();
    void decodesEscapedSpace();
    void decodesOtherEscapes_data();
    void decodesOtherEscapes();
    void skipsOptionalFields();
    void rejectsMalformedLines_data();
    void rejectsMalformedLines();
    void pseudoFilesystems_data();
    void pseudoFilesystems();
    void mountAtReturnsTopmost();
    void mountsBelowFindsNested();
    void readsLiveTable();
};

void TestMountInfo::parsesEveryField()
{
    const auto entry = parseMountInfoLine("27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard");

    QVERIFY(entry.has_value());
    QCOMPARE(entry->mountId, 27);
    QCOMPARE(entry->parentId, 1);
    QCOMPARE(entry->majorMinor, u"254:0"_s);
    QCOMPARE(entry->root, u"/"_s);
    QCOMPARE(entry->mountPoint, u"/"_s);
    QCOMPARE(entry->options, u"rw,relatime"_s);
    QCOMPARE(entry->fstype, u"ext4"_s);
    QCOMPARE(entry->device, u"/dev/vda"_s);
}

void TestMountInfo::decodesEscapedSpace()
{
    const QList<MountEntry> entries = parseMountInfo(kRecorded);
    const auto entry = mountAt(entries, u"/tmp/dmexp.ivCU/mnt point"_s);

    QVERIFY(entry.has_value());
    QCOMPARE(entry->device, u"/dev/loop0"_s);
    QCOMPARE(entry->fstype, u"ext4"_s);
}

void TestMountInfo::decodesOtherEscapes_data()
{
    QTest::addColumn<QByteArray>("field");
    QTest::addColumn<QString>("decoded");

    QTest::newRow("space") << QByteArray("/mnt/my\\040disk") << u"/mnt/my disk"_s;
    QTest::newRow("tab") << QByteArray("a\\011b") << u"a\tb"_s;
    QTest::newRow("newline") << QByteArray("a\\012b") << u"a\nb"_s;
    QTest::newRow("backslash") << QByteArray("a\\134b") << u"a\\b"_s;
    QTest::newRow("utf-8 kept") << QByteArray("/media/Fotos \xc3\xa9t\xc3\xa9")
                                << u"/media/Fotos été"_s;
    QTest::newRow("not an escape") << QByteArray("a\\09b") << u"a\\09b"_s;
    QTest::newRow("trailing backslash") << QByteArray("a\\") << u"a\\"_s;
}

void TestMountInfo::decodesOtherEscapes()
{
    QFETCH(QByteArray, field);
    QFETCH(QString, decoded);

    QCOMPARE(decodeMountInfoEscapes(field), decoded);
}

void TestMountInfo::skipsOptionalFields()
{
    const QList<MountEntry> entries = parseMountInfo(kRecorded);
    const auto it = std::find_if(entries.cbegin(), entries.cend(),
                                 [](const MountEntry &entry) { return entry.mountId == 46; });

    QVERIFY(it != entries.cend());
    QCOMPARE(it->mountPoint, u"/media/usb"_s);
    QCOMPARE(it->fstype, u"vfat"_s);
    QCOMPARE(it->device, u"/dev/sdb1"_s);
    QCOMPARE(it->options, u"rw,nosuid"_s);
}

void TestMountInfo::rejectsMalformedLines_data()
{
    QTest::addColumn<QByteArray>("line");

    QTest::newRow("empty") << QByteArray();
    QTest::newRow("no separator") << QByteArray("27 1 254:0 / / rw,relatime ext4 /dev/vda rw");
    QTest::newRow("nothing after separator") << QByteArray("27 1 254:0 / / rw,relatime - ext4");
    QTest::newRow("id not a number") << QByteArray("x 1 254:0 / / rw,relatime - ext4 /dev/vda rw");
}

void TestMountInfo::rejectsMalformedLines()
{
    QFETCH(QByteArray, line);

    QVERIFY(!parseMountInfoLine(line).has_value());
}

void TestMountInfo::pseudoFilesystems_data()
{
    QTest::addColumn<QString>("fstype");
    QTest::addColumn<bool>("pseudo");

    for (const QString &type : {u"proc"_s, u"sysfs"_s, u"devtmpfs"_s, u"tmpfs"_s, u"cgroup2"_s,
                                u"devpts"_s, u"mqueue"_s, u"fusectl"_s})
        QTest::newRow(qPrintable(type)) << type << true;
    for (const QString &type : {u"ext4"_s, u"vfat"_s, u"exfat"_s, u"fuseblk"_s, u"ntfs3"_s,
                                u"btrfs"_s, u"nfs4"_s, u"fuse.sshfs"_s})
        QTest::newRow(qPrintable(type)) << type << false;
}

void TestMountInfo::pseudoFilesystems()
{
    QFETCH(QString, fstype);
    QFETCH(bool, pseudo);

    QCOMPARE(isPseudoFilesystem(fstype), pseudo);
}

void TestMountInfo::mountAtReturnsTopmost()
{
    const QList<MountEntry> entries = parseMountInfo(kRecorded);
    const auto entry = mountAt(entries, u"/media/usb"_s);

    QVERIFY(entry.has_value());
    QCOMPARE(entry->mountId, 49);
    QCOMPARE(entry->device, u"/dev/loop1"_s);
    QVERIFY(!mountAt(entries, u"/media"_s).has_value());
}

void TestMountInfo::mountsBelowFindsNested()
{
    const QList<MountEntry> entries = parseMountInfo(kRecorded);
    const QList<MountEntry> below = mountsBelow(entries, u"/media/usb"_s);

    QCOMPARE(below.size(), 1);
    QCOMPARE(below.first().mountPoint, u"/media/usb/tab\tand\nnewline"_s);
    QCOMPARE(below.first().device, u"host:/a\\b"_s);
}

void TestMountInfo::readsLiveTable()
{
    const auto entries = readMountInfo();

    QVERIFY2(entries.ok(), entries.ok() ? "" : qPrintable(entries.error().message()));
    QVERIFY(mountAt(*entries, u"/"_s).has_value());
    QVERIFY(mountAt(*entries, u"/proc"_s).has_value());
}

QTEST_GUILESS_MAIN(TestMountInfo)
#include "tst_mountinfo.moc"
