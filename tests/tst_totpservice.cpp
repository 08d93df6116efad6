#include "auth/authservice.h"
#include "auth/totp.h"
#include "auth/totpservice.h"
#include "storage/database.h"
#include "storage/sqlerror.h"

#include <QLoggingCategory>
#include <QTemporaryDir>
#include <QTest>

using namespace dynamight;
using namespace std::chrono_literals;

namespace {

// A clock whose time changes only when the test advances it.
class ManualClock final : public Clock
{
public:
    QDateTime now() const override { return m_now; }
    void advance(std::chrono::seconds seconds) { m_now = m_now.addSecs(seconds.count()); }

private:
    QDateTime m_now = QDateTime(QDate(2024, 3, 1), QTime(12, 0, 5), Qt::UTC);
};

const QByteArray signingKey = QByteArrayLiteral("tst_totpservice-signing-key-0123456789");
const QByteArray totpKey(32, 't');
const QString adminPassword = QStringLiteral("securepassword123");

} // namespace

class TestTotpService : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void enableNeedsSetup();
    void enableAcceptsAdjacentStep();
    void codeAcceptedOncePerStep();
    void laterStepAcceptedAfterEarlier();
    void secretsStoredSealed();
    void otherKeyCannotReadSecret();
    void disableClearsEverything();
    void newSetupReplacesPendingSecret();
    void challengeExpiresAfterFiveMinutes();
    void challengeSurvivesWrongCodes();
    void loginWithoutTotpIssuesSession();
    void recoveryCodeFormat();

private:
    // Sets up and enables two-factor authentication, returning the secret.
    QByteArray enableTotp(QStringList *recoveryCodes = nullptr);
    QString codeAt(const QByteArray &secret, int stepOffset) const;
    // Returns a code that matches none of the steps accepted at the clock's time.
    QString wrongCode(const QByteArray &secret) const;
    QVariant column(const QString &sql) const;

    std::unique_ptr<QTemporaryDir> m_dir;
    std::shared_ptr<Database> m_database;
    ManualClock m_clock;
    std::unique_ptr<AuthService> m_auth;
    User m_user;
};

void TestTotpService::initTestCase()
{
    // Wrong codes are logged as warnings, which would bury the test output.
    QLoggingCategory::setFilterRules(QStringLiteral("dynamight.*.warning=false\n"
                                                    "dynamight.*.info=false"));
}

void TestTotpService::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    auto database = Database::open(m_dir->path());
    QVERIFY(database.ok());
    m_database = *database;
    m_clock = ManualClock();
    m_auth = std::make_unique<AuthService>(m_database, signingKey, m_clock, 24h, totpKey);
    const auto issued = m_auth->setup(QStringLiteral("admin"), adminPassword);
    QVERIFY(issued.ok());
    m_user = issued->user;
}

void TestTotpService::cleanup()
{
    m_auth.reset();
    m_database.reset();
    m_dir.reset();
}

QByteArray TestTotpService::enableTotp(QStringList *recoveryCodes)
{
    const auto enrollment = m_auth->totp().setup(m_user);
    if (!enrollment.ok())
        qFatal("setup failed: %s", qPrintable(enrollment.error().message()));
    const QByteArray secret = *Totp::base32Decode(enrollment->secret);
    const auto codes = m_auth->totp().enable(m_user.id, enrollment->secret, codeAt(secret, 0));
    if (!codes.ok())
        qFatal("enable failed: %s", qPrintable(codes.error().message()));
    if (recoveryCodes)
        *recoveryCodes = *codes;
    return secret;
}

QString TestTotpService::codeAt(const QByteArray &secret, int stepOffset) const
{
    return Totp::code(secret, Totp::timeStep(m_clock.now()) + stepOffset);
}

QString TestTotpService::wrongCode(const QByteArray &secret) const
{
    const QStringList accepted{codeAt(secret, -1), codeAt(secret, 0), codeAt(secret, 1)};
    for (int candidate = 0;; ++candidate) {
        const QString code = QStringLiteral("%1").arg(candidate, 6, 10, QLatin1Char('0'));
        if (!accepted.contains(code))
            return code;
    }
}

QVariant TestTotpService::column(const QString &sql) const
{
    auto query = execute(m_database->connection(Database::Schema::Main), sql);
    if (!query.ok() || !query->next())
        return {};
    return query->value(0);
}

