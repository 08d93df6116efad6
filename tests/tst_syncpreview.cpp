#include "runner/rsyncpreview.h"
#include "system/toolrunner.h"
#include "testtree.h"

#include <QDir>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <optional>

using namespace dynamight;
using namespace Qt::StringLiterals;

class TestSyncPreview : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void countsRecords();
    void listsAtMostHundredPaths();
    void previewsRealTree();
    void previewCountsDeletions();
    void asyncPreviewMatchesBlocking();
    void failedDryRunReported();
    void blockingRunnerTimesOut();
    void asyncRunnerTimesOut();
    void missingProgramReported();
    void freeBytesOfMissingFolder();
};

void TestSyncPreview::countsRecords()
{
    SyncPreview preview;

    preview.addOutputLine("DYNAMIGHT|>f+++++++++|6|6|a.txt", u"docs"_s);
    preview.addOutputLine("DYNAMIGHT|cd+++++++++|4096|0|sub/", u"docs"_s);
    preview.addOutputLine("DYNAMIGHT|>f.st......|2048|100|sub/b c", u"docs"_s);
    preview.addOutputLine("DYNAMIGHT|*deleting  |0|0|stale.txt", u"docs"_s);
    preview.addOutputLine("created directory /mnt/backup/docs", u"docs"_s);
    preview.addOutputLine("Number of files: 3", u"docs"_s);

    QCOMPARE(preview.filesToCopy, 2);
    QCOMPARE(preview.bytesToCopy, 2054);
    QCOMPARE(preview.filesToDelete, 1);
    QCOMPARE(preview.pathsToCopy, (QStringList{u"docs/a.txt"_s, u"docs/sub/b c"_s}));
    QCOMPARE(preview.pathsToDelete, QStringList{u"docs/stale.txt"_s});
}

void TestSyncPreview::listsAtMostHundredPaths()
{
    SyncPreview preview;
    for (int i = 0; i < 250; ++i) {
        const QByteArray line = "DYNAMIGHT|>f+++++++++|10|10|file" + QByteArray::number(i);
        preview.addOutputLine(line, u"x"_s);
    }

    QCOMPARE(preview.filesToCopy, 250);
    QCOMPARE(preview.bytesToCopy, 2500);
    QCOMPARE(preview.pathsToCopy.size(), SyncPreview::kMaxListedPaths);
    QCOMPARE(preview.pathsToCopy.first(), u"x/file0"_s);
}

void TestSyncPreview::previewsRealTree()
{
    QTemporaryDir temporary;
    QVERIFY(temporary.isValid());
    const QString source = temporary.filePath(u"my documents"_s);
    QVERIFY(QDir().mkpath(source));
    QVERIFY(TestTree(source).addFiles(TestTree::awkwardFiles()));
    const QString destination = temporary.filePath(u"drive/my documents"_s);
    qint64 total = 0;
    for (const TestTree::File &file : TestTree::awkwardFiles())
        total += file.size;

    BlockingToolRunner runner;
    std::optional<Result<SyncPreview>> result;
    previewSync(runner, u"rsync"_s, {RsyncTask{source, destination}}, SyncOptions(),
                QDeadlineTimer(10000),
                [&result](Result<SyncPreview> preview) { result = preview; });

    QVERIFY(result.has_value());
    QVERIFY2(result->ok(), result->ok() ? "" : qPrintable(result->error().message()));
    QCOMPARE((*result)->filesToCopy, TestTree::awkwardFiles().size());
    QCOMPARE((*result)->bytesToCopy, total);
    QCOMPARE((*result)->filesToDelete, 0);
    for (const TestTree::File &file : TestTree::awkwardFiles()) {
        const QString expected = u"my documents/"_s + file.relativePath;
        QVERIFY2((*result)->pathsToCopy.contains(expected), qPrintable(expected));
    }
    // A dry run writes nothing, not even the destination folder.
    QVERIFY(!QFileInfo::exists(temporary.filePath(u"drive"_s)));
}

void TestSyncPreview::previewCountsDeletions()
{
    QTemporaryDir temporary;
    QVERIFY(temporary.isValid());
    const QString source = temporary.filePath(u"photos"_s);
    const QString destination = temporary.filePath(u"drive/photos"_s);
    QVERIFY(QDir().mkpath(source) && QDir().mkpath(destination));
    QVERIFY(TestTree(source).addFile(u"new.jpg"_s, 300));
    QVERIFY(TestTree(destination).addFile(u"old.jpg"_s, 100));
    SyncOptions options;
    options.deleteExtraneous = true;

    BlockingToolRunner runner;
    std::optional<Result<SyncPreview>> result;
    previewSync(runner, u"rsync"_s, {RsyncTask{source, destination}}, options,
                QDeadlineTimer(10000),
                [&result](Result<SyncPreview> preview) { result = preview; });

    QVERIFY(result.has_value() && result->ok());
    QCOMPARE((*result)->filesToCopy, 1);
    QCOMPARE((*result)->bytesToCopy, 300);
    QCOMPARE((*result)->filesToDelete, 1);
    QCOMPARE((*result)->pathsToDelete, QStringList{u"photos/old.jpg"_s});
    QVERIFY(QFileInfo::exists(destination + u"/old.jpg"_s));
    QVERIFY(!QFileInfo::exists(destination + u"/new.jpg"_s));
}

