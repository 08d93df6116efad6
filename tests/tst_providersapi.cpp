#include "apiclient.h"
#include "remoteservers.h"
#include "serverprocess.h"
#include "testtree.h"

#include <QDir>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::StringLiterals;

namespace {

constexpr int kRunTimeoutMs = 30000;

// Everything a shell or a config file could misread. Passwords with a line break are covered
// by tst_rclonerunner, because the credentials API rejects control characters in them.
const QString kPassword = u"pa$$ \"dq\" 'sq' back\\slash sp ace"_s;

const QStringList kFiles{u"plain.txt"_s, u"with space/file name.txt"_s, u"ünïcödé/日本語.bin"_s};

bool isFinished(const QString &status)
{
    return status == u"completed"_s || status == u"partial"_s || status == u"failed"_s || status == u"cancelled"_s;
}

} // namespace

class TestProvidersApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void listMatchesReference();
    void capabilities_data();
    void capabilities();
    void capabilitiesUnknownType();
    void needsSession();
    void testRejectsInvalidBody_data();
    void testRejectsInvalidBody();
    void localTest();
    void webDavTests();
    void s3Tests();
    void sftpTests();
    void webDavJobEndToEnd();

private:
    QJsonObject testConnection(const QJsonObject &body, qint64 *elapsedMs = nullptr);
    qint64 createCredential(const QString &name, const QString &type, const QJsonObject &data);
    QJsonObject runJob(qint64 jobId);
    void checkNoSecretIn(const QByteArray &text, const char *where);

    ServerProcess m_server;
    std::unique_ptr<ApiClient> m_client;
    QList<QByteArray> m_responses;
};

void TestProvidersApi::initTestCase()
{
    QVERIFY(m_server.start());
    m_client = std::make_unique<ApiClient>(m_server.baseUrl());
    QCOMPARE(m_client->setUpAdmin().status, 200);
}

void TestProvidersApi::cleanupTestCase()
{
    for (const QByteArray &body : m_responses)
        checkNoSecretIn(body, "an API response");
    m_server.stop();
    checkNoSecretIn(m_server.standardError(), "the server log");
}

void TestProvidersApi::checkNoSecretIn(const QByteArray &text, const char *where)
{
    QVERIFY2(!text.contains(kPassword.toUtf8()), where);
    QVERIFY2(!text.contains("back\\slash sp"), where);
    QVERIFY2(!text.contains(QJsonDocument(QJsonObject{{u"p"_s, kPassword}}).toJson(QJsonDocument::Compact).mid(6)), where);
}

QJsonObject TestProvidersApi::testConnection(const QJsonObject &body, qint64 *elapsedMs)
{
    QElapsedTimer timer;
    timer.start();
    const HttpReply reply = m_client->post(u"/api/providers/test"_s, body);
    if (elapsedMs)
        *elapsedMs = timer.elapsed();
    m_responses.append(reply.body);
    if (reply.status != 200)
        qWarning().noquote() << "POST /api/providers/test returned" << reply.status << reply.body;
    return reply.object();
}

qint64 TestProvidersApi::createCredential(const QString &name, const QString &type, const QJsonObject &data)
{
    const HttpReply reply = m_client->post(
        u"/api/credentials"_s, {{u"name"_s, name}, {u"provider_type"_s, type}, {u"data"_s, data}});
    m_responses.append(reply.body);
    if (reply.status != 201)
        qWarning().noquote() << "POST /api/credentials returned" << reply.status << reply.body;
    return reply.object().value(u"id"_s).toInteger();
}

QJsonObject TestProvidersApi::runJob(qint64 jobId)
{
    const HttpReply started = m_client->post(u"/api/jobs/%1/run"_s.arg(jobId));
    const qint64 runId = started.object().value(u"run_id"_s).toInteger();
    QDeadlineTimer deadline(kRunTimeoutMs);
    QJsonObject run;
    while (!deadline.hasExpired()) {
        const HttpReply reply = m_client->get(u"/api/runs/%1"_s.arg(runId));
        m_responses.append(reply.body);
        run = reply.object();
        if (isFinished(run.value(u"status"_s).toString()))
            return run;
        QTest::qWait(100);
    }
    return run;
}

