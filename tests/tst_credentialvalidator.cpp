#include "credentials/credentialvalidator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace dynamight;
using namespace Qt::StringLiterals;

namespace {

const QString openSshKey =
    u"-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
    "QyNTUxOQAAACDbFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeQAAAJg=\n"
    "-----END OPENSSH PRIVATE KEY-----\n"_s;

const QString encryptedPemKey =
    u"-----BEGIN RSA PRIVATE KEY-----\n"
    "Proc-Type: 4,ENCRYPTED\n"
    "DEK-Info: AES-128-CBC,3F17F5316E2BAC89BF7FB7B5D3E2D8A1\n"
    "\n"
    "MIIEowIBAAKCAQEAvFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFake\n"
    "-----END RSA PRIVATE KEY-----"_s;

const QString pkcs8Key = u"-----BEGIN PRIVATE KEY-----\r\n"
                         "MC4CAQAwBQYDK2VwBCIEIFakeFakeFakeFakeFakeFakeFakeFakeFakeFake\r\n"
                         "-----END PRIVATE KEY-----\r\n"_s;

QJsonObject body(const QString &provider, const QJsonObject &data)
{
    return {{u"name"_s, u"Storage"_s}, {u"provider_type"_s, provider}, {u"data"_s, data}};
}

QJsonObject s3Data()
{
    return {{u"access_key_id"_s, u"AKIAIOSFODNN7EXAMPLE"_s},
            {u"secret_access_key"_s, u"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"_s}};
}

QJsonObject oauthData()
{
    return {{u"access_token"_s, u"ya29.a0AfH6SMBexampleaccess"_s},
            {u"refresh_token"_s, u"1//0eXxexamplerefresh"_s},
            {u"expires_at"_s, 1704499200}};
}

QJsonObject with(QJsonObject object, const QString &key, const QJsonValue &value)
{
    if (value.isUndefined())
        object.remove(key);
    else
        object.insert(key, value);
    return object;
}

// Collects every string in value, so a test can check that none of them shows in a message.
void collectStrings(const QJsonValue &value, QStringList &strings)
{
    if (value.isString())
        strings.append(value.toString());
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            collectStrings(it.value(), strings);
    }
}

} // namespace

class TestCredentialValidator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void providerNames();
    void validCredentialAccepted_data();
    void validCredentialAccepted();
    void invalidCredentialRejected_data();
    void invalidCredentialRejected();
    void nameTrimmed();
    void changeAcceptsNameOrData_data();
    void changeAcceptsNameOrData();
    void changeRejected_data();
    void changeRejected();
};

void TestCredentialValidator::providerNames()
{
    QCOMPARE(credentialProviderNames(),
             QStringList({u"s3"_s, u"google_drive"_s, u"onedrive"_s, u"sftp"_s, u"webdav"_s}));
    QCOMPARE(credentialProviderFromName(u"one_drive"_s), DestinationType::OneDrive);
    QCOMPARE(credentialProviderFromName(u"web_dav"_s), DestinationType::WebDav);
    QVERIFY(!credentialProviderFromName(u"local"_s));
    QVERIFY(!credentialProviderFromName(u"S3"_s));
}

