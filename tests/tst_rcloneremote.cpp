#include "jobs/jobvalidator.h"
#include "runner/rcloneobscure.h"
#include "runner/rcloneremote.h"
#include "runner/rcloneworkspace.h"

#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

using namespace dynamight;

namespace {

QJsonObject config(DestinationType type, const QJsonObject &fields)
{
    auto parsed = parseDestinationConfig(type, fields);
    if (!parsed)
        qWarning().noquote() << parsed.error().message();
    return parsed ? *parsed : QJsonObject();
}

QMap<QString, QString> optionsOf(const RcloneRemote &remote)
{
    QMap<QString, QString> options;
    for (const auto &[key, value] : remote.options())
        options.insert(key, value);
    return options;
}

QString reveal(const QString &obscured)
{
    const auto plain = revealRcloneObscured(obscured);
    return plain ? QString::fromUtf8(*plain) : QStringLiteral("<invalid>");
}

const QJsonObject kOAuthSecret{
    {QStringLiteral("access_token"), QStringLiteral("ya29.access")},
    {QStringLiteral("refresh_token"), QStringLiteral("1//refresh")},
    {QStringLiteral("expires_at"), 1704499200},
};

const QByteArray kPassword = QByteArrayLiteral("p$ss \"quoted\" 'single' back\\slash and\nnewline");

} // namespace

class TestRcloneRemote : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void obscureRoundTrip();
    void obscureMatchesRclone();
    void s3WithoutEndpoint();
    void s3CompatibleEndpoint();
    void sftpPassword();
    void sftpKeyWithPassphrase();
    void sftpMissingSecret();
    void webDavVendors_data();
    void webDavVendors();
    void googleDrive();
    void oneDrive();
    void oneDriveWithoutDriveId();
    void tokenReadBack();
    void targets();
    void configQuoting_data();
    void configQuoting();
    void configRejectsLineBreak();
    void workspaceIsPrivate();
    void environmentCleaned();
};

void TestRcloneRemote::obscureRoundTrip()
{
    const auto first = obscureForRclone(kPassword);
    const auto second = obscureForRclone(kPassword);
    QVERIFY(first);
    QVERIFY(second);
    QVERIFY2(*first != *second, "each value gets a fresh IV");
    QVERIFY(!first->contains(u'\n'));
    QCOMPARE(reveal(*first), QString::fromUtf8(kPassword));
    QVERIFY(!revealRcloneObscured(QStringLiteral("short")));
}

// rclone must read what this code writes, and the other way round. rclone reveal prints the
// password with a newline after it; the password goes to rclone obscure on standard input.
void TestRcloneRemote::obscureMatchesRclone()
{
    const QString rclone = QStandardPaths::findExecutable(QStringLiteral("rclone"));
    if (rclone.isEmpty())
        QSKIP("rclone is not installed");

    const QByteArray password = QByteArrayLiteral("p@ss $word \"x\" \\ ü");
    const auto ours = obscureForRclone(password);
    QVERIFY(ours);
    QProcess reveal;
    reveal.start(rclone, {QStringLiteral("reveal"), QStringLiteral("--"), *ours});
    QVERIFY(reveal.waitForFinished(10000));
    QCOMPARE(reveal.readAllStandardOutput(), password + '\n');

    QProcess obscure;
    obscure.start(rclone, {QStringLiteral("obscure"), QStringLiteral("-")});
    obscure.write(password);
    obscure.closeWriteChannel();
    QVERIFY(obscure.waitForFinished(10000));
    const QString theirs = QString::fromLatin1(obscure.readAllStandardOutput().trimmed());
    QCOMPARE(revealRcloneObscured(theirs).value(), password);
}

