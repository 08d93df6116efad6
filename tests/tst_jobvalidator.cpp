#include "jobs/jobvalidator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>

using namespace dynamight;

namespace {

QJsonObject parse(const char *json)
{
    return QJsonDocument::fromJson(QByteArray(json)).object();
}

QJsonObject localJob()
{
    return parse(R"({"name": "Docs", "source_dirs": ["/srv/docs"], "destination_type": "local",
                     "destination_config": {"mount_point": "/mnt/backup", "backup_subdir": "daily"}})");
}

// Returns body with the value at a dotted path ("destination_config.port") replaced or removed.
QJsonObject with(QJsonObject body, const QString &path, const QJsonValue &value)
{
    const QStringList keys = path.split(QLatin1Char('.'));
    if (keys.size() == 1) {
        if (value.isUndefined())
            body.remove(keys.first());
        else
            body.insert(keys.first(), value);
        return body;
    }
    body.insert(keys.first(), with(body.value(keys.first()).toObject(), keys.mid(1).join(QLatin1Char('.')), value));
    return body;
}

QJsonObject remoteJob(const char *type, const char *config)
{
    QJsonObject body = localJob();
    body.insert(QStringLiteral("destination_type"), QLatin1String(type));
    body.insert(QStringLiteral("destination_config"), parse(config));
    return body;
}

} // namespace

class TestJobValidator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void validLocalJobGetsDefaults();
    void validRemoteJobs_data();
    void validRemoteJobs();
    void invalidBodies_data();
    void invalidBodies();
    void pathsAreCleaned();
    void readOnlyFieldsIgnored();
    void alternativeTypeSpellings();
    void symlinkedOverlapRejected();
};

void TestJobValidator::validLocalJobGetsDefaults()
{
    const auto job = parseJob(localJob());
    QVERIFY2(job.ok(), job.ok() ? "" : qPrintable(job.error().message()));
    QCOMPARE(job->name, QStringLiteral("Docs"));
    QCOMPARE(job->enabled, true);
    QCOMPARE(job->description, QString());
    QCOMPARE(job->destinationType, DestinationType::Local);
    QCOMPARE(job->destinationConfig.value(QLatin1String("auto_mount")), QJsonValue(false));
    QCOMPARE(job->destinationConfig.value(QLatin1String("auto_unmount")), QJsonValue(false));
    QVERIFY(job->destinationConfig.value(QLatin1String("usb_uuid")).isNull());
    QCOMPARE(job->syncOptions, SyncOptions{});
    QVERIFY(!job->credentialId.has_value());
}

void TestJobValidator::validRemoteJobs_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<QString>("defaultedKey");
    QTest::addColumn<QJsonValue>("defaultValue");

    QTest::newRow("s3") << remoteJob("s3", R"({"bucket": "my-backup-bucket", "prefix": "server1/"})")
                        << "region" << QJsonValue(QStringLiteral("us-east-1"));
    QTest::newRow("s3 endpoint and class")
        << remoteJob("s3", R"({"bucket": "b.example-1", "region": "eu-west-1", "endpoint": "http://127.0.0.1:9000",
                               "storage_class": "GLACIER_IR"})")
        << "prefix" << QJsonValue(QString());
    QTest::newRow("google drive") << remoteJob("google_drive", R"({"folder_id": "1AbC_d-E"})")
                                  << "shared_drive_id" << QJsonValue();
    QTest::newRow("onedrive") << remoteJob("onedrive", R"({"folder_path": "/Backups", "drive_id": "b!x.Y_z"})")
                              << "drive_id" << QJsonValue(QStringLiteral("b!x.Y_z"));
    QTest::newRow("sftp") << remoteJob("sftp", R"({"host": "backup.example.com", "username": "backup",
                                                   "remote_path": "/srv/backups"})")
                          << "port" << QJsonValue(22);
    QTest::newRow("sftp ipv6 and fingerprint")
        << remoteJob("sftp", R"({"host": "::1", "port": 2222, "username": "u", "remote_path": "b",
                                 "key_based_auth": true,
                                 "host_key_fingerprint": "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8"})")
        << "key_based_auth" << QJsonValue(true);
    QTest::newRow("webdav") << remoteJob("webdav", R"({"url": "https://cloud.example.com/remote.php/dav/files/me"})")
                            << "vendor" << QJsonValue(QStringLiteral("other"));
}