void TestProvidersApi::listMatchesReference()
{
    const HttpReply reply = m_client->get(u"/api/providers"_s);
    QCOMPARE(reply.status, 200);
    const QJsonArray providers = reply.array();
    const QStringList types{u"local"_s, u"s3"_s, u"google_drive"_s, u"onedrive"_s, u"sftp"_s, u"webdav"_s};
    const QStringList names{u"Local / USB"_s, u"AWS S3"_s, u"Google Drive"_s, u"OneDrive"_s, u"SFTP"_s, u"WebDAV"_s};
    QCOMPARE(providers.size(), types.size());
    for (qsizetype i = 0; i < types.size(); ++i) {
        const QJsonObject provider = providers.at(i).toObject();
        QCOMPARE(provider.value(u"type"_s).toString(), types.at(i));
        QCOMPARE(provider.value(u"name"_s).toString(), names.at(i));
        QVERIFY(!provider.value(u"description"_s).toString().isEmpty());
        QCOMPARE(provider.value(u"requires_credentials"_s).toBool(), i != 0);
    }
    QCOMPARE(providers.at(5).toObject().value(u"description"_s).toString(), u"Nextcloud, ownCloud, generic WebDAV"_s);
}

void TestProvidersApi::capabilities_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("expectedType");
    QTest::addColumn<bool>("checksum");
    QTest::newRow("local") << u"local"_s << u"local"_s << true;
    QTest::newRow("s3") << u"s3"_s << u"s3"_s << true;
    QTest::newRow("google_drive") << u"google_drive"_s << u"google_drive"_s << true;
    QTest::newRow("one_drive alias") << u"one_drive"_s << u"onedrive"_s << true;
    QTest::newRow("sftp") << u"sftp"_s << u"sftp"_s << false;
    QTest::newRow("web_dav alias") << u"web_dav"_s << u"webdav"_s << false;
}

void TestProvidersApi::capabilities()
{
    QFETCH(QString, type);
    QFETCH(QString, expectedType);
    QFETCH(bool, checksum);
    const HttpReply reply = m_client->get(u"/api/providers/%1/capabilities"_s.arg(type));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object().value(u"provider_type"_s).toString(), expectedType);
    const QJsonObject capabilities = reply.object().value(u"capabilities"_s).toObject();
    QCOMPARE(capabilities.keys().size(), 8);
    for (const char *key : {"supports_delete", "supports_bandwidth_limit", "supports_exclude_patterns",
                            "supports_incremental", "supports_dry_run"})
        QVERIFY2(capabilities.value(QLatin1String(key)).toBool(), key);
    QCOMPARE(capabilities.value(u"supports_compression"_s).toBool(true), false);
    QCOMPARE(capabilities.value(u"supports_checksum"_s).toBool(!checksum), checksum);
    QCOMPARE(capabilities.value(u"requires_credentials"_s).toBool(), expectedType != u"local"_s);
}

void TestProvidersApi::capabilitiesUnknownType()
{
    const HttpReply reply = m_client->get(u"/api/providers/ftp/capabilities"_s);
    QCOMPARE(reply.status, 404);
    QCOMPARE(reply.object().value(u"error"_s).toString(), u"Not found"_s);
    QVERIFY(reply.object().value(u"message"_s).toString().contains(u"'ftp'"_s));
}

void TestProvidersApi::needsSession()
{
    ApiClient anonymous(m_server.baseUrl());
    QCOMPARE(anonymous.get(u"/api/providers"_s).status, 401);
    QCOMPARE(anonymous.post(u"/api/providers/test"_s, QJsonObject{{u"destination_type"_s, u"local"_s}}).status, 401);
}

void TestProvidersApi::testRejectsInvalidBody_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("messagePart");
    const QJsonObject webdav{{u"url"_s, u"http://127.0.0.1:1/"_s}};
    QTest::newRow("no type") << QJsonObject{{u"destination_config"_s, webdav}} << 400 << u"destination_type"_s;
    QTest::newRow("unknown type") << QJsonObject{{u"destination_type"_s, u"ftp"_s}, {u"destination_config"_s, webdav}}
                                  << 400 << u"destination_type"_s;
    QTest::newRow("invalid config") << QJsonObject{{u"destination_type"_s, u"webdav"_s}, {u"destination_config"_s, QJsonObject{}}}
                                    << 400 << u"destination_config.url"_s;
    QTest::newRow("no credential") << QJsonObject{{u"destination_type"_s, u"webdav"_s}, {u"destination_config"_s, webdav}}
                                   << 400 << u"credential_id"_s;
    QTest::newRow("both credentials")
        << QJsonObject{{u"destination_type"_s, u"webdav"_s}, {u"destination_config"_s, webdav}, {u"credential_id"_s, 1},
                       {u"credential_data"_s, QJsonObject{{u"username"_s, u"u"_s}, {u"password"_s, u"p"_s}}}}
        << 400 << u"not both"_s;
    QTest::newRow("invalid inline credential")
        << QJsonObject{{u"destination_type"_s, u"webdav"_s}, {u"destination_config"_s, webdav},
                       {u"credential_data"_s, QJsonObject{{u"username"_s, u"u"_s}}}}
        << 400 << u"password"_s;
    QTest::newRow("unknown credential") << QJsonObject{{u"destination_type"_s, u"webdav"_s}, {u"destination_config"_s, webdav},
                                                       {u"credential_id"_s, 999}}
                                        << 404 << QString();
    QTest::newRow("unknown field") << QJsonObject{{u"destination_type"_s, u"local"_s}, {u"extra"_s, 1}} << 400 << u"extra"_s;
}