void TestRcloneRemote::s3WithoutEndpoint()
{
    const QJsonObject destination = config(DestinationType::S3, {{QStringLiteral("bucket"), QStringLiteral("my-bucket")},
                                                                 {QStringLiteral("prefix"), QStringLiteral("backups/server1/")},
                                                                 {QStringLiteral("region"), QStringLiteral("eu-west-1")},
                                                                 {QStringLiteral("storage_class"), QStringLiteral("STANDARD_IA")}});
    const QJsonObject secret{{QStringLiteral("access_key_id"), QStringLiteral("AKIAEXAMPLE")},
                             {QStringLiteral("secret_access_key"), QStringLiteral("secret/key+value")},
                             {QStringLiteral("session_token"), QStringLiteral("sts-token")}};
    const auto remote = buildRcloneRemote(DestinationType::S3, destination, secret);
    QVERIFY2(remote, remote ? "" : qPrintable(remote.error().message()));

    const QMap<QString, QString> expected{
        {QStringLiteral("type"), QStringLiteral("s3")},
        {QStringLiteral("provider"), QStringLiteral("AWS")},
        {QStringLiteral("env_auth"), QStringLiteral("false")},
        {QStringLiteral("access_key_id"), QStringLiteral("AKIAEXAMPLE")},
        {QStringLiteral("secret_access_key"), QStringLiteral("secret/key+value")},
        {QStringLiteral("session_token"), QStringLiteral("sts-token")},
        {QStringLiteral("region"), QStringLiteral("eu-west-1")},
        {QStringLiteral("no_check_bucket"), QStringLiteral("true")},
        {QStringLiteral("storage_class"), QStringLiteral("STANDARD_IA")},
    };
    QCOMPARE(optionsOf(*remote), expected);
    QCOMPARE(remote->rootPath(), QStringLiteral("my-bucket/backups/server1"));
    QCOMPARE(remote->backend(), QStringLiteral("s3"));
}

void TestRcloneRemote::s3CompatibleEndpoint()
{
    const QJsonObject destination = config(DestinationType::S3, {{QStringLiteral("bucket"), QStringLiteral("bkt")},
                                                                 {QStringLiteral("endpoint"), QStringLiteral("http://127.0.0.1:9000")}});
    const QJsonObject secret{{QStringLiteral("access_key_id"), QStringLiteral("a")},
                             {QStringLiteral("secret_access_key"), QStringLiteral("b")}};
    const auto remote = buildRcloneRemote(DestinationType::S3, destination, secret);
    QVERIFY(remote);
    const auto options = optionsOf(*remote);
    QCOMPARE(options.value(QStringLiteral("provider")), QStringLiteral("Other"));
    QCOMPARE(options.value(QStringLiteral("endpoint")), QStringLiteral("http://127.0.0.1:9000"));
    QCOMPARE(options.value(QStringLiteral("force_path_style")), QStringLiteral("true"));
    QCOMPARE(options.value(QStringLiteral("region")), QStringLiteral("us-east-1"));
    QVERIFY(!options.contains(QStringLiteral("storage_class")));
    QVERIFY(!options.contains(QStringLiteral("session_token")));
    QCOMPARE(remote->rootPath(), QStringLiteral("bkt"));
}

void TestRcloneRemote::sftpPassword()
{
    const QJsonObject destination = config(DestinationType::Sftp, {{QStringLiteral("host"), QStringLiteral("backup.example.com")},
                                                                   {QStringLiteral("port"), 2222},
                                                                   {QStringLiteral("username"), QStringLiteral("backup")},
                                                                   {QStringLiteral("remote_path"), QStringLiteral("/srv/backups/")}});
    const auto remote = buildRcloneRemote(DestinationType::Sftp, destination,
                                          {{QStringLiteral("password"), QString::fromUtf8(kPassword)}});
    QVERIFY(remote);
    const auto options = optionsOf(*remote);
    QCOMPARE(options.value(QStringLiteral("type")), QStringLiteral("sftp"));
    QCOMPARE(options.value(QStringLiteral("host")), QStringLiteral("backup.example.com"));
    QCOMPARE(options.value(QStringLiteral("port")), QStringLiteral("2222"));
    QCOMPARE(options.value(QStringLiteral("user")), QStringLiteral("backup"));
    QCOMPARE(options.value(QStringLiteral("key_use_agent")), QStringLiteral("false"));
    QCOMPARE(options.value(QStringLiteral("shell_type")), QStringLiteral("none"));
    QCOMPARE(reveal(options.value(QStringLiteral("pass"))), QString::fromUtf8(kPassword));
    QVERIFY(!options.contains(QStringLiteral("key_pem")));
    QCOMPARE(remote->rootPath(), QStringLiteral("/srv/backups"));
    QVERIFY(remote->sshEndpoint());
    QCOMPARE(remote->sshEndpoint()->port, 2222);
    QVERIFY(remote->sshEndpoint()->trustedFingerprint.isEmpty());
}

