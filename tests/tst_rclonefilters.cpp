#include "runner/rclonearguments.h"
#include "runner/rcloneworkspace.h"
#include "runner/rsyncarguments.h"
#include "testtree.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace dynamight;

namespace {

// Files, not folders: rclone creates no empty folders and rsync does, so only files compare.
const QStringList kTree{
    QStringLiteral("keep.txt"),
    QStringLiteral("a.tmp"),
    QStringLiteral("sub/b.tmp"),
    QStringLiteral("sub/keep.txt"),
    QStringLiteral("x/sub/keep.txt"),
    QStringLiteral(".cache/x"),
    QStringLiteral("sub/.cache/y"),
    QStringLiteral("build/out.o"),
    QStringLiteral("sub/build/out.o"),
    QStringLiteral("logs/app.log"),
    QStringLiteral("sub/logs/app.log"),
    QStringLiteral("deep/a/b/cache/file"),
    QStringLiteral("node_modules/m.js"),
    QStringLiteral("sub/node_modules"),
    QStringLiteral("dist/bundle.js"),
    QStringLiteral("a.bak"),
    QStringLiteral("b.bak"),
    QStringLiteral("{a,b}"),
    QStringLiteral("back\\slash"),
    QStringLiteral("file1.txt"),
    QStringLiteral("file12.txt"),
    QStringLiteral("my file ü.txt"),
    QStringLiteral("dir.tmp/inside.txt"),
    QStringLiteral("star*name.txt"),
    QStringLiteral("- dash.txt"),
};

QStringList filesOnly(const QStringList &entries)
{
    QStringList files;
    for (const QString &entry : entries) {
        if (!entry.endsWith(u'/'))
            files << entry;
    }
    return files;
}

// Runs a program and returns its combined output when it fails, or an empty string.
QString run(const QString &program, const QStringList &arguments, const QProcessEnvironment &environment)
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(program, arguments);
    if (!process.waitForFinished(30000))
        return QStringLiteral("%1 timed out").arg(program);
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        return QStringLiteral("%1 exited with %2: %3").arg(program).arg(process.exitCode()).arg(QString::fromUtf8(process.readAll()));
    return {};
}

} // namespace

// Runs the same exclude patterns through rsync and through rclone on the same tree, and checks
// that both copy the same files.
class TestRcloneFilters : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void sameFilesAsRsync_data();
    void sameFilesAsRsync();

private:
    QTemporaryDir m_dir;
    QString m_source;
    QString m_rsync;
    QString m_rclone;
};

void TestRcloneFilters::initTestCase()
{
    m_rsync = QStandardPaths::findExecutable(QStringLiteral("rsync"));
    m_rclone = QStandardPaths::findExecutable(QStringLiteral("rclone"));
    if (m_rsync.isEmpty() || m_rclone.isEmpty())
        QSKIP("rsync and rclone are both needed");

    m_source = m_dir.filePath(QStringLiteral("source"));
    TestTree tree(m_source);
    QVERIFY(QDir().mkpath(m_source));
    for (const QString &path : kTree)
        QVERIFY(tree.addFile(path, 10));
}