void TestSyncPreview::asyncPreviewMatchesBlocking()
{
    QTemporaryDir temporary;
    QVERIFY(temporary.isValid());
    const QString source = temporary.filePath(u"music"_s);
    QVERIFY(QDir().mkpath(source));
    QVERIFY(TestTree(source).addFiles({{u"a.flac"_s, 500}, {u"album/b.flac"_s, 700}}));
    const QList<RsyncTask> tasks{RsyncTask{source, temporary.filePath(u"drive/music"_s)}};

    AsyncToolRunner runner;
    std::optional<Result<SyncPreview>> result;
    previewSync(runner, u"rsync"_s, tasks, SyncOptions(), QDeadlineTimer(QDeadlineTimer::Forever),
                [&result](Result<SyncPreview> preview) { result = preview; });
    QVERIFY(!result.has_value());

    QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 10000);
    QVERIFY(result->ok());
    QCOMPARE((*result)->filesToCopy, 2);
    QCOMPARE((*result)->bytesToCopy, 1200);
}

void TestSyncPreview::failedDryRunReported()
{
    QTemporaryDir temporary;
    QVERIFY(temporary.isValid());
    // rsync exits with 11 when the destination's parent is a file.
    const QString source = temporary.filePath(u"src"_s);
    QVERIFY(QDir().mkpath(source));
    QVERIFY(TestTree(source).addFile(u"a"_s, 10));
    QVERIFY(TestTree(temporary.path()).addFile(u"blocker"_s, 1));

    BlockingToolRunner runner;
    std::optional<Result<SyncPreview>> result;
    previewSync(runner, u"rsync"_s, {RsyncTask{source, temporary.filePath(u"blocker/x"_s)}},
                SyncOptions(), QDeadlineTimer(10000),
                [&result](Result<SyncPreview> preview) { result = preview; });

    QVERIFY(result.has_value());
    QVERIFY(!result->ok());
    QVERIFY2(result->error().message().contains(source), qPrintable(result->error().message()));
}

void TestSyncPreview::blockingRunnerTimesOut()
{
    BlockingToolRunner runner;
    std::optional<ToolResult> result;
    QElapsedTimer timer;
    timer.start();

    runner.run(ToolCommand{u"sleep"_s, {u"10"_s}, std::chrono::milliseconds(300), {}},
               [&result](const ToolResult &finished) { result = finished; });

    QVERIFY(result.has_value());
    QCOMPARE(result->outcome, ToolResult::Outcome::TimedOut);
    QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
}

void TestSyncPreview::asyncRunnerTimesOut()
{
    AsyncToolRunner runner;
    std::optional<ToolResult> result;

    runner.run(ToolCommand{u"sleep"_s, {u"10"_s}, std::chrono::milliseconds(300), {}},
               [&result](const ToolResult &finished) { result = finished; });

    QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 5000);
    QCOMPARE(result->outcome, ToolResult::Outcome::TimedOut);
    QVERIFY(!runner.isRunning());
}

void TestSyncPreview::missingProgramReported()
{
    BlockingToolRunner runner;
    std::optional<ToolResult> result;
    const ToolCommand command{u"/nonexistent/lsblk"_s, {}, std::chrono::milliseconds(1000), {}};

    runner.run(command, [&result](const ToolResult &finished) { result = finished; });

    QVERIFY(result.has_value());
    QCOMPARE(result->outcome, ToolResult::Outcome::FailedToStart);
    QVERIFY2(result->describeFailure(command).contains(u"Failed to start lsblk"_s),
             qPrintable(result->describeFailure(command)));
}

void TestSyncPreview::freeBytesOfMissingFolder()
{
    QTemporaryDir temporary;
    QVERIFY(temporary.isValid());

    const std::optional<qint64> free = freeBytesAt(temporary.filePath(u"not/yet/there"_s));

    QVERIFY(free.has_value());
    QVERIFY(*free > 0);
}

QTEST_GUILESS_MAIN(TestSyncPreview)
#include "tst_syncpreview.moc"