void TestTotpService::enableNeedsSetup()
{
    const QByteArray secret = Totp::generateSecret();

    const auto codes =
        m_auth->totp().enable(m_user.id, Totp::base32Encode(secret), codeAt(secret, 0));

    QVERIFY(!codes.ok());
    QCOMPARE(codes.error().kind(), Error::Kind::InvalidInput);
    QCOMPARE(*m_auth->totp().isEnabled(m_user.id), false);
}

void TestTotpService::enableAcceptsAdjacentStep()
{
    const auto enrollment = m_auth->totp().setup(m_user);
    QVERIFY(enrollment.ok());
    const QByteArray secret = *Totp::base32Decode(enrollment->secret);

    const auto tooOld = m_auth->totp().enable(m_user.id, enrollment->secret, codeAt(secret, -2));
    QVERIFY(!tooOld.ok());
    QCOMPARE(*m_auth->totp().isEnabled(m_user.id), false);

    // Lower case and spaces, as a user may copy the secret from the setup page.
    const QString typed = enrollment->secret.toLower().insert(4, QLatin1Char(' '));
    const auto codes = m_auth->totp().enable(m_user.id, typed, codeAt(secret, -1));
    QVERIFY(codes.ok());
    QCOMPARE(codes->size(), TotpService::recoveryCodeCount);
    QCOMPARE(*m_auth->totp().isEnabled(m_user.id), true);
    QVERIFY(m_auth->user(m_user.id)->totpEnabled);
}

void TestTotpService::codeAcceptedOncePerStep()
{
    const QByteArray secret = enableTotp();
    m_clock.advance(30s);

    QVERIFY(m_auth->totp().verifyCode(m_user.id, codeAt(secret, 0)).ok());
    const Status replayed = m_auth->totp().verifyCode(m_user.id, codeAt(secret, 0));

    QVERIFY(!replayed.ok());
    QCOMPARE(replayed.error().kind(), Error::Kind::Unauthorized);
}

void TestTotpService::laterStepAcceptedAfterEarlier()
{
    // Enabling used the current step, so only the next one is left within the window.
    const QByteArray secret = enableTotp();

    QVERIFY(!m_auth->totp().verifyCode(m_user.id, codeAt(secret, -1)).ok());
    QVERIFY(!m_auth->totp().verifyCode(m_user.id, codeAt(secret, 0)).ok());
    QVERIFY(m_auth->totp().verifyCode(m_user.id, codeAt(secret, 1)).ok());
    m_clock.advance(30s);
    QVERIFY(!m_auth->totp().verifyCode(m_user.id, codeAt(secret, 0)).ok());
    QVERIFY(m_auth->totp().verifyCode(m_user.id, codeAt(secret, 1)).ok());
}

void TestTotpService::secretsStoredSealed()
{
    QStringList recoveryCodes;
    const QByteArray secret = enableTotp(&recoveryCodes);

    const QByteArray stored = column(QStringLiteral("SELECT totp_secret FROM users")).toByteArray();
    QVERIFY(!stored.isEmpty());
    QCOMPARE(stored.at(0), char(1));
    QVERIFY(!stored.contains(secret));
    QVERIFY(column(QStringLiteral("SELECT totp_pending_secret FROM users")).isNull());

    const QString hashes =
        column(QStringLiteral("SELECT group_concat(code_hash) FROM recovery_codes")).toString();
    for (const QString &code : std::as_const(recoveryCodes)) {
        QVERIFY(!hashes.contains(code));
        QVERIFY(!hashes.contains(QString(code).remove(QLatin1Char('-'))));
    }
}

void TestTotpService::otherKeyCannotReadSecret()
{
    const QByteArray secret = enableTotp();
    m_clock.advance(30s);
    TotpService otherKey(m_database, QByteArray(32, 'o'), m_clock);

    const Status verified = otherKey.verifyCode(m_user.id, codeAt(secret, 0));

    QVERIFY(!verified.ok());
    QCOMPARE(verified.error().kind(), Error::Kind::Storage);
    QVERIFY(verified.error().message().contains(QLatin1String("server secret changed")));
}