void TestRcloneRemote::sftpKeyWithPassphrase()
{
    const QString fingerprint = QStringLiteral("SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8");
    const QJsonObject destination = config(DestinationType::Sftp, {{QStringLiteral("host"), QStringLiteral("127.0.0.1")},
                                                                   {QStringLiteral("username"), QStringLiteral("backup")},
                                                                   {QStringLiteral("remote_path"), QStringLiteral("backups")},
                                                                   {QStringLiteral("key_based_auth"), true},
                                                                   {QStringLiteral("host_key_fingerprint"), fingerprint}});
    const QString key = QStringLiteral("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\nBBBB\n-----END OPENSSH PRIVATE KEY-----\n");
    const auto remote = buildRcloneRemote(DestinationType::Sftp, destination,
                                          {{QStringLiteral("private_key"), key},
                                           {QStringLiteral("passphrase"), QStringLiteral("pass phrase")}});
    QVERIFY(remote);
    const auto options = optionsOf(*remote);
    QCOMPARE(options.value(QStringLiteral("key_pem")),
             QStringLiteral("-----BEGIN OPENSSH PRIVATE KEY-----\\nAAAA\\nBBBB\\n-----END OPENSSH PRIVATE KEY-----"));
    QCOMPARE(reveal(options.value(QStringLiteral("key_file_pass"))), QStringLiteral("pass phrase"));
    QCOMPARE(options.value(QStringLiteral("port")), QStringLiteral("22"));
    QVERIFY(!options.contains(QStringLiteral("pass")));
    QCOMPARE(remote->sshEndpoint()->trustedFingerprint, fingerprint);
}

void TestRcloneRemote::sftpMissingSecret()
{
    const QJsonObject destination = config(DestinationType::Sftp, {{QStringLiteral("host"), QStringLiteral("h")},
                                                                   {QStringLiteral("username"), QStringLiteral("u")},
                                                                   {QStringLiteral("remote_path"), QStringLiteral("/b")},
                                                                   {QStringLiteral("key_based_auth"), true}});
    const auto remote = buildRcloneRemote(DestinationType::Sftp, destination, {{QStringLiteral("password"), QStringLiteral("x")}});
    QVERIFY(!remote);
    QVERIFY2(remote.error().message().contains(QStringLiteral("private_key")), qPrintable(remote.error().message()));
}

void TestRcloneRemote::webDavVendors_data()
{
    QTest::addColumn<QString>("vendor");
    QTest::addColumn<QString>("expected");
    QTest::newRow("nextcloud") << QStringLiteral("nextcloud") << QStringLiteral("nextcloud");
    QTest::newRow("owncloud") << QStringLiteral("owncloud") << QStringLiteral("owncloud");
    QTest::newRow("sharepoint") << QStringLiteral("sharepoint") << QStringLiteral("sharepoint");
    QTest::newRow("rclone serve is generic") << QStringLiteral("rclone") << QStringLiteral("other");
    QTest::newRow("default") << QString() << QStringLiteral("other");
}

void TestRcloneRemote::webDavVendors()
{
    QFETCH(QString, vendor);
    QFETCH(QString, expected);
    QJsonObject fields{{QStringLiteral("url"), QStringLiteral("https://cloud.example.com/remote.php/dav/files/u/")},
                       {QStringLiteral("remote_path"), QStringLiteral("/Backups/")}};
    if (!vendor.isEmpty())
        fields.insert(QStringLiteral("vendor"), vendor);
    const auto remote = buildRcloneRemote(DestinationType::WebDav, config(DestinationType::WebDav, fields),
                                          {{QStringLiteral("username"), QStringLiteral("u")},
                                           {QStringLiteral("password"), QString::fromUtf8(kPassword)}});
    QVERIFY(remote);
    const auto options = optionsOf(*remote);
    QCOMPARE(options.value(QStringLiteral("type")), QStringLiteral("webdav"));
    QCOMPARE(options.value(QStringLiteral("vendor")), expected);
    QCOMPARE(options.value(QStringLiteral("url")), fields.value(QStringLiteral("url")).toString());
    QCOMPARE(options.value(QStringLiteral("user")), QStringLiteral("u"));
    QCOMPARE(reveal(options.value(QStringLiteral("pass"))), QString::fromUtf8(kPassword));
    QCOMPARE(remote->rootPath(), QStringLiteral("Backups"));
}