void TestJobValidator::validRemoteJobs()
{
    QFETCH(QJsonObject, body);
    QFETCH(QString, defaultedKey);
    QFETCH(QJsonValue, defaultValue);

    const auto job = parseJob(body);
    QVERIFY2(job.ok(), job.ok() ? "" : qPrintable(job.error().message()));
    QCOMPARE(job->destinationConfig.value(defaultedKey), defaultValue);
}

void TestJobValidator::invalidBodies_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<QString>("messagePart");

    const QJsonObject local = localJob();
    QTest::newRow("name missing") << with(local, QStringLiteral("name"), QJsonValue::Undefined) << "'name' is required";
    QTest::newRow("name blank") << with(local, QStringLiteral("name"), QStringLiteral("  ")) << "'name' must not be empty";
    QTest::newRow("name number") << with(local, QStringLiteral("name"), 5) << "'name' must be a string";
    QTest::newRow("name too long") << with(local, QStringLiteral("name"), QString(101, QLatin1Char('x'))) << "at most 100";
    QTest::newRow("name newline") << with(local, QStringLiteral("name"), QStringLiteral("a\nb")) << "control characters";
    QTest::newRow("enabled string") << with(local, QStringLiteral("enabled"), QStringLiteral("yes")) << "'enabled' must be a boolean";
    QTest::newRow("description number") << with(local, QStringLiteral("description"), 1) << "'description' must be a string";
    QTest::newRow("sources missing") << with(local, QStringLiteral("source_dirs"), QJsonValue::Undefined) << "'source_dirs' is required";
    QTest::newRow("sources empty") << with(local, QStringLiteral("source_dirs"), QJsonArray()) << "'source_dirs' must be an array";
    QTest::newRow("sources string") << with(local, QStringLiteral("source_dirs"), QStringLiteral("/srv")) << "'source_dirs' must be an array";
    QTest::newRow("source number") << with(local, QStringLiteral("source_dirs"), QJsonArray{1}) << "'source_dirs[0]' must be a string";
    QTest::newRow("source relative") << with(local, QStringLiteral("source_dirs"), QJsonArray{QStringLiteral("srv/docs")}) << "absolute path";
    QTest::newRow("source root") << with(local, QStringLiteral("source_dirs"), QJsonArray{QStringLiteral("/")}) << "root folder";
    QTest::newRow("source empty string") << with(local, QStringLiteral("source_dirs"), QJsonArray{QString()}) << "must not be empty";
    QTest::newRow("source newline") << with(local, QStringLiteral("source_dirs"), QJsonArray{QStringLiteral("/srv/a\nb")}) << "newline";
    QTest::newRow("source dash") << with(local, QStringLiteral("source_dirs"), QJsonArray{QStringLiteral("-rf")}) << "must not start with '-'";
    QTest::newRow("source dotdot") << with(local, QStringLiteral("source_dirs"), QJsonArray{QStringLiteral("/srv/../etc")}) << "'..'";
    QTest::newRow("same basename") << with(local, QStringLiteral("source_dirs"), QJsonArray{QStringLiteral("/a/docs"), QStringLiteral("/b/docs")}) << "two folders named 'docs'";
    QTest::newRow("nested sources") << with(local, QStringLiteral("source_dirs"), QJsonArray{QStringLiteral("/srv"), QStringLiteral("/srv/docs")}) << "overlap";
    QTest::newRow("destination inside source") << with(local, QStringLiteral("source_dirs"), QJsonArray{QStringLiteral("/mnt")}) << "overlap";
    QTest::newRow("source inside destination") << with(local, QStringLiteral("source_dirs"), QJsonArray{QStringLiteral("/mnt/backup/daily/x")}) << "overlap";
    QTest::newRow("type missing") << with(local, QStringLiteral("destination_type"), QJsonValue::Undefined) << "'destination_type' is required";
    QTest::newRow("type unknown") << with(local, QStringLiteral("destination_type"), QStringLiteral("ftp")) << "'destination_type' must be one of";
    QTest::newRow("config missing") << with(local, QStringLiteral("destination_config"), QJsonValue::Undefined) << "'destination_config' is required";
    QTest::newRow("config array") << with(local, QStringLiteral("destination_config"), QJsonArray()) << "must be an object";
    QTest::newRow("mount point missing") << with(local, QStringLiteral("destination_config.mount_point"), QJsonValue::Undefined) << "'destination_config.mount_point' is required";
    QTest::newRow("mount point relative") << with(local, QStringLiteral("destination_config.mount_point"), QStringLiteral("mnt")) << "absolute path";
    QTest::newRow("mount point root") << with(local, QStringLiteral("destination_config.mount_point"), QStringLiteral("/")) << "root folder";
    QTest::newRow("subdir absolute") << with(local, QStringLiteral("destination_config.backup_subdir"), QStringLiteral("/x")) << "relative path";
    QTest::newRow("subdir dotdot") << with(local, QStringLiteral("destination_config.backup_subdir"), QStringLiteral("../x")) << "'..'";
    QTest::newRow("auto mount string") << with(local, QStringLiteral("destination_config.auto_mount"), QStringLiteral("true")) << "'destination_config.auto_mount' must be a boolean";
    QTest::newRow("usb uuid trailing newline") << with(local, QStringLiteral("destination_config.usb_uuid"), QStringLiteral("1234-ABCD\n")) << "filesystem UUID";
    QTest::newRow("usb uuid bad") << with(local, QStringLiteral("destination_config.usb_uuid"), QStringLiteral("not-a-uuid")) << "filesystem UUID";
    QTest::newRow("config unknown key") << with(local, QStringLiteral("destination_config.bucket"), QStringLiteral("x")) << "Unknown field 'destination_config.bucket'";
    QTest::newRow("unknown top key") << with(local, QStringLiteral("colour"), QStringLiteral("red")) << "Unknown field 'colour'";
    QTest::newRow("options array") << with(local, QStringLiteral("sync_options"), QJsonArray()) << "'sync_options' must be an object";
    QTest::newRow("options unknown key") << with(local, QStringLiteral("sync_options.delete_extranous"), true) << "Unknown field 'sync_options.delete_extranous'";
    QTest::newRow("delete string") << with(local, QStringLiteral("sync_options.delete_extraneous"), QStringLiteral("no")) << "must be a boolean";
    QTest::newRow("patterns string") << with(local, QStringLiteral("sync_options.exclude_patterns"), QStringLiteral("*.tmp")) << "must be an array";
    QTest::newRow("pattern empty") << with(local, QStringLiteral("sync_options.exclude_patterns"), QJsonArray{QString()}) << "exclude_patterns[0]' must not be empty";
    QTest::newRow("pattern newline") << with(local, QStringLiteral("sync_options.exclude_patterns"), QJsonArray{QStringLiteral("a\nb")}) << "control characters";
    QTest::newRow("bandwidth zero") << with(local, QStringLiteral("sync_options.bandwidth_limit_kbps"), 0) << "bandwidth_limit_kbps";
    QTest::newRow("bandwidth fraction") << with(local, QStringLiteral("sync_options.bandwidth_limit_kbps"), 1.5) << "bandwidth_limit_kbps";
    QTest::newRow("bandwidth string") << with(local, QStringLiteral("sync_options.bandwidth_limit_kbps"), QStringLiteral("100")) << "bandwidth_limit_kbps";
    QTest::newRow("verbosity unknown") << with(local, QStringLiteral("sync_options.verbosity"), QStringLiteral("loud")) << "quiet, normal, verbose";
    QTest::newRow("credential zero") << with(local, QStringLiteral("credential_id"), 0) << "'credential_id' must be a positive integer";
    QTest::newRow("credential string") << with(local, QStringLiteral("credential_id"), QStringLiteral("1")) << "'credential_id' must be a positive integer";

    QTest::newRow("s3 bucket missing") << remoteJob("s3", R"({"prefix": "x"})") << "'destination_config.bucket' is required for destination type 's3'";
    QTest::newRow("s3 bucket upper") << remoteJob("s3", R"({"bucket": "MyBucket"})") << "valid S3 bucket name";
    QTest::newRow("s3 bucket ip") << remoteJob("s3", R"({"bucket": "192.168.1.1"})") << "valid S3 bucket name";
    QTest::newRow("s3 bucket trailing newline") << remoteJob("s3", "{\"bucket\": \"abcd\\n\"}") << "valid S3 bucket name";
    QTest::newRow("s3 bucket short") << remoteJob("s3", R"({"bucket": "ab"})") << "valid S3 bucket name";
    QTest::newRow("s3 endpoint ftp") << remoteJob("s3", R"({"bucket": "abc", "endpoint": "ftp://x"})") << "http:// or https://";
    QTest::newRow("s3 endpoint userinfo") << remoteJob("s3", R"({"bucket": "abc", "endpoint": "https://a:b@x"})") << "credential";
    QTest::newRow("s3 class unknown") << remoteJob("s3", R"({"bucket": "abc", "storage_class": "COLD"})") << "storage_class' must be one of";
    QTest::newRow("s3 region bad") << remoteJob("s3", R"({"bucket": "abc", "region": "US EAST"})") << "region name";
    QTest::newRow("drive folder missing") << remoteJob("google_drive", R"({})") << "'destination_config.folder_id' is required";
    QTest::newRow("drive folder bad") << remoteJob("google_drive", R"({"folder_id": "a/b"})") << "drive or folder id";
    QTest::newRow("onedrive path missing") << remoteJob("onedrive", R"({"drive_id": "x"})") << "'destination_config.folder_path' is required";
    QTest::newRow("onedrive path dotdot") << remoteJob("onedrive", R"({"folder_path": "/a/../b"})") << "'..'";
    QTest::newRow("sftp host missing") << remoteJob("sftp", R"({"username": "u", "remote_path": "/b"})") << "'destination_config.host' is required";
    QTest::newRow("sftp host bad") << remoteJob("sftp", R"({"host": "-oProxyCommand=x", "username": "u", "remote_path": "/b"})") << "host name or IP address";
    QTest::newRow("sftp port zero") << remoteJob("sftp", R"({"host": "h", "port": 0, "username": "u", "remote_path": "/b"})") << "port from 1 to 65535";
    QTest::newRow("sftp port high") << remoteJob("sftp", R"({"host": "h", "port": 70000, "username": "u", "remote_path": "/b"})") << "port from 1 to 65535";
    QTest::newRow("sftp port string") << remoteJob("sftp", R"({"host": "h", "port": "22", "username": "u", "remote_path": "/b"})") << "port from 1 to 65535";
    QTest::newRow("sftp user missing") << remoteJob("sftp", R"({"host": "h", "remote_path": "/b"})") << "'destination_config.username' is required";
    QTest::newRow("sftp path missing") << remoteJob("sftp", R"({"host": "h", "username": "u"})") << "'destination_config.remote_path' is required";
    QTest::newRow("sftp key auth string") << remoteJob("sftp", R"({"host": "h", "username": "u", "remote_path": "/b", "key_based_auth": "yes"})") << "must be a boolean";
    QTest::newRow("sftp fingerprint bad") << remoteJob("sftp", R"({"host": "h", "username": "u", "remote_path": "/b", "host_key_fingerprint": "MD5:aa"})") << "SSH key fingerprint";
    QTest::newRow("webdav url missing") << remoteJob("webdav", R"({"remote_path": "x"})") << "'destination_config.url' is required";
    QTest::newRow("webdav url relative") << remoteJob("webdav", R"({"url": "/dav"})") << "http:// or https://";
    QTest::newRow("webdav vendor unknown") << remoteJob("webdav", R"({"url": "https://h", "vendor": "box"})") << "vendor' must be one of";
}

void TestJobValidator::invalidBodies()
{
    QFETCH(QJsonObject, body);
    QFETCH(QString, messagePart);

    const auto job = parseJob(body);
    QVERIFY(!job.ok());
    QCOMPARE(job.error().kind(), Error::Kind::InvalidInput);
    QVERIFY2(job.error().message().contains(messagePart), qPrintable(job.error().message()));
}

void TestJobValidator::pathsAreCleaned()
{
    QJsonObject body = with(localJob(), QStringLiteral("source_dirs"), QJsonArray{QStringLiteral("/srv//docs/")});
    body = with(body, QStringLiteral("destination_config.backup_subdir"), QStringLiteral("./daily/"));
    const auto job = parseJob(body);
    QVERIFY2(job.ok(), job.ok() ? "" : qPrintable(job.error().message()));
    QCOMPARE(job->sourceDirs, QStringList{QStringLiteral("/srv/docs")});
    QCOMPARE(job->destinationConfig.value(QLatin1String("backup_subdir")).toString(), QStringLiteral("daily"));
    QCOMPARE(LocalDestination::fromConfig(job->destinationConfig).targetFor(job->sourceDirs.first()),
             QStringLiteral("/mnt/backup/daily/docs"));
}

void TestJobValidator::readOnlyFieldsIgnored()
{
    QJsonObject body = localJob();
    body.insert(QStringLiteral("id"), 7);
    body.insert(QStringLiteral("last_run"), QJsonValue());
    body.insert(QStringLiteral("schedules"), QJsonArray());
    body.insert(QStringLiteral("created_at"), QStringLiteral("2026-01-01T00:00:00Z"));
    const auto job = parseJob(body);
    QVERIFY2(job.ok(), job.ok() ? "" : qPrintable(job.error().message()));
    QCOMPARE(job->id, 0);
}

void TestJobValidator::alternativeTypeSpellings()
{
    const auto oneDrive = parseJob(remoteJob("one_drive", R"({"folder_path": "/Backups"})"));
    QVERIFY(oneDrive.ok());
    QCOMPARE(destinationTypeName(oneDrive->destinationType), QStringLiteral("onedrive"));
    const auto webDav = parseJob(remoteJob("web_dav", R"({"url": "https://h/dav"})"));
    QVERIFY(webDav.ok());
    QCOMPARE(destinationTypeName(webDav->destinationType), QStringLiteral("webdav"));
}

void TestJobValidator::symlinkedOverlapRejected()
{
    QTemporaryDir dir;
    QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("data/docs")));
    QVERIFY(QFile::link(dir.filePath(QStringLiteral("data")), dir.filePath(QStringLiteral("alias"))));

    QJsonObject body = with(localJob(), QStringLiteral("source_dirs"), QJsonArray{dir.filePath(QStringLiteral("data"))});
    body = with(body, QStringLiteral("destination_config.mount_point"), dir.filePath(QStringLiteral("alias/docs")));
    body = with(body, QStringLiteral("destination_config.backup_subdir"), QString());
    const auto job = parseJob(body);
    QVERIFY(!job.ok());
    QVERIFY2(job.error().message().contains(QLatin1String("overlap")), qPrintable(job.error().message()));
}

QTEST_GUILESS_MAIN(TestJobValidator)
#include "tst_jobvalidator.moc"