void TestTotpService::disableClearsEverything()
{
    const QByteArray secret = enableTotp();
    m_clock.advance(30s);

    const Status wrong = m_auth->totp().disable(m_user.id, wrongCode(secret));
    QVERIFY(!wrong.ok());
    QCOMPARE(wrong.error().kind(), Error::Kind::InvalidInput);
    QCOMPARE(*m_auth->totp().isEnabled(m_user.id), true);
    QVERIFY(m_auth->totp().disable(m_user.id, codeAt(secret, 0)).ok());

    QCOMPARE(*m_auth->totp().isEnabled(m_user.id), false);
    QVERIFY(column(QStringLiteral("SELECT totp_secret FROM users")).isNull());
    QVERIFY(column(QStringLiteral("SELECT totp_last_step FROM users")).isNull());
    QCOMPARE(column(QStringLiteral("SELECT COUNT(*) FROM recovery_codes")).toInt(), 0);
    const auto login = m_auth->login(QStringLiteral("admin"), adminPassword);
    QVERIFY(login.ok());
    QVERIFY(login->session.has_value());
}

void TestTotpService::newSetupReplacesPendingSecret()
{
    const auto first = m_auth->totp().setup(m_user);
    const auto second = m_auth->totp().setup(m_user);
    QVERIFY(first.ok());
    QVERIFY(second.ok());
    QVERIFY(first->secret != second->secret);
    const QByteArray firstSecret = *Totp::base32Decode(first->secret);

    const auto stale = m_auth->totp().enable(m_user.id, first->secret, codeAt(firstSecret, 0));

    QVERIFY(!stale.ok());
    QCOMPARE(stale.error().kind(), Error::Kind::InvalidInput);
    QVERIFY(!second->qrCodePng.isEmpty());
}

void TestTotpService::challengeExpiresAfterFiveMinutes()
{
    QStringList recoveryCodes;
    enableTotp(&recoveryCodes);
    const auto expiring = m_auth->login(QStringLiteral("admin"), adminPassword);
    const auto lasting = m_auth->login(QStringLiteral("admin"), adminPassword);
    QVERIFY(expiring.ok());
    QVERIFY(!expiring->session.has_value());
    QVERIFY(!expiring->totpToken.isEmpty());

    m_clock.advance(299s);
    QVERIFY(m_auth->loginWithRecoveryCode(lasting->totpToken, recoveryCodes.at(0)).ok());
    m_clock.advance(1s);
    const auto expired = m_auth->loginWithRecoveryCode(expiring->totpToken, recoveryCodes.at(1));

    QVERIFY(!expired.ok());
    QCOMPARE(expired.error().kind(), Error::Kind::Unauthorized);
}

void TestTotpService::challengeSurvivesWrongCodes()
{
    const QByteArray secret = enableTotp();
    const auto login = m_auth->login(QStringLiteral("admin"), adminPassword);
    QVERIFY(login.ok());

    for (int i = 0; i < 4; ++i)
        QVERIFY(!m_auth->loginWithTotp(login->totpToken, wrongCode(secret)).ok());
    const auto issued = m_auth->loginWithTotp(login->totpToken, codeAt(secret, 1));

    QVERIFY(issued.ok());
    QVERIFY(m_auth->authenticate(issued->token).ok());
}

void TestTotpService::loginWithoutTotpIssuesSession()
{
    const auto login = m_auth->login(QStringLiteral("admin"), adminPassword);

    QVERIFY(login.ok());
    QVERIFY(login->session.has_value());
    QVERIFY(login->totpToken.isEmpty());
    const auto challenge =
        m_auth->loginWithTotp(QStringLiteral("0123456789abcdef"), QStringLiteral("123456"));
    QVERIFY(!challenge.ok());
    QCOMPARE(challenge.error().kind(), Error::Kind::Unauthorized);
}

void TestTotpService::recoveryCodeFormat()
{
    QSet<QString> seen;
    for (int i = 0; i < 200; ++i) {
        const QString code = TotpService::generateRecoveryCode();
        QCOMPARE(code.size(), 14);
        for (int position : {0, 1, 2, 3, 10, 11, 12, 13})
            QVERIFY2(code.at(position) >= QLatin1Char('A') && code.at(position) <= QLatin1Char('Z'),
                     qPrintable(code));
        for (int position : {5, 6, 7, 8})
            QVERIFY2(code.at(position).isDigit(), qPrintable(code));
        QCOMPARE(code.at(4), QLatin1Char('-'));
        QCOMPARE(code.at(9), QLatin1Char('-'));
        seen.insert(code);
    }
    QCOMPARE(seen.size(), 200);
}

QTEST_GUILESS_MAIN(TestTotpService)
#include "tst_totpservice.moc"
