#include "apiclient.h"
#include "serverprocess.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::StringLiterals;

namespace {

// Every secret the session sends contains this marker, so searching for it (in clear and in
// common encodings) finds any of them.
const QByteArray marker = "LEAKCANARY7Q";

QString secretValue(const QString &name)
{
    return QString::fromLatin1(marker) + u"-"_s + name + u"-c41d"_s;
}

const QString adminPassword = secretValue(u"admin-password"_s);
const QString newAdminPassword = secretValue(u"new-admin-password"_s);

// A named byte pattern to search for, with how it was encoded.
struct Needle
{
    QString description;
    QByteArray bytes;
};

// Returns value in clear, as UTF-16, in hex and in base64 at each of the three alignments it
// can have inside a longer encoded text, keeping only the base64 characters that depend on
// value alone.
QList<Needle> encodingsOf(const QString &label, const QByteArray &value)
{
    QList<Needle> needles{
        {label + u" in clear"_s, value},
        {label + u" as UTF-16"_s,
         QByteArray(reinterpret_cast<const char *>(QString::fromUtf8(value).utf16()),
                    value.size() * 2)},
        {label + u" in hex"_s, value.toHex()},
        {label + u" in upper-case hex"_s, value.toHex().toUpper()},
    };
    for (int padding = 0; padding < 3; ++padding) {
        const QByteArray padded = QByteArray(padding, 'x') + value;
        const QByteArray encoded = padded.toBase64();
        const qsizetype start = padding == 0 ? 0 : 4;
        const qsizetype end = (padding + value.size()) / 3 * 4;
        needles.append({label + u" in base64"_s, encoded.mid(start, end - start)});
    }
    return needles;
}

QByteArray base32Decode(const QString &text)
{
    static const QString alphabet = u"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"_s;
    QByteArray bytes;
    quint32 buffer = 0;
    int bits = 0;
    for (const QChar c : text.toUpper()) {
        const qsizetype value = alphabet.indexOf(c);
        if (value < 0)
            continue;
        buffer = (buffer << 5) | quint32(value);
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            bytes.append(char((buffer >> bits) & 0xff));
        }
    }
    return bytes;
}

// The RFC 6238 code (HMAC-SHA-1, 30-second steps, 6 digits) of key at time.
QString totpCode(const QByteArray &key, const QDateTime &time)
{
    const quint64 counter = quint64(time.toSecsSinceEpoch() / 30);
    QByteArray message(8, Qt::Uninitialized);
    for (int i = 0; i < 8; ++i)
        message[7 - i] = char((counter >> (8 * i)) & 0xff);
    const QByteArray mac = QMessageAuthenticationCode::hash(message, key, QCryptographicHash::Sha1);
    const int offset = mac.at(19) & 0x0f;
    const quint32 binary = (quint32(mac.at(offset) & 0x7f) << 24)
        | (quint32(quint8(mac.at(offset + 1))) << 16) | (quint32(quint8(mac.at(offset + 2))) << 8)
        | quint32(quint8(mac.at(offset + 3)));
    return u"%1"_s.arg(binary % 1000000, 6, 10, QLatin1Char('0'));
}

bool anyContains(const QList<QPair<QString, QByteArray>> &haystacks, const QByteArray &needle)
{
    for (const auto &haystack : haystacks) {
        if (haystack.second.contains(needle))
            return true;
    }
    return false;
}

bool isFinished(const QString &status)
{
    return status == u"completed"_s || status == u"partial"_s || status == u"failed"_s
        || status == u"cancelled"_s;
}

} // namespace

class TestSecretLeaks : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void scriptedSessionLeaksNoSecret();

private:
    HttpReply record(HttpReply reply);
    HttpReply get(const QString &path) { return record(m_client->get(path)); }
    HttpReply post(const QString &path, const QJsonObject &body)
    {
        return record(m_client->post(path, body));
    }
    HttpReply put(const QString &path, const QJsonObject &body)
    {
        return record(m_client->put(path, body));
    }

    void logIn();
    void createCredentials();
    void createAndRunJobs();
    void useTwoFactorIfAvailable();
    void changePassword();
    QJsonObject waitForRunEnd(qint64 runId);
    // Returns every data dir file and the server log, read now.
    QList<QPair<QString, QByteArray>> stored();
    void checkNoLeak(const QList<QPair<QString, QByteArray>> &haystacks,
                     const QList<Needle> &needles);

    QTemporaryDir m_workspace;
    std::unique_ptr<ServerProcess> m_server;
    std::unique_ptr<ApiClient> m_client;
    QList<QByteArray> m_responses;
    // Secrets that the server returns by design (the TOTP secret from setup, recovery codes
    // from enable) and so must not be searched for in responses, only at rest and in the log.
    QList<Needle> m_returnedSecrets;
    QList<qint64> m_credentialIds;
};

