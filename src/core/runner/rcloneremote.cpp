#include "runner/rcloneremote.h"

#include "runner/rcloneobscure.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRegularExpression>

namespace dynamight {

namespace {

QString text(const QJsonObject &object, const char *key)
{
    return object.value(QLatin1String(key)).toString();
}

Result<QString> obscured(const QJsonObject &credentialData, const char *key)
{
    return obscureForRclone(text(credentialData, key).toUtf8());
}

Error missingSecret(const char *key, const QString &type)
{
    return Error::invalid(QStringLiteral("The job's credential has no '%1', which a %2 destination needs: "
                                         "edit the credential or choose another one")
                              .arg(QLatin1String(key), type));
}

QString withoutLeadingSlashes(QString path)
{
    while (path.startsWith(u'/'))
        path.remove(0, 1);
    return path;
}

QString withoutTrailingSlashes(QString path)
{
    while (path.size() > 1 && path.endsWith(u'/'))
        path.chop(1);
    return path;
}

// rclone 1.60 requires drive_type next to drive_id. Microsoft Graph ids of business drives and
// SharePoint document libraries start with "b!", and personal drive ids are hexadecimal.
// NOTE: a SharePoint library is typed "business" here, which rclone treats like
// "documentLibrary" for copy and sync.
QString oneDriveType(const QString &driveId)
{
    return driveId.startsWith(QLatin1String("b!")) ? QStringLiteral("business") : QStringLiteral("personal");
}

} // namespace

std::optional<QString> RcloneRemote::option(const QString &key) const
{
    for (const auto &[name, value] : m_options) {
        if (name == key)
            return value;
    }
    return std::nullopt;
}

void RcloneRemote::setOption(const QString &key, const QString &value)
{
    for (auto &entry : m_options) {
        if (entry.first == key) {
            entry.second = value;
            return;
        }
    }
    m_options.append({key, value});
}

QString RcloneRemote::targetFor(const QString &source) const
{
    const QString basename = QFileInfo(QDir::cleanPath(source)).fileName();
    if (m_rootPath.isEmpty())
        return name() + u':' + basename;
    const QString separator = m_rootPath.endsWith(u'/') ? QString() : QStringLiteral("/");
    return name() + u':' + m_rootPath + separator + basename;
}

QString RcloneRemote::rootTarget() const { return name() + u':' + m_rootPath; }

Result<QByteArray> RcloneRemote::renderConfig() const
{
    QByteArray config = '[' + name().toUtf8() + "]\n";
    for (const auto &[key, value] : m_options) {
        if (value.contains(u'\n') || value.contains(u'\r')) {
            return Error::invalid(QStringLiteral("The rclone setting '%1' of this destination contains a line "
                                                 "break, which an rclone config file cannot hold")
                                      .arg(key));
        }
        // rclone's reader takes everything between the first and the last backtick, so any
        // single-line value survives, leading spaces, quotes and backticks included.
        config += key.toUtf8() + " = `" + value.toUtf8() + "`\n";
    }
    return config;
}

namespace {

Status buildS3(const QJsonObject &config, const QJsonObject &secret,
               QList<std::pair<QString, QString>> &options, QString &rootPath)
{
    for (const char *key : {"access_key_id", "secret_access_key"}) {
        if (text(secret, key).isEmpty())
            return missingSecret(key, QStringLiteral("s3"));
    }

    const QString endpoint = text(config, "endpoint");
    options = {
        {QStringLiteral("type"), QStringLiteral("s3")},
        // "Other" is rclone's provider for S3-compatible servers; they need path-style URLs
        // (http://host/bucket/key), because their buckets have no DNS names.
        {QStringLiteral("provider"), endpoint.isEmpty() ? QStringLiteral("AWS") : QStringLiteral("Other")},
        {QStringLiteral("env_auth"), QStringLiteral("false")},
        {QStringLiteral("access_key_id"), text(secret, "access_key_id")},
        {QStringLiteral("secret_access_key"), text(secret, "secret_access_key")},
        {QStringLiteral("region"), text(config, "region")},
        // The bucket must exist: without this rclone would try to create it before each upload,
        // which keys that may only write objects are not allowed to do.
        {QStringLiteral("no_check_bucket"), QStringLiteral("true")},
    };
    if (!text(secret, "session_token").isEmpty())
        options.append({QStringLiteral("session_token"), text(secret, "session_token")});
    if (!endpoint.isEmpty()) {
        options.append({QStringLiteral("endpoint"), endpoint});
        options.append({QStringLiteral("force_path_style"), QStringLiteral("true")});
    }
    if (!text(config, "storage_class").isEmpty())
        options.append({QStringLiteral("storage_class"), text(config, "storage_class")});

    const QString prefix = withoutTrailingSlashes(withoutLeadingSlashes(text(config, "prefix")));
    rootPath = text(config, "bucket") + (prefix.isEmpty() ? QString() : u'/' + prefix);
    return {};
}

Status addSftpSecrets(const QJsonObject &config, const QJsonObject &secret,
                      QList<std::pair<QString, QString>> &options)
{
    const bool keyBased = config.value(QLatin1String("key_based_auth")).toBool();
    if (!keyBased) {
        if (text(secret, "password").isEmpty())
            return missingSecret("password", QStringLiteral("sftp destination with key_based_auth false"));
        const auto password = obscured(secret, "password");
        if (!password)
            return password.error();
        options.append({QStringLiteral("pass"), *password});
        return {};
    }

    if (text(secret, "private_key").isEmpty())
        return missingSecret("private_key", QStringLiteral("sftp destination with key_based_auth true"));
    // key_pem contains the key on one line: rclone turns each two-character "\n" back into a
    // line break.
    QString pem = text(secret, "private_key").trimmed();
    pem.replace(QLatin1String("\r\n"), QLatin1String("\n"));
    pem.replace(u'\n', QLatin1String("\\n"));
    options.append({QStringLiteral("key_pem"), pem});
    if (!text(secret, "passphrase").isEmpty()) {
        const auto passphrase = obscured(secret, "passphrase");
        if (!passphrase)
            return passphrase.error();
        options.append({QStringLiteral("key_file_pass"), *passphrase});
    }
    return {};
}

Status buildSftp(const QJsonObject &config, const QJsonObject &secret,
                 QList<std::pair<QString, QString>> &options, QString &rootPath, SshEndpoint &ssh)
{
    ssh.host = text(config, "host");
    ssh.port = config.value(QLatin1String("port")).toInt(22);
    ssh.trustedFingerprint = text(config, "host_key_fingerprint");
    options = {
        {QStringLiteral("type"), QStringLiteral("sftp")},
        {QStringLiteral("host"), ssh.host},
        {QStringLiteral("port"), QString::number(ssh.port)},
        {QStringLiteral("user"), text(config, "username")},
        // Never ask ssh-agent for keys: the job authenticates with its credential only.
        {QStringLiteral("key_use_agent"), QStringLiteral("false")},
        // No remote shell commands (rclone would otherwise run md5sum and df), so servers that
        // allow only the SFTP subsystem work. Files are compared by size and time.
        {QStringLiteral("shell_type"), QStringLiteral("none")},
    };
    const Status secrets = addSftpSecrets(config, secret, options);
    if (!secrets)
        return secrets;
    rootPath = withoutTrailingSlashes(text(config, "remote_path"));
    return {};
}

Status buildWebDav(const QJsonObject &config, const QJsonObject &secret,
                   QList<std::pair<QString, QString>> &options, QString &rootPath)
{
    for (const char *key : {"username", "password"}) {
        if (text(secret, key).isEmpty())
            return missingSecret(key, QStringLiteral("webdav"));
    }
    const auto password = obscured(secret, "password");
    if (!password)
        return password.error();

    // rclone 1.60 accepts nextcloud, owncloud, sharepoint, sharepoint-ntlm and other. A server
    // started by `rclone serve webdav` is a generic one.
    QString vendor = text(config, "vendor");
    if (vendor.isEmpty() || vendor == QLatin1String("rclone"))
        vendor = QStringLiteral("other");
    options = {
        {QStringLiteral("type"), QStringLiteral("webdav")},
        {QStringLiteral("url"), text(config, "url")},
        {QStringLiteral("vendor"), vendor},
        {QStringLiteral("user"), text(secret, "username")},
        {QStringLiteral("pass"), *password},
    };
    rootPath = withoutTrailingSlashes(withoutLeadingSlashes(text(config, "remote_path")));
    return {};
}

Status checkOAuthSecret(const QJsonObject &secret, const QString &type)
{
    for (const char *key : {"access_token", "refresh_token"}) {
        if (text(secret, key).isEmpty())
            return missingSecret(key, type);
    }
    return {};
}

Status buildGoogleDrive(const QJsonObject &config, const QJsonObject &secret,
                        QList<std::pair<QString, QString>> &options)
{
    const Status checked = checkOAuthSecret(secret, QStringLiteral("google_drive"));
    if (!checked)
        return checked;
    // client_id and client_secret stay empty, so rclone refreshes the token with its own
    // OAuth client, the one `rclone authorize "drive"` uses.
    options = {
        {QStringLiteral("type"), QStringLiteral("drive")},
        {QStringLiteral("scope"), QStringLiteral("drive")},
        {QStringLiteral("token"), rcloneTokenFromCredential(secret)},
        {QStringLiteral("root_folder_id"), text(config, "folder_id")},
    };
    if (!text(config, "shared_drive_id").isEmpty())
        options.append({QStringLiteral("team_drive"), text(config, "shared_drive_id")});
    return {};
}

Status buildOneDrive(const QJsonObject &config, const QJsonObject &secret,
                     QList<std::pair<QString, QString>> &options, QString &rootPath)
{
    const Status checked = checkOAuthSecret(secret, QStringLiteral("onedrive"));
    if (!checked)
        return checked;
    const QString driveId = text(config, "drive_id");
    if (driveId.isEmpty()) {
        return Error::invalid(QStringLiteral("Field 'destination_config.drive_id' is required to run a "
                                             "onedrive job: rclone 1.60 cannot look the drive up by "
                                             "itself. Copy the id from `rclone backend drives` or from "
                                             "the drive's Microsoft Graph URL"));
    }
    options = {
        {QStringLiteral("type"), QStringLiteral("onedrive")},
        {QStringLiteral("token"), rcloneTokenFromCredential(secret)},
        {QStringLiteral("drive_id"), driveId},
        {QStringLiteral("drive_type"), oneDriveType(driveId)},
    };
    rootPath = withoutTrailingSlashes(withoutLeadingSlashes(text(config, "folder_path")));
    return {};
}

} // namespace

Result<RcloneRemote> buildRcloneRemote(DestinationType type, const QJsonObject &destinationConfig,
                                       const QJsonObject &credentialData)
{
    RcloneRemote remote;
    Status built;
    switch (type) {
    case DestinationType::S3:
        built = buildS3(destinationConfig, credentialData, remote.m_options, remote.m_rootPath);
        break;
    case DestinationType::Sftp: {
        SshEndpoint ssh;
        built = buildSftp(destinationConfig, credentialData, remote.m_options, remote.m_rootPath, ssh);
        remote.m_ssh = ssh;
        break;
    }
    case DestinationType::WebDav:
        built = buildWebDav(destinationConfig, credentialData, remote.m_options, remote.m_rootPath);
        break;
    case DestinationType::GoogleDrive:
        built = buildGoogleDrive(destinationConfig, credentialData, remote.m_options);
        break;
    case DestinationType::OneDrive:
        built = buildOneDrive(destinationConfig, credentialData, remote.m_options, remote.m_rootPath);
        break;
    case DestinationType::Local:
        return Error::invalid(QStringLiteral("Local destinations are synced by rsync, not rclone"));
    }
    if (!built)
        return built.error();
    remote.m_backend = *remote.option(QStringLiteral("type"));
    return remote;
}

QString rcloneTokenFromCredential(const QJsonObject &credentialData)
{
    const qint64 expiresAt = credentialData.value(QLatin1String("expires_at")).toInteger();
    const QString tokenType = text(credentialData, "token_type");
    const QJsonObject token{
        {QStringLiteral("access_token"), text(credentialData, "access_token")},
        {QStringLiteral("token_type"), tokenType.isEmpty() ? QStringLiteral("Bearer") : tokenType},
        {QStringLiteral("refresh_token"), text(credentialData, "refresh_token")},
        {QStringLiteral("expiry"), QDateTime::fromSecsSinceEpoch(expiresAt, Qt::UTC).toString(Qt::ISODate)},
    };
    return QString::fromUtf8(QJsonDocument(token).toJson(QJsonDocument::Compact));
}

std::optional<QJsonObject> credentialFromRcloneToken(const QString &tokenJson)
{
    const QJsonObject token = QJsonDocument::fromJson(tokenJson.toUtf8()).object();
    if (text(token, "access_token").isEmpty() || text(token, "refresh_token").isEmpty())
        return std::nullopt;

    // Go writes nanoseconds and a zone offset ("2026-01-06T02:00:00.123456789+01:00"). Qt reads
    // at most milliseconds, and a second is precise enough for an expiry.
    static const QRegularExpression fraction(QStringLiteral("\\.\\d+"));
    const QString expiry = text(token, "expiry").remove(fraction);
    const QDateTime expiresAt = QDateTime::fromString(expiry, Qt::ISODate);
    QJsonObject data{
        {QStringLiteral("access_token"), text(token, "access_token")},
        {QStringLiteral("refresh_token"), text(token, "refresh_token")},
        {QStringLiteral("expires_at"), expiresAt.isValid() ? expiresAt.toSecsSinceEpoch() : 0},
    };
    if (!text(token, "token_type").isEmpty())
        data.insert(QStringLiteral("token_type"), text(token, "token_type"));
    return data;
}

QString unquoteRcloneConfigValue(const QString &rawValue)
{
    const QString value = rawValue.trimmed();
    QString quote;
    if (value.size() >= 2) {
        if (value.startsWith(QLatin1String("\"\"\"")) && value.size() >= 3)
            quote = QStringLiteral("\"\"\"");
        else if (value.front() == u'`' || value.front() == u'"' || value.front() == u'\'')
            quote = value.front();
    }
    if (quote.isEmpty())
        return value;

    const qsizetype end = value.lastIndexOf(quote);
    if (end < quote.size())
        return value.mid(quote.size());
    return value.mid(quote.size(), end - quote.size());
}

std::optional<QString> readRcloneConfigValue(const QByteArray &configText, const QString &section,
                                             const QString &key)
{
    bool inSection = false;
    for (const QByteArray &rawLine : configText.split('\n')) {
        const QString line = QString::fromUtf8(rawLine).trimmed();
        if (line.isEmpty() || line.startsWith(u'#') || line.startsWith(u';'))
            continue;
        if (line.startsWith(u'[') && line.endsWith(u']')) {
            inSection = line.mid(1, line.size() - 2).trimmed() == section;
            continue;
        }
        const qsizetype separator = line.indexOf(u'=');
        if (!inSection || separator < 0 || line.left(separator).trimmed() != key)
            continue;
        return unquoteRcloneConfigValue(line.mid(separator + 1));
    }
    return std::nullopt;
}

} // namespace dynamight