void TestCredentialValidator::validCredentialAccepted_data()
{
    QTest::addColumn<QJsonObject>("input");
    QTest::addColumn<DestinationType>("expectedType");
    QTest::addColumn<QJsonObject>("expectedData");

    QTest::newRow("s3") << body(u"s3"_s, s3Data()) << DestinationType::S3 << s3Data();
    const QJsonObject withToken = with(s3Data(), u"session_token"_s, u"FwoGZXIvYXdzEexample"_s);
    QTest::newRow("s3 with session token")
        << body(u"s3"_s, withToken) << DestinationType::S3 << withToken;
    QTest::newRow("s3 empty session token dropped")
        << body(u"s3"_s, with(s3Data(), u"session_token"_s, u""_s)) << DestinationType::S3
        << s3Data();
    QTest::newRow("s3 null session token dropped")
        << body(u"s3"_s, with(s3Data(), u"session_token"_s, QJsonValue::Null))
        << DestinationType::S3 << s3Data();

    const QJsonObject password{{u"password"_s, u"secret password with spaces"_s}};
    QTest::newRow("sftp password")
        << body(u"sftp"_s, password) << DestinationType::Sftp << password;
    // Passwords may hold any character but NUL: rclone's config receives them obscured.
    const QJsonObject oddPassword{{u"password"_s, u"$ \"quoted\" 'single' back\\slash\nnew line"_s}};
    QTest::newRow("sftp password with newline and quotes")
        << body(u"sftp"_s, oddPassword) << DestinationType::Sftp << oddPassword;
    const QJsonObject openSsh{{u"private_key"_s, openSshKey}};
    QTest::newRow("sftp openssh key")
        << body(u"sftp"_s, openSsh) << DestinationType::Sftp << openSsh;
    const QJsonObject pem{{u"private_key"_s, encryptedPemKey},
                          {u"passphrase"_s, u"keypassphrase"_s}};
    QTest::newRow("sftp encrypted pem key") << body(u"sftp"_s, pem) << DestinationType::Sftp << pem;
    const QJsonObject pkcs8{{u"private_key"_s, pkcs8Key}};
    QTest::newRow("sftp pkcs8 key, crlf")
        << body(u"sftp"_s, pkcs8) << DestinationType::Sftp << pkcs8;

    const QJsonObject webDav{{u"username"_s, u"user"_s}, {u"password"_s, u"password"_s}};
    QTest::newRow("webdav") << body(u"webdav"_s, webDav) << DestinationType::WebDav << webDav;
    QTest::newRow("web_dav") << body(u"web_dav"_s, webDav) << DestinationType::WebDav << webDav;

    QTest::newRow("google_drive") << body(u"google_drive"_s, oauthData())
                                  << DestinationType::GoogleDrive << oauthData();
    const QJsonObject typed = with(oauthData(), u"token_type"_s, u"Bearer"_s);
    QTest::newRow("onedrive with token type")
        << body(u"onedrive"_s, typed) << DestinationType::OneDrive << typed;
    const QJsonObject epoch = with(oauthData(), u"expires_at"_s, 0);
    QTest::newRow("one_drive at epoch")
        << body(u"one_drive"_s, epoch) << DestinationType::OneDrive << epoch;
}

void TestCredentialValidator::validCredentialAccepted()
{
    QFETCH(QJsonObject, input);
    QFETCH(DestinationType, expectedType);
    QFETCH(QJsonObject, expectedData);

    const auto credential = parseNewCredential(input);

    QVERIFY2(credential.ok(),
             qPrintable(credential.ok() ? QString() : credential.error().message()));
    QCOMPARE(credential->name, u"Storage"_s);
    QCOMPARE(credential->providerType, expectedType);
    QCOMPARE(credential->data, expectedData);
}

