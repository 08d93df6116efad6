#include "apiclient.h"
#include "serverprocess.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::StringLiterals;

namespace {

// Every secret value this test sends starts with this marker, so one search finds them all.
const QString secretMarker = u"APISECRET"_s;

QString secretValue(const QString &name) { return secretMarker + u"-"_s + name + u"-93b1e2"_s; }

QString privateKey()
{
    return u"-----BEGIN OPENSSH PRIVATE KEY-----\n"_s + secretValue(u"keybody"_s)
        + u"AAAAB3NzaC1yc2EAAAADAQABAAABAQ==\n-----END OPENSSH PRIVATE KEY-----\n"_s;
}

QJsonObject s3Data(const QString &suffix = {})
{
    return {{u"access_key_id"_s, secretValue(u"s3-key-id"_s + suffix)},
            {u"secret_access_key"_s, secretValue(u"s3-secret-key"_s + suffix)}};
}

QJsonObject oauthData(const QString &provider)
{
    return {{u"access_token"_s, secretValue(provider + u"-access"_s)},
            {u"refresh_token"_s, secretValue(provider + u"-refresh"_s)},
            {u"expires_at"_s, 1704499200}};
}

QJsonObject credentialBody(const QString &name, const QString &provider, const QJsonObject &data)
{
    return {{u"name"_s, name}, {u"provider_type"_s, provider}, {u"data"_s, data}};
}

QJsonObject with(QJsonObject object, const QString &key, const QJsonValue &value)
{
    if (value.isUndefined())
        object.remove(key);
    else
        object.insert(key, value);
    return object;
}

bool isApiTime(const QJsonValue &value)
{
    const QString text = value.toString();
    return text.endsWith(u'Z') && QDateTime::fromString(text, Qt::ISODate).isValid();
}

QSet<QString> keysOf(const QJsonObject &object)
{
    const QStringList keys = object.keys();
    return QSet<QString>(keys.begin(), keys.end());
}

const QSet<QString> credentialKeys{u"id"_s, u"name"_s, u"provider_type"_s, u"created_at"_s,
                                   u"updated_at"_s};

} // namespace

class TestCredentialsApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void unauthenticatedRejected_data();
    void unauthenticatedRejected();
    void crudEveryProvider_data();
    void crudEveryProvider();
    void createRejected_data();
    void createRejected();
    void malformedBodyRejected_data();
    void malformedBodyRejected();
    void duplicateNameConflicts();
    void updateRejected_data();
    void updateRejected();
    void unknownIdNotFound_data();
    void unknownIdNotFound();
    void invalidIdRejected();
    void providerFilter_data();
    void providerFilter();
    void providerFilterRejected_data();
    void providerFilterRejected();
    void usageListsJobs();
    void deleteInUseConflicts();
    void jobCredentialChecked_data();
    void jobCredentialChecked();
    void jobUpdateCredentialChecked();
    void changedSecretKeepsMetadata();
    void noResponseContainsSecret();

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
    HttpReply remove(const QString &path) { return record(m_client->remove(path)); }

    qint64 createCredential(const QString &name, const QString &provider, const QJsonObject &data);
    QJsonObject job(const QString &name, const QString &type, const QJsonValue &credentialId) const;
    qint64 createJob(const QString &name, const QString &type, const QJsonValue &credentialId);
    QString writeSecretFile(const QString &name, const QByteArray &secret);

    QTemporaryDir m_workspace;
    std::unique_ptr<ServerProcess> m_server;
    std::unique_ptr<ApiClient> m_client;
    QList<QByteArray> m_responses;
};

void TestCredentialsApi::initTestCase()
{
    QVERIFY(m_workspace.isValid());
    QVERIFY(QDir().mkpath(m_workspace.filePath(u"documents"_s)));
    QVERIFY(QDir().mkpath(m_workspace.filePath(u"drive"_s)));

    m_server = std::make_unique<ServerProcess>();
    QVERIFY2(m_server->start(), m_server->standardError().constData());
    m_client = std::make_unique<ApiClient>(m_server->baseUrl());
    QCOMPARE(m_client->setUpAdmin().status, 200);
}

void TestCredentialsApi::cleanupTestCase()
{
    m_client.reset();
    if (m_server && m_server->port() != 0) {
        QCOMPARE(m_server->stop(), 0);
        QVERIFY2(!m_server->standardError().contains(secretMarker.toUtf8()),
                 "the server log contains a secret");
    }
}

HttpReply TestCredentialsApi::record(HttpReply reply)
{
    m_responses.append(reply.body);
    return reply;
}

