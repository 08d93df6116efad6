#include "runner/rsyncoutput.h"

#include <QtTest>

using namespace dynamight;

Q_DECLARE_METATYPE(dynamight::RsyncRecord::Kind)
Q_DECLARE_METATYPE(dynamight::RunStatus)
Q_DECLARE_METATYPE(dynamight::LogLevel)

namespace {

using Kind = RsyncRecord::Kind;

QByteArray record(const char *itemized, const char *size, const QByteArray &name)
{
    return QByteArray("DYNAMIGHT|") + itemized + '|' + size + "|0|" + name;
}

} // namespace

class TestRsyncOutput : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void outFormat();
    void records_data();
    void records();
    void otherOutput_data();
    void otherOutput();
    void escapes_data();
    void escapes();
    void exitCodes_data();
    void exitCodes();
    void stderrLevels_data();
    void stderrLevels();
};

void TestRsyncOutput::outFormat()
{
    const QString format = rsyncOutFormat();

    QVERIFY(format.startsWith(QStringLiteral("DYNAMIGHT|")));
    QVERIFY2(format.endsWith(QStringLiteral("%n")), "the name must come last");
    QVERIFY(format.contains(QStringLiteral("%i")));
    QVERIFY(format.contains(QStringLiteral("%l")));
    QVERIFY2(format.contains(QStringLiteral("%b")), "%b delays each line until the file is done");
}