void TestCredentialValidator::invalidCredentialRejected_data()
{
    QTest::addColumn<QJsonObject>("input");
    QTest::addColumn<QString>("field");

    const QJsonObject valid = body(u"s3"_s, s3Data());
    QTest::newRow("name missing") << with(valid, u"name"_s, QJsonValue::Undefined) << u"'name'"_s;
    QTest::newRow("name blank") << with(valid, u"name"_s, u"   "_s) << u"'name'"_s;
    QTest::newRow("name 101 characters")
        << with(valid, u"name"_s, QString(101, u'n')) << u"'name'"_s;
    QTest::newRow("name number") << with(valid, u"name"_s, 5) << u"'name'"_s;
    QTest::newRow("name newline") << with(valid, u"name"_s, u"a\nb"_s) << u"'name'"_s;
    QTest::newRow("provider missing")
        << with(valid, u"provider_type"_s, QJsonValue::Undefined) << u"'provider_type'"_s;
    QTest::newRow("provider ftp") << with(valid, u"provider_type"_s, u"ftp"_s)
                                  << u"'provider_type'"_s;
    QTest::newRow("provider local")
        << with(valid, u"provider_type"_s, u"local"_s) << u"'provider_type'"_s;
    QTest::newRow("provider number") << with(valid, u"provider_type"_s, 3) << u"'provider_type'"_s;
    QTest::newRow("data missing") << with(valid, u"data"_s, QJsonValue::Undefined) << u"'data'"_s;
    QTest::newRow("data array") << with(valid, u"data"_s, QJsonArray{1}) << u"'data'"_s;
    QTest::newRow("unknown top-level field") << with(valid, u"secret"_s, u"x"_s) << u"'secret'"_s;

    QTest::newRow("s3 access key missing")
        << body(u"s3"_s, with(s3Data(), u"access_key_id"_s, QJsonValue::Undefined))
        << u"'data.access_key_id'"_s;
    QTest::newRow("s3 secret key missing")
        << body(u"s3"_s, with(s3Data(), u"secret_access_key"_s, QJsonValue::Undefined))
        << u"'data.secret_access_key'"_s;
    QTest::newRow("s3 unknown field")
        << body(u"s3"_s, with(s3Data(), u"region"_s, u"us-east-1"_s)) << u"'data.region'"_s;
    QTest::newRow("s3 secret key number")
        << body(u"s3"_s, with(s3Data(), u"secret_access_key"_s, 42))
        << u"'data.secret_access_key'"_s;
    QTest::newRow("s3 secret key newline")
        << body(u"s3"_s, with(s3Data(), u"secret_access_key"_s, u"wJalrXUtnFEMI\nregion = evil"_s))
        << u"'data.secret_access_key'"_s;
    QTest::newRow("s3 access key too long")
        << body(u"s3"_s, with(s3Data(), u"access_key_id"_s, QString(129, u'A')))
        << u"'data.access_key_id'"_s;
    QTest::newRow("s3 session token not string")
        << body(u"s3"_s, with(s3Data(), u"session_token"_s, true)) << u"'data.session_token'"_s;

    QTest::newRow("sftp password and key")
        << body(u"sftp"_s, {{u"password"_s, u"sftppassword"_s}, {u"private_key"_s, openSshKey}})
        << u"exactly one of 'password' and 'private_key'"_s;
    QTest::newRow("sftp neither") << body(u"sftp"_s, QJsonObject()) << u"exactly one of"_s;
    QTest::newRow("sftp passphrase with password") << body(
        u"sftp"_s, {{u"password"_s, u"sftppassword"_s}, {u"passphrase"_s, u"keypassphrase"_s}})
                                                   << u"'data.passphrase'"_s;
    QTest::newRow("sftp public key") << body(
        u"sftp"_s, {{u"private_key"_s, u"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFake user@host"_s}})
                                     << u"'data.private_key'"_s;
    QTest::newRow("sftp key labels differ")
        << body(u"sftp"_s,
                {{u"private_key"_s, QString(openSshKey).replace(u"END OPENSSH"_s, u"END RSA"_s)}})
        << u"'data.private_key'"_s;
    QTest::newRow("sftp password NUL")
        << body(u"sftp"_s, {{u"password"_s, QString(u"line1"_s + QChar(0) + u"line2"_s)}}) << u"'data.password'"_s;
    QTest::newRow("s3 secret key newline")
        << body(u"s3"_s, QJsonObject{{u"access_key_id"_s, u"AKIA"_s}, {u"secret_access_key"_s, u"a\nb"_s}})
        << u"'data.secret_access_key'"_s;

    QTest::newRow("webdav username missing")
        << body(u"webdav"_s, {{u"password"_s, u"davpassword"_s}}) << u"'data.username'"_s;
    QTest::newRow("webdav password missing")
        << body(u"webdav"_s, {{u"username"_s, u"user"_s}}) << u"'data.password'"_s;
    QTest::newRow("webdav unknown field")
        << body(u"webdav"_s,
                {{u"username"_s, u"user"_s}, {u"password"_s, u"davpassword"_s}, {u"url"_s, u"x"_s}})
        << u"'data.url'"_s;

    for (const QString &key : {u"access_token"_s, u"refresh_token"_s, u"expires_at"_s}) {
        QTest::addRow("google_drive %s missing", qPrintable(key))
            << body(u"google_drive"_s, with(oauthData(), key, QJsonValue::Undefined))
            << u"'data.%1'"_s.arg(key);
    }
    QTest::newRow("expires_at string")
        << body(u"google_drive"_s, with(oauthData(), u"expires_at"_s, u"1704499200"_s))
        << u"'data.expires_at'"_s;
    QTest::newRow("expires_at fraction")
        << body(u"onedrive"_s, with(oauthData(), u"expires_at"_s, 1.5)) << u"'data.expires_at'"_s;
    QTest::newRow("expires_at negative")
        << body(u"onedrive"_s, with(oauthData(), u"expires_at"_s, -1)) << u"'data.expires_at'"_s;
    QTest::newRow("expires_at after 9999")
        << body(u"onedrive"_s, with(oauthData(), u"expires_at"_s, 1e12)) << u"'data.expires_at'"_s;
    QTest::newRow("token_type number")
        << body(u"onedrive"_s, with(oauthData(), u"token_type"_s, 1)) << u"'data.token_type'"_s;
    QTest::newRow("onedrive unknown field")
        << body(u"onedrive"_s, with(oauthData(), u"scope"_s, u"Files"_s)) << u"'data.scope'"_s;
}