qint64 TestCredentialsApi::createCredential(const QString &name, const QString &provider,
                                            const QJsonObject &data)
{
    const HttpReply reply = post(u"/api/credentials"_s, credentialBody(name, provider, data));
    if (reply.status != 201)
        qWarning() << "POST /api/credentials returned" << reply.status << reply.body;
    return reply.status == 201 ? reply.object().value(u"id"_s).toInteger() : 0;
}

QJsonObject TestCredentialsApi::job(const QString &name, const QString &type,
                                    const QJsonValue &credentialId) const
{
    static const QHash<QString, QJsonObject> configs{
        {u"local"_s, {{u"mount_point"_s, m_workspace.filePath(u"drive"_s)}}},
        {u"s3"_s, {{u"bucket"_s, u"my-backup-bucket"_s}}},
        {u"sftp"_s,
         {{u"host"_s, u"backup.example.com"_s},
          {u"username"_s, u"backup"_s},
          {u"remote_path"_s, u"/backups"_s}}},
        {u"webdav"_s, {{u"url"_s, u"https://cloud.example.com/remote.php/dav"_s}}},
    };
    return {
        {u"name"_s, name},
        {u"source_dirs"_s, QJsonArray{m_workspace.filePath(u"documents"_s)}},
        {u"destination_type"_s, type},
        {u"destination_config"_s, configs.value(type)},
        {u"credential_id"_s, credentialId},
    };
}

qint64 TestCredentialsApi::createJob(const QString &name, const QString &type,
                                     const QJsonValue &credentialId)
{
    const HttpReply reply = post(u"/api/jobs"_s, job(name, type, credentialId));
    if (reply.status != 201)
        qWarning() << "POST /api/jobs returned" << reply.status << reply.body;
    return reply.status == 201 ? reply.object().value(u"id"_s).toInteger() : 0;
}

QString TestCredentialsApi::writeSecretFile(const QString &name, const QByteArray &secret)
{
    const QString path = m_workspace.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(secret) != secret.size())
        return {};
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return path;
}

void TestCredentialsApi::unauthenticatedRejected_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");

    QTest::newRow("list") << QByteArray("GET") << u"/api/credentials"_s;
    QTest::newRow("create") << QByteArray("POST") << u"/api/credentials"_s;
    QTest::newRow("get") << QByteArray("GET") << u"/api/credentials/1"_s;
    QTest::newRow("update") << QByteArray("PUT") << u"/api/credentials/1"_s;
    QTest::newRow("delete") << QByteArray("DELETE") << u"/api/credentials/1"_s;
    QTest::newRow("usage") << QByteArray("GET") << u"/api/credentials/1/usage"_s;
}

void TestCredentialsApi::unauthenticatedRejected()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    ApiClient anonymous(m_server->baseUrl());

    const HttpReply reply =
        record(anonymous.send(method, path, "{}", {{"Content-Type", "application/json"}}));

    QCOMPARE(reply.status, 401);
    QCOMPARE(reply.object().value(u"error"_s).toString(), u"Unauthorized"_s);
}

void TestCredentialsApi::crudEveryProvider_data()
{
    QTest::addColumn<QString>("provider");
    QTest::addColumn<QString>("returnedProvider");
    QTest::addColumn<QJsonObject>("data");
    QTest::addColumn<QJsonObject>("newData");

    QTest::newRow("s3") << u"s3"_s << u"s3"_s << s3Data() << s3Data(u"-new"_s);
    QTest::newRow("s3 session token")
        << u"s3"_s << u"s3"_s << with(s3Data(), u"session_token"_s, secretValue(u"s3-session"_s))
        << s3Data(u"-new"_s);
    QTest::newRow("sftp password")
        << u"sftp"_s << u"sftp"_s << QJsonObject{{u"password"_s, secretValue(u"sftp-password"_s)}}
        << QJsonObject{{u"private_key"_s, privateKey()}};
    QTest::newRow("sftp key") << u"sftp"_s << u"sftp"_s
                              << QJsonObject{{u"private_key"_s, privateKey()},
                                             {u"passphrase"_s, secretValue(u"sftp-passphrase"_s)}}
                              << QJsonObject{{u"password"_s, secretValue(u"sftp-password-new"_s)}};
    const QJsonObject webDav{{u"username"_s, u"nextcloud-user"_s},
                             {u"password"_s, secretValue(u"webdav-password"_s)}};
    const QJsonObject newWebDav =
        with(webDav, u"password"_s, secretValue(u"webdav-password-new"_s));
    QTest::newRow("webdav") << u"webdav"_s << u"webdav"_s << webDav << newWebDav;
    QTest::newRow("web_dav") << u"web_dav"_s << u"webdav"_s << webDav << newWebDav;
    QTest::newRow("google_drive") << u"google_drive"_s << u"google_drive"_s
                                  << oauthData(u"google"_s)
                                  << with(oauthData(u"google-new"_s), u"token_type"_s, u"Bearer"_s);
    QTest::newRow("onedrive") << u"onedrive"_s << u"onedrive"_s << oauthData(u"onedrive"_s)
                              << oauthData(u"onedrive-new"_s);
    QTest::newRow("one_drive") << u"one_drive"_s << u"onedrive"_s
                               << with(oauthData(u"onedrive"_s), u"token_type"_s, u"Bearer"_s)
                               << oauthData(u"onedrive-new"_s);
}

