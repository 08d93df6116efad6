#include "apiclient.h"
#include "loopdrive.h"
#include "serverprocess.h"
#include "testtree.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace {

constexpr int kRunTimeoutMs = 30000;

bool isFinished(const QString &status)
{
    return status == u"completed"_s || status == u"partial"_s || status == u"failed"_s
        || status == u"cancelled"_s;
}

// A fresh ext4 image contains only this folder.
const QStringList kEmptyExt4{u"lost+found/"_s};

} // namespace

// Local jobs whose destination is a drive given by usb_uuid, run against real loop devices, and
// POST /jobs/:id/preview. The loop-device tests skip themselves on machines that cannot attach
// one.
class TestUsbJobs : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void autoMountJobCopiesAndUnmounts();
    void mountedDriveUsedAsIs();
    void missingDriveWritesNothing();
    void unmountedDriveWithoutAutoMountFails();
    void wrongDriveMountedWritesNothing();
    void emptySourceWithDeletionAborts();
    void notEnoughSpaceFails();
    void cancelStillUnmounts();
    void previewCountsChanges();
    void previewOfUnmountedDriveConflicts();
    void previewOfEmptySourceWithDeletionConflicts();
    void previewOfUnknownJob();

private:
    QString path(const QString &relative) const { return m_workspace.filePath(relative); }
    QJsonObject usbJob(const QString &name, const QString &source, const QString &mountPoint,
                       const QString &uuid, const QJsonObject &flags,
                       const QJsonObject &syncOptions = {}) const;
    qint64 createJob(const QJsonObject &body);
    qint64 startRun(qint64 jobId);
    QJsonObject waitForRunEnd(qint64 runId);
    QJsonObject runToEnd(qint64 jobId);
    QStringList logMessages(qint64 runId);
    bool makeTree(const QString &root, const QList<TestTree::File> &files) const;
    bool createDrive(LoopDrive &drive, const QString &label, qint64 size = LoopDrive::kDefaultSize);

    QTemporaryDir m_workspace;
    std::unique_ptr<ServerProcess> m_server;
    std::unique_ptr<ApiClient> m_client;
};

void TestUsbJobs::initTestCase()
{
    QVERIFY(m_workspace.isValid());
    m_server = std::make_unique<ServerProcess>();
    QVERIFY2(m_server->start(), m_server->standardError().constData());
    m_client = std::make_unique<ApiClient>(m_server->baseUrl());
    QCOMPARE(m_client->setUpAdmin().status / 100, 2);
}

void TestUsbJobs::cleanupTestCase()
{
    m_client.reset();
    if (m_server && m_server->port() != 0)
        QCOMPARE(m_server->stop(), 0);
}

QJsonObject TestUsbJobs::usbJob(const QString &name, const QString &source,
                                const QString &mountPoint, const QString &uuid,
                                const QJsonObject &flags, const QJsonObject &syncOptions) const
{
    QJsonObject config{{u"mount_point"_s, mountPoint}, {u"backup_subdir"_s, u"backups"_s}};
    if (!uuid.isEmpty())
        config.insert(u"usb_uuid"_s, uuid);
    for (auto it = flags.constBegin(); it != flags.constEnd(); ++it)
        config.insert(it.key(), it.value());
    return {
        {u"name"_s, name},
        {u"source_dirs"_s, QJsonArray{source}},
        {u"destination_type"_s, u"local"_s},
        {u"destination_config"_s, config},
        {u"sync_options"_s, syncOptions},
    };
}

qint64 TestUsbJobs::createJob(const QJsonObject &body)
{
    const HttpReply reply = m_client->post(u"/api/jobs"_s, body);
    if (reply.status != 201)
        qWarning() << "POST /api/jobs returned" << reply.status << reply.body;
    return reply.object().value(u"id"_s).toInteger();
}