void TestCredentialValidator::invalidCredentialRejected()
{
    QFETCH(QJsonObject, input);
    QFETCH(QString, field);

    const auto credential = parseNewCredential(input);

    QVERIFY(!credential.ok());
    QCOMPARE(credential.error().kind(), Error::Kind::InvalidInput);
    const QString message = credential.error().message();
    QVERIFY2(message.contains(field), qPrintable(message));
    QStringList values;
    collectStrings(input.value(u"data"_s), values);
    for (const QString &value : std::as_const(values)) {
        if (value.size() >= 6)
            QVERIFY2(!message.contains(value), "the error message repeats a secret value");
    }
}

void TestCredentialValidator::nameTrimmed()
{
    const auto credential =
        parseNewCredential(with(body(u"s3"_s, s3Data()), u"name"_s, u"  AWS  "_s));

    QVERIFY(credential.ok());
    QCOMPARE(credential->name, u"AWS"_s);
}

void TestCredentialValidator::changeAcceptsNameOrData_data()
{
    QTest::addColumn<QJsonObject>("input");
    QTest::addColumn<bool>("hasName");
    QTest::addColumn<bool>("hasData");

    QTest::newRow("name only") << QJsonObject{{u"name"_s, u"Renamed"_s}} << true << false;
    QTest::newRow("data only") << QJsonObject{{u"data"_s, s3Data()}} << false << true;
    QTest::newRow("both") << QJsonObject{{u"name"_s, u"Renamed"_s}, {u"data"_s, s3Data()}} << true
                          << true;
    QTest::newRow("same provider type")
        << QJsonObject{{u"name"_s, u"Renamed"_s}, {u"provider_type"_s, u"s3"_s}} << true << false;
    QTest::newRow("read-only fields ignored")
        << QJsonObject{{u"id"_s, 7},
                       {u"name"_s, u"Renamed"_s},
                       {u"created_at"_s, u"2026-01-01T00:00:00Z"_s}}
        << true << false;
}

void TestCredentialValidator::changeAcceptsNameOrData()
{
    QFETCH(QJsonObject, input);
    QFETCH(bool, hasName);
    QFETCH(bool, hasData);

    const auto change = parseCredentialChange(input, DestinationType::S3);

    QVERIFY2(change.ok(), qPrintable(change.ok() ? QString() : change.error().message()));
    QCOMPARE(change->name.has_value(), hasName);
    QCOMPARE(change->data.has_value(), hasData);
    if (hasData)
        QCOMPARE(*change->data, s3Data());
}

void TestCredentialValidator::changeRejected_data()
{
    QTest::addColumn<QJsonObject>("input");
    QTest::addColumn<QString>("expected");

    QTest::newRow("empty") << QJsonObject() << u"'name', 'data' or both"_s;
    QTest::newRow("other provider type")
        << QJsonObject{{u"provider_type"_s, u"sftp"_s}, {u"name"_s, u"x"_s}}
        << u"'provider_type' cannot change from 's3' to 'sftp'"_s;
    QTest::newRow("unknown provider type")
        << QJsonObject{{u"provider_type"_s, u"ftp"_s}} << u"'provider_type'"_s;
    QTest::newRow("name null") << QJsonObject{{u"name"_s, QJsonValue::Null}}
                               << u"'name' must not be null"_s;
    QTest::newRow("data null") << QJsonObject{{u"data"_s, QJsonValue::Null}}
                               << u"'data' must not be null"_s;
    QTest::newRow("data of another provider")
        << QJsonObject{{u"data"_s, QJsonObject{{u"password"_s, u"pw"_s}}}}
        << u"'data.access_key_id'"_s;
    QTest::newRow("unknown field")
        << QJsonObject{{u"name"_s, u"x"_s}, {u"enabled"_s, true}} << u"'enabled'"_s;
}

void TestCredentialValidator::changeRejected()
{
    QFETCH(QJsonObject, input);
    QFETCH(QString, expected);

    const auto change = parseCredentialChange(input, DestinationType::S3);

    QVERIFY(!change.ok());
    QCOMPARE(change.error().kind(), Error::Kind::InvalidInput);
    QVERIFY2(change.error().message().contains(expected), qPrintable(change.error().message()));
}

QTEST_GUILESS_MAIN(TestCredentialValidator)
#include "tst_credentialvalidator.moc"
