#pragma once

#include <QString>
#include <QStringList>
#include <QTemporaryDir>

// An ext4 image in a temporary folder, attached as a loop device, for tests that need a real
// drive. The destructor unmounts every mount of this device and detaches it, so a test that
// fails half-way leaves nothing behind, and create() first cleans up after test processes that
// died before their destructors ran. It never touches another device or mount.
class LoopDrive
{
public:
    static constexpr qint64 kDefaultSize = 32 * 1024 * 1024;

    LoopDrive();
    ~LoopDrive();
    LoopDrive(const LoopDrive &) = delete;
    LoopDrive &operator=(const LoopDrive &) = delete;

    // Returns why this machine cannot attach loop devices (not root, no /dev/loop-control, no
    // losetup or mkfs.ext4), or an empty string when it can.
    static QString unavailableReason();

    // Formats an image with this label and a new random UUID and attaches it. Returns false with
    // errorString() set when a step fails.
    bool create(const QString &label, qint64 sizeBytes = kDefaultSize);

    QString devicePath() const { return m_device; }
    QString uuid() const { return m_uuid; }
    QString label() const { return m_label; }
    QString errorString() const { return m_error; }

    // Mounts the device at folder (creating it), as a user would before a run.
    bool mountAt(const QString &folder);
    // Returns the folders where this device is mounted now, from /proc/self/mountinfo.
    QStringList mountPoints() const;
    // Unmounts every mount of this device, the most recent first, lazily where it is busy.
    bool unmountAll();

private:
    QTemporaryDir m_folder;
    QString m_image;
    QString m_device;
    QString m_uuid;
    QString m_label;
    QString m_error;
};