void TestRsyncOutput::records_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<Kind>("kind");
    QTest::addColumn<QString>("itemized");
    QTest::addColumn<QString>("path");
    QTest::addColumn<qint64>("size");

    QTest::newRow("new file") << record(">f+++++++++", "5", "a.txt") << Kind::TransferredFile
                              << QStringLiteral(">f+++++++++") << QStringLiteral("a.txt")
                              << qint64(5);
    QTest::newRow("updated file") << record(">f.st......", "3000000", "dir/big.bin")
                                  << Kind::TransferredFile << QStringLiteral(">f.st......")
                                  << QStringLiteral("dir/big.bin") << qint64(3000000);
    QTest::newRow("file sent to a remote")
        << record("<f+++++++++", "12", "up.txt") << Kind::TransferredFile
        << QStringLiteral("<f+++++++++") << QStringLiteral("up.txt") << qint64(12);
    QTest::newRow("empty file") << record(">f+++++++++", "0", "empty") << Kind::TransferredFile
                                << QStringLiteral(">f+++++++++") << QStringLiteral("empty")
                                << qint64(0);
    QTest::newRow("size beyond 32 bits")
        << record(">f+++++++++", "8589934592", "huge") << Kind::TransferredFile
        << QStringLiteral(">f+++++++++") << QStringLiteral("huge") << qint64(8589934592);
    QTest::newRow("deleted file") << record("*deleting  ", "0", "old.txt") << Kind::Deleted
                                  << QStringLiteral("*deleting") << QStringLiteral("old.txt")
                                  << qint64(0);
    QTest::newRow("deleted folder")
        << record("*deleting  ", "0", "sub/") << Kind::Deleted << QStringLiteral("*deleting")
        << QStringLiteral("sub/") << qint64(0);
    QTest::newRow("created folder")
        << record("cd+++++++++", "4096", "sub/") << Kind::OtherChange
        << QStringLiteral("cd+++++++++") << QStringLiteral("sub/") << qint64(4096);
    QTest::newRow("folder times") << record(".d..t......", "4096", "./") << Kind::OtherChange
                                  << QStringLiteral(".d..t......") << QStringLiteral("./")
                                  << qint64(4096);
    QTest::newRow("symlink") << record("cL+++++++++", "5", "link") << Kind::OtherChange
                             << QStringLiteral("cL+++++++++") << QStringLiteral("link")
                             << qint64(5);
    QTest::newRow("hard link") << record("hf+++++++++", "5", "twin") << Kind::OtherChange
                               << QStringLiteral("hf+++++++++") << QStringLiteral("twin")
                               << qint64(5);
    QTest::newRow("file attributes only")
        << record(".f...p.....", "5", "mode") << Kind::OtherChange << QStringLiteral(".f...p.....")
        << QStringLiteral("mode") << qint64(5);
    QTest::newRow("other message")
        << record("*missing   ", "0", "gone") << Kind::OtherChange << QStringLiteral("*missing")
        << QStringLiteral("gone") << qint64(0);
    QTest::newRow("escaped newline")
        << record(">f+++++++++", "7", "line\\#012break.txt") << Kind::TransferredFile
        << QStringLiteral(">f+++++++++") << QStringLiteral("line\nbreak.txt") << qint64(7);
    QTest::newRow("escaped carriage return")
        << record(">f+++++++++", "2", "c\\#015r") << Kind::TransferredFile
        << QStringLiteral(">f+++++++++") << QStringLiteral("c\rr") << qint64(2);
    QTest::newRow("escaped backslash before hash and digits")
        << record(">f+++++++++", "2", "back\\#134#012slash") << Kind::TransferredFile
        << QStringLiteral(">f+++++++++") << QStringLiteral("back\\#012slash") << qint64(2);
    QTest::newRow("plain backslash")
        << record(">f+++++++++", "2", "a\\b") << Kind::TransferredFile
        << QStringLiteral(">f+++++++++") << QStringLiteral("a\\b") << qint64(2);
    QTest::newRow("tab is not escaped")
        << record(">f+++++++++", "3", "ta\tb") << Kind::TransferredFile
        << QStringLiteral(">f+++++++++") << QStringLiteral("ta\tb") << qint64(3);
    QTest::newRow("UTF-8 with -8")
        << record(">f+++++++++", "8", QStringLiteral("Grüße/日本.txt").toUtf8())
        << Kind::TransferredFile << QStringLiteral(">f+++++++++")
        << QStringLiteral("Grüße/日本.txt") << qint64(8);
    QTest::newRow("UTF-8 escaped byte by byte")
        << record(">f+++++++++", "1", "Gr\\#303\\#274\\#303\\#237e") << Kind::TransferredFile
        << QStringLiteral(">f+++++++++") << QStringLiteral("Grüße") << qint64(1);
    QTest::newRow("separator in the name")
        << record(">f+++++++++", "4", "p|ipe|") << Kind::TransferredFile
        << QStringLiteral(">f+++++++++") << QStringLiteral("p|ipe|") << qint64(4);
    QTest::newRow("name that contains a record")
        << record(">f+++++++++", "1", "x|DYNAMIGHT|*deleting  |0|0|y") << Kind::TransferredFile
        << QStringLiteral(">f+++++++++") << QStringLiteral("x|DYNAMIGHT|*deleting  |0|0|y")
        << qint64(1);
    QTest::newRow("name that looks like a message")
        << record(">f+++++++++", "1", "rsync error: code 11") << Kind::TransferredFile
        << QStringLiteral(">f+++++++++") << QStringLiteral("rsync error: code 11") << qint64(1);
}

void TestRsyncOutput::records()
{
    QFETCH(QByteArray, line);
    QFETCH(Kind, kind);
    QFETCH(QString, itemized);
    QFETCH(QString, path);
    QFETCH(qint64, size);

    const std::optional<RsyncRecord> parsed = parseRsyncRecord(line);

    QVERIFY(parsed.has_value());
    QCOMPARE(parsed->kind, kind);
    QCOMPARE(parsed->itemizedChanges, itemized);
    QCOMPARE(parsed->path, path);
    QCOMPARE(parsed->size, size);
}