qint64 TestUsbJobs::startRun(qint64 jobId)
{
    const HttpReply reply = m_client->post(u"/api/jobs/%1/run"_s.arg(jobId));
    if (reply.status != 200 && reply.status != 202)
        qWarning() << "POST /api/jobs/" << jobId << "/run returned" << reply.status << reply.body;
    return reply.object().value(u"run_id"_s).toInteger();
}

QJsonObject TestUsbJobs::waitForRunEnd(qint64 runId)
{
    const QDeadlineTimer deadline(kRunTimeoutMs);
    QJsonObject run = m_client->get(u"/api/runs/%1"_s.arg(runId)).object();
    while (!isFinished(run.value(u"status"_s).toString()) && !deadline.hasExpired()) {
        QTest::qWait(50);
        run = m_client->get(u"/api/runs/%1"_s.arg(runId)).object();
    }
    return run;
}

QJsonObject TestUsbJobs::runToEnd(qint64 jobId)
{
    const qint64 runId = startRun(jobId);
    return runId > 0 ? waitForRunEnd(runId) : QJsonObject();
}

QStringList TestUsbJobs::logMessages(qint64 runId)
{
    QStringList messages;
    for (const QJsonValue &entry : m_client->get(u"/api/runs/%1/logs"_s.arg(runId)).array())
        messages.append(entry.toObject().value(u"message"_s).toString());
    return messages;
}

bool TestUsbJobs::makeTree(const QString &root, const QList<TestTree::File> &files) const
{
    return QDir().mkpath(root) && TestTree(root).addFiles(files);
}

bool TestUsbJobs::createDrive(LoopDrive &drive, const QString &label, qint64 size)
{
    if (!drive.create(label, size)) {
        qWarning().noquote() << drive.errorString();
        return false;
    }
    return true;
}

#define SKIP_WITHOUT_LOOP_DEVICES()                                                                \
    do {                                                                                           \
        if (const QString reason = LoopDrive::unavailableReason(); !reason.isEmpty())              \
            QSKIP(qPrintable(reason));                                                             \
    } while (false)

#define CREATE_DRIVE_OR_SKIP(drive, ...)                                                           \
    do {                                                                                           \
        if (!createDrive(drive, __VA_ARGS__))                                                      \
            QSKIP(qPrintable(u"Could not attach a loop device: "_s + (drive).errorString()));      \
    } while (false)

void TestUsbJobs::autoMountJobCopiesAndUnmounts()
{
    SKIP_WITHOUT_LOOP_DEVICES();
    LoopDrive drive;
    CREATE_DRIVE_OR_SKIP(drive, u"DM AUTO"_s);
    const QString source = path(u"auto/my documents"_s);
    const QString mountPoint = path(u"auto/usb drive"_s);
    QVERIFY(makeTree(source, TestTree::awkwardFiles()));
    const qint64 jobId = createJob(usbJob(u"Auto mount"_s, source, mountPoint, drive.uuid(),
                                          {{u"auto_mount"_s, true}, {u"auto_unmount"_s, true}}));
    QVERIFY(jobId > 0);

    const QJsonObject run = runToEnd(jobId);

    QCOMPARE(run.value(u"status"_s).toString(), u"completed"_s);
    QCOMPARE(run.value(u"files_transferred"_s).toInteger(), TestTree::awkwardFiles().size());
    QCOMPARE(drive.mountPoints(), QStringList());
    QCOMPARE(listTree(mountPoint), QStringList());
    const QStringList messages = logMessages(run.value(u"id"_s).toInteger());
    QVERIFY2(!messages.filter(u"Mounted drive"_s).isEmpty(), qPrintable(messages.join(u" | "_s)));
    QVERIFY2(!messages.filter(u"Unmounted drive"_s).isEmpty(), qPrintable(messages.join(u" | "_s)));

    const QString check = path(u"auto/check"_s);
    QVERIFY(drive.mountAt(check));
    const QString differences = compareTrees(source, check + u"/backups/my documents"_s);
    QVERIFY2(differences.isEmpty(), qPrintable(differences));
    QVERIFY(drive.unmountAll());
}