void TestRcloneRemote::googleDrive()
{
    const QJsonObject destination = config(DestinationType::GoogleDrive, {{QStringLiteral("folder_id"), QStringLiteral("1AbCdEf")},
                                                                          {QStringLiteral("shared_drive_id"), QStringLiteral("0ABshared")}});
    const auto remote = buildRcloneRemote(DestinationType::GoogleDrive, destination, kOAuthSecret);
    QVERIFY(remote);
    const auto options = optionsOf(*remote);
    QCOMPARE(QStringList(options.keys()),
             (QStringList{QStringLiteral("root_folder_id"), QStringLiteral("scope"), QStringLiteral("team_drive"),
                          QStringLiteral("token"), QStringLiteral("type")}));
    QCOMPARE(options.value(QStringLiteral("type")), QStringLiteral("drive"));
    QCOMPARE(options.value(QStringLiteral("scope")), QStringLiteral("drive"));
    QCOMPARE(options.value(QStringLiteral("root_folder_id")), QStringLiteral("1AbCdEf"));
    QCOMPARE(options.value(QStringLiteral("team_drive")), QStringLiteral("0ABshared"));

    const QJsonObject token = QJsonDocument::fromJson(options.value(QStringLiteral("token")).toUtf8()).object();
    QCOMPARE(token.value(QStringLiteral("access_token")).toString(), QStringLiteral("ya29.access"));
    QCOMPARE(token.value(QStringLiteral("refresh_token")).toString(), QStringLiteral("1//refresh"));
    QCOMPARE(token.value(QStringLiteral("token_type")).toString(), QStringLiteral("Bearer"));
    QCOMPARE(token.value(QStringLiteral("expiry")).toString(), QStringLiteral("2024-01-06T00:00:00Z"));
    QVERIFY(remote->usesOAuthToken());
    QCOMPARE(remote->targetFor(QStringLiteral("/home/u/docs")), QStringLiteral("dest:docs"));
}

void TestRcloneRemote::oneDrive()
{
    const QJsonObject destination = config(DestinationType::OneDrive, {{QStringLiteral("folder_path"), QStringLiteral("/Backups/pc")},
                                                                       {QStringLiteral("drive_id"), QStringLiteral("b!AbC-123")}});
    const auto remote = buildRcloneRemote(DestinationType::OneDrive, destination, kOAuthSecret);
    QVERIFY(remote);
    const auto options = optionsOf(*remote);
    QCOMPARE(QStringList(options.keys()), (QStringList{QStringLiteral("drive_id"), QStringLiteral("drive_type"),
                                                       QStringLiteral("token"), QStringLiteral("type")}));
    QCOMPARE(options.value(QStringLiteral("type")), QStringLiteral("onedrive"));
    QCOMPARE(options.value(QStringLiteral("drive_id")), QStringLiteral("b!AbC-123"));
    QCOMPARE(options.value(QStringLiteral("drive_type")), QStringLiteral("business"));
    QCOMPARE(remote->rootPath(), QStringLiteral("Backups/pc"));

    const auto personal = buildRcloneRemote(
        DestinationType::OneDrive,
        config(DestinationType::OneDrive, {{QStringLiteral("folder_path"), QStringLiteral("B")},
                                           {QStringLiteral("drive_id"), QStringLiteral("0123456789abcdef")}}),
        kOAuthSecret);
    QVERIFY(personal);
    QCOMPARE(personal->option(QStringLiteral("drive_type")).value(), QStringLiteral("personal"));
}

