#include "clock.h"
#include "runs/logstore.h"
#include "runs/logwriter.h"
#include "storage/database.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace dynamight;

class TestLogWriter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void flushStoresInOrderWithIds();
    void timerFlushesSmallBatches();
    void largeBatchesFlushAtOnce();
    void capKeepsHeadAndTail();
    void linesOfUnknownRunIgnored();

private:
    QList<LogEntry> stored(qint64 runId);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::shared_ptr<Database> m_database;
    std::unique_ptr<LogStore> m_store;
    SystemClock m_clock;
};

void TestLogWriter::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    auto database = Database::open(m_dir->path());
    QVERIFY(database.ok());
    m_database = *database;
    m_store = std::make_unique<LogStore>(m_database);
}

void TestLogWriter::cleanup()
{
    m_store.reset();
    m_database.reset();
}

QList<LogEntry> TestLogWriter::stored(qint64 runId)
{
    LogStore::Filter filter;
    filter.limit = 100000;
    return m_store->list(runId, filter).value();
}

void TestLogWriter::flushStoresInOrderWithIds()
{
    LogWriter writer(*m_store, m_clock);
    QSignalSpy spy(&writer, &LogWriter::stored);
    writer.begin(1, 1000);
    writer.append(1, LogLevel::Info, QStringLiteral("first"));
    writer.append(1, LogLevel::Warning, QStringLiteral("second"));
    QCOMPARE(stored(1).size(), 0);

    writer.flush(1);
    QCOMPARE(spy.count(), 1);
    const auto entries = spy.first().first().value<QList<LogEntry>>();
    QCOMPARE(entries.size(), 2);
    QVERIFY(entries.at(0).id > 0);
    QVERIFY(entries.at(1).id > entries.at(0).id);
    const QList<LogEntry> rows = stored(1);
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows.at(0).message, QStringLiteral("first"));
    QCOMPARE(rows.at(1).level, LogLevel::Warning);
}

void TestLogWriter::timerFlushesSmallBatches()
{
    LogWriter writer(*m_store, m_clock);
    writer.begin(2, 1000);
    writer.append(2, LogLevel::Info, QStringLiteral("line"));
    QTRY_COMPARE_WITH_TIMEOUT(stored(2).size(), 1, 2000);
}

void TestLogWriter::largeBatchesFlushAtOnce()
{
    LogWriter writer(*m_store, m_clock);
    QSignalSpy spy(&writer, &LogWriter::stored);
    writer.begin(3, 100000);
    for (int i = 0; i < 1200; ++i)
        writer.append(3, LogLevel::Info, QStringLiteral("file %1").arg(i));
    QCOMPARE(spy.count(), 2);
    QCOMPARE(stored(3).size(), 1000);
    writer.end(3);
    QCOMPARE(stored(3).size(), 1200);
}

void TestLogWriter::capKeepsHeadAndTail()
{
    LogWriter writer(*m_store, m_clock);
    writer.begin(4, 100);
    for (int i = 0; i < 1000; ++i)
        writer.append(4, LogLevel::Info, QStringLiteral("file %1").arg(i));
    writer.end(4);

    const QList<LogEntry> rows = stored(4);
    QCOMPARE(rows.size(), 101);
    QCOMPARE(rows.at(0).message, QStringLiteral("file 0"));
    QCOMPARE(rows.at(49).message, QStringLiteral("file 49"));
    QCOMPARE(rows.at(50).level, LogLevel::Warning);
    QVERIFY2(rows.at(50).message.startsWith(QLatin1String("900 log lines were dropped")), qPrintable(rows.at(50).message));
    QCOMPARE(rows.at(51).message, QStringLiteral("file 950"));
    QCOMPARE(rows.last().message, QStringLiteral("file 999"));
}

void TestLogWriter::linesOfUnknownRunIgnored()
{
    LogWriter writer(*m_store, m_clock);
    writer.append(5, LogLevel::Info, QStringLiteral("nobody began this run"));
    writer.flush(5);
    writer.end(5);
    QCOMPARE(stored(5).size(), 0);
}

QTEST_GUILESS_MAIN(TestLogWriter)
#include "tst_logwriter.moc"
