// ProcessGroup: line splitting, environment, process groups, escalation and parent death.
#include "runner/processgroup.h"

#include <QtTest>
#include <QCoreApplication>
#include <QFileInfo>

#include <csignal>
#include <cstdio>
#include <unistd.h>

using namespace dynamight;
using namespace std::chrono_literals;

using Splitter = ProcessGroup::LineSplitter;

class TestProcessGroup : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void splitter_data();
    void splitter();
    void splitterCapsLongLines();
    void linesAcrossReads();
    void environment();
    void failedToStart();
    void childDiesWithParent();
    void terminateEscalates();
};

void TestProcessGroup::splitter_data()
{
    QTest::addColumn<QByteArrayList>("chunks");
    QTest::addColumn<QByteArrayList>("lines");
    QTest::addColumn<QByteArray>("remainder");

    QTest::newRow("one line") << QByteArrayList{"abc\n"} << QByteArrayList{"abc"} << QByteArray();
    QTest::newRow("split across chunks") << QByteArrayList{"ab", "c\nde", "f\n"}
                                         << QByteArrayList{"abc", "def"} << QByteArray();
    QTest::newRow("crlf") << QByteArrayList{"a\r\nb\r", "\n"} << QByteArrayList{"a", "b"}
                          << QByteArray();
    QTest::newRow("progress redraw") << QByteArrayList{"\r 10%\r 20%\r 30%\n"}
                                     << QByteArrayList{" 10%", " 20%", " 30%"} << QByteArray();
    QTest::newRow("unterminated") << QByteArrayList{"a\nb"} << QByteArrayList{"a"}
                                  << QByteArray("b");
    QTest::newRow("empty lines dropped") << QByteArrayList{"\n\n\na\n\n"} << QByteArrayList{"a"}
                                         << QByteArray();
}

void TestProcessGroup::splitter()
{
    QFETCH(QByteArrayList, chunks);
    QFETCH(QByteArrayList, lines);
    QFETCH(QByteArray, remainder);

    Splitter splitter;
    QByteArrayList actual;
    for (const QByteArray &chunk : chunks)
        actual << splitter.append(chunk);

    QCOMPARE(actual, lines);
    QCOMPARE(splitter.takeRemainder(), remainder);
}

void TestProcessGroup::splitterCapsLongLines()
{
    Splitter splitter;
    const QByteArray big(Splitter::kMaxLineBytes + 10, 'x');
    const QByteArrayList lines = splitter.append(big);
    QCOMPARE(lines.size(), 1);
    QCOMPARE(lines.first().size(), Splitter::kMaxLineBytes);
    QCOMPARE(splitter.takeRemainder().size(), 10);
}

void TestProcessGroup::linesAcrossReads()
{
    ProcessGroup group;
    QByteArrayList out, err;
    connect(&group, &ProcessGroup::standardOutputLine, this, [&](const QByteArray &l) { out << l; });
    connect(&group, &ProcessGroup::standardErrorLine, this, [&](const QByteArray &l) { err << l; });
    QSignalSpy finished(&group, &ProcessGroup::finished);

    group.start(QStringLiteral("/bin/sh"),
                {QStringLiteral("-c"),
                 QStringLiteral("printf 'one\\ntw'; sleep 0.2; printf 'o\\r3\\r\\n'; "
                                "printf 'err' >&2; printf 'last'; exit 3")});
    QTRY_COMPARE(finished.count(), 1);

    QCOMPARE(out, (QByteArrayList{"one", "two", "3", "last"}));
    QCOMPARE(err, QByteArrayList{"err"});
    QCOMPARE(finished.first().at(0).toInt(), 3);
    QCOMPARE(finished.first().at(1).value<QProcess::ExitStatus>(), QProcess::NormalExit);
    QVERIFY(!group.isRunning());
}