void TestRcloneRemote::oneDriveWithoutDriveId()
{
    const auto remote = buildRcloneRemote(
        DestinationType::OneDrive, config(DestinationType::OneDrive, {{QStringLiteral("folder_path"), QStringLiteral("B")}}),
        kOAuthSecret);
    QVERIFY(!remote);
    QVERIFY(remote.error().message().contains(QStringLiteral("drive_id")));
}

// rclone writes a refreshed token back with its own quoting; the reader must get the JSON.
void TestRcloneRemote::tokenReadBack()
{
    const QByteArray written = QByteArrayLiteral(
        "[other]\ntoken = x\n\n[dest]\ntype = drive\n"
        "token = {\"access_token\":\"new-access\",\"token_type\":\"Bearer\",\"refresh_token\":\"new-refresh\","
        "\"expiry\":\"2026-01-06T03:00:00.123456789+01:00\"}\n");
    const auto token = readRcloneConfigValue(written, QStringLiteral("dest"), QStringLiteral("token"));
    QVERIFY(token);
    const auto data = credentialFromRcloneToken(*token);
    QVERIFY(data);
    QCOMPARE(data->value(QStringLiteral("access_token")).toString(), QStringLiteral("new-access"));
    QCOMPARE(data->value(QStringLiteral("refresh_token")).toString(), QStringLiteral("new-refresh"));
    QCOMPARE(data->value(QStringLiteral("expires_at")).toInteger(),
             QDateTime(QDate(2026, 1, 6), QTime(2, 0), Qt::UTC).toSecsSinceEpoch());
    QCOMPARE(data->value(QStringLiteral("token_type")).toString(), QStringLiteral("Bearer"));

    QCOMPARE(unquoteRcloneConfigValue(QStringLiteral("`{\"a\":1}`")), QStringLiteral("{\"a\":1}"));
    QCOMPARE(unquoteRcloneConfigValue(QStringLiteral("\"\"\"a`b\"c\"\"\"")), QStringLiteral("a`b\"c"));
    QVERIFY(!credentialFromRcloneToken(QStringLiteral("not json")));
}

void TestRcloneRemote::targets()
{
    const auto remote = buildRcloneRemote(
        DestinationType::S3, config(DestinationType::S3, {{QStringLiteral("bucket"), QStringLiteral("bkt")},
                                                          {QStringLiteral("prefix"), QStringLiteral("/a/b/")}}),
        {{QStringLiteral("access_key_id"), QStringLiteral("a")}, {QStringLiteral("secret_access_key"), QStringLiteral("b")}});
    QVERIFY(remote);
    QCOMPARE(remote->targetFor(QStringLiteral("/home/user/my photos/")), QStringLiteral("dest:bkt/a/b/my photos"));
    QCOMPARE(remote->rootTarget(), QStringLiteral("dest:bkt/a/b"));
}

void TestRcloneRemote::configQuoting_data()
{
    QTest::addColumn<QString>("value");
    QTest::newRow("plain") << QStringLiteral("plain");
    QTest::newRow("spaces around") << QStringLiteral("  spaced  ");
    QTest::newRow("quotes") << QStringLiteral("\"double\" and 'single'");
    QTest::newRow("backticks") << QStringLiteral("`tick` in`side`");
    QTest::newRow("comment characters") << QStringLiteral("; not # a comment");
    QTest::newRow("dollar and backslash") << QStringLiteral("$HOME \\n \\");
    QTest::newRow("non-ASCII") << QStringLiteral("üñí €");
    QTest::newRow("empty") << QString();
}