void TestRcloneFilters::sameFilesAsRsync_data()
{
    QTest::addColumn<QStringList>("patterns");
    QTest::addColumn<QStringList>("excluded");

    QTest::newRow("name at any depth") << QStringList{QStringLiteral("*.tmp")}
                                       << QStringList{QStringLiteral("a.tmp"), QStringLiteral("sub/b.tmp"),
                                                      QStringLiteral("dir.tmp/inside.txt")};
    QTest::newRow("folder at any depth") << QStringList{QStringLiteral(".cache")}
                                         << QStringList{QStringLiteral(".cache/x"), QStringLiteral("sub/.cache/y")};
    QTest::newRow("anchored folder") << QStringList{QStringLiteral("/build")} << QStringList{QStringLiteral("build/out.o")};
    QTest::newRow("path with slash") << QStringList{QStringLiteral("sub/keep.txt")}
                                     << QStringList{QStringLiteral("sub/keep.txt"), QStringLiteral("x/sub/keep.txt")};
    QTest::newRow("wildcard path") << QStringList{QStringLiteral("logs/*.log")}
                                   << QStringList{QStringLiteral("logs/app.log"), QStringLiteral("sub/logs/app.log")};
    QTest::newRow("double star") << QStringList{QStringLiteral("deep/**/cache")}
                                 << QStringList{QStringLiteral("deep/a/b/cache/file")};
    QTest::newRow("folders only") << QStringList{QStringLiteral("node_modules/")}
                                  << QStringList{QStringLiteral("node_modules/m.js")};
    QTest::newRow("folder and contents") << QStringList{QStringLiteral("dist/***")}
                                         << QStringList{QStringLiteral("dist/bundle.js")};
    QTest::newRow("negated class") << QStringList{QStringLiteral("[!a]*.bak")} << QStringList{QStringLiteral("b.bak")};
    QTest::newRow("literal braces") << QStringList{QStringLiteral("{a,b}")} << QStringList{QStringLiteral("{a,b}")};
    QTest::newRow("literal backslash") << QStringList{QStringLiteral("back\\slash")}
                                       << QStringList{QStringLiteral("back\\slash")};
    QTest::newRow("escaped star") << QStringList{QStringLiteral("star\\*name*")}
                                  << QStringList{QStringLiteral("star*name.txt")};
    QTest::newRow("question mark") << QStringList{QStringLiteral("file?.txt")} << QStringList{QStringLiteral("file1.txt")};
    QTest::newRow("spaces and non-ASCII") << QStringList{QStringLiteral("my file ü.txt")}
                                          << QStringList{QStringLiteral("my file ü.txt")};
    QTest::newRow("rule-like name") << QStringList{QStringLiteral("- dash.txt")} << QStringList{QStringLiteral("- dash.txt")};
    QTest::newRow("several") << QStringList{QStringLiteral("*.tmp"), QStringLiteral("/build"), QStringLiteral(".cache")}
                             << QStringList{QStringLiteral("a.tmp"), QStringLiteral("sub/b.tmp"),
                                            QStringLiteral("dir.tmp/inside.txt"), QStringLiteral("build/out.o"),
                                            QStringLiteral(".cache/x"), QStringLiteral("sub/.cache/y")};
}

void TestRcloneFilters::sameFilesAsRsync()
{
    QFETCH(QStringList, patterns);
    QFETCH(QStringList, excluded);

    QTemporaryDir output;
    const QString rsyncTarget = output.filePath(QStringLiteral("rsync"));
    const QString rcloneTarget = output.filePath(QStringLiteral("rclone"));
    SyncOptions options;
    options.excludePatterns = patterns;

    const QString rsyncError = run(m_rsync, buildRsyncArguments(m_source, rsyncTarget, options),
                                   QProcessEnvironment::systemEnvironment());
    QVERIFY2(rsyncError.isEmpty(), qPrintable(rsyncError));
    const QString config = output.filePath(QStringLiteral("rclone.conf"));
    QFile(config).open(QIODevice::WriteOnly);
    const QString rcloneError =
        run(m_rclone, buildRcloneArguments(config, m_source, rcloneTarget, options), rcloneEnvironment());
    QVERIFY2(rcloneError.isEmpty(), qPrintable(rcloneError));

    QStringList expected = kTree;
    for (const QString &path : excluded)
        expected.removeAll(path);
    expected.sort();
    QCOMPARE(filesOnly(listTree(rsyncTarget)), expected);
    QCOMPARE(filesOnly(listTree(rcloneTarget)), expected);
}

QTEST_GUILESS_MAIN(TestRcloneFilters)
#include "tst_rclonefilters.moc"