void TestProvidersApi::testRejectsInvalidBody()
{
    QFETCH(QJsonObject, body);
    QFETCH(int, status);
    QFETCH(QString, messagePart);
    const HttpReply reply = m_client->post(u"/api/providers/test"_s, body);
    QCOMPARE(reply.status, status);
    QVERIFY2(reply.object().value(u"message"_s).toString().contains(messagePart), reply.body.constData());
}

void TestProvidersApi::localTest()
{
    QTemporaryDir dir;
    QJsonObject reply = testConnection({{u"destination_type"_s, u"local"_s},
                                        {u"destination_config"_s, QJsonObject{{u"mount_point"_s, dir.path()}}}});
    QCOMPARE(reply.value(u"success"_s).toBool(), true);
    QCOMPARE(reply.value(u"message"_s).toString(), u"Connection successful"_s);

    reply = testConnection({{u"destination_type"_s, u"local"_s},
                            {u"destination_config"_s, QJsonObject{{u"mount_point"_s, dir.filePath(u"missing"_s)}}}});
    QCOMPARE(reply.value(u"success"_s).toBool(true), false);
    QVERIFY(reply.value(u"message"_s).toString().startsWith(u"Path not found"_s));
    QVERIFY(reply.value(u"details"_s).isNull());
}

void TestProvidersApi::webDavTests()
{
    QTemporaryDir served;
    QVERIFY(QDir().mkpath(served.filePath(u"backups"_s)));
    WebDavServer server;
    if (!server.start(served.path(), u"backup user"_s, kPassword))
        QSKIP(qPrintable(server.skipReason()));
    const QJsonObject secret{{u"username"_s, u"backup user"_s}, {u"password"_s, kPassword}};
    const QJsonObject config{{u"url"_s, server.url()}, {u"remote_path"_s, u"backups"_s}, {u"vendor"_s, u"other"_s}};

    QJsonObject reply = testConnection({{u"destination_type"_s, u"webdav"_s}, {u"destination_config"_s, config},
                                        {u"credential_data"_s, secret}});
    QCOMPARE(reply.value(u"success"_s).toBool(), true);
    QCOMPARE(reply.value(u"message"_s).toString(), u"Connection successful"_s);
    QCOMPARE(reply.value(u"details"_s).toObject().value(u"url"_s).toString(), server.url());

    const qint64 credential = createCredential(u"WebDAV test"_s, u"web_dav"_s, secret);
    QVERIFY(credential > 0);
    reply = testConnection({{u"destination_type"_s, u"webdav"_s}, {u"destination_config"_s, config},
                            {u"credential_id"_s, credential}});
    QCOMPARE(reply.value(u"success"_s).toBool(), true);

    reply = testConnection({{u"destination_type"_s, u"webdav"_s}, {u"destination_config"_s, config},
                            {u"credential_data"_s, QJsonObject{{u"username"_s, u"backup user"_s}, {u"password"_s, u"wrong"_s}}}});
    QCOMPARE(reply.value(u"success"_s).toBool(true), false);
    QCOMPARE(reply.value(u"message"_s).toString(),
             u"Access denied: invalid credentials. The server rejected the user name or password"_s);
    QVERIFY(reply.value(u"details"_s).isNull());

    QJsonObject missingPath = config;
    missingPath.insert(u"remote_path"_s, u"does/not/exist"_s);
    reply = testConnection({{u"destination_type"_s, u"webdav"_s}, {u"destination_config"_s, missingPath},
                            {u"credential_data"_s, secret}});
    QCOMPARE(reply.value(u"success"_s).toBool(true), false);
    QVERIFY2(reply.value(u"message"_s).toString().startsWith(u"Path not found"_s), qPrintable(reply.value(u"message"_s).toString()));

    QJsonObject refused = config;
    refused.insert(u"url"_s, u"http://127.0.0.1:%1/"_s.arg(freeLoopbackPort()));
    reply = testConnection({{u"destination_type"_s, u"webdav"_s}, {u"destination_config"_s, refused},
                            {u"credential_data"_s, secret}});
    QCOMPARE(reply.value(u"success"_s).toBool(true), false);
    QVERIFY2(reply.value(u"message"_s).toString().startsWith(u"Connection refused"_s), qPrintable(reply.value(u"message"_s).toString()));
}

