#include "runner/rsyncrunner.h"
#include "testtree.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace dynamight;
using namespace std::chrono_literals;

Q_DECLARE_METATYPE(dynamight::Verbosity)

namespace {

// Generous for a slow CI machine. The runs on small trees take milliseconds here.
constexpr int kRunTimeoutMs = 20000;

// Everything a runner reported, in order.
struct RunRecording
{
    QList<std::pair<LogLevel, QString>> logLines;
    QList<RunCounters> progress;
    QList<std::pair<qint64, QStringList>> processes;
    QList<RunOutcome> outcomes;

    QStringList messages(LogLevel level) const
    {
        QStringList result;
        for (const auto &[lineLevel, message] : logLines) {
            if (lineLevel == level)
                result << message;
        }
        return result;
    }

    // The Info lines other than the runner's own "Starting sync" and "Cancel requested" lines.
    QStringList fileLines() const
    {
        QStringList result;
        for (const QString &message : messages(LogLevel::Info)) {
            if (!message.startsWith(QStringLiteral("Starting sync of "))
                && !message.startsWith(QStringLiteral("Cancel requested")))
                result << message;
        }
        return result;
    }
};

void record(RsyncRunner &runner, RunRecording &recording)
{
    QObject::connect(&runner, &BackupRunner::logLine, &runner,
                     [&recording](LogLevel level, const QString &message) {
                         recording.logLines.append({level, message});
                     });
    QObject::connect(
        &runner, &BackupRunner::progress, &runner,
        [&recording](const RunCounters &counters) { recording.progress.append(counters); });
    QObject::connect(&runner, &BackupRunner::processStarted, &runner,
                     [&recording](qint64 pid, const QStringList &command) {
                         recording.processes.append({pid, command});
                     });
    QObject::connect(
        &runner, &BackupRunner::finished, &runner,
        [&recording](const RunOutcome &outcome) { recording.outcomes.append(outcome); });
}

// Starts the runner and waits for finished(), then a little longer to catch a second one.
bool runToEnd(RsyncRunner &runner, RunRecording &recording)
{
    record(runner, recording);
    runner.start();

    QDeadlineTimer deadline(kRunTimeoutMs);
    while (recording.outcomes.isEmpty() && !deadline.hasExpired())
        QTest::qWait(10);
    QTest::qWait(20);
    return !recording.outcomes.isEmpty();
}

// Returns the pids of the processes in group `groupId` that have not exited. Zombies are left
// out, because they have exited and the reaper of orphans may never collect them.
QList<qint64> livingProcessesInGroup(qint64 groupId)
{
    QList<qint64> pids;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    for (const QString &entry : entries) {
        bool numeric = false;
        const qint64 pid = entry.toLongLong(&numeric);
        if (!numeric)
            continue;

        QFile stat(QStringLiteral("/proc/") + entry + QStringLiteral("/stat"));
        if (!stat.open(QIODevice::ReadOnly))
            continue;

        // The command name in parentheses may contain spaces, so fields count from the last ')'.
        const QByteArray text = stat.readAll();
        const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
        if (fields.size() > 2 && fields.at(2).toLongLong() == groupId && fields.at(0) != "Z")
            pids << pid;
    }
    return pids;
}

qint64 totalSize(const QList<TestTree::File> &files)
{
    qint64 total = 0;
    for (const auto &file : files)
        total += file.size;
    return total;
}

QStringList relativePaths(const QList<TestTree::File> &files)
{
    QStringList paths;
    for (const auto &file : files)
        paths << file.relativePath;
    paths.sort();
    return paths;
}

} // namespace