void TestUsbJobs::mountedDriveUsedAsIs()
{
    SKIP_WITHOUT_LOOP_DEVICES();
    LoopDrive drive;
    CREATE_DRIVE_OR_SKIP(drive, u"DM MOUNTED"_s);
    const QString source = path(u"mounted/photos"_s);
    const QString mountPoint = path(u"mounted/drive"_s);
    QVERIFY(makeTree(source, {{u"a.jpg"_s, 1000}, {u"b.jpg"_s, 2000}}));
    QVERIFY(drive.mountAt(mountPoint));
    const qint64 jobId = createJob(usbJob(u"Mounted"_s, source, mountPoint, drive.uuid(), {}));
    QVERIFY(jobId > 0);

    const QJsonObject run = runToEnd(jobId);

    QCOMPARE(run.value(u"status"_s).toString(), u"completed"_s);
    QCOMPARE(run.value(u"bytes_transferred"_s).toInteger(), 3000);
    // Without auto_unmount the drive stays as the user left it.
    QCOMPARE(drive.mountPoints(), QStringList{mountPoint});
    QVERIFY(compareTrees(source, mountPoint + u"/backups/photos"_s).isEmpty());
}

void TestUsbJobs::missingDriveWritesNothing()
{
    const QString source = path(u"missing/docs"_s);
    const QString mountPoint = path(u"missing/usb"_s);
    const QString absent = path(u"missing/not created"_s);
    QVERIFY(makeTree(source, {{u"report.pdf"_s, 500}}));
    QVERIFY(QDir().mkpath(mountPoint));
    const QString uuid = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QJsonObject flags{{u"auto_mount"_s, true}, {u"auto_unmount"_s, true}};
    const qint64 jobId = createJob(usbJob(u"Missing drive"_s, source, mountPoint, uuid, flags));
    const qint64 absentJobId =
        createJob(usbJob(u"Missing drive, no folder"_s, source, absent, uuid, flags));
    QVERIFY(jobId > 0 && absentJobId > 0);

    const QJsonObject run = runToEnd(jobId);
    const QJsonObject absentRun = runToEnd(absentJobId);

    QCOMPARE(run.value(u"status"_s).toString(), u"failed"_s);
    const QString error = run.value(u"error_message"_s).toString();
    QVERIFY2(error.contains(uuid) && error.contains(u"No drive"_s)
                 && error.contains(u"Nothing was written"_s),
             qPrintable(error));
    QCOMPARE(listTree(mountPoint), QStringList());
    QCOMPARE(absentRun.value(u"status"_s).toString(), u"failed"_s);
    QVERIFY(!QFileInfo::exists(absent));
    QCOMPARE(run.value(u"commands"_s).toArray(), QJsonArray());
}

void TestUsbJobs::unmountedDriveWithoutAutoMountFails()
{
    SKIP_WITHOUT_LOOP_DEVICES();
    LoopDrive drive;
    CREATE_DRIVE_OR_SKIP(drive, u"DM MANUAL"_s);
    const QString source = path(u"manual/docs"_s);
    const QString mountPoint = path(u"manual/usb"_s);
    QVERIFY(makeTree(source, {{u"notes.txt"_s, 50}}));
    QVERIFY(QDir().mkpath(mountPoint));
    const qint64 jobId = createJob(
        usbJob(u"Manual mount"_s, source, mountPoint, drive.uuid(), {{u"auto_unmount"_s, true}}));
    QVERIFY(jobId > 0);

    const QJsonObject run = runToEnd(jobId);

    QCOMPARE(run.value(u"status"_s).toString(), u"failed"_s);
    const QString error = run.value(u"error_message"_s).toString();
    QVERIFY2(error.contains(u"not mounted"_s) && error.contains(u"auto_mount"_s),
             qPrintable(error));
    QCOMPARE(listTree(mountPoint), QStringList());
    QCOMPARE(drive.mountPoints(), QStringList());
}