void TestCredentialsApi::crudEveryProvider()
{
    QFETCH(QString, provider);
    QFETCH(QString, returnedProvider);
    QFETCH(QJsonObject, data);
    QFETCH(QJsonObject, newData);
    const QString name = u"Account %1"_s.arg(QString::fromLatin1(QTest::currentDataTag()));

    const HttpReply created = post(u"/api/credentials"_s, credentialBody(name, provider, data));
    QCOMPARE(created.status, 201);
    const QJsonObject credential = created.object();
    QCOMPARE(keysOf(credential), credentialKeys);
    QCOMPARE(credential.value(u"name"_s).toString(), name);
    QCOMPARE(credential.value(u"provider_type"_s).toString(), returnedProvider);
    QVERIFY(isApiTime(credential.value(u"created_at"_s)));
    QVERIFY(isApiTime(credential.value(u"updated_at"_s)));
    const QString path = u"/api/credentials/%1"_s.arg(credential.value(u"id"_s).toInteger());

    const HttpReply fetched = get(path);
    QCOMPARE(fetched.status, 200);
    QCOMPARE(fetched.object(), credential);
    const QJsonArray listed = get(u"/api/credentials"_s).array();
    QVERIFY(listed.contains(credential));

    const HttpReply renamed = put(path, QJsonObject{{u"name"_s, QString(name + u" (renamed)"_s)}});
    QCOMPARE(renamed.status, 200);
    QCOMPARE(keysOf(renamed.object()), credentialKeys);
    QCOMPARE(renamed.object().value(u"name"_s).toString(), name + u" (renamed)"_s);
    QCOMPARE(renamed.object().value(u"created_at"_s), credential.value(u"created_at"_s));

    const HttpReply reentered = put(path, {{u"provider_type"_s, provider}, {u"data"_s, newData}});
    QCOMPARE(reentered.status, 200);
    QCOMPARE(reentered.object().value(u"name"_s).toString(), name + u" (renamed)"_s);
    QCOMPARE(reentered.object().value(u"provider_type"_s).toString(), returnedProvider);

    const HttpReply deleted = remove(path);
    QCOMPARE(deleted.status, 200);
    QCOMPARE(deleted.object(), (QJsonObject{{u"message"_s, u"Credential deleted"_s}}));
    QCOMPARE(get(path).status, 404);

    for (const HttpReply &reply : {created, fetched, renamed, reentered, deleted})
        QVERIFY2(!reply.body.contains(secretMarker.toUtf8()), reply.body.constData());
}