class TestRsyncRunner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void copiesEverything();
    void secondRunTransfersNothing();
    void deleteExtraneousRemovesFile();
    void excludePatterns_data();
    void excludePatterns();
    void dryRunWritesNothing();
    void verbosity_data();
    void verbosity();
    void progressIsThrottled();
    void missingSourceIsPartial();
    void deleteRefusesMissingOrEmptySource_data();
    void deleteRefusesMissingOrEmptySource();
    void failureSkipsLaterTasks();
    void partialTaskDoesNotStopRun();
    void vanishedFileCompletesWithWarning();
    void cancelStopsWholeGroup();
    void cancelKillsAfterGracePeriod();
    void killFinishesAtOnce();
    void missingProgramFails_data();
    void missingProgramFails();

private:
    QString sourcePath() const { return m_directory->filePath(QStringLiteral("source")); }
    QString destinationPath() const
    {
        return m_directory->filePath(QStringLiteral("backup/photos"));
    }
    std::unique_ptr<RsyncRunner> makeRunner(const SyncOptions &options = {}) const;
    // Writes an executable shell script that ignores SIGTERM and waits on a child that ignores it
    // too, standing in for an rsync that does not stop when asked.
    QString writeStubbornProgram() const;
    bool waitForProcess(const RunRecording &recording) const;

    std::unique_ptr<QTemporaryDir> m_directory;
    std::unique_ptr<TestTree> m_source;
};

void TestRsyncRunner::init()
{
    m_directory = std::make_unique<QTemporaryDir>();
    QVERIFY(m_directory->isValid());
    QVERIFY(QDir().mkpath(sourcePath()));
    m_source = std::make_unique<TestTree>(sourcePath());
}

std::unique_ptr<RsyncRunner> TestRsyncRunner::makeRunner(const SyncOptions &options) const
{
    return std::make_unique<RsyncRunner>(QList<RsyncTask>{{sourcePath(), destinationPath()}},
                                         options);
}

QString TestRsyncRunner::writeStubbornProgram() const
{
    const QString path = m_directory->filePath(QStringLiteral("stubborn-rsync"));
    QFile script(path);
    if (!script.open(QIODevice::WriteOnly))
        return {};

    script.write("#!/bin/sh\ntrap '' TERM\nsleep 30 &\nwait\n");
    script.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    return path;
}

bool TestRsyncRunner::waitForProcess(const RunRecording &recording) const
{
    QDeadlineTimer deadline(kRunTimeoutMs);
    while (recording.processes.isEmpty() && !deadline.hasExpired())
        QTest::qWait(5);
    return !recording.processes.isEmpty();
}

void TestRsyncRunner::copiesEverything()
{
    const auto files = TestTree::awkwardFiles();
    QVERIFY(m_source->addFiles(files));
    auto runner = makeRunner();
    RunRecording recording;

    QVERIFY(runToEnd(*runner, recording));

    QCOMPARE(recording.outcomes.size(), 1);
    const RunOutcome &outcome = recording.outcomes.first();
    QCOMPARE(outcome.status, RunStatus::Completed);
    QCOMPARE(outcome.exitCode, std::optional<int>(0));
    QCOMPARE(outcome.errorMessage, QString());
    QCOMPARE(outcome.counters.filesTransferred, qint64(files.size()));
    QCOMPARE(outcome.counters.bytesTransferred, totalSize(files));
    QCOMPARE(outcome.counters.filesDeleted, qint64(0));

    QStringList fileLines = recording.fileLines();
    fileLines.sort();
    QCOMPARE(fileLines, relativePaths(files));
    QVERIFY(fileLines.contains(QStringLiteral("line\nbreak.txt")));
    QCOMPARE(recording.messages(LogLevel::Error), QStringList());
    QCOMPARE(recording.logLines.first().second,
             QStringLiteral("Starting sync of %1 to %2").arg(sourcePath(), destinationPath()));

    QCOMPARE(recording.processes.size(), 1);
    const auto &[pid, command] = recording.processes.first();
    QVERIFY(pid > 0);
    QCOMPARE(command.first(), QStringLiteral("rsync"));
    QCOMPARE(command.mid(command.size() - 3),
             QStringList({QStringLiteral("--"), sourcePath() + u'/', destinationPath() + u'/'}));

    QVERIFY(!recording.progress.isEmpty());
    QCOMPARE(recording.progress.last(), outcome.counters);
    QCOMPARE(compareTrees(sourcePath(), destinationPath()), QString());
}

