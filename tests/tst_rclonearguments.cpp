#include "runner/rclonearguments.h"

#include <QtTest>

using namespace dynamight;

Q_DECLARE_METATYPE(dynamight::SyncOptions)

namespace {

const QString kConfig = QStringLiteral("/run/user/0/dynamight-rclone-abc/rclone.conf");
const QString kSource = QStringLiteral("/data/photos");
const QString kDestination = QStringLiteral("dest:bucket/backups/photos");

// The arguments that every run passes, after the subcommand.
const QStringList kFixed{
    QStringLiteral("--config=") + kConfig, QStringLiteral("--use-json-log"), QStringLiteral("-v"),
    QStringLiteral("--stats=1s"),          QStringLiteral("--stats-one-line"), QStringLiteral("--retries=1"),
};

// Returns the arguments between the fixed ones and "--", which is what the options control.
QStringList optionPart(const QStringList &arguments)
{
    const qsizetype start = 1 + kFixed.size();
    const qsizetype end = arguments.lastIndexOf(QStringLiteral("--"));
    return arguments.mid(start, end - start);
}

SyncOptions makeOptions(bool deleteExtraneous, QStringList patterns, std::optional<int> bandwidth, bool dryRun)
{
    SyncOptions result;
    result.deleteExtraneous = deleteExtraneous;
    result.excludePatterns = std::move(patterns);
    result.bandwidthLimitKbps = bandwidth;
    result.dryRun = dryRun;
    return result;
}

} // namespace

class TestRcloneArguments : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void subcommand_data();
    void subcommand();
    void fixedArguments();
    void options_data();
    void options();
    void separatorBeforePaths();
    void filterRules_data();
    void filterRules();
    void checkArguments();
};

void TestRcloneArguments::subcommand_data()
{
    QTest::addColumn<bool>("deleteExtraneous");
    QTest::addColumn<QString>("expected");
    QTest::newRow("copy keeps extra files") << false << QStringLiteral("copy");
    QTest::newRow("sync deletes extra files") << true << QStringLiteral("sync");
}

void TestRcloneArguments::subcommand()
{
    QFETCH(bool, deleteExtraneous);
    QFETCH(QString, expected);
    const QStringList arguments =
        buildRcloneArguments(kConfig, kSource, kDestination, makeOptions(deleteExtraneous, {}, {}, false));
    QCOMPARE(arguments.first(), expected);
}

void TestRcloneArguments::fixedArguments()
{
    const QStringList arguments = buildRcloneArguments(kConfig, kSource, kDestination, SyncOptions{});
    QCOMPARE(arguments.mid(1, kFixed.size()), kFixed);
    QCOMPARE(optionPart(arguments), QStringList());
}

void TestRcloneArguments::options_data()
{
    QTest::addColumn<SyncOptions>("syncOptions");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("defaults") << SyncOptions{} << QStringList();
    QTest::newRow("dry run") << makeOptions(false, {}, {}, true) << QStringList{QStringLiteral("--dry-run")};
    QTest::newRow("bandwidth in KiB/s") << makeOptions(false, {}, 512, false)
                                        << QStringList{QStringLiteral("--bwlimit=512K")};
    QTest::newRow("zero bandwidth is no limit") << makeOptions(false, {}, 0, false) << QStringList();
    QTest::newRow("exclude file name")
        << makeOptions(false, {QStringLiteral("*.tmp")}, {}, false)
        << QStringList{QStringLiteral("--filter=- *.tmp"), QStringLiteral("--filter=- *.tmp/**")};
    QTest::newRow("empty pattern left out") << makeOptions(false, {QString()}, {}, false) << QStringList();
    QTest::newRow("everything together")
        << makeOptions(true, {QStringLiteral(".cache/")}, 100, true)
        << QStringList{QStringLiteral("--filter=- .cache/**"), QStringLiteral("--bwlimit=100K"),
                       QStringLiteral("--dry-run")};
}

void TestRcloneArguments::options()
{
    QFETCH(SyncOptions, syncOptions);
    QFETCH(QStringList, expected);
    QCOMPARE(optionPart(buildRcloneArguments(kConfig, kSource, kDestination, syncOptions)), expected);
}