void TestCredentialsApi::createRejected_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<QString>("field");

    const QJsonObject s3 = credentialBody(u"Invalid"_s, u"s3"_s, s3Data());
    QTest::newRow("name missing") << with(s3, u"name"_s, QJsonValue::Undefined) << u"'name'"_s;
    QTest::newRow("name too long") << with(s3, u"name"_s, QString(101, u'n')) << u"'name'"_s;
    QTest::newRow("name blank") << with(s3, u"name"_s, u" "_s) << u"'name'"_s;
    QTest::newRow("provider missing")
        << with(s3, u"provider_type"_s, QJsonValue::Undefined) << u"'provider_type'"_s;
    QTest::newRow("provider unknown")
        << with(s3, u"provider_type"_s, u"dropbox"_s) << u"'provider_type'"_s;
    QTest::newRow("provider local")
        << with(s3, u"provider_type"_s, u"local"_s) << u"'provider_type'"_s;
    QTest::newRow("data missing") << with(s3, u"data"_s, QJsonValue::Undefined) << u"'data'"_s;
    QTest::newRow("data string") << with(s3, u"data"_s, secretValue(u"data-string"_s))
                                 << u"'data'"_s;
    QTest::newRow("unknown field")
        << with(s3, u"password"_s, secretValue(u"top-level"_s)) << u"'password'"_s;

    QTest::newRow("s3 secret key missing") << credentialBody(
        u"x"_s, u"s3"_s, with(s3Data(), u"secret_access_key"_s, QJsonValue::Undefined))
                                           << u"'data.secret_access_key'"_s;
    QTest::newRow("s3 unknown field")
        << credentialBody(u"x"_s, u"s3"_s, with(s3Data(), u"bucket"_s, u"b"_s))
        << u"'data.bucket'"_s;
    QTest::newRow("s3 secret key number")
        << credentialBody(u"x"_s, u"s3"_s, with(s3Data(), u"secret_access_key"_s, 7))
        << u"'data.secret_access_key'"_s;
    QTest::newRow("sftp password and key") << credentialBody(
        u"x"_s, u"sftp"_s,
        {{u"password"_s, secretValue(u"both-password"_s)}, {u"private_key"_s, privateKey()}})
                                           << u"exactly one of 'password' and 'private_key'"_s;
    QTest::newRow("sftp neither") << credentialBody(
        u"x"_s, u"sftp"_s, {{u"passphrase"_s, secretValue(u"lonely-passphrase"_s)}})
                                  << u"exactly one of 'password' and 'private_key'"_s;
    QTest::newRow("sftp passphrase with password") << credentialBody(
        u"x"_s, u"sftp"_s,
        {{u"password"_s, secretValue(u"pw"_s)}, {u"passphrase"_s, secretValue(u"pp"_s)}})
                                                   << u"'data.passphrase'"_s;
    QTest::newRow("sftp key not a key")
        << credentialBody(u"x"_s, u"sftp"_s, {{u"private_key"_s, secretValue(u"not-a-key"_s)}})
        << u"'data.private_key'"_s;
    QTest::newRow("sftp password NUL")
        << credentialBody(u"x"_s, u"sftp"_s,
                          {{u"password"_s, secretValue(u"two"_s + QChar(0) + u"parts"_s)}})
        << u"'data.password'"_s;
    QTest::newRow("webdav password missing")
        << credentialBody(u"x"_s, u"webdav"_s, {{u"username"_s, u"user"_s}})
        << u"'data.password'"_s;
    QTest::newRow("webdav unknown field") << credentialBody(
        u"x"_s, u"webdav"_s,
        {{u"username"_s, u"user"_s}, {u"password"_s, secretValue(u"dav"_s)}, {u"token"_s, u"t"_s}})
                                          << u"'data.token'"_s;
    QTest::newRow("google_drive expires_at string") << credentialBody(
        u"x"_s, u"google_drive"_s, with(oauthData(u"g"_s), u"expires_at"_s, u"tomorrow"_s))
                                                    << u"'data.expires_at'"_s;
    QTest::newRow("google_drive access token missing")
        << credentialBody(u"x"_s, u"google_drive"_s,
                          with(oauthData(u"g"_s), u"access_token"_s, QJsonValue::Undefined))
        << u"'data.access_token'"_s;
    QTest::newRow("onedrive refresh token missing") << credentialBody(
        u"x"_s, u"onedrive"_s, with(oauthData(u"o"_s), u"refresh_token"_s, QJsonValue::Undefined))
                                                    << u"'data.refresh_token'"_s;
    QTest::newRow("onedrive expires_at fraction")
        << credentialBody(u"x"_s, u"one_drive"_s, with(oauthData(u"o"_s), u"expires_at"_s, 17.5))
        << u"'data.expires_at'"_s;
}

void TestCredentialsApi::createRejected()
{
    QFETCH(QJsonObject, body);
    QFETCH(QString, field);
    const qsizetype before = get(u"/api/credentials"_s).array().size();

    const HttpReply reply = post(u"/api/credentials"_s, body);

    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.object().value(u"error"_s).toString(), u"Invalid request"_s);
    const QString message = reply.object().value(u"message"_s).toString();
    QVERIFY2(message.contains(field), qPrintable(message));
    QVERIFY2(!reply.body.contains(secretMarker.toUtf8()), reply.body.constData());
    QCOMPARE(get(u"/api/credentials"_s).array().size(), before);
}

void TestCredentialsApi::malformedBodyRejected_data()
{
    QTest::addColumn<QByteArray>("body");

    QTest::newRow("empty") << QByteArray();
    QTest::newRow("not JSON") << QByteArray("{\"name\": ");
    QTest::newRow("array") << QByteArray("[]");
}