// The values must reach rclone exactly as written, whatever they contain.
void TestRcloneRemote::configQuoting()
{
    QFETCH(QString, value);
    const QString rclone = QStandardPaths::findExecutable(QStringLiteral("rclone"));
    if (rclone.isEmpty())
        QSKIP("rclone is not installed");

    auto remote = buildRcloneRemote(DestinationType::WebDav,
                                    config(DestinationType::WebDav, {{QStringLiteral("url"), QStringLiteral("http://127.0.0.1:1/")}}),
                                    {{QStringLiteral("username"), QStringLiteral("u")}, {QStringLiteral("password"), QStringLiteral("p")}});
    QVERIFY(remote);
    remote->setOption(QStringLiteral("description"), value);
    auto workspace = RcloneWorkspace::create();
    QVERIFY(workspace);
    QVERIFY((*workspace)->writeConfig(*remote));

    QProcess dump;
    dump.setProcessEnvironment(rcloneEnvironment());
    dump.start(rclone, {QStringLiteral("--config=") + (*workspace)->configPath(), QStringLiteral("config"), QStringLiteral("dump")});
    QVERIFY(dump.waitForFinished(10000));
    const QJsonObject section = QJsonDocument::fromJson(dump.readAllStandardOutput()).object().value(QStringLiteral("dest")).toObject();
    QCOMPARE(section.value(QStringLiteral("description")).toString(), value);
    QCOMPARE(section.value(QStringLiteral("user")).toString(), QStringLiteral("u"));
    QCOMPARE((*workspace)->readConfigValue(QStringLiteral("description")).value(), value);
}

void TestRcloneRemote::configRejectsLineBreak()
{
    auto remote = buildRcloneRemote(DestinationType::WebDav,
                                    config(DestinationType::WebDav, {{QStringLiteral("url"), QStringLiteral("http://127.0.0.1:1/")}}),
                                    {{QStringLiteral("username"), QStringLiteral("u")}, {QStringLiteral("password"), QStringLiteral("p")}});
    QVERIFY(remote);
    remote->setOption(QStringLiteral("user"), QStringLiteral("a\nb"));
    const auto rendered = remote->renderConfig();
    QVERIFY(!rendered);
    QVERIFY(rendered.error().message().contains(QStringLiteral("'user'")));
}

void TestRcloneRemote::workspaceIsPrivate()
{
    QString folder;
    {
        auto workspace = RcloneWorkspace::create();
        QVERIFY(workspace);
        folder = (*workspace)->path();
        auto remote = buildRcloneRemote(DestinationType::WebDav,
                                        config(DestinationType::WebDav, {{QStringLiteral("url"), QStringLiteral("http://127.0.0.1:1/")}}),
                                        {{QStringLiteral("username"), QStringLiteral("u")}, {QStringLiteral("password"), QStringLiteral("p")}});
        QVERIFY((*workspace)->writeConfig(*remote));

        struct stat folderStat = {};
        struct stat fileStat = {};
        QCOMPARE(::stat(QFile::encodeName(folder).constData(), &folderStat), 0);
        QCOMPARE(::stat(QFile::encodeName((*workspace)->configPath()).constData(), &fileStat), 0);
        QCOMPARE(folderStat.st_mode & 0777, 0700u);
        QCOMPARE(fileStat.st_mode & 0777, 0600u);
    }
    QVERIFY2(!QFile::exists(folder), "the workspace is deleted with its config file");
}

void TestRcloneRemote::environmentCleaned()
{
    qputenv("AWS_CA_BUNDLE", "/etc/ssl/bundle.pem");
    qputenv("AWS_ACCESS_KEY_ID", "AKIA");
    qputenv("RCLONE_CONFIG", "/root/.config/rclone/rclone.conf");
    qputenv("RCLONE_S3_ENDPOINT", "http://elsewhere");
    qputenv("SSH_AUTH_SOCK", "/tmp/agent");
    qputenv("DYNAMIGHT_SECRET", "server secret");
    const QProcessEnvironment environment = rcloneEnvironment();
    for (const char *name : {"AWS_CA_BUNDLE", "AWS_ACCESS_KEY_ID", "RCLONE_CONFIG", "RCLONE_S3_ENDPOINT", "SSH_AUTH_SOCK",
                             "DYNAMIGHT_SECRET"})
        QVERIFY2(!environment.contains(QString::fromLatin1(name)), name);
    QCOMPARE(environment.value(QStringLiteral("LC_ALL")), QStringLiteral("C.UTF-8"));
    QVERIFY(environment.contains(QStringLiteral("PATH")));
}

QTEST_GUILESS_MAIN(TestRcloneRemote)
#include "tst_rcloneremote.moc"
