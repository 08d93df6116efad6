#include "loopdrive.h"

#include "system/mountinfo.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QtDebug>
#include <QUuid>

#include <algorithm>

#include <unistd.h>

namespace {

constexpr int kToolTimeoutMs = 30000;

QString findTool(const QString &name)
{
    const QStringList systemFolders{QStringLiteral("/usr/sbin"), QStringLiteral("/sbin"),
                                    QStringLiteral("/usr/bin"), QStringLiteral("/bin")};
    QString path = QStandardPaths::findExecutable(name);
    if (path.isEmpty())
        path = QStandardPaths::findExecutable(name, systemFolders);
    return path;
}

// Runs a tool and waits for it. Returns false with a description in *error when it fails.
bool runTool(const QString &name, const QStringList &arguments, QString *error,
             QByteArray *output = nullptr)
{
    QProcess process;
    process.start(findTool(name), arguments);
    const bool finished = process.waitForFinished(kToolTimeoutMs);
    if (finished && process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0) {
        if (output)
            *output = process.readAllStandardOutput();
        return true;
    }

    *error = QStringLiteral("%1 %2 failed: %3 %4")
                 .arg(name, arguments.join(u' '), process.errorString(),
                      QString::fromUtf8(process.readAllStandardError()).trimmed());
    if (!finished) {
        process.kill();
        process.waitForFinished();
    }
    return false;
}

QStringList mountPointsOf(const QString &device)
{
    QStringList points;
    const auto mounts = dynamight::readMountInfo();
    if (device.isEmpty() || !mounts)
        return points;
    for (const dynamight::MountEntry &entry : *mounts) {
        if (entry.device == device)
            points.append(entry.mountPoint);
    }
    return points;
}

bool unmountDevice(const QString &device, QString *error)
{
    QStringList points = mountPointsOf(device);
    std::reverse(points.begin(), points.end());
    bool ok = true;
    for (const QString &point : points) {
        // A failed test can leave a program of the server using the drive. A lazy unmount of
        // this device's own mount then detaches it as soon as that program lets go.
        const bool unmounted =
            runTool(QStringLiteral("umount"), {QStringLiteral("--"), point}, error)
            || runTool(QStringLiteral("umount"),
                       {QStringLiteral("--lazy"), QStringLiteral("--"), point}, error);
        ok = unmounted && ok;
    }
    return ok && mountPointsOf(device).isEmpty();
}

// Detaches the device only while it still shows this image, so a device number that another
// program has taken since is left alone.
void detachDevice(const QString &device, const QString &image)
{
    if (device.isEmpty())
        return;
    QFile backing(
        QStringLiteral("/sys/block/%1/loop/backing_file").arg(QFileInfo(device).fileName()));
    const bool ours = backing.open(QIODevice::ReadOnly)
        && QFileInfo(QString::fromUtf8(backing.readAll()).trimmed()).canonicalFilePath()
            == QFileInfo(image).canonicalFilePath();
    QString error;
    if (ours && !runTool(QStringLiteral("losetup"), {QStringLiteral("--detach"), device}, &error))
        qWarning().noquote() << "Failed to detach" << device << ":" << error;
}

// Returns the loop device whose backing file is this image, or an empty string.
QString deviceOf(const QString &image)
{
    const QStringList blocks =
        QDir(QStringLiteral("/sys/block")).entryList({QStringLiteral("loop*")}, QDir::Dirs);
    for (const QString &block : blocks) {
        QFile backing(QStringLiteral("/sys/block/%1/loop/backing_file").arg(block));
        if (backing.open(QIODevice::ReadOnly)
            && QString::fromUtf8(backing.readAll()).trimmed() == image)
            return QStringLiteral("/dev/") + block;
    }
    return {};
}

// The folder of each image names the test process, so that a later run can tell the leftovers
// of a process that died before its destructors ran.
const QString kFolderPrefix = QStringLiteral("dynamight-loopdrive-");

// Unmounts and detaches the images of test processes that are gone, as after a crash or a
// ctest timeout, and removes their folders. Only folders named with kFolderPrefix are touched.
void removeLeftovers()
{
    static const QRegularExpression name(
        QRegularExpression::anchoredPattern(kFolderPrefix + QStringLiteral("(\\d+)-\\w{6}")));
    const QDir temporary(QDir::tempPath());
    const QStringList folders = temporary.entryList({kFolderPrefix + u'*'}, QDir::Dirs);
    for (const QString &folder : folders) {
        const auto match = name.match(folder);
        if (!match.hasMatch() || QFileInfo::exists(QStringLiteral("/proc/") + match.captured(1)))
            continue;

        const QString image = temporary.filePath(folder + QStringLiteral("/drive.img"));
        const QString device = deviceOf(image);
        QString error;
        if (!device.isEmpty() && !unmountDevice(device, &error))
            qWarning().noquote() << "Failed to unmount the leftover" << device << ":" << error;
        detachDevice(device, image);
        QDir(temporary.filePath(folder)).removeRecursively();
        qWarning().noquote() << "Removed the leftover test image" << image;
    }
}

} // namespace