void TestUsbJobs::wrongDriveMountedWritesNothing()
{
    SKIP_WITHOUT_LOOP_DEVICES();
    LoopDrive expected;
    LoopDrive other;
    CREATE_DRIVE_OR_SKIP(expected, u"DM EXPECTED"_s);
    CREATE_DRIVE_OR_SKIP(other, u"DM OTHER"_s);
    const QString source = path(u"wrong/docs"_s);
    const QString mountPoint = path(u"wrong/usb"_s);
    QVERIFY(makeTree(source, {{u"a.txt"_s, 10}}));
    QVERIFY(other.mountAt(mountPoint));
    const qint64 jobId = createJob(usbJob(u"Wrong drive"_s, source, mountPoint, expected.uuid(),
                                          {{u"auto_mount"_s, true}, {u"auto_unmount"_s, true}}));
    QVERIFY(jobId > 0);

    const QJsonObject run = runToEnd(jobId);

    QCOMPARE(run.value(u"status"_s).toString(), u"failed"_s);
    const QString error = run.value(u"error_message"_s).toString();
    QVERIFY2(error.contains(u"different filesystem"_s) && error.contains(other.uuid()),
             qPrintable(error));
    QCOMPARE(listTree(mountPoint), kEmptyExt4);
    // The drive that is not the job's is never unmounted by it.
    QCOMPARE(other.mountPoints(), QStringList{mountPoint});
    QCOMPARE(expected.mountPoints(), QStringList());
}

void TestUsbJobs::emptySourceWithDeletionAborts()
{
    SKIP_WITHOUT_LOOP_DEVICES();
    LoopDrive drive;
    CREATE_DRIVE_OR_SKIP(drive, u"DM MIRROR"_s);
    const QString source = path(u"mirror/photos"_s);
    const QString mountPoint = path(u"mirror/usb"_s);
    QVERIFY(makeTree(source, {{u"keep 1.jpg"_s, 100}, {u"keep 2.jpg"_s, 200}}));
    const qint64 jobId = createJob(usbJob(u"Mirror"_s, source, mountPoint, drive.uuid(),
                                          {{u"auto_mount"_s, true}, {u"auto_unmount"_s, true}},
                                          {{u"delete_extraneous"_s, true}}));
    QVERIFY(jobId > 0);
    QCOMPARE(runToEnd(jobId).value(u"status"_s).toString(), u"completed"_s);
    QVERIFY(TestTree(source).removeFile(u"keep 1.jpg"_s));
    QVERIFY(TestTree(source).removeFile(u"keep 2.jpg"_s));

    const QJsonObject run = runToEnd(jobId);

    QCOMPARE(run.value(u"status"_s).toString(), u"failed"_s);
    const QString error = run.value(u"error_message"_s).toString();
    QVERIFY2(error.contains(source) && error.contains(u"empty"_s), qPrintable(error));
    QCOMPARE(run.value(u"files_deleted"_s).toInteger(), 0);
    QCOMPARE(drive.mountPoints(), QStringList());
    const QString check = path(u"mirror/check"_s);
    QVERIFY(drive.mountAt(check));
    QCOMPARE(listTree(check + u"/backups/photos"_s),
             (QStringList{u"keep 1.jpg"_s, u"keep 2.jpg"_s}));
    QVERIFY(drive.unmountAll());
}