void TestCredentialsApi::malformedBodyRejected()
{
    QFETCH(QByteArray, body);

    const HttpReply reply = record(m_client->send("POST", u"/api/credentials"_s, body,
                                                  {{"Content-Type", "application/json"}}));

    QCOMPARE(reply.status, 400);
    QVERIFY(reply.object().contains(u"message"_s));
}

void TestCredentialsApi::duplicateNameConflicts()
{
    const qint64 first =
        createCredential(u"Nextcloud"_s, u"webdav"_s,
                         {{u"username"_s, u"u"_s}, {u"password"_s, secretValue(u"nc"_s)}});
    const qint64 second =
        createCredential(u"Nextcloud 2"_s, u"webdav"_s,
                         {{u"username"_s, u"u"_s}, {u"password"_s, secretValue(u"nc2"_s)}});
    QVERIFY(first > 0);
    QVERIFY(second > 0);

    const HttpReply created =
        post(u"/api/credentials"_s, credentialBody(u"NEXTCLOUD"_s, u"s3"_s, s3Data()));
    QCOMPARE(created.status, 409);
    QCOMPARE(created.object().value(u"error"_s).toString(), u"Conflict"_s);
    QVERIFY2(created.object().value(u"message"_s).toString().contains(u"already exists"_s),
             created.body.constData());

    const HttpReply renamed =
        put(u"/api/credentials/%1"_s.arg(second), QJsonObject{{u"name"_s, u"nextcloud"_s}});
    QCOMPARE(renamed.status, 409);

    QCOMPARE(remove(u"/api/credentials/%1"_s.arg(first)).status, 200);
    QCOMPARE(remove(u"/api/credentials/%1"_s.arg(second)).status, 200);
}

void TestCredentialsApi::updateRejected_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<QString>("expected");

    QTest::newRow("provider changed")
        << QJsonObject{{u"provider_type"_s, u"sftp"_s}, {u"name"_s, u"x"_s}}
        << u"'provider_type' cannot change from 's3' to 'sftp'"_s;
    QTest::newRow("empty body object") << QJsonObject() << u"'name', 'data' or both"_s;
    QTest::newRow("data of another provider")
        << QJsonObject{{u"data"_s, QJsonObject{{u"password"_s, secretValue(u"wrong-type"_s)}}}}
        << u"'data.access_key_id'"_s;
    QTest::newRow("data incomplete")
        << QJsonObject{{u"data"_s, with(s3Data(), u"access_key_id"_s, QJsonValue::Undefined)}}
        << u"'data.access_key_id'"_s;
    QTest::newRow("name null") << QJsonObject{{u"name"_s, QJsonValue::Null}} << u"'name'"_s;
    QTest::newRow("unknown field")
        << QJsonObject{{u"name"_s, u"x"_s}, {u"secret"_s, secretValue(u"extra"_s)}}
        << u"'secret'"_s;
}

void TestCredentialsApi::updateRejected()
{
    QFETCH(QJsonObject, body);
    QFETCH(QString, expected);
    const qint64 id = createCredential(u"Update target"_s, u"s3"_s, s3Data());
    QVERIFY(id > 0);
    const QString path = u"/api/credentials/%1"_s.arg(id);

    const HttpReply reply = put(path, body);

    QCOMPARE(reply.status, 400);
    const QString message = reply.object().value(u"message"_s).toString();
    QVERIFY2(message.contains(expected), qPrintable(message));
    QVERIFY2(!reply.body.contains(secretMarker.toUtf8()), reply.body.constData());
    QCOMPARE(get(path).object().value(u"name"_s).toString(), u"Update target"_s);
    QCOMPARE(remove(path).status, 200);
}

void TestCredentialsApi::unknownIdNotFound_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");

    QTest::newRow("get") << QByteArray("GET") << u"/api/credentials/987654"_s;
    QTest::newRow("update") << QByteArray("PUT") << u"/api/credentials/987654"_s;
    QTest::newRow("delete") << QByteArray("DELETE") << u"/api/credentials/987654"_s;
    QTest::newRow("usage") << QByteArray("GET") << u"/api/credentials/987654/usage"_s;
}

void TestCredentialsApi::unknownIdNotFound()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);

    const HttpReply reply = record(
        m_client->send(method, path, "{\"name\":\"x\"}", {{"Content-Type", "application/json"}}));

    QCOMPARE(reply.status, 404);
    QCOMPARE(reply.object().value(u"error"_s).toString(), u"Not found"_s);
    QVERIFY2(
        reply.object().value(u"message"_s).toString().contains(u"Credential 987654 not found"_s),
        reply.body.constData());
}