void TestRsyncOutput::otherOutput_data()
{
    QTest::addColumn<QByteArray>("line");

    QTest::newRow("empty") << QByteArray();
    QTest::newRow("created directory") << QByteArray("created directory /mnt/b/photos");
    QTest::newRow("stats") << QByteArray("Number of regular files transferred: 4");
    QTest::newRow("summary") << QByteArray("sent 881 bytes  received 282 bytes  2326.00 bytes/sec");
    QTest::newRow("prefix only") << QByteArray("DYNAMIGHT|");
    QTest::newRow("lower-case prefix") << QByteArray("dynamight|>f+++++++++|5|0|a.txt");
    QTest::newRow("leading space") << QByteArray(" DYNAMIGHT|>f+++++++++|5|0|a.txt");
    QTest::newRow("prefix inside the line") << QByteArray("a.txt DYNAMIGHT|>f+++++++++|5|0|a.txt");
    QTest::newRow("short itemize") << QByteArray("DYNAMIGHT|>f+++|5|0|a.txt");
    QTest::newRow("long itemize") << QByteArray("DYNAMIGHT|>f++++++++++|5|0|a.txt");
    QTest::newRow("unknown update type") << QByteArray("DYNAMIGHT|xf+++++++++|5|0|a.txt");
    QTest::newRow("unknown file type") << QByteArray("DYNAMIGHT|>x+++++++++|5|0|a.txt");
    QTest::newRow("bare star") << QByteArray("DYNAMIGHT|*|5|0|a.txt");
    QTest::newRow("size with separators") << QByteArray("DYNAMIGHT|>f+++++++++|5,000|0|a.txt");
    QTest::newRow("negative size") << QByteArray("DYNAMIGHT|>f+++++++++|-5|0|a.txt");
    QTest::newRow("empty size") << QByteArray("DYNAMIGHT|>f+++++++++||0|a.txt");
    QTest::newRow("wire bytes not a number") << QByteArray("DYNAMIGHT|>f+++++++++|5|x|a.txt");
    QTest::newRow("missing name") << QByteArray("DYNAMIGHT|>f+++++++++|5|0|");
    QTest::newRow("missing fields") << QByteArray("DYNAMIGHT|>f+++++++++|5");
}

void TestRsyncOutput::otherOutput()
{
    QFETCH(QByteArray, line);

    QVERIFY(!parseRsyncRecord(line).has_value());
}

void TestRsyncOutput::escapes_data()
{
    QTest::addColumn<QByteArray>("escaped");
    QTest::addColumn<QByteArray>("decoded");

    QTest::newRow("nothing to decode") << QByteArray("plain") << QByteArray("plain");
    QTest::newRow("newline") << QByteArray("a\\#012b") << QByteArray("a\nb");
    QTest::newRow("at both ends") << QByteArray("\\#001x\\#177") << QByteArray("\001x\177");
    QTest::newRow("high byte") << QByteArray("\\#377") << QByteArray("\377");
    QTest::newRow("escaped backslash") << QByteArray("\\#134#012") << QByteArray("\\#012");
    QTest::newRow("value above a byte") << QByteArray("\\#777") << QByteArray("\\#777");
    QTest::newRow("non-octal digit") << QByteArray("\\#089") << QByteArray("\\#089");
    QTest::newRow("too few digits") << QByteArray("\\#12") << QByteArray("\\#12");
    QTest::newRow("truncated at the end") << QByteArray("ab\\#01") << QByteArray("ab\\#01");
    QTest::newRow("backslash without hash") << QByteArray("a\\012") << QByteArray("a\\012");
}

void TestRsyncOutput::escapes()
{
    QFETCH(QByteArray, escaped);
    QFETCH(QByteArray, decoded);

    QCOMPARE(decodeRsyncEscapes(escaped), decoded);
}