void TestSecretLeaks::initTestCase()
{
    QVERIFY(m_workspace.isValid());
    QVERIFY(QDir().mkpath(m_workspace.filePath(u"source/documents"_s)));
    QVERIFY(QDir().mkpath(m_workspace.filePath(u"drive"_s)));
    QFile file(m_workspace.filePath(u"source/documents/notes.txt"_s));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("ordinary file content\n");
    file.close();
    QFile secretFile(m_workspace.filePath(u"server.secret"_s));
    QVERIFY(secretFile.open(QIODevice::WriteOnly));
    secretFile.write(secretValue(u"server-secret-of-more-than-32-characters"_s).toUtf8());
    secretFile.close();

    m_server = std::make_unique<ServerProcess>();
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"DYNAMIGHT_LOG_LEVEL"_s, u"debug"_s);
    QVERIFY2(m_server->start({u"--secret-file"_s, secretFile.fileName()}, environment),
             m_server->standardError().constData());
    m_client = std::make_unique<ApiClient>(m_server->baseUrl());
}

void TestSecretLeaks::cleanupTestCase()
{
    m_client.reset();
    if (m_server && m_server->port() != 0)
        m_server->stop();
}

HttpReply TestSecretLeaks::record(HttpReply reply)
{
    m_responses.append(reply.body);
    for (const auto &header : std::as_const(reply.headers))
        m_responses.append(header.first + ": " + header.second);
    return reply;
}

void TestSecretLeaks::logIn()
{
    QCOMPARE(
        post(u"/api/auth/setup"_s, {{u"username"_s, u"admin"_s}, {u"password"_s, adminPassword}})
            .status,
        200);
    m_client->clearCookies();
    for (const QString &wrong :
         {secretValue(u"wrong-password-1"_s), secretValue(u"wrong-password-2"_s)}) {
        const HttpReply refused =
            post(u"/api/auth/login"_s, {{u"username"_s, u"admin"_s}, {u"password"_s, wrong}});
        QCOMPARE(refused.status, 401);
    }
    // The user name is not treated as a secret: the server logs failed logins with it.
    const HttpReply unknownUser =
        post(u"/api/auth/login"_s,
             {{u"username"_s, u"nobody"_s}, {u"password"_s, secretValue(u"wrong-password-3"_s)}});
    QVERIFY(unknownUser.status == 401 || unknownUser.status == 400);
    QCOMPARE(
        post(u"/api/auth/login"_s, {{u"username"_s, u"admin"_s}, {u"password"_s, adminPassword}})
            .status,
        200);
    QCOMPARE(get(u"/api/auth/me"_s).status, 200);
}

void TestSecretLeaks::createCredentials()
{
    const QString privateKey = u"-----BEGIN OPENSSH PRIVATE KEY-----\n"_s
        + secretValue(u"key-body"_s)
        + u"\nAAAAB3NzaC1yc2EAAAADAQABAAABAQ==\n-----END OPENSSH PRIVATE KEY-----\n"_s;
    const QList<QPair<QString, QJsonObject>> bodies{
        {u"s3"_s,
         {{u"access_key_id"_s, secretValue(u"s3-key-id"_s)},
          {u"secret_access_key"_s, secretValue(u"s3-secret-key"_s)},
          {u"session_token"_s, secretValue(u"s3-session-token"_s)}}},
        {u"sftp"_s, {{u"password"_s, secretValue(u"sftp-password"_s)}}},
        {u"sftp"_s,
         {{u"private_key"_s, privateKey}, {u"passphrase"_s, secretValue(u"sftp-passphrase"_s)}}},
        {u"web_dav"_s,
         {{u"username"_s, secretValue(u"webdav-user"_s)},
          {u"password"_s, secretValue(u"webdav-password"_s)}}},
        {u"google_drive"_s,
         {{u"access_token"_s, secretValue(u"gdrive-access"_s)},
          {u"refresh_token"_s, secretValue(u"gdrive-refresh"_s)},
          {u"expires_at"_s, 1704499200},
          {u"token_type"_s, u"Bearer"_s}}},
        {u"one_drive"_s,
         {{u"access_token"_s, secretValue(u"onedrive-access"_s)},
          {u"refresh_token"_s, secretValue(u"onedrive-refresh"_s)},
          {u"expires_at"_s, 1704499200}}},
    };
    for (qsizetype i = 0; i < bodies.size(); ++i) {
        const HttpReply created = post(u"/api/credentials"_s,
                                       {{u"name"_s, u"Account %1"_s.arg(i)},
                                        {u"provider_type"_s, bodies.at(i).first},
                                        {u"data"_s, bodies.at(i).second}});
        QCOMPARE(created.status, 201);
        m_credentialIds.append(created.object().value(u"id"_s).toInteger());
    }

    const QString first = u"/api/credentials/%1"_s.arg(m_credentialIds.first());
    QCOMPARE(put(first,
                 {{u"data"_s,
                   QJsonObject{{u"access_key_id"_s, secretValue(u"s3-new-key-id"_s)},
                               {u"secret_access_key"_s, secretValue(u"s3-new-secret-key"_s)}}}})
                 .status,
             200);
    QCOMPARE(put(first, QJsonObject{{u"name"_s, u"Account renamed"_s}}).status, 200);
    const HttpReply invalid =
        post(u"/api/credentials"_s,
             {{u"name"_s, u"Invalid"_s},
              {u"provider_type"_s, u"sftp"_s},
              {u"data"_s,
               QJsonObject{{u"password"_s, secretValue(u"rejected-password"_s)},
                           {u"private_key"_s, secretValue(u"rejected-key"_s)}}}});
    QCOMPARE(invalid.status, 400);
    QCOMPARE(get(u"/api/credentials"_s).status, 200);
    for (const qint64 id : std::as_const(m_credentialIds))
        QCOMPARE(get(u"/api/credentials/%1"_s.arg(id)).status, 200);
}

