#include "auth/ratelimiter.h"

#include <QLoggingCategory>
#include <QTest>

using namespace dynamight;
using namespace std::chrono_literals;

namespace {

// A clock whose time changes only when the test advances it.
class ManualClock final : public Clock
{
public:
    QDateTime now() const override { return m_now; }
    void advance(std::chrono::milliseconds duration) { m_now = m_now.addMSecs(duration.count()); }

private:
    QDateTime m_now = QDateTime(QDate(2024, 3, 1), QTime(12, 0), Qt::UTC);
};

const QString client = QStringLiteral("192.0.2.1");
const QString otherClient = QStringLiteral("192.0.2.2");

} // namespace

class TestRateLimiter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();

    void fifthFailureLocksOut();
    void lockedOutEvenForSuccess();
    void lockoutEnds();
    void clientsAreSeparate();
    void oldFailuresDecay();
    void successClearsFailures();
    void backoffDoublesAndCaps();
    void backoffForgottenWhenQuiet();
    void dailyFailureNeverLocks();
    void retryAfterRoundsUp();
    void failuresDuringLockoutIgnored();
    void manyClientsPruned();

private:
    // Records failures until one starts a lockout and returns its duration.
    std::chrono::seconds lockOut(const QString &address = client);

    ManualClock m_clock;
    std::unique_ptr<RateLimiter> m_limiter;
};

void TestRateLimiter::initTestCase()
{
    // Every lockout logs a warning, which would bury the test output.
    QLoggingCategory::setFilterRules(QStringLiteral("dynamight.*.warning=false"));
}

void TestRateLimiter::init()
{
    m_clock = ManualClock();
    m_limiter = std::make_unique<RateLimiter>(RateLimitPolicy{}, m_clock);
}

std::chrono::seconds TestRateLimiter::lockOut(const QString &address)
{
    for (int i = 0; i < 100; ++i) {
        if (const auto lockout = m_limiter->recordFailure(address))
            return *lockout;
    }
    qFatal("100 failures did not lock the client out");
}

void TestRateLimiter::fifthFailureLocksOut()
{
    for (int i = 0; i < 4; ++i) {
        QVERIFY(!m_limiter->recordFailure(client).has_value());
        QVERIFY(!m_limiter->retryAfter(client).has_value());
    }

    const auto lockout = m_limiter->recordFailure(client);

    QCOMPARE(lockout, std::optional(60s));
    QCOMPARE(m_limiter->retryAfter(client), std::optional(60s));
}

void TestRateLimiter::lockedOutEvenForSuccess()
{
    lockOut();

    // The caller checks retryAfter() before the credentials, so right ones are rejected too.
    m_limiter->recordSuccess(client);

    QCOMPARE(m_limiter->retryAfter(client), std::optional(60s));
}

void TestRateLimiter::lockoutEnds()
{
    lockOut();

    m_clock.advance(59s);
    QCOMPARE(m_limiter->retryAfter(client), std::optional(1s));
    m_clock.advance(1s);
    QVERIFY(!m_limiter->retryAfter(client).has_value());
}

void TestRateLimiter::clientsAreSeparate()
{
    lockOut();

    QVERIFY(!m_limiter->retryAfter(otherClient).has_value());
    QVERIFY(!m_limiter->recordFailure(otherClient).has_value());
}

void TestRateLimiter::oldFailuresDecay()
{
    for (int i = 0; i < 3; ++i)
        QVERIFY(!m_limiter->recordFailure(client).has_value());
    m_clock.advance(30s);
    QVERIFY(!m_limiter->recordFailure(client).has_value());

    // The first three are now older than the 60 s window and no longer count.
    m_clock.advance(31s);
    for (int i = 0; i < 3; ++i)
        QVERIFY(!m_limiter->recordFailure(client).has_value());

    QVERIFY(m_limiter->recordFailure(client).has_value());
}

void TestRateLimiter::successClearsFailures()
{
    for (int i = 0; i < 4; ++i)
        m_limiter->recordFailure(client);

    m_limiter->recordSuccess(client);

    for (int i = 0; i < 4; ++i)
        QVERIFY(!m_limiter->recordFailure(client).has_value());
    QVERIFY(m_limiter->recordFailure(client).has_value());
}

void TestRateLimiter::backoffDoublesAndCaps()
{
    const QList<std::chrono::seconds> expected{60s, 120s, 240s, 480s, 960s, 1920s, 3600s, 3600s};
    for (const auto duration : expected) {
        QCOMPARE(lockOut(), duration);
        QCOMPARE(m_limiter->retryAfter(client), std::optional(duration));
        m_clock.advance(duration);
        QVERIFY(!m_limiter->retryAfter(client).has_value());
    }
}

void TestRateLimiter::backoffForgottenWhenQuiet()
{
    QCOMPARE(lockOut(), 60s);
    m_clock.advance(60s);
    QCOMPARE(lockOut(), 120s);

    // Less than max lockout (1 h) after the end of the last lockout: the doubling continues.
    m_clock.advance(120s + 3599s);
    QCOMPARE(lockOut(), 240s);

    m_clock.advance(240s + 3600s);
    QCOMPARE(lockOut(), 60s);
}

void TestRateLimiter::dailyFailureNeverLocks()
{
    for (int day = 0; day < 7; ++day) {
        QVERIFY2(!m_limiter->recordFailure(client).has_value(), qPrintable(QString::number(day)));
        QVERIFY(!m_limiter->retryAfter(client).has_value());
        m_clock.advance(24h);
    }
}

void TestRateLimiter::retryAfterRoundsUp()
{
    lockOut();

    m_clock.advance(500ms);

    QCOMPARE(m_limiter->retryAfter(client), std::optional(60s));
    m_clock.advance(59s);
    QCOMPARE(m_limiter->retryAfter(client), std::optional(1s));
}

void TestRateLimiter::failuresDuringLockoutIgnored()
{
    lockOut();

    for (int i = 0; i < 10; ++i)
        QVERIFY(!m_limiter->recordFailure(client).has_value());

    QCOMPARE(m_limiter->retryAfter(client), std::optional(60s));
    m_clock.advance(60s);
    for (int i = 0; i < 4; ++i)
        QVERIFY(!m_limiter->recordFailure(client).has_value());
}

void TestRateLimiter::manyClientsPruned()
{
    lockOut();
    for (int i = 0; i < 3000; ++i)
        m_limiter->recordFailure(QStringLiteral("10.0.%1.%2").arg(i / 256).arg(i % 256));
    m_clock.advance(61s);

    // Pruning on the next failures drops the clients with nothing left to remember, but the
    // lockout history of the first client stays.
    for (int i = 0; i < 3000; ++i)
        m_limiter->recordFailure(QStringLiteral("10.1.%1.%2").arg(i / 256).arg(i % 256));

    QVERIFY2(m_limiter->trackedClients() < 3000 + 1000,
             qPrintable(QString::number(m_limiter->trackedClients())));
    m_clock.advance(1s);
    QCOMPARE(lockOut(), 120s);
}

QTEST_GUILESS_MAIN(TestRateLimiter)
#include "tst_ratelimiter.moc"