void TestRsyncRunner::secondRunTransfersNothing()
{
    QVERIFY(m_source->addFiles(TestTree::awkwardFiles()));
    RunRecording first;
    auto firstRunner = makeRunner();
    QVERIFY(runToEnd(*firstRunner, first));
    QCOMPARE(first.outcomes.first().status, RunStatus::Completed);

    RunRecording second;
    auto secondRunner = makeRunner();
    QVERIFY(runToEnd(*secondRunner, second));

    QCOMPARE(second.outcomes.size(), 1);
    QCOMPARE(second.outcomes.first().status, RunStatus::Completed);
    QCOMPARE(second.outcomes.first().counters, RunCounters{});
    QCOMPARE(second.fileLines(), QStringList());
}

void TestRsyncRunner::deleteExtraneousRemovesFile()
{
    QVERIFY(m_source->addFiles(TestTree::awkwardFiles()));
    RunRecording first;
    auto firstRunner = makeRunner();
    QVERIFY(runToEnd(*firstRunner, first));
    QVERIFY(m_source->removeFile(QStringLiteral("plain.txt")));
    QVERIFY(m_source->removeFile(QStringLiteral("-rf.txt")));

    SyncOptions options;
    options.deleteExtraneous = true;
    RunRecording second;
    auto secondRunner = makeRunner(options);
    QVERIFY(runToEnd(*secondRunner, second));

    const RunOutcome &outcome = second.outcomes.first();
    QCOMPARE(outcome.status, RunStatus::Completed);
    QCOMPARE(outcome.counters.filesDeleted, qint64(2));
    QCOMPARE(outcome.counters.filesTransferred, qint64(0));
    QStringList fileLines = second.fileLines();
    fileLines.sort();
    QCOMPARE(
        fileLines,
        QStringList({QStringLiteral("deleting -rf.txt"), QStringLiteral("deleting plain.txt")}));
    QVERIFY(!QFileInfo::exists(destinationPath() + QStringLiteral("/plain.txt")));
    QCOMPARE(compareTrees(sourcePath(), destinationPath()), QString());
}

void TestRsyncRunner::excludePatterns_data()
{
    QTest::addColumn<QStringList>("patterns");
    QTest::addColumn<QStringList>("excluded");

    QTest::newRow("wildcard") << QStringList{QStringLiteral("*.txt")}
                              << QStringList{QStringLiteral("plain.txt"),
                                             QStringLiteral("empty.txt"),
                                             QStringLiteral("folder with spaces/file name.txt"),
                                             QStringLiteral("Grüße/日本.txt"),
                                             QStringLiteral("-rf.txt"),
                                             QStringLiteral("line\nbreak.txt"),
                                             QStringLiteral("- odd.txt"),
                                             QStringLiteral("+ keep.txt")};
    QTest::newRow("folder with spaces")
        << QStringList{QStringLiteral("folder with spaces/")}
        << QStringList{QStringLiteral("folder with spaces/file name.txt")};
    QTest::newRow("leading dash") << QStringList{QStringLiteral("-rf.txt")}
                                  << QStringList{QStringLiteral("-rf.txt")};
    QTest::newRow("non-ASCII folder")
        << QStringList{QStringLiteral("/Grüße")} << QStringList{QStringLiteral("Grüße/日本.txt")};
    QTest::newRow("rule prefixes taken literally")
        << QStringList{QStringLiteral("- odd.txt"), QStringLiteral("+ keep.txt")}
        << QStringList{QStringLiteral("- odd.txt"), QStringLiteral("+ keep.txt")};
    QTest::newRow("several") << QStringList{QStringLiteral("nested/"), QStringLiteral("empty.txt")}
                             << QStringList{QStringLiteral("nested/deeper/data.bin"),
                                            QStringLiteral("empty.txt")};
}