void TestSecretLeaks::createAndRunJobs()
{
    const QJsonObject local{
        {u"name"_s, u"Local documents"_s},
        {u"source_dirs"_s, QJsonArray{m_workspace.filePath(u"source/documents"_s)}},
        {u"destination_type"_s, u"local"_s},
        {u"destination_config"_s,
         QJsonObject{{u"mount_point"_s, m_workspace.filePath(u"drive"_s)}}},
        {u"sync_options"_s, QJsonObject{{u"verbosity"_s, u"verbose"_s}}},
    };
    const QJsonObject remote{
        {u"name"_s, u"S3 documents"_s},
        {u"source_dirs"_s, QJsonArray{m_workspace.filePath(u"source/documents"_s)}},
        {u"destination_type"_s, u"s3"_s},
        // The test's own server, which answers every /api/ path it does not know with 404 at
        // once, so the run's rclone fails fast and reaches no other host. (A closed port would
        // make rclone retry for minutes.)
        {u"destination_config"_s,
         QJsonObject{{u"bucket"_s, u"leak-test-bucket"_s},
                     {u"endpoint"_s, u"http://127.0.0.1:%1/api/"_s.arg(m_server->port())}}},
        {u"credential_id"_s, m_credentialIds.first()},
    };

    for (const QJsonObject &body : {local, remote}) {
        const HttpReply created = post(u"/api/jobs"_s, body);
        QCOMPARE(created.status, 201);
        const qint64 jobId = created.object().value(u"id"_s).toInteger();
        const HttpReply started = post(u"/api/jobs/%1/run"_s.arg(jobId), QJsonObject());
        QCOMPARE(started.status, 202);
        const qint64 runId = started.object().value(u"run_id"_s).toInteger();
        QVERIFY(isFinished(waitForRunEnd(runId).value(u"status"_s).toString()));
        QCOMPARE(get(u"/api/runs/%1/logs"_s.arg(runId)).status, 200);
        QCOMPARE(get(u"/api/jobs/%1/runs"_s.arg(jobId)).status, 200);
    }
    QCOMPARE(get(u"/api/credentials/%1/usage"_s.arg(m_credentialIds.first())).status, 200);
    QCOMPARE(m_client->remove(u"/api/credentials/%1"_s.arg(m_credentialIds.first())).status, 409);
    QCOMPARE(get(u"/api/jobs"_s).status, 200);
}

QJsonObject TestSecretLeaks::waitForRunEnd(qint64 runId)
{
    const QDeadlineTimer deadline(20000);
    QJsonObject run = get(u"/api/runs/%1"_s.arg(runId)).object();
    while (!isFinished(run.value(u"status"_s).toString()) && !deadline.hasExpired()) {
        QTest::qWait(50);
        run = get(u"/api/runs/%1"_s.arg(runId)).object();
    }
    return run;
}