void TestCredentialsApi::invalidIdRejected()
{
    for (const QString &id : {u"abc"_s, u"0"_s, u"-1"_s}) {
        const HttpReply reply = get(u"/api/credentials/"_s + id);
        QCOMPARE(reply.status, 400);
        QVERIFY2(reply.object().value(u"message"_s).toString().contains(u"credential id"_s),
                 reply.body.constData());
    }
}

void TestCredentialsApi::providerFilter_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QStringList>("expectedNames");

    QTest::newRow("s3") << u"s3"_s << QStringList{u"Filter S3"_s};
    QTest::newRow("webdav") << u"webdav"_s << QStringList{u"Filter WebDAV"_s};
    QTest::newRow("web_dav") << u"web_dav"_s << QStringList{u"Filter WebDAV"_s};
    QTest::newRow("onedrive") << u"onedrive"_s << QStringList();
}

void TestCredentialsApi::providerFilter()
{
    QFETCH(QString, filter);
    QFETCH(QStringList, expectedNames);
    const qint64 s3 = createCredential(u"Filter S3"_s, u"s3"_s, s3Data());
    const qint64 webDav =
        createCredential(u"Filter WebDAV"_s, u"webdav"_s,
                         {{u"username"_s, u"u"_s}, {u"password"_s, secretValue(u"filter"_s)}});
    QVERIFY(s3 > 0);
    QVERIFY(webDav > 0);

    const HttpReply reply = get(u"/api/credentials?provider="_s + filter);

    QCOMPARE(reply.status, 200);
    QStringList names;
    for (const QJsonValue &credential : reply.array())
        names.append(credential.toObject().value(u"name"_s).toString());
    QCOMPARE(names, expectedNames);
    QCOMPARE(remove(u"/api/credentials/%1"_s.arg(s3)).status, 200);
    QCOMPARE(remove(u"/api/credentials/%1"_s.arg(webDav)).status, 200);
}

void TestCredentialsApi::providerFilterRejected_data()
{
    QTest::addColumn<QString>("filter");

    QTest::newRow("unknown") << u"ftp"_s;
    QTest::newRow("local") << u"local"_s;
    QTest::newRow("empty") << QString();
    QTest::newRow("wrong case") << u"S3"_s;
}

void TestCredentialsApi::providerFilterRejected()
{
    QFETCH(QString, filter);

    const HttpReply reply = get(u"/api/credentials?provider="_s + filter);

    QCOMPARE(reply.status, 400);
    QVERIFY2(reply.object().value(u"message"_s).toString().contains(u"'provider'"_s),
             reply.body.constData());
}

void TestCredentialsApi::usageListsJobs()
{
    const qint64 credential = createCredential(u"Usage S3"_s, u"s3"_s, s3Data());
    QVERIFY(credential > 0);
    const QString path = u"/api/credentials/%1/usage"_s.arg(credential);
    QCOMPARE(get(path).object(),
             (QJsonObject{{u"credential_id"_s, credential}, {u"jobs"_s, QJsonArray()}}));

    const qint64 daily = createJob(u"Usage Daily"_s, u"s3"_s, credential);
    const qint64 local = createJob(u"Usage Local"_s, u"local"_s, QJsonValue::Null);
    const qint64 weekly = createJob(u"Usage Weekly"_s, u"s3"_s, credential);
    QVERIFY(daily > 0);
    QVERIFY(local > 0);
    QVERIFY(weekly > 0);

    const HttpReply reply = get(path);

    QCOMPARE(reply.status, 200);
    const QJsonArray expectedJobs{QJsonObject{{u"id"_s, daily}, {u"name"_s, u"Usage Daily"_s}},
                                  QJsonObject{{u"id"_s, weekly}, {u"name"_s, u"Usage Weekly"_s}}};
    QCOMPARE(reply.object(),
             (QJsonObject{{u"credential_id"_s, credential}, {u"jobs"_s, expectedJobs}}));
    for (const qint64 id : {daily, local, weekly})
        QCOMPARE(remove(u"/api/jobs/%1"_s.arg(id)).status, 200);
    QCOMPARE(remove(u"/api/credentials/%1"_s.arg(credential)).status, 200);
}