void TestRsyncOutput::exitCodes_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<RunStatus>("status");
    QTest::addColumn<QString>("reason");

    const auto failed = RunStatus::Failed;
    QTest::newRow("0") << 0 << RunStatus::Completed << QStringLiteral("success");
    QTest::newRow("1") << 1 << failed << QStringLiteral("syntax or usage error");
    QTest::newRow("2") << 2 << failed << QStringLiteral("protocol incompatibility");
    QTest::newRow("3") << 3 << failed
                       << QStringLiteral("errors selecting input/output files, directories");
    QTest::newRow("4") << 4 << failed << QStringLiteral("requested action not supported");
    QTest::newRow("5") << 5 << failed << QStringLiteral("error starting client-server protocol");
    QTest::newRow("10") << 10 << failed << QStringLiteral("error in socket I/O");
    QTest::newRow("11") << 11 << failed << QStringLiteral("error in file I/O");
    QTest::newRow("12") << 12 << failed << QStringLiteral("error in rsync protocol data stream");
    QTest::newRow("13") << 13 << failed << QStringLiteral("errors with program diagnostics");
    QTest::newRow("14") << 14 << failed << QStringLiteral("error in IPC code");
    QTest::newRow("15") << 15 << failed << QStringLiteral("sibling process crashed");
    QTest::newRow("16") << 16 << failed << QStringLiteral("sibling process was killed by a signal");
    QTest::newRow("19") << 19 << failed << QStringLiteral("received SIGUSR1");
    QTest::newRow("20") << 20 << failed << QStringLiteral("received SIGINT, SIGTERM, or SIGHUP");
    QTest::newRow("21") << 21 << failed << QStringLiteral("some error returned by waitpid()");
    QTest::newRow("22") << 22 << failed << QStringLiteral("error allocating core memory buffers");
    QTest::newRow("23") << 23 << RunStatus::Partial
                        << QStringLiteral("partial transfer due to error");
    QTest::newRow("24") << 24 << RunStatus::Completed
                        << QStringLiteral("partial transfer due to vanished source files");
    QTest::newRow("25") << 25 << failed
                        << QStringLiteral("the --max-delete limit stopped deletions");
    QTest::newRow("30") << 30 << failed << QStringLiteral("timeout in data send/receive");
    QTest::newRow("35") << 35 << failed << QStringLiteral("timeout waiting for daemon connection");
    QTest::newRow("undocumented") << 99 << failed
                                  << QStringLiteral("an exit code that rsync does not document");
    QTest::newRow("negative") << -1 << failed
                              << QStringLiteral("an exit code that rsync does not document");
}

void TestRsyncOutput::exitCodes()
{
    QFETCH(int, code);
    QFETCH(RunStatus, status);
    QFETCH(QString, reason);

    const RsyncExitMeaning meaning = describeRsyncExit(code);

    QCOMPARE(meaning.status, status);
    QCOMPARE(meaning.reason, reason);
}

void TestRsyncOutput::stderrLevels_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<LogLevel>("level");

    QTest::newRow("vanished file")
        << QByteArray("file has vanished: \"/data/photos/tmp.jpg\"") << LogLevel::Warning;
    QTest::newRow("vanished summary")
        << QByteArray("rsync warning: some files vanished before they could be transferred "
                      "(code 24) at main.c(1394) [sender=3.5.0]")
        << LogLevel::Warning;
    QTest::newRow("sender error") << QByteArray(
        "rsync: [sender] change_dir \"/x\" failed: No such file or directory (2)")
                                  << LogLevel::Error;
    QTest::newRow("error summary")
        << QByteArray("rsync error: some files/attrs were not transferred (see previous errors) "
                      "(code 23) at main.c(1394) [sender=3.5.0]")
        << LogLevel::Error;
    QTest::newRow("vanished text later in the line")
        << QByteArray("rsync: open \"file has vanished: x\" failed") << LogLevel::Error;
}

void TestRsyncOutput::stderrLevels()
{
    QFETCH(QByteArray, line);
    QFETCH(LogLevel, level);

    QCOMPARE(rsyncStderrLevel(line), level);
}

QTEST_GUILESS_MAIN(TestRsyncOutput)
#include "tst_rsyncoutput.moc"