void TestRsyncRunner::excludePatterns()
{
    QFETCH(QStringList, patterns);
    QFETCH(QStringList, excluded);

    auto files = TestTree::awkwardFiles();
    files << TestTree::File{QStringLiteral("- odd.txt"), 3}
          << TestTree::File{QStringLiteral("+ keep.txt"), 4};
    QVERIFY(m_source->addFiles(files));
    SyncOptions options;
    options.excludePatterns = patterns;
    auto runner = makeRunner(options);
    RunRecording recording;

    QVERIFY(runToEnd(*runner, recording));

    QCOMPARE(recording.outcomes.first().status, RunStatus::Completed);
    QCOMPARE(recording.outcomes.first().counters.filesTransferred,
             qint64(files.size() - excluded.size()));
    for (const auto &file : files) {
        const bool copied = QFileInfo::exists(destinationPath() + u'/' + file.relativePath);
        QVERIFY2(copied != excluded.contains(file.relativePath), qPrintable(file.relativePath));
    }
}

void TestRsyncRunner::dryRunWritesNothing()
{
    const auto files = TestTree::awkwardFiles();
    QVERIFY(m_source->addFiles(files));
    SyncOptions options;
    options.dryRun = true;
    auto runner = makeRunner(options);
    RunRecording recording;

    QVERIFY(runToEnd(*runner, recording));

    QCOMPARE(recording.outcomes.first().status, RunStatus::Completed);
    QCOMPARE(recording.outcomes.first().counters.filesTransferred, qint64(files.size()));
    QCOMPARE(recording.fileLines().size(), files.size());
    QVERIFY(!QFileInfo::exists(m_directory->filePath(QStringLiteral("backup"))));
}

void TestRsyncRunner::verbosity_data()
{
    QTest::addColumn<Verbosity>("verbosity");
    QTest::addColumn<bool>("logsFiles");
    QTest::addColumn<bool>("logsOtherOutput");

    QTest::newRow("quiet") << Verbosity::Quiet << false << false;
    QTest::newRow("normal") << Verbosity::Normal << true << false;
    QTest::newRow("verbose") << Verbosity::Verbose << true << true;
}

void TestRsyncRunner::verbosity()
{
    QFETCH(Verbosity, verbosity);
    QFETCH(bool, logsFiles);
    QFETCH(bool, logsOtherOutput);

    const auto files = TestTree::awkwardFiles();
    QVERIFY(m_source->addFiles(files));
    SyncOptions options;
    options.verbosity = verbosity;
    auto runner = makeRunner(options);
    RunRecording recording;

    QVERIFY(runToEnd(*runner, recording));

    const QStringList lines = recording.fileLines();
    QCOMPARE(recording.outcomes.first().counters.filesTransferred, qint64(files.size()));
    QCOMPARE(lines.contains(QStringLiteral("plain.txt")), logsFiles);
    QCOMPARE(lines.contains(QStringLiteral("Number of regular files transferred: 7")),
             logsOtherOutput);
    QCOMPARE(lines.contains(QStringLiteral("cd+++++++++ nested/")), logsOtherOutput);
    if (!logsFiles && !logsOtherOutput)
        QCOMPARE(lines, QStringList());
}

void TestRsyncRunner::progressIsThrottled()
{
    constexpr int fileCount = 400;
    for (int i = 0; i < fileCount; ++i)
        QVERIFY(m_source->addFile(QStringLiteral("many/file%1").arg(i), 10));
    auto runner = makeRunner();
    RunRecording recording;

    QElapsedTimer elapsed;
    elapsed.start();
    QVERIFY(runToEnd(*runner, recording));

    // One signal per 250 ms at most, one at the first file, and one at the end of the task.
    QCOMPARE(recording.outcomes.first().counters.filesTransferred, qint64(fileCount));
    QVERIFY(!recording.progress.isEmpty());
    QVERIFY2(recording.progress.size() <= elapsed.elapsed() / 250 + 2,
             qPrintable(QString::number(recording.progress.size())));
    QCOMPARE(recording.progress.last(), recording.outcomes.first().counters);
}