void TestUsbJobs::notEnoughSpaceFails()
{
    SKIP_WITHOUT_LOOP_DEVICES();
    LoopDrive drive;
    CREATE_DRIVE_OR_SKIP(drive, u"DM SMALL"_s, 16 * 1024 * 1024);
    const QString source = path(u"big/videos"_s);
    const QString mountPoint = path(u"big/usb"_s);
    QVERIFY(makeTree(source, {{u"film.mkv"_s, 20 * 1024 * 1024}, {u"trailer.mkv"_s, 1024 * 1024}}));
    const qint64 jobId = createJob(usbJob(u"Too big"_s, source, mountPoint, drive.uuid(),
                                          {{u"auto_mount"_s, true}, {u"auto_unmount"_s, true}}));
    QVERIFY(jobId > 0);

    const QJsonObject run = runToEnd(jobId);

    QCOMPARE(run.value(u"status"_s).toString(), u"failed"_s);
    const QString error = run.value(u"error_message"_s).toString();
    QVERIFY2(error.contains(u"Not enough free space"_s), qPrintable(error));
    QVERIFY2(error.contains(u"%1 bytes"_s.arg(21 * 1024 * 1024)), qPrintable(error));
    QVERIFY2(error.contains(u"are free"_s), qPrintable(error));
    QCOMPARE(run.value(u"files_transferred"_s).toInteger(), 0);
    QCOMPARE(run.value(u"commands"_s).toArray(), QJsonArray());
    QCOMPARE(drive.mountPoints(), QStringList());
    const QString check = path(u"big/check"_s);
    QVERIFY(drive.mountAt(check));
    QCOMPARE(listTree(check), kEmptyExt4);
    QVERIFY(drive.unmountAll());
}

void TestUsbJobs::cancelStillUnmounts()
{
    SKIP_WITHOUT_LOOP_DEVICES();
    LoopDrive drive;
    CREATE_DRIVE_OR_SKIP(drive, u"DM CANCEL"_s);
    const QString source = path(u"cancel/slow"_s);
    const QString mountPoint = path(u"cancel/usb"_s);
    // About 80 s at 100 KiB/s, so the run is still copying when it is cancelled.
    QVERIFY(makeTree(source, {{u"large.bin"_s, 8 * 1024 * 1024}}));
    const qint64 jobId = createJob(usbJob(u"Cancel"_s, source, mountPoint, drive.uuid(),
                                          {{u"auto_mount"_s, true}, {u"auto_unmount"_s, true}},
                                          {{u"bandwidth_limit_kbps"_s, 100}}));
    QVERIFY(jobId > 0);
    const qint64 runId = startRun(jobId);
    QVERIFY(runId > 0);
    QTRY_VERIFY_WITH_TIMEOUT(!m_client->get(u"/api/runs/%1"_s.arg(runId))
                                  .object()
                                  .value(u"commands"_s)
                                  .toArray()
                                  .isEmpty(),
                             kRunTimeoutMs);
    QCOMPARE(drive.mountPoints(), QStringList{mountPoint});

    QCOMPARE(m_client->post(u"/api/jobs/%1/cancel"_s.arg(jobId)).status, 200);
    const QJsonObject run = waitForRunEnd(runId);

    QCOMPARE(run.value(u"status"_s).toString(), u"cancelled"_s);
    QCOMPARE(drive.mountPoints(), QStringList());
    QCOMPARE(listTree(mountPoint), QStringList());
}

