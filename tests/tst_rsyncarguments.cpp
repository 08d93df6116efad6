#include "runner/rsyncarguments.h"
#include "runner/rsyncoutput.h"

#include <QtTest>

using namespace dynamight;

Q_DECLARE_METATYPE(dynamight::SyncOptions)

namespace {

const QString kSource = QStringLiteral("/data/photos");
const QString kDestination = QStringLiteral("/mnt/usb/backup/photos");

SyncOptions excluding(QStringList patterns)
{
    SyncOptions options;
    options.excludePatterns = std::move(patterns);
    return options;
}

SyncOptions withBandwidthLimit(int kibibytesPerSecond)
{
    SyncOptions options;
    options.bandwidthLimitKbps = kibibytesPerSecond;
    return options;
}

SyncOptions withVerbosity(Verbosity verbosity)
{
    SyncOptions options;
    options.verbosity = verbosity;
    return options;
}

// Returns the arguments between the fixed ones and "--", which is what the options control.
QStringList optionPart(const QStringList &arguments, qsizetype fixedCount)
{
    const qsizetype end = arguments.lastIndexOf(QStringLiteral("--"));
    return arguments.mid(fixedCount, end - fixedCount);
}

} // namespace

class TestRsyncArguments : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fixedArguments();
    void options_data();
    void options();
    void paths_data();
    void paths();
    void separatorBeforePaths_data();
    void separatorBeforePaths();
};

void TestRsyncArguments::fixedArguments()
{
    const QStringList arguments = buildRsyncArguments(kSource, kDestination, SyncOptions{});
    const QStringList expected{
        QStringLiteral("-a"),
        QStringLiteral("--mkpath"),
        QStringLiteral("-8"),
        QStringLiteral("--no-h"),
        QStringLiteral("--outbuf=L"),
        QStringLiteral("--out-format=DYNAMIGHT|%i|%l|%b|%n"),
        QStringLiteral("--"),
        QStringLiteral("/data/photos/"),
        QStringLiteral("/mnt/usb/backup/photos/"),
    };

    QCOMPARE(arguments, expected);
    QCOMPARE(arguments.at(5), QStringLiteral("--out-format=") + rsyncOutFormat());
}

void TestRsyncArguments::options_data()
{
    QTest::addColumn<SyncOptions>("options");
    QTest::addColumn<QStringList>("expected");

    SyncOptions deleting;
    deleting.deleteExtraneous = true;
    SyncOptions dryRun;
    dryRun.dryRun = true;

    QTest::newRow("defaults") << SyncOptions{} << QStringList{};
    QTest::newRow("delete extraneous") << deleting << QStringList{QStringLiteral("--delete")};
    QTest::newRow("one exclude") << excluding({QStringLiteral("*.tmp")})
                                 << QStringList{QStringLiteral("--exclude=*.tmp")};
    QTest::newRow("exclude with spaces")
        << excluding({QStringLiteral("my folder/*.tmp file")})
        << QStringList{QStringLiteral("--exclude=my folder/*.tmp file")};
    QTest::newRow("exclude with leading dash") << excluding({QStringLiteral("-rf.txt")})
                                               << QStringList{QStringLiteral("--exclude=-rf.txt")};
    QTest::newRow("exclude that looks like an option")
        << excluding({QStringLiteral("--delete")})
        << QStringList{QStringLiteral("--exclude=--delete")};
    QTest::newRow("exclude with newline") << excluding({QStringLiteral("line\nbreak")})
                                          << QStringList{QStringLiteral("--exclude=line\nbreak")};
    QTest::newRow("exclude starting with minus space")
        << excluding({QStringLiteral("- odd.txt")})
        << QStringList{QStringLiteral("--filter=- - odd.txt")};
    QTest::newRow("exclude starting with plus space")
        << excluding({QStringLiteral("+ keep.txt")})
        << QStringList{QStringLiteral("--filter=- + keep.txt")};
    QTest::newRow("exclude of a lone bang")
        << excluding({QStringLiteral("!")}) << QStringList{QStringLiteral("--filter=- !")};
    QTest::newRow("exclude bang with name")
        << excluding({QStringLiteral("!x")}) << QStringList{QStringLiteral("--exclude=!x")};
    QTest::newRow("empty exclude skipped") << excluding({QString()}) << QStringList{};
    QTest::newRow("several excludes keep order")
        << excluding({QStringLiteral("b"), QStringLiteral("a"), QStringLiteral("c d")})
        << QStringList{QStringLiteral("--exclude=b"), QStringLiteral("--exclude=a"),
                       QStringLiteral("--exclude=c d")};
    QTest::newRow("bandwidth limit")
        << withBandwidthLimit(500) << QStringList{QStringLiteral("--bwlimit=500")};
    QTest::newRow("zero bandwidth limit") << withBandwidthLimit(0) << QStringList{};
    QTest::newRow("negative bandwidth limit") << withBandwidthLimit(-5) << QStringList{};
    QTest::newRow("dry run") << dryRun << QStringList{QStringLiteral("--dry-run")};
    QTest::newRow("quiet") << withVerbosity(Verbosity::Quiet) << QStringList{};
    QTest::newRow("normal") << withVerbosity(Verbosity::Normal) << QStringList{};
    QTest::newRow("verbose") << withVerbosity(Verbosity::Verbose)
                             << QStringList{QStringLiteral("--stats")};

    SyncOptions all;
    all.deleteExtraneous = true;
    all.excludePatterns = {QStringLiteral("*.o"), QStringLiteral("- x"), QStringLiteral("-y z")};
    all.bandwidthLimitKbps = 1024;
    all.dryRun = true;
    all.verbosity = Verbosity::Verbose;
    QTest::newRow("everything combined")
        << all << QStringList{QStringLiteral("--delete"),       QStringLiteral("--exclude=*.o"),
                              QStringLiteral("--filter=- - x"), QStringLiteral("--exclude=-y z"),
                              QStringLiteral("--bwlimit=1024"), QStringLiteral("--dry-run"),
                              QStringLiteral("--stats")};
}