void TestCredentialsApi::deleteInUseConflicts()
{
    const qint64 credential = createCredential(u"Busy S3"_s, u"s3"_s, s3Data());
    QVERIFY(credential > 0);
    const qint64 daily = createJob(u"Daily Backup"_s, u"s3"_s, credential);
    const qint64 weekly = createJob(u"Weekly Backup"_s, u"s3"_s, credential);
    QVERIFY(daily > 0);
    QVERIFY(weekly > 0);
    const QString path = u"/api/credentials/%1"_s.arg(credential);

    const HttpReply refused = remove(path);

    QCOMPARE(refused.status, 409);
    const QJsonObject body = refused.object();
    QCOMPARE(body.value(u"error"_s).toString(), u"Credential is in use by 2 job(s)"_s);
    QCOMPARE(body.value(u"jobs"_s).toArray(), (QJsonArray{u"Daily Backup"_s, u"Weekly Backup"_s}));
    const QString message = body.value(u"message"_s).toString();
    QVERIFY2(message.contains(u"'Daily Backup', 'Weekly Backup'"_s), qPrintable(message));
    QCOMPARE(get(path).status, 200);

    // Freeing one job is not enough; freeing both is.
    QCOMPARE(
        put(u"/api/jobs/%1"_s.arg(daily), job(u"Daily Backup"_s, u"s3"_s, QJsonValue::Null)).status,
        200);
    const HttpReply stillRefused = remove(path);
    QCOMPARE(stillRefused.status, 409);
    QCOMPARE(stillRefused.object().value(u"jobs"_s).toArray(), QJsonArray{u"Weekly Backup"_s});
    QCOMPARE(remove(u"/api/jobs/%1"_s.arg(weekly)).status, 200);
    QCOMPARE(remove(path).status, 200);
    QCOMPARE(remove(u"/api/jobs/%1"_s.arg(daily)).status, 200);
}

void TestCredentialsApi::jobCredentialChecked_data()
{
    QTest::addColumn<QString>("destination");
    QTest::addColumn<QString>("credentialProvider");
    QTest::addColumn<bool>("credentialExists");
    QTest::addColumn<int>("expectedStatus");

    QTest::newRow("matching s3") << u"s3"_s << u"s3"_s << true << 201;
    QTest::newRow("matching webdav") << u"webdav"_s << u"web_dav"_s << true << 201;
    QTest::newRow("sftp job, s3 credential") << u"sftp"_s << u"s3"_s << true << 400;
    QTest::newRow("local job, s3 credential") << u"local"_s << u"s3"_s << true << 400;
    QTest::newRow("missing credential") << u"s3"_s << u"s3"_s << false << 400;
}

void TestCredentialsApi::jobCredentialChecked()
{
    QFETCH(QString, destination);
    QFETCH(QString, credentialProvider);
    QFETCH(bool, credentialExists);
    QFETCH(int, expectedStatus);
    const QJsonObject data = credentialProvider == u"s3"_s
        ? s3Data()
        : QJsonObject{{u"username"_s, u"u"_s}, {u"password"_s, secretValue(u"job-check"_s)}};
    const qint64 credential = createCredential(u"Job check"_s, credentialProvider, data);
    QVERIFY(credential > 0);
    const qint64 referenced = credentialExists ? credential : credential + 1000;

    const HttpReply reply = post(u"/api/jobs"_s, job(u"Job check"_s, destination, referenced));

    QCOMPARE(reply.status, expectedStatus);
    if (expectedStatus == 201) {
        QCOMPARE(reply.object().value(u"credential_id"_s).toInteger(), credential);
        QCOMPARE(remove(u"/api/jobs/%1"_s.arg(reply.object().value(u"id"_s).toInteger())).status,
                 200);
    } else {
        const QString message = reply.object().value(u"message"_s).toString();
        QVERIFY2(message.contains(u"'credential_id'"_s), qPrintable(message));
    }
    QCOMPARE(remove(u"/api/credentials/%1"_s.arg(credential)).status, 200);
}

