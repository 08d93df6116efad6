#include "apiclient.h"
#include "serverprocess.h"

#include <QtTest>

using namespace Qt::StringLiterals;

namespace {

using Headers = QList<QPair<QByteArray, QByteArray>>;

constexpr int kClosePolicyViolation = 1008;

// A finished run of the dynamight binary.
struct CommandResult
{
    int exitCode = -1;
    QByteArray standardOutput;
    QByteArray standardError;
};

// Runs the dynamight binary with arguments, writing input to its standard input, which is a
// pipe, so reset-password reads one line without prompting.
CommandResult
runDynamight(const QStringList &arguments, const QByteArray &input,
             const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment())
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(ServerProcess::binary(), arguments);
    CommandResult result;
    if (!process.waitForStarted(10000))
        return result;
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(20000)) {
        process.kill();
        process.waitForFinished();
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.standardOutput = process.readAllStandardOutput();
    result.standardError = process.readAllStandardError();
    return result;
}

} // namespace

// Password change over the API and `dynamight user reset-password` on the data dir of a
// running server. The slots run in order: each one starts from the password the previous one
// left.
class TestPasswordApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void wrongCurrentPasswordRejected();
    void shortNewPasswordRejected();
    void missingFieldRejected();
    void changeNeedsSession();
    void changeRevokesOtherSessions();
    void resetPasswordFromStandardInput();
    void resetPasswordUsesEnvironmentDataDir();
    void resetPasswordUnknownUser();
    void resetPasswordRejectsShortPassword();
    void resetPasswordNeedsPassword();
    void resetPasswordMissingDataDir();

private:
    HttpReply changePassword(ApiClient &client, const QString &current, const QString &next);
    QUrl statusSocketUrl(const QByteArray &token) const;
    // Returns the status of GET /api/auth/me sent with exactly this token cookie.
    int meStatusWithToken(const QByteArray &token);

    std::unique_ptr<ServerProcess> m_server;
    std::unique_ptr<ApiClient> m_client;
    QString m_password = u"securepassword123"_s;
};

void TestPasswordApi::initTestCase()
{
    m_server = std::make_unique<ServerProcess>();
    QVERIFY2(m_server->start(), m_server->standardError().constData());
    m_client = std::make_unique<ApiClient>(m_server->baseUrl());
    QCOMPARE(m_client->setUpAdmin().status, 200);
}

void TestPasswordApi::cleanupTestCase()
{
    m_client.reset();
    if (m_server) {
        const QString errors = QString::fromUtf8(m_server->standardError());
        QVERIFY2(!errors.contains(m_password), "the server logged a password");
        QCOMPARE(m_server->stop(), 0);
    }
}

HttpReply TestPasswordApi::changePassword(ApiClient &client, const QString &current,
                                          const QString &next)
{
    return client.post(u"/api/auth/change-password"_s,
                       {{u"current_password"_s, current}, {u"new_password"_s, next}});
}

QUrl TestPasswordApi::statusSocketUrl(const QByteArray &token) const
{
    return QUrl(u"ws://127.0.0.1:%1/api/ws/status?token=%2"_s.arg(m_server->port())
                    .arg(QString::fromLatin1(token)));
}

int TestPasswordApi::meStatusWithToken(const QByteArray &token)
{
    ApiClient bare(m_server->baseUrl());
    return bare.send("GET", u"/api/auth/me"_s, {}, {{"Cookie", "token=" + token}}).status;
}

void TestPasswordApi::wrongCurrentPasswordRejected()
{
    const HttpReply reply =
        changePassword(*m_client, u"notthepassword1"_s, u"anothergoodpassword"_s);

    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.object().value(u"message"_s).toString(), u"Current password is incorrect"_s);
    QCOMPARE(m_client->get(u"/api/auth/me"_s).status, 200);
}

void TestPasswordApi::shortNewPasswordRejected()
{
    const HttpReply reply = changePassword(*m_client, m_password, u"short"_s);

    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.object().value(u"message"_s).toString(),
             u"Password must be 8 to 1024 characters long"_s);
    QCOMPARE(m_client->get(u"/api/auth/me"_s).status, 200);
}

void TestPasswordApi::missingFieldRejected()
{
    const HttpReply reply =
        m_client->post(u"/api/auth/change-password"_s, {{u"current_password"_s, m_password}});

    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.object().value(u"message"_s).toString(), u"Field 'new_password' is required"_s);
}

void TestPasswordApi::changeNeedsSession()
{
    ApiClient anonymous(m_server->baseUrl());

    QCOMPARE(changePassword(anonymous, m_password, u"anothergoodpassword"_s).status, 401);
}