void TestSecretLeaks::useTwoFactorIfAvailable()
{
    const HttpReply setup = post(u"/api/auth/totp/setup"_s, QJsonObject());
    if (setup.status == 404) {
        qInfo("POST /api/auth/totp/setup does not exist in this build, so two-factor secrets were "
              "not checked");
        return;
    }
    QCOMPARE(setup.status, 200);
    const QString secret = setup.object().value(u"secret"_s).toString();
    QVERIFY(!secret.isEmpty());
    m_returnedSecrets.append(encodingsOf(u"the TOTP secret"_s, secret.toUtf8()));
    m_returnedSecrets.append(encodingsOf(u"the TOTP key"_s, base32Decode(secret)));

    const QString code = totpCode(base32Decode(secret), QDateTime::currentDateTimeUtc());
    const HttpReply enabled =
        post(u"/api/auth/totp/enable"_s, {{u"secret"_s, secret}, {u"code"_s, code}});
    QCOMPARE(enabled.status, 200);
    const QJsonArray recoveryCodes = enabled.object().value(u"recovery_codes"_s).toArray();
    QVERIFY(!recoveryCodes.isEmpty());
    for (const QJsonValue &recoveryCode : recoveryCodes)
        m_returnedSecrets.append(
            encodingsOf(u"a recovery code"_s, recoveryCode.toString().toUtf8()));

    QCOMPARE(post(u"/api/auth/logout"_s, QJsonObject()).status, 200);
    const HttpReply challenge =
        post(u"/api/auth/login"_s, {{u"username"_s, u"admin"_s}, {u"password"_s, adminPassword}});
    QCOMPARE(challenge.status, 200);
    const QString totpToken = challenge.object().value(u"totp_token"_s).toString();
    QVERIFY(!totpToken.isEmpty());
    const HttpReply wrongCode = post(u"/api/auth/totp/validate"_s,
                                     {{u"totp_token"_s, totpToken}, {u"code"_s, u"000000"_s}});
    QVERIFY(wrongCode.status == 401 || wrongCode.status == 400);
    const HttpReply recovered =
        post(u"/api/auth/totp/recovery"_s,
             {{u"totp_token"_s, totpToken}, {u"recovery_code"_s, recoveryCodes.first()}});
    QCOMPARE(recovered.status, 200);
    QCOMPARE(get(u"/api/auth/totp/status"_s).status, 200);
}

void TestSecretLeaks::changePassword()
{
    const HttpReply changed =
        post(u"/api/auth/change-password"_s,
             {{u"current_password"_s, adminPassword}, {u"new_password"_s, newAdminPassword}});
    if (changed.status == 404) {
        qInfo("POST /api/auth/change-password does not exist in this build");
        return;
    }
    QCOMPARE(changed.status, 200);
}

QList<QPair<QString, QByteArray>> TestSecretLeaks::stored()
{
    QList<QPair<QString, QByteArray>> files;
    QDirIterator it(m_server->dataDir(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile file(path);
        if (file.open(QIODevice::ReadOnly))
            files.append({path, file.readAll()});
    }
    files.append({u"the server's standard error"_s, m_server->standardError()});
    return files;
}

void TestSecretLeaks::checkNoLeak(const QList<QPair<QString, QByteArray>> &haystacks,
                                  const QList<Needle> &needles)
{
    for (const auto &[name, content] : haystacks) {
        for (const Needle &needle : needles) {
            const qsizetype at = content.indexOf(needle.bytes);
            // The context around the match, with the match itself replaced, locates the leak.
            const QByteArray context =
                content.mid(qMax<qsizetype>(0, at - 100), 200 + needle.bytes.size())
                    .replace(needle.bytes, "<secret>");
            QVERIFY2(at < 0,
                     qPrintable(u"%1 contains %2: ...%3..."_s.arg(name, needle.description,
                                                                  QString::fromUtf8(context))));
        }
    }
}

void TestSecretLeaks::scriptedSessionLeaksNoSecret()
{
    logIn();
    createCredentials();
    createAndRunJobs();
    useTwoFactorIfAvailable();
    changePassword();
    if (QTest::currentTestFailed())
        return;

    const QList<Needle> sent = encodingsOf(u"a secret the client sent"_s, marker);
    QList<QPair<QString, QByteArray>> responses;
    for (const QByteArray &response : std::as_const(m_responses))
        responses.append(
            {u"a response (%1)"_s.arg(QString::fromUtf8(response.left(120))), response});
    checkNoLeak(responses, sent);
    if (QTest::currentTestFailed())
        return;

    // While the server runs, recent writes are still in the -wal files. The stored credential
    // name and the debug log lines show that the search reads the files that were written.
    const auto whileRunning = stored();
    QVERIFY(whileRunning.size() >= 3);
    QVERIFY(anyContains(whileRunning, "Account renamed"));
    QVERIFY(anyContains(whileRunning, "POST /api/credentials"));
    checkNoLeak(whileRunning, sent + m_returnedSecrets);
    if (QTest::currentTestFailed())
        return;

    QCOMPARE(m_server->stop(), 0);
    const auto afterStop = stored();
    QVERIFY(anyContains(afterStop, "Account renamed"));
    checkNoLeak(afterStop, sent + m_returnedSecrets);
}

QTEST_GUILESS_MAIN(TestSecretLeaks)
#include "tst_secretleaks.moc"