void TestCredentialsApi::jobUpdateCredentialChecked()
{
    const qint64 s3 = createCredential(u"Update S3"_s, u"s3"_s, s3Data());
    const qint64 sftp = createCredential(u"Update SFTP"_s, u"sftp"_s,
                                         {{u"password"_s, secretValue(u"update-sftp"_s)}});
    const qint64 jobId = createJob(u"Update check"_s, u"s3"_s, s3);
    QVERIFY(s3 > 0);
    QVERIFY(sftp > 0);
    QVERIFY(jobId > 0);

    const HttpReply mismatched =
        put(u"/api/jobs/%1"_s.arg(jobId), job(u"Update check"_s, u"s3"_s, sftp));
    QCOMPARE(mismatched.status, 400);
    QVERIFY2(mismatched.object().value(u"message"_s).toString().contains(u"'credential_id'"_s),
             mismatched.body.constData());
    QCOMPARE(get(u"/api/jobs/%1"_s.arg(jobId)).object().value(u"credential_id"_s).toInteger(), s3);

    const HttpReply switched =
        put(u"/api/jobs/%1"_s.arg(jobId), job(u"Update check"_s, u"sftp"_s, sftp));
    QCOMPARE(switched.status, 200);
    QCOMPARE(switched.object().value(u"credential_id"_s).toInteger(), sftp);

    QCOMPARE(remove(u"/api/jobs/%1"_s.arg(jobId)).status, 200);
    QCOMPARE(remove(u"/api/credentials/%1"_s.arg(s3)).status, 200);
    QCOMPARE(remove(u"/api/credentials/%1"_s.arg(sftp)).status, 200);
}

void TestCredentialsApi::changedSecretKeepsMetadata()
{
    const QString firstSecret =
        writeSecretFile(u"first.secret"_s, "first-server-secret-of-more-than-32-characters");
    const QString secondSecret =
        writeSecretFile(u"second.secret"_s, "second-server-secret-of-more-than-32-characters");
    QVERIFY(!firstSecret.isEmpty());
    QVERIFY(!secondSecret.isEmpty());
    const QString dataDir = m_workspace.filePath(u"restart-data"_s);
    const QStringList firstArguments{u"--secret-file"_s, firstSecret};
    const QStringList secondArguments{u"--secret-file"_s, secondSecret};

    QJsonArray before;
    {
        ServerProcess server(dataDir);
        QVERIFY2(server.start(firstArguments), server.standardError().constData());
        ApiClient client(server.baseUrl());
        QCOMPARE(client.setUpAdmin().status, 200);
        QCOMPARE(record(client.post(u"/api/credentials"_s,
                                    credentialBody(u"Restart S3"_s, u"s3"_s, s3Data())))
                     .status,
                 201);
        QCOMPARE(record(client.post(u"/api/credentials"_s,
                                    credentialBody(u"Restart SFTP"_s, u"sftp"_s,
                                                   {{u"password"_s, secretValue(u"restart"_s)}})))
                     .status,
                 201);
        before = record(client.get(u"/api/credentials"_s)).array();
        QCOMPARE(before.size(), 2);
        QCOMPARE(server.stop(), 0);
    }

    ServerProcess changed(dataDir);
    QVERIFY2(changed.start(secondArguments), changed.standardError().constData());
    ApiClient client(changed.baseUrl());
    QCOMPARE(client.login(u"admin"_s, u"securepassword123"_s).status, 200);

    QCOMPARE(record(client.get(u"/api/credentials"_s)).array(), before);
    const HttpReply single = record(client.get(u"/api/credentials/1"_s));
    QCOMPARE(single.status, 200);
    QCOMPARE(single.object(), before.at(0).toObject());
    QCOMPARE(client.get(u"/api/system/health"_s).status, 200);
    const QByteArray log = changed.standardError();
    QVERIFY2(
        log.contains(
            "2 stored credential(s) cannot be decrypted with the current server secret (ids 1, 2): "
            "the server secret changed or was lost; re-enter them"),
        log.constData());

    // Entering the data again seals it under the new secret.
    const HttpReply reentered =
        record(client.put(u"/api/credentials/1"_s, QJsonObject{{u"data"_s, s3Data(u"-again"_s)}}));
    QCOMPARE(reentered.status, 200);
    QCOMPARE(changed.stop(), 0);

    ServerProcess again(dataDir);
    QVERIFY2(again.start(secondArguments), again.standardError().constData());
    ApiClient(again.baseUrl()).get(u"/api/system/health"_s);
    const QByteArray laterLog = again.standardError();
    QVERIFY2(
        laterLog.contains(
            "1 stored credential(s) cannot be decrypted with the current server secret (ids 2)"),
        laterLog.constData());
    QCOMPARE(again.stop(), 0);
    for (const QByteArray &serverLog : {log, laterLog})
        QVERIFY2(!serverLog.contains(secretMarker.toUtf8()), "the server log contains a secret");
}

void TestCredentialsApi::noResponseContainsSecret()
{
    QVERIFY(m_responses.size() > 50);
    for (const QByteArray &body : std::as_const(m_responses))
        QVERIFY2(!body.contains(secretMarker.toUtf8()), body.constData());
}

QTEST_GUILESS_MAIN(TestCredentialsApi)
#include "tst_credentialsapi.moc"