void TestRsyncRunner::missingSourceIsPartial()
{
    QVERIFY(QDir(sourcePath()).removeRecursively());
    auto runner = makeRunner();
    RunRecording recording;

    QVERIFY(runToEnd(*runner, recording));

    const RunOutcome &outcome = recording.outcomes.first();
    QCOMPARE(outcome.status, RunStatus::Partial);
    QCOMPARE(outcome.exitCode, std::optional<int>(23));
    QVERIFY2(outcome.errorMessage.startsWith(
                 QStringLiteral("rsync exited with code 23 (partial transfer due to error) "
                                "while syncing %1: ")
                     .arg(sourcePath())),
             qPrintable(outcome.errorMessage));
    QVERIFY2(outcome.errorMessage.contains(QStringLiteral("No such file or directory")),
             qPrintable(outcome.errorMessage));
    QVERIFY(!recording.messages(LogLevel::Error).isEmpty());
}

void TestRsyncRunner::deleteRefusesMissingOrEmptySource_data()
{
    QTest::addColumn<bool>("sourceExists");
    QTest::addColumn<QString>("reason");

    QTest::newRow("missing") << false << QStringLiteral("the source folder does not exist");
    QTest::newRow("empty") << true << QStringLiteral("the source folder is empty");
}

void TestRsyncRunner::deleteRefusesMissingOrEmptySource()
{
    QFETCH(bool, sourceExists);
    QFETCH(QString, reason);

    if (!sourceExists)
        QVERIFY(QDir(sourcePath()).removeRecursively());
    TestTree backup(destinationPath());
    QVERIFY(backup.addFile(QStringLiteral("precious.txt"), 10));
    SyncOptions options;
    options.deleteExtraneous = true;
    auto runner = makeRunner(options);
    RunRecording recording;

    QVERIFY(runToEnd(*runner, recording));

    const RunOutcome &outcome = recording.outcomes.first();
    QCOMPARE(outcome.status, RunStatus::Failed);
    QCOMPARE(outcome.exitCode, std::optional<int>());
    QVERIFY2(outcome.errorMessage.contains(reason), qPrintable(outcome.errorMessage));
    QVERIFY(outcome.errorMessage.contains(sourcePath()));
    QCOMPARE(recording.processes.size(), 0);
    QVERIFY(QFileInfo::exists(backup.absolutePath(QStringLiteral("precious.txt"))));
}

void TestRsyncRunner::failureSkipsLaterTasks()
{
    QVERIFY(m_source->addFiles(TestTree::awkwardFiles()));
    QFile blocker(m_directory->filePath(QStringLiteral("not-a-folder")));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    const QString badDestination = blocker.fileName() + QStringLiteral("/photos");
    const QString laterSource = m_directory->filePath(QStringLiteral("later"));
    QVERIFY(QDir().mkpath(laterSource));
    RsyncRunner runner({{sourcePath(), badDestination}, {laterSource, destinationPath()}},
                       SyncOptions{});
    RunRecording recording;

    QVERIFY(runToEnd(runner, recording));

    const RunOutcome &outcome = recording.outcomes.first();
    QCOMPARE(outcome.status, RunStatus::Failed);
    QCOMPARE(outcome.exitCode, std::optional<int>(11));
    QVERIFY2(outcome.errorMessage.startsWith(
                 QStringLiteral("rsync exited with code 11 (error in file I/O) while syncing %1: ")
                     .arg(sourcePath())),
             qPrintable(outcome.errorMessage));
    QVERIFY2(outcome.errorMessage.endsWith(
                 QStringLiteral("Skipped the remaining sources because of this failure: ")
                 + laterSource),
             qPrintable(outcome.errorMessage));
    QCOMPARE(recording.processes.size(), 1);
    QVERIFY(!QFileInfo::exists(destinationPath()));
    QCOMPARE(recording.messages(LogLevel::Warning).size(), 1);
}