void TestUsbJobs::previewCountsChanges()
{
    const QString source = path(u"preview/my photos"_s);
    const QString mountPoint = path(u"preview/drive"_s);
    QVERIFY(makeTree(source,
                     {{u"new 1.jpg"_s, 1000}, {u"album/new 2.jpg"_s, 2000}, {u"same.jpg"_s, 10}}));
    QVERIFY(makeTree(mountPoint + u"/backups/my photos"_s, {{u"stale.jpg"_s, 50}}));
    QVERIFY(QFile::copy(source + u"/same.jpg"_s, mountPoint + u"/backups/my photos/same.jpg"_s));
    QFile copy(mountPoint + u"/backups/my photos/same.jpg"_s);
    QVERIFY(copy.open(QIODevice::ReadWrite));
    QVERIFY(copy.setFileTime(QFileInfo(source + u"/same.jpg"_s).lastModified(),
                             QFileDevice::FileModificationTime));
    copy.close();
    const qint64 jobId = createJob(
        usbJob(u"Preview"_s, source, mountPoint, QString(), {}, {{u"delete_extraneous"_s, true}}));
    QVERIFY(jobId > 0);

    const HttpReply reply = m_client->post(u"/api/jobs/%1/preview"_s.arg(jobId));

    QCOMPARE(reply.status, 200);
    const QJsonObject preview = reply.object();
    QCOMPARE(preview.value(u"job_id"_s).toInteger(), jobId);
    QCOMPARE(preview.value(u"files_to_copy"_s).toInteger(), 2);
    QCOMPARE(preview.value(u"bytes_to_copy"_s).toInteger(), 3000);
    QCOMPARE(preview.value(u"files_to_delete"_s).toInteger(), 1);
    QStringList pathsToCopy;
    for (const QJsonValue &value : preview.value(u"paths_to_copy"_s).toArray())
        pathsToCopy.append(value.toString());
    pathsToCopy.sort();
    QCOMPARE(pathsToCopy, (QStringList{u"my photos/album/new 2.jpg"_s, u"my photos/new 1.jpg"_s}));
    QCOMPARE(preview.value(u"paths_to_delete"_s).toArray(), QJsonArray{u"my photos/stale.jpg"_s});
    QCOMPARE(preview.value(u"destination"_s).toString(), mountPoint + u"/backups"_s);
    QVERIFY(preview.value(u"free_bytes"_s).toInteger() > 0);
    QCOMPARE(preview.value(u"fits"_s).toBool(), true);
    // A preview changes nothing.
    QVERIFY(QFileInfo::exists(mountPoint + u"/backups/my photos/stale.jpg"_s));
    QVERIFY(!QFileInfo::exists(mountPoint + u"/backups/my photos/new 1.jpg"_s));
    QCOMPARE(m_client->get(u"/api/jobs/%1/runs"_s.arg(jobId)).array(), QJsonArray());
}

void TestUsbJobs::previewOfUnmountedDriveConflicts()
{
    const QString source = path(u"preview usb/docs"_s);
    const QString mountPoint = path(u"preview usb/drive"_s);
    QVERIFY(makeTree(source, {{u"a.txt"_s, 10}}));
    QVERIFY(QDir().mkpath(mountPoint));
    const QString uuid = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const qint64 jobId =
        createJob(usbJob(u"Preview USB"_s, source, mountPoint, uuid, {{u"auto_mount"_s, true}}));
    QVERIFY(jobId > 0);

    const HttpReply reply = m_client->post(u"/api/jobs/%1/preview"_s.arg(jobId));

    QCOMPARE(reply.status, 409);
    const QString message = reply.object().value(u"message"_s).toString();
    QVERIFY2(message.contains(uuid) && message.contains(u"not mounted"_s), qPrintable(message));
    QCOMPARE(listTree(mountPoint), QStringList());
}

void TestUsbJobs::previewOfEmptySourceWithDeletionConflicts()
{
    const QString source = path(u"preview empty/docs"_s);
    const QString mountPoint = path(u"preview empty/drive"_s);
    QVERIFY(QDir().mkpath(source));
    QVERIFY(makeTree(mountPoint + u"/backups/docs"_s, {{u"precious.txt"_s, 10}}));
    const qint64 jobId = createJob(usbJob(u"Preview empty"_s, source, mountPoint, QString(), {},
                                          {{u"delete_extraneous"_s, true}}));
    QVERIFY(jobId > 0);

    const HttpReply reply = m_client->post(u"/api/jobs/%1/preview"_s.arg(jobId));

    QCOMPARE(reply.status, 409);
    QVERIFY2(reply.object().value(u"message"_s).toString().contains(u"empty"_s),
             reply.body.constData());
    QVERIFY(QFileInfo::exists(mountPoint + u"/backups/docs/precious.txt"_s));
}

void TestUsbJobs::previewOfUnknownJob()
{
    QCOMPARE(m_client->post(u"/api/jobs/999999/preview"_s).status, 404);
    QCOMPARE(m_client->post(u"/api/jobs/abc/preview"_s).status, 400);
    QCOMPARE(m_client->get(u"/api/jobs/1/preview"_s).status, 405);
}

QTEST_GUILESS_MAIN(TestUsbJobs)
#include "tst_usbjobs.moc"