void TestRsyncArguments::options()
{
    QFETCH(SyncOptions, options);
    QFETCH(QStringList, expected);

    const qsizetype fixedCount =
        buildRsyncArguments(kSource, kDestination, SyncOptions{}).size() - 3;
    const QStringList arguments = buildRsyncArguments(kSource, kDestination, options);

    QCOMPARE(optionPart(arguments, fixedCount), expected);
    QCOMPARE(arguments.size(), fixedCount + expected.size() + 3);
}

void TestRsyncArguments::paths_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("destination");
    QTest::addColumn<QString>("expectedSource");
    QTest::addColumn<QString>("expectedDestination");

    QTest::newRow("plain") << QStringLiteral("/data/photos") << QStringLiteral("/mnt/b/photos")
                           << QStringLiteral("/data/photos/") << QStringLiteral("/mnt/b/photos/");
    QTest::newRow("trailing slash kept single")
        << QStringLiteral("/data/photos/") << QStringLiteral("/mnt/b/photos/")
        << QStringLiteral("/data/photos/") << QStringLiteral("/mnt/b/photos/");
    QTest::newRow("spaces") << QStringLiteral("/data/my photos")
                            << QStringLiteral("/mnt/b/my photos")
                            << QStringLiteral("/data/my photos/")
                            << QStringLiteral("/mnt/b/my photos/");
    QTest::newRow("newline in a component")
        << QStringLiteral("/data/line\nbreak") << QStringLiteral("/mnt/b/line\nbreak")
        << QStringLiteral("/data/line\nbreak/") << QStringLiteral("/mnt/b/line\nbreak/");
    QTest::newRow("leading dash in a component")
        << QStringLiteral("/data/-rf") << QStringLiteral("/mnt/b/--delete")
        << QStringLiteral("/data/-rf/") << QStringLiteral("/mnt/b/--delete/");
    QTest::newRow("non-ASCII") << QStringLiteral("/data/Grüße") << QStringLiteral("/mnt/日本")
                               << QStringLiteral("/data/Grüße/") << QStringLiteral("/mnt/日本/");
    QTest::newRow("colon in an absolute path")
        << QStringLiteral("/data/a:b") << QStringLiteral("/mnt/a:b") << QStringLiteral("/data/a:b/")
        << QStringLiteral("/mnt/a:b/");
    QTest::newRow("relative path with colon")
        << QStringLiteral("host:data") << QStringLiteral("-dest") << QStringLiteral("./host:data/")
        << QStringLiteral("./-dest/");
}

void TestRsyncArguments::paths()
{
    QFETCH(QString, source);
    QFETCH(QString, destination);
    QFETCH(QString, expectedSource);
    QFETCH(QString, expectedDestination);

    const QStringList arguments = buildRsyncArguments(source, destination, SyncOptions{});

    QCOMPARE(arguments.size() >= 3, true);
    QCOMPARE(arguments.at(arguments.size() - 3), QStringLiteral("--"));
    QCOMPARE(arguments.at(arguments.size() - 2), expectedSource);
    QCOMPARE(arguments.last(), expectedDestination);
}

void TestRsyncArguments::separatorBeforePaths_data()
{
    QTest::addColumn<SyncOptions>("options");

    SyncOptions all = excluding({QStringLiteral("--"), QStringLiteral("-- x")});
    all.deleteExtraneous = true;
    all.bandwidthLimitKbps = 10;
    all.dryRun = true;
    all.verbosity = Verbosity::Verbose;

    QTest::newRow("defaults") << SyncOptions{};
    QTest::newRow("every option") << all;
}

void TestRsyncArguments::separatorBeforePaths()
{
    QFETCH(SyncOptions, options);

    const QStringList arguments =
        buildRsyncArguments(QStringLiteral("/-src"), QStringLiteral("/-dst"), options);

    QCOMPARE(arguments.count(QStringLiteral("--")), 1);
    QCOMPARE(arguments.indexOf(QStringLiteral("--")), arguments.size() - 3);
    for (qsizetype i = 0; i < arguments.size() - 2; ++i)
        QVERIFY2(arguments.at(i).startsWith(u'-'), qPrintable(arguments.at(i)));
}

QTEST_GUILESS_MAIN(TestRsyncArguments)
#include "tst_rsyncarguments.moc"