void TestProvidersApi::s3Tests()
{
    S3Server server;
    if (!server.start(u"backups"_s))
        QSKIP(qPrintable(server.skipReason()));
    const QJsonObject secret{{u"access_key_id"_s, u"S3RVER"_s}, {u"secret_access_key"_s, u"S3RVER"_s}};
    QJsonObject config{{u"bucket"_s, u"backups"_s}, {u"prefix"_s, u"host1/"_s}, {u"region"_s, u"us-east-1"_s},
                       {u"endpoint"_s, server.endpoint()}};

    QJsonObject reply = testConnection({{u"destination_type"_s, u"s3"_s}, {u"destination_config"_s, config},
                                        {u"credential_data"_s, secret}});
    QCOMPARE(reply.value(u"success"_s).toBool(), true);
    const QJsonObject details = reply.value(u"details"_s).toObject();
    QCOMPARE(details.value(u"bucket"_s).toString(), u"backups"_s);
    QCOMPARE(details.value(u"region"_s).toString(), u"us-east-1"_s);

    config.insert(u"bucket"_s, u"no-such-bucket"_s);
    reply = testConnection({{u"destination_type"_s, u"s3"_s}, {u"destination_config"_s, config},
                            {u"credential_data"_s, secret}});
    QCOMPARE(reply.value(u"success"_s).toBool(true), false);
    QVERIFY2(reply.value(u"message"_s).toString().startsWith(u"Bucket not found"_s), qPrintable(reply.value(u"message"_s).toString()));
}

void TestProvidersApi::sftpTests()
{
    SshServer server;
    if (!server.start())
        QSKIP(qPrintable(server.skipReason()));
    QVERIFY(server.setPassword(kPassword.toUtf8()));
    QJsonObject config{{u"host"_s, u"127.0.0.1"_s}, {u"port"_s, int(server.port())}, {u"username"_s, server.user()},
                       {u"remote_path"_s, server.home()}, {u"key_based_auth"_s, false}};
    const QJsonObject secret{{u"password"_s, kPassword}};
    const auto request = [&](const QJsonObject &destination, const QJsonObject &data) {
        return QJsonObject{{u"destination_type"_s, u"sftp"_s}, {u"destination_config"_s, destination}, {u"credential_data"_s, data}};
    };

    // Unknown key: no connection with the password, and the fingerprint to check and trust.
    QJsonObject reply = testConnection(request(config, secret));
    QCOMPARE(reply.value(u"success"_s).toBool(true), false);
    QVERIFY2(reply.value(u"message"_s).toString().contains(u"is unknown"_s), qPrintable(reply.value(u"message"_s).toString()));
    QCOMPARE(reply.value(u"details"_s).toObject().value(u"host_key_fingerprint"_s).toString(), server.hostKeyFingerprint());

    config.insert(u"host_key_fingerprint"_s, server.hostKeyFingerprint());
    reply = testConnection(request(config, secret));
    QCOMPARE(reply.value(u"success"_s).toBool(), true);
    QCOMPARE(reply.value(u"message"_s).toString(), u"Connection successful"_s);
    QCOMPARE(reply.value(u"details"_s).toObject().value(u"host_key_fingerprint"_s).toString(), server.hostKeyFingerprint());
    QCOMPARE(reply.value(u"details"_s).toObject().value(u"host_key_type"_s).toString(), u"ssh-ed25519"_s);

    QJsonObject keyConfig = config;
    keyConfig.insert(u"key_based_auth"_s, true);
    reply = testConnection(request(keyConfig, {{u"private_key"_s, QString::fromUtf8(server.privateKey())},
                                               {u"passphrase"_s, server.passphrase()}}));
    QCOMPARE(reply.value(u"success"_s).toBool(), true);

    reply = testConnection(request(config, {{u"password"_s, u"wrong password"_s}}));
    QCOMPARE(reply.value(u"success"_s).toBool(true), false);
    QVERIFY2(reply.value(u"message"_s).toString().startsWith(u"Access denied: invalid credentials"_s),
             qPrintable(reply.value(u"message"_s).toString()));

    QJsonObject missingPath = config;
    missingPath.insert(u"remote_path"_s, u"/no/such/folder"_s);
    reply = testConnection(request(missingPath, secret));
    QCOMPARE(reply.value(u"success"_s).toBool(true), false);
    QVERIFY2(reply.value(u"message"_s).toString().startsWith(u"Path not found"_s), qPrintable(reply.value(u"message"_s).toString()));

    QJsonObject refused = config;
    refused.insert(u"port"_s, int(freeLoopbackPort()));
    reply = testConnection(request(refused, secret));
    QCOMPARE(reply.value(u"success"_s).toBool(true), false);
    QVERIFY2(reply.value(u"message"_s).toString().startsWith(u"Connection refused"_s), qPrintable(reply.value(u"message"_s).toString()));

    // A changed host key fails fast, without a prompt and without sending the password.
    const QString trusted = server.hostKeyFingerprint();
    QVERIFY(server.restartWithNewHostKey());
    qint64 elapsedMs = 0;
    reply = testConnection(request(config, secret), &elapsedMs);
    QCOMPARE(reply.value(u"success"_s).toBool(true), false);
    QVERIFY2(reply.value(u"message"_s).toString().contains(u"does not match"_s), qPrintable(reply.value(u"message"_s).toString()));
    QVERIFY(reply.value(u"message"_s).toString().contains(trusted));
    QCOMPARE(reply.value(u"details"_s).toObject().value(u"host_key_fingerprint"_s).toString(), server.hostKeyFingerprint());
    QVERIFY2(elapsedMs < 10000, qPrintable(QString::number(elapsedMs)));
}