void TestRcloneArguments::separatorBeforePaths()
{
    const QString source = QStringLiteral("/data/-odd name: ü");
    const QStringList arguments =
        buildRcloneArguments(kConfig, source, kDestination, makeOptions(true, {QStringLiteral("x")}, 1, true));
    QCOMPARE(arguments.size() - arguments.indexOf(QStringLiteral("--")), 3);
    QCOMPARE(arguments.at(arguments.size() - 2), source);
    QCOMPARE(arguments.last(), kDestination);
}

void TestRcloneArguments::filterRules_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QStringList>("expected");

    const auto both = [](const QString &glob) {
        return QStringList{QStringLiteral("- ") + glob, QStringLiteral("- ") + glob + QStringLiteral("/**")};
    };
    QTest::newRow("name at any depth") << QStringLiteral("*.tmp") << both(QStringLiteral("*.tmp"));
    QTest::newRow("folder or file name") << QStringLiteral(".cache") << both(QStringLiteral(".cache"));
    QTest::newRow("anchored") << QStringLiteral("/build") << both(QStringLiteral("/build"));
    QTest::newRow("path with slash") << QStringLiteral("logs/*.log") << both(QStringLiteral("logs/*.log"));
    QTest::newRow("double star") << QStringLiteral("**/cache") << both(QStringLiteral("**/cache"));
    QTest::newRow("question mark") << QStringLiteral("file?.txt") << both(QStringLiteral("file?.txt"));
    QTest::newRow("folders only") << QStringLiteral("node_modules/")
                                  << QStringList{QStringLiteral("- node_modules/**")};
    QTest::newRow("folder and contents") << QStringLiteral("dist/***") << QStringList{QStringLiteral("- dist/**")};
    QTest::newRow("negated class") << QStringLiteral("[!a]*.bak") << both(QStringLiteral("[^a]*.bak"));
    QTest::newRow("class") << QStringLiteral("[ab]*.bak") << both(QStringLiteral("[ab]*.bak"));
    QTest::newRow("braces are literal") << QStringLiteral("{a,b}") << both(QStringLiteral("\\{a,b\\}"));
    QTest::newRow("backslash literal without wildcard")
        << QStringLiteral("back\\slash") << both(QStringLiteral("back\\\\slash"));
    QTest::newRow("backslash escapes a wildcard")
        << QStringLiteral("star\\*name*") << both(QStringLiteral("star\\*name*"));
    QTest::newRow("escaped letter is the letter") << QStringLiteral("\\a*") << both(QStringLiteral("a*"));
    QTest::newRow("unclosed class is literal") << QStringLiteral("[abc*") << both(QStringLiteral("\\[abc*"));
    QTest::newRow("rule-like pattern") << QStringLiteral("- x") << both(QStringLiteral("- x"));
    QTest::newRow("spaces and non-ASCII") << QStringLiteral("my file ü.txt") << both(QStringLiteral("my file ü.txt"));
}

void TestRcloneArguments::filterRules()
{
    QFETCH(QString, pattern);
    QFETCH(QStringList, expected);
    QCOMPARE(rcloneFilterRules({pattern}), expected);
}

void TestRcloneArguments::checkArguments()
{
    const QStringList arguments = buildRcloneCheckArguments(kConfig, QStringLiteral("dest:bucket"));
    QCOMPARE(arguments.first(), QStringLiteral("lsf"));
    QVERIFY(arguments.contains(QStringLiteral("--config=") + kConfig));
    QVERIFY(arguments.contains(QStringLiteral("--contimeout=5s")));
    QVERIFY(arguments.contains(QStringLiteral("--timeout=10s")));
    QVERIFY(arguments.contains(QStringLiteral("--low-level-retries=1")));
    QCOMPARE(arguments.at(arguments.size() - 2), QStringLiteral("--"));
    QCOMPARE(arguments.last(), QStringLiteral("dest:bucket"));
}

QTEST_GUILESS_MAIN(TestRcloneArguments)
#include "tst_rclonearguments.moc"