void TestRsyncRunner::partialTaskDoesNotStopRun()
{
    QVERIFY(m_source->addFiles(TestTree::awkwardFiles()));
    const QString missing = m_directory->filePath(QStringLiteral("missing"));
    const QString otherDestination = m_directory->filePath(QStringLiteral("backup/missing"));
    RsyncRunner runner({{missing, otherDestination}, {sourcePath(), destinationPath()}},
                       SyncOptions{});
    RunRecording recording;

    QVERIFY(runToEnd(runner, recording));

    const RunOutcome &outcome = recording.outcomes.first();
    QCOMPARE(outcome.status, RunStatus::Partial);
    QCOMPARE(outcome.exitCode, std::optional<int>(23));
    QVERIFY2(outcome.errorMessage.contains(missing), qPrintable(outcome.errorMessage));
    QCOMPARE(recording.processes.size(), 2);
    QCOMPARE(outcome.counters.filesTransferred, qint64(TestTree::awkwardFiles().size()));
    QCOMPARE(compareTrees(sourcePath(), destinationPath()), QString());
}

void TestRsyncRunner::vanishedFileCompletesWithWarning()
{
    // rsync sends files in name order, so a_big keeps it busy at the bandwidth limit while
    // z_small is deleted after the file list was built.
    QVERIFY(m_source->addFile(QStringLiteral("a_big"), 1500 * 1024));
    QVERIFY(m_source->addFile(QStringLiteral("z_small"), 10));
    SyncOptions options;
    options.bandwidthLimitKbps = 1000;
    auto runner = makeRunner(options);
    RunRecording recording;
    connect(runner.get(), &BackupRunner::processStarted, this, [this] {
        QTimer::singleShot(300, this, [this] { m_source->removeFile(QStringLiteral("z_small")); });
    });

    QVERIFY(runToEnd(*runner, recording));

    const RunOutcome &outcome = recording.outcomes.first();
    QCOMPARE(outcome.status, RunStatus::Completed);
    QCOMPARE(outcome.exitCode, std::optional<int>(24));
    QCOMPARE(outcome.counters.filesTransferred, qint64(1));
    const QStringList warnings = recording.messages(LogLevel::Warning);
    QVERIFY2(!warnings.isEmpty(), "expected a warning for the vanished file");
    QVERIFY2(warnings.first().startsWith(QStringLiteral("file has vanished: ")),
             qPrintable(warnings.first()));
    QVERIFY(warnings.first().contains(QStringLiteral("z_small")));
    QCOMPARE(recording.messages(LogLevel::Error), QStringList());
}

void TestRsyncRunner::cancelStopsWholeGroup()
{
    // 4 MiB at 256 KiB/s would take 16 s.
    QVERIFY(m_source->addFile(QStringLiteral("large.bin"), 4 * 1024 * 1024));
    SyncOptions options;
    options.bandwidthLimitKbps = 256;
    auto runner = makeRunner(options);
    RunRecording recording;
    record(*runner, recording);
    QSignalSpy finishedSpy(runner.get(), &BackupRunner::finished);

    runner->start();
    QVERIFY(waitForProcess(recording));
    const qint64 groupId = recording.processes.first().first;
    QTest::qWait(300);
    // A local copy runs as three rsync processes, each forked by the previous one, all in the
    // leader's group.
    QVERIFY(livingProcessesInGroup(groupId).size() >= 2);

    QElapsedTimer elapsed;
    elapsed.start();
    constexpr auto gracePeriod = 3s;
    runner->cancel(gracePeriod);
    QTRY_COMPARE_WITH_TIMEOUT(finishedSpy.count(), 1, 3000);

    QVERIFY2(elapsed.elapsed() < 3000, qPrintable(QString::number(elapsed.elapsed())));
    const RunOutcome &outcome = recording.outcomes.first();
    QCOMPARE(outcome.status, RunStatus::Cancelled);
    QCOMPARE(outcome.errorMessage, QStringLiteral("Cancelled by user"));
    QCOMPARE(outcome.counters.filesTransferred, qint64(0));
    QTRY_COMPARE_WITH_TIMEOUT(livingProcessesInGroup(groupId), QList<qint64>(), 1000);
    QTest::qWait(50);
    QCOMPARE(finishedSpy.count(), 1);
}