void TestProcessGroup::environment()
{
    qputenv("DYNAMIGHT_SECRET", QByteArray(40, 'x'));
    ProcessGroup group;
    qunsetenv("DYNAMIGHT_SECRET");
    QByteArrayList out;
    connect(&group, &ProcessGroup::standardOutputLine, this, [&](const QByteArray &l) { out << l; });
    QSignalSpy finished(&group, &ProcessGroup::finished);
    group.start(QStringLiteral("/bin/sh"),
                {QStringLiteral("-c"),
                 QStringLiteral("echo \"$LC_ALL $HOME ${DYNAMIGHT_SECRET-unset}\"; ps -o pid=,pgid=,sid= -p $$")});
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(out.first(), "C.UTF-8 " + qgetenv("HOME") + " unset");
    const QList<QByteArray> ids = out.at(1).simplified().split(' ');
    QCOMPARE(ids.at(0), ids.at(1));
    QCOMPARE(ids.at(0), ids.at(2));
}

void TestProcessGroup::failedToStart()
{
    ProcessGroup group;
    QSignalSpy failed(&group, &ProcessGroup::failedToStart);
    QSignalSpy finished(&group, &ProcessGroup::finished);
    group.start(QStringLiteral("/nonexistent/program"), {});
    QTRY_COMPARE(failed.count(), 1);
    qInfo() << "failedToStart message:" << failed.first().first().toString();
    QTest::qWait(50);
    QCOMPARE(finished.count(), 0);
    QVERIFY(!group.isRunning());
}

// Runs a helper copy of this binary that starts `sleep 30` and then dies by SIGKILL. The sleep
// must die with it.
void TestProcessGroup::childDiesWithParent()
{
    QProcess helper;
    helper.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--orphan-helper")});
    QVERIFY(helper.waitForFinished(5000));
    const qint64 pid = helper.readAllStandardOutput().trimmed().toLongLong();
    QVERIFY(pid > 0);
    qInfo() << "helper exit status" << helper.exitStatus() << "child pid" << pid;

    auto alive = [pid] {
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            return false;
        const QByteArray text = stat.readAll();
        return text.mid(text.lastIndexOf(')') + 2, 1) != "Z";
    };
    QTRY_VERIFY_WITH_TIMEOUT(!alive(), 2000);
}

void TestProcessGroup::terminateEscalates()
{
    ProcessGroup group;
    QSignalSpy finished(&group, &ProcessGroup::finished);
    group.start(QStringLiteral("/bin/sh"),
                {QStringLiteral("-c"), QStringLiteral("trap '' TERM; sleep 30 & wait")});
    QTest::qWait(200);
    QElapsedTimer timer;
    timer.start();
    group.terminate(5s);
    group.terminate(200ms); // the earlier deadline wins
    group.terminate(10s);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 3000);
    qInfo() << "stopped after" << timer.elapsed() << "ms";
    QVERIFY(timer.elapsed() < 1000);
    QCOMPARE(finished.first().at(1).value<QProcess::ExitStatus>(), QProcess::CrashExit);
    qInfo() << "exit code of a process killed by SIGKILL:" << finished.first().at(0).toInt();
}

int runOrphanHelper(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    ProcessGroup group;
    QObject::connect(&group, &ProcessGroup::started, [](qint64 pid) {
        std::printf("%lld\n", pid);
        std::fflush(stdout);
        QTimer::singleShot(qEnvironmentVariableIntValue("HELPER_DELAY_MS") + 100, [] { raise(SIGKILL); });
    });
    const QStringList command = qEnvironmentVariableIsSet("HELPER_COMMAND")
        ? qEnvironmentVariable("HELPER_COMMAND").split(u' ')
        : QStringList{QStringLiteral("sleep"), QStringLiteral("30")};
    group.start(command.first(), command.mid(1));
    return app.exec();
}

int main(int argc, char **argv)
{
    if (argc > 1 && qstrcmp(argv[1], "--orphan-helper") == 0)
        return runOrphanHelper(argc, argv);

    QCoreApplication app(argc, argv);
    TestProcessGroup test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_processgroup.moc"