LoopDrive::LoopDrive()
    : m_folder(QDir::tempPath() + u'/' + kFolderPrefix
               + QString::number(QCoreApplication::applicationPid()) + QStringLiteral("-XXXXXX"))
{ }

LoopDrive::~LoopDrive()
{
    unmountAll();
    detachDevice(m_device, m_image);
}

QString LoopDrive::unavailableReason()
{
    if (::geteuid() != 0)
        return QStringLiteral("loop devices need root, and this test runs as uid %1")
            .arg(::geteuid());
    if (!QFileInfo::exists(QStringLiteral("/dev/loop-control")))
        return QStringLiteral("/dev/loop-control is missing, so no loop device can be attached");
    for (const char *tool : {"losetup", "mkfs.ext4", "mount", "umount"}) {
        if (findTool(QString::fromLatin1(tool)).isEmpty())
            return QStringLiteral("%1 is not installed (packages util-linux, mount, e2fsprogs)")
                .arg(QString::fromLatin1(tool));
    }
    return {};
}

bool LoopDrive::create(const QString &label, qint64 sizeBytes)
{
    removeLeftovers();
    if (!m_folder.isValid()) {
        m_error = QStringLiteral("Failed to create a temporary folder for the image");
        return false;
    }
    m_image = m_folder.filePath(QStringLiteral("drive.img"));
    QFile image(m_image);
    if (!image.open(QIODevice::WriteOnly) || !image.resize(sizeBytes)) {
        m_error =
            QStringLiteral("Failed to create the image %1: %2").arg(m_image, image.errorString());
        return false;
    }
    image.close();

    m_uuid = QUuid::createUuid().toString(QUuid::WithoutBraces);
    m_label = label;
    const QStringList format{QStringLiteral("-q"), QStringLiteral("-F"),
                             QStringLiteral("-L"), label,
                             QStringLiteral("-U"), m_uuid,
                             QStringLiteral("--"), m_image};
    if (!runTool(QStringLiteral("mkfs.ext4"), format, &m_error))
        return false;

    QByteArray device;
    const QStringList attach{QStringLiteral("--find"), QStringLiteral("--show"),
                             QStringLiteral("--"), m_image};
    if (!runTool(QStringLiteral("losetup"), attach, &m_error, &device))
        return false;
    m_device = QString::fromUtf8(device).trimmed();
    if (!m_device.startsWith(QLatin1String("/dev/loop"))) {
        m_error = QStringLiteral("losetup printed '%1' instead of a loop device").arg(m_device);
        m_device.clear();
        return false;
    }
    return true;
}

bool LoopDrive::mountAt(const QString &folder)
{
    if (m_device.isEmpty() || !QDir().mkpath(folder))
        return false;
    return runTool(QStringLiteral("mount"), {QStringLiteral("--"), m_device, folder}, &m_error);
}

QStringList LoopDrive::mountPoints() const { return mountPointsOf(m_device); }

bool LoopDrive::unmountAll() { return m_device.isEmpty() || unmountDevice(m_device, &m_error); }