void TestRsyncRunner::cancelKillsAfterGracePeriod()
{
    const QString program = writeStubbornProgram();
    QVERIFY(!program.isEmpty());
    RsyncRunner runner({{sourcePath(), destinationPath()}}, SyncOptions{}, program);
    RunRecording recording;
    record(runner, recording);
    QSignalSpy finishedSpy(&runner, &BackupRunner::finished);

    runner.start();
    QVERIFY(waitForProcess(recording));
    const qint64 groupId = recording.processes.first().first;
    QTRY_COMPARE_WITH_TIMEOUT(livingProcessesInGroup(groupId).size(), 2, 2000);

    QElapsedTimer elapsed;
    elapsed.start();
    runner.cancel(300ms);
    QTRY_COMPARE_WITH_TIMEOUT(finishedSpy.count(), 1, 3000);

    QVERIFY2(elapsed.elapsed() >= 290, qPrintable(QString::number(elapsed.elapsed())));
    QCOMPARE(recording.outcomes.first().status, RunStatus::Cancelled);
    QTRY_COMPARE_WITH_TIMEOUT(livingProcessesInGroup(groupId), QList<qint64>(), 1000);
}

void TestRsyncRunner::killFinishesAtOnce()
{
    QVERIFY(m_source->addFile(QStringLiteral("large.bin"), 4 * 1024 * 1024));
    SyncOptions options;
    options.bandwidthLimitKbps = 256;
    auto runner = makeRunner(options);
    RunRecording recording;
    record(*runner, recording);

    runner->start();
    QVERIFY(waitForProcess(recording));
    const qint64 groupId = recording.processes.first().first;
    QTRY_VERIFY_WITH_TIMEOUT(livingProcessesInGroup(groupId).size() >= 2, 2000);
    runner->kill();

    QCOMPARE(recording.outcomes.size(), 1);
    QCOMPARE(recording.outcomes.first().status, RunStatus::Failed);
    QCOMPARE(recording.outcomes.first().errorMessage,
             QStringLiteral("interrupted: the service stopped during this run"));
    QTRY_COMPARE_WITH_TIMEOUT(livingProcessesInGroup(groupId), QList<qint64>(), 1000);
    QTest::qWait(50);
    QCOMPARE(recording.outcomes.size(), 1);
}

void TestRsyncRunner::missingProgramFails_data()
{
    QTest::addColumn<QString>("program");

    QTest::newRow("absolute path") << QStringLiteral("/nonexistent/bin/rsync");
    QTest::newRow("name not on PATH") << QStringLiteral("dynamight-test-no-such-rsync");
}

void TestRsyncRunner::missingProgramFails()
{
    QFETCH(QString, program);

    QVERIFY(m_source->addFiles(TestTree::awkwardFiles()));
    RsyncRunner runner({{sourcePath(), destinationPath()}}, SyncOptions{}, program);
    RunRecording recording;

    QVERIFY(runToEnd(runner, recording));

    QCOMPARE(recording.outcomes.size(), 1);
    const RunOutcome &outcome = recording.outcomes.first();
    QCOMPARE(outcome.status, RunStatus::Failed);
    QCOMPARE(outcome.exitCode, std::optional<int>());
    QVERIFY2(outcome.errorMessage.startsWith(
                 QStringLiteral("Failed to start the rsync program \"%1\": ").arg(program)),
             qPrintable(outcome.errorMessage));
    QCOMPARE(recording.processes.size(), 0);
    QVERIFY(!QFileInfo::exists(destinationPath()));
}

QTEST_GUILESS_MAIN(TestRsyncRunner)
#include "tst_rsyncrunner.moc"