void TestPasswordApi::changeRevokesOtherSessions()
{
    ApiClient other(m_server->baseUrl());
    QCOMPARE(other.login(u"admin"_s, m_password).status, 200);
    const QByteArray oldToken = m_client->tokenCookie();
    WebSocketClient ownSocket;
    WebSocketClient otherSocket;
    QVERIFY(ownSocket.open(statusSocketUrl(oldToken)));
    QVERIFY(otherSocket.open(statusSocketUrl(other.tokenCookie())));
    const QString newPassword = u"a-new-password-123"_s;

    const HttpReply reply = changePassword(*m_client, m_password, newPassword);

    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object(), (QJsonObject{{u"message"_s, u"Password changed"_s}}));
    QVERIFY(reply.header("Set-Cookie").startsWith("token="));
    const QByteArray newToken = m_client->tokenCookie();
    QVERIFY(!newToken.isEmpty());
    QVERIFY(newToken != oldToken);
    m_password = newPassword;

    QCOMPARE(m_client->get(u"/api/auth/me"_s).status, 200);
    QCOMPARE(meStatusWithToken(oldToken), 401);
    QCOMPARE(other.get(u"/api/auth/me"_s).status, 401);
    QVERIFY(otherSocket.waitForClose(5000));
    QCOMPARE(otherSocket.closeCode, kClosePolicyViolation);
    QVERIFY(ownSocket.waitForClose(5000));

    ApiClient fresh(m_server->baseUrl());
    QCOMPARE(fresh.login(u"admin"_s, u"securepassword123"_s).status, 401);
    QCOMPARE(fresh.login(u"admin"_s, m_password).status, 200);
}

void TestPasswordApi::resetPasswordFromStandardInput()
{
    const QByteArray sessionToken = m_client->tokenCookie();
    const QString resetPassword = u"reset-from-the-cli-1"_s;

    const CommandResult result = runDynamight(
        {u"user"_s, u"reset-password"_s, u"admin"_s, u"--data-dir"_s, m_server->dataDir()},
        resetPassword.toUtf8() + '\n');

    QVERIFY2(result.exitCode == 0, result.standardError.constData());
    QVERIFY2(result.standardOutput.contains("Changed the password of user admin"),
             result.standardOutput.constData());
    QVERIFY(!result.standardOutput.contains(resetPassword.toUtf8()));
    QVERIFY(!result.standardError.contains(resetPassword.toUtf8()));
    QCOMPARE(meStatusWithToken(sessionToken), 401);

    ApiClient fresh(m_server->baseUrl());
    QCOMPARE(fresh.login(u"admin"_s, m_password).status, 401);
    QCOMPARE(fresh.login(u"admin"_s, resetPassword).status, 200);
    m_password = resetPassword;
    m_client = std::make_unique<ApiClient>(m_server->baseUrl());
    QCOMPARE(m_client->login(u"admin"_s, m_password).status, 200);
}

void TestPasswordApi::resetPasswordUsesEnvironmentDataDir()
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"DYNAMIGHT_DATA_DIR"_s, m_server->dataDir());
    const QString resetPassword = u"reset-through-the-environment"_s;

    // A Windows line ending is stripped like a Unix one.
    const CommandResult result = runDynamight({u"user"_s, u"reset-password"_s, u"ADMIN"_s},
                                              resetPassword.toUtf8() + "\r\n", environment);

    QVERIFY2(result.exitCode == 0, result.standardError.constData());
    QCOMPARE(m_client->get(u"/api/auth/me"_s).status, 401);
    QCOMPARE(m_client->login(u"admin"_s, resetPassword).status, 200);
    m_password = resetPassword;
}

void TestPasswordApi::resetPasswordUnknownUser()
{
    const CommandResult result = runDynamight(
        {u"user"_s, u"reset-password"_s, u"nobody"_s, u"--data-dir"_s, m_server->dataDir()},
        "whatever-password\n");

    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.standardError.contains("no user named 'nobody'"),
             result.standardError.constData());
    QCOMPARE(m_client->get(u"/api/auth/me"_s).status, 200);
}

void TestPasswordApi::resetPasswordRejectsShortPassword()
{
    const CommandResult result = runDynamight(
        {u"user"_s, u"reset-password"_s, u"admin"_s, u"--data-dir"_s, m_server->dataDir()},
        "short\n");

    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.standardError.contains("Password must be 8 to 1024 characters long"),
             result.standardError.constData());
    QCOMPARE(m_client->get(u"/api/auth/me"_s).status, 200);
}

void TestPasswordApi::resetPasswordNeedsPassword()
{
    const CommandResult result = runDynamight(
        {u"user"_s, u"reset-password"_s, u"admin"_s, u"--data-dir"_s, m_server->dataDir()},
        QByteArray());

    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.standardError.contains("no password on standard input"),
             result.standardError.constData());
    QCOMPARE(m_client->get(u"/api/auth/me"_s).status, 200);
}

void TestPasswordApi::resetPasswordMissingDataDir()
{
    QTemporaryDir empty;
    const QString dataDir = empty.filePath(u"missing"_s);

    const CommandResult result = runDynamight(
        {u"user"_s, u"reset-password"_s, u"admin"_s, u"--data-dir"_s, dataDir}, "long-enough-1\n");

    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.standardError.contains("does not exist"), result.standardError.constData());
    QVERIFY(!QFileInfo::exists(dataDir));
}

QTEST_GUILESS_MAIN(TestPasswordApi)
#include "tst_passwordapi.moc"