// A WebDAV job through the API: the credential is stored encrypted, the run copies the tree,
// the counters and logs match what the server holds, and a second run copies nothing.
void TestProvidersApi::webDavJobEndToEnd()
{
    QTemporaryDir served;
    WebDavServer server;
    if (!server.start(served.path(), u"backup user"_s, kPassword))
        QSKIP(qPrintable(server.skipReason()));
    QTemporaryDir sources;
    const QString source = sources.filePath(u"my docs"_s);
    TestTree tree(source);
    QVERIFY(QDir().mkpath(source));
    qint64 totalBytes = 0;
    for (const QString &path : kFiles) {
        QVERIFY(tree.addFile(path, 1000));
        totalBytes += 1000;
    }

    const qint64 credential = createCredential(u"WebDAV job"_s, u"webdav"_s,
                                               {{u"username"_s, u"backup user"_s}, {u"password"_s, kPassword}});
    const HttpReply created = m_client->post(
        u"/api/jobs"_s, {{u"name"_s, u"WebDAV backup"_s},
                         {u"source_dirs"_s, QJsonArray{source}},
                         {u"destination_type"_s, u"webdav"_s},
                         {u"destination_config"_s, QJsonObject{{u"url"_s, server.url()}, {u"remote_path"_s, u"backups"_s}}},
                         {u"credential_id"_s, credential}});
    QCOMPARE(created.status, 201);
    const qint64 jobId = created.object().value(u"id"_s).toInteger();

    const QJsonObject first = runJob(jobId);
    QVERIFY2(first.value(u"status"_s).toString() == u"completed"_s, QJsonDocument(first).toJson().constData());
    QCOMPARE(first.value(u"files_transferred"_s).toInteger(), kFiles.size());
    QCOMPARE(first.value(u"bytes_transferred"_s).toInteger(), totalBytes);
    QCOMPARE(compareTrees(source, served.filePath(u"backups/my docs"_s)), QString());
    const QString command = QString::fromUtf8(QJsonDocument(first.value(u"commands"_s).toArray()).toJson());
    QVERIFY(command.contains(u"\"copy\""_s));
    QVERIFY(command.contains(u"dest:backups/my docs"_s));

    const HttpReply logs = m_client->get(u"/api/runs/%1/logs"_s.arg(first.value(u"id"_s).toInteger()));
    m_responses.append(logs.body);
    QStringList messages;
    for (const QJsonValue &entry : logs.array())
        messages << entry.toObject().value(u"message"_s).toString();
    for (const QString &path : kFiles)
        QVERIFY2(messages.contains(path), qPrintable(path));

    const QJsonObject second = runJob(jobId);
    QCOMPARE(second.value(u"status"_s).toString(), u"completed"_s);
    QCOMPARE(second.value(u"files_transferred"_s).toInteger(), 0);
}

QTEST_GUILESS_MAIN(TestProvidersApi)
#include "tst_providersapi.moc"
