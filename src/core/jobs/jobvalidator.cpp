#include "jobs/jobvalidator.h"

#include "jobs/pathrules.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QRegularExpression>
#include <QSet>
#include <QUrl>

#include <vector>

namespace dynamight {

namespace {

enum class FieldKind {
    Text,
    AbsolutePath,
    RelativePath,
    RemotePath,
    Boolean,
    Port,
    HttpUrl,
    Hostname,
    FilesystemUuid,
    BucketName,
    ObjectPrefix,
    Region,
    StorageClass,
    DriveId,
    WebDavVendor,
    HostKeyFingerprint,
};

struct FieldRule
{
    const char *key;
    FieldKind kind;
    bool required;
    // Used when an optional field is absent; null means the field stays null.
    QJsonValue defaultValue = QJsonValue::Null;
};

const std::vector<FieldRule> &destinationRules(DestinationType type)
{
    static const std::vector<FieldRule> local{
        {"mount_point", FieldKind::AbsolutePath, true},
        {"backup_subdir", FieldKind::RelativePath, false, QString()},
        {"usb_uuid", FieldKind::FilesystemUuid, false},
        {"auto_mount", FieldKind::Boolean, false, false},
        {"auto_unmount", FieldKind::Boolean, false, false},
    };
    static const std::vector<FieldRule> s3{
        {"bucket", FieldKind::BucketName, true},
        {"prefix", FieldKind::ObjectPrefix, false, QString()},
        {"region", FieldKind::Region, false, QStringLiteral("us-east-1")},
        {"endpoint", FieldKind::HttpUrl, false},
        {"storage_class", FieldKind::StorageClass, false},
    };
    static const std::vector<FieldRule> googleDrive{
        {"folder_id", FieldKind::DriveId, true},
        {"shared_drive_id", FieldKind::DriveId, false},
    };
    static const std::vector<FieldRule> oneDrive{
        {"folder_path", FieldKind::RemotePath, true},
        {"drive_id", FieldKind::DriveId, false},
    };
    static const std::vector<FieldRule> sftp{
        {"host", FieldKind::Hostname, true},
        {"port", FieldKind::Port, false, 22},
        {"username", FieldKind::Text, true},
        {"remote_path", FieldKind::RemotePath, true},
        {"key_based_auth", FieldKind::Boolean, false, false},
        {"host_key_fingerprint", FieldKind::HostKeyFingerprint, false},
    };
    static const std::vector<FieldRule> webDav{
        {"url", FieldKind::HttpUrl, true},
        {"remote_path", FieldKind::RemotePath, false, QString()},
        {"vendor", FieldKind::WebDavVendor, false, QStringLiteral("other")},
    };

    switch (type) {
    case DestinationType::Local:
        return local;
    case DestinationType::S3:
        return s3;
    case DestinationType::GoogleDrive:
        return googleDrive;
    case DestinationType::OneDrive:
        return oneDrive;
    case DestinationType::Sftp:
        return sftp;
    case DestinationType::WebDav:
        return webDav;
    }
    return local;
}

Error invalidField(const QString &field, const QString &requirement)
{
    return Error::invalid(QStringLiteral("Field '%1' %2").arg(field, requirement));
}

bool hasControlCharacter(const QString &text)
{
    for (QChar c : text) {
        if (c.category() == QChar::Other_Control)
            return true;
    }
    return false;
}

bool matches(const char *pattern, const QString &text)
{
    // Anchored, because a pattern's '$' alone also matches before a trailing newline.
    const QRegularExpression expression(QRegularExpression::anchoredPattern(QLatin1String(pattern)));
    return expression.match(text).hasMatch();
}

Result<QString> checkText(const QString &field, const QString &text, qsizetype maxLength)
{
    if (text.trimmed().isEmpty())
        return invalidField(field, QStringLiteral("must not be empty"));
    if (text.size() > maxLength)
        return invalidField(field, QStringLiteral("must be at most %1 characters").arg(maxLength));
    if (hasControlCharacter(text))
        return invalidField(field, QStringLiteral("must not contain control characters"));
    return text;
}

Result<QJsonValue> checkOneOf(const QString &field, const QString &text, const QStringList &allowed)
{
    if (!allowed.contains(text)) {
        return invalidField(field, QStringLiteral("must be one of: %1, got '%2'")
                                       .arg(allowed.join(QStringLiteral(", ")), text));
    }
    return QJsonValue(text);
}

Result<QJsonValue> checkHostname(const QString &field, const QString &host)
{
    if (!QHostAddress(host).isNull())
        return QJsonValue(host);
    // RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens.
    if (host.size() > 253
        || !matches("^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    "(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$",
                    host)) {
        return invalidField(field, QStringLiteral("must be a host name or IP address, got '%1'").arg(host));
    }
    return QJsonValue(host);
}

Result<QJsonValue> checkUrl(const QString &field, const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    const QString scheme = url.scheme();
    if (!url.isValid() || (scheme != QLatin1String("http") && scheme != QLatin1String("https"))
        || url.host().isEmpty()) {
        return invalidField(field, QStringLiteral("must be an http:// or https:// URL, got '%1'").arg(text));
    }
    if (!url.userInfo().isEmpty()) {
        return invalidField(field, QStringLiteral("must not contain a user name or password; "
                                                  "store them in a credential"));
    }
    return QJsonValue(text);
}

Result<QJsonValue> checkBucket(const QString &field, const QString &bucket)
{
    // The S3 bucket naming rules: 3 to 63 lowercase letters, digits, dots and hyphens, starting
    // and ending with a letter or digit, and not shaped like an IPv4 address.
    if (!matches("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", bucket) || bucket.contains(QLatin1String(".."))
        || !QHostAddress(bucket).isNull()) {
        return invalidField(field, QStringLiteral("must be a valid S3 bucket name (3 to 63 lowercase "
                                                  "letters, digits, dots and hyphens), got '%1'")
                                       .arg(bucket));
    }
    return QJsonValue(bucket);
}

Result<QJsonValue> checkStringKind(FieldKind kind, const QString &field, const QString &text)
{
    switch (kind) {
    case FieldKind::Text: {
        auto checked = checkText(field, text, 255);
        return checked ? Result<QJsonValue>(QJsonValue(*checked)) : checked.error();
    }
    case FieldKind::AbsolutePath: {
        auto checked = checkAbsolutePath(field, text);
        return checked ? Result<QJsonValue>(QJsonValue(*checked)) : checked.error();
    }
    case FieldKind::RelativePath: {
        auto checked = checkRelativePath(field, text);
        return checked ? Result<QJsonValue>(QJsonValue(*checked)) : checked.error();
    }
    case FieldKind::RemotePath:
        if (text.isEmpty() || text.size() > 4096 || hasControlCharacter(text)
            || text.split(QLatin1Char('/')).contains(QStringLiteral(".."))) {
            return invalidField(field, QStringLiteral("must be a non-empty path without control "
                                                      "characters or '..' components"));
        }
        return QJsonValue(text);
    case FieldKind::HttpUrl:
        return checkUrl(field, text);
    case FieldKind::Hostname:
        return checkHostname(field, text);
    case FieldKind::FilesystemUuid:
        // FAT and exFAT volume ids (1234-ABCD), NTFS serials (16 hex digits) and the 36-character
        // UUIDs of ext4, btrfs, xfs and others.
        if (!matches("^([0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}|[0-9A-Fa-f]{16}|[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-"
                     "[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})$",
                     text)) {
            return invalidField(field, QStringLiteral("must be a filesystem UUID such as 1234-ABCD or "
                                                      "3b3f0c7e-0d6a-4e8e-9a57-2f7f4c1d9e10, got '%1'")
                                           .arg(text));
        }
        return QJsonValue(text);
    case FieldKind::BucketName:
        return checkBucket(field, text);
    case FieldKind::ObjectPrefix:
        if (text.size() > 1024 || hasControlCharacter(text))
            return invalidField(field, QStringLiteral("must be at most 1024 characters without control characters"));
        return QJsonValue(text);
    case FieldKind::Region:
        if (!matches("^[a-z0-9-]{0,32}$", text))
            return invalidField(field, QStringLiteral("must be a region name such as us-east-1, got '%1'").arg(text));
        return QJsonValue(text);
    case FieldKind::StorageClass:
        return checkOneOf(field, text,
                          {QStringLiteral("STANDARD"), QStringLiteral("REDUCED_REDUNDANCY"),
                           QStringLiteral("STANDARD_IA"), QStringLiteral("ONEZONE_IA"),
                           QStringLiteral("INTELLIGENT_TIERING"), QStringLiteral("GLACIER"),
                           QStringLiteral("GLACIER_IR"), QStringLiteral("DEEP_ARCHIVE")});
    case FieldKind::DriveId:
        if (!matches("^[A-Za-z0-9_!.-]{1,200}$", text))
            return invalidField(field, QStringLiteral("must be a drive or folder id of letters, digits, "
                                                      "'_', '-', '.' and '!', got '%1'")
                                           .arg(text));
        return QJsonValue(text);
    case FieldKind::WebDavVendor:
        return checkOneOf(field, text,
                          {QStringLiteral("nextcloud"), QStringLiteral("owncloud"),
                           QStringLiteral("sharepoint"), QStringLiteral("sharepoint-ntlm"),
                           QStringLiteral("rclone"), QStringLiteral("other")});
    case FieldKind::HostKeyFingerprint:
        // The form ssh-keygen -l prints: SHA256: and the unpadded base64 of a 32-byte digest.
        if (!matches("^SHA256:[A-Za-z0-9+/]{43}$", text))
            return invalidField(field, QStringLiteral("must be an SSH key fingerprint such as "
                                                      "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8"));
        return QJsonValue(text);
    case FieldKind::Boolean:
    case FieldKind::Port:
        break;
    }
    return invalidField(field, QStringLiteral("has an unsupported type"));
}

Result<QJsonValue> checkField(const FieldRule &rule, const QString &field, const QJsonValue &value)
{
    if (rule.kind == FieldKind::Boolean) {
        if (!value.isBool())
            return invalidField(field, QStringLiteral("must be a boolean"));
        return value;
    }
    if (rule.kind == FieldKind::Port) {
        const double number = value.toDouble(-1);
        if (!value.isDouble() || number != static_cast<int>(number) || number < 1 || number > 65535)
            return invalidField(field, QStringLiteral("must be an integer port from 1 to 65535"));
        return QJsonValue(static_cast<int>(number));
    }
    if (!value.isString())
        return invalidField(field, QStringLiteral("must be a string"));
    return checkStringKind(rule.kind, field, value.toString());
}

Status rejectUnknownKeys(const QJsonObject &object, const QSet<QString> &known, const QString &prefix,
                         const QString &context)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!known.contains(it.key()))
            return Error::invalid(QStringLiteral("Unknown field '%1%2'%3").arg(prefix, it.key(), context));
    }
    return {};
}

Result<QString> readName(const QJsonObject &body)
{
    const QJsonValue value = body.value(QLatin1String("name"));
    if (value.isUndefined() || value.isNull())
        return invalidField(QStringLiteral("name"), QStringLiteral("is required"));
    if (!value.isString())
        return invalidField(QStringLiteral("name"), QStringLiteral("must be a string"));
    return checkText(QStringLiteral("name"), value.toString().trimmed(), 100);
}

Result<QString> readDescription(const QJsonObject &body)
{
    const QJsonValue value = body.value(QLatin1String("description"));
    if (value.isUndefined() || value.isNull())
        return QString();
    if (!value.isString())
        return invalidField(QStringLiteral("description"), QStringLiteral("must be a string"));
    if (value.toString().size() > 2000)
        return invalidField(QStringLiteral("description"), QStringLiteral("must be at most 2000 characters"));
    return value.toString();
}

Result<bool> readBool(const QJsonObject &object, const QString &key, const QString &field, bool fallback)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined() || value.isNull())
        return fallback;
    if (!value.isBool())
        return invalidField(field, QStringLiteral("must be a boolean"));
    return value.toBool();
}

Result<QStringList> readSourceDirs(const QJsonObject &body)
{
    const QJsonValue value = body.value(QLatin1String("source_dirs"));
    if (value.isUndefined() || value.isNull())
        return invalidField(QStringLiteral("source_dirs"), QStringLiteral("is required"));
    if (!value.isArray() || value.toArray().isEmpty() || value.toArray().size() > 100) {
        return invalidField(QStringLiteral("source_dirs"),
                            QStringLiteral("must be an array of 1 to 100 absolute paths"));
    }

    QStringList sources;
    const QJsonArray array = value.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString field = QStringLiteral("source_dirs[%1]").arg(i);
        if (!array.at(i).isString())
            return invalidField(field, QStringLiteral("must be a string"));
        auto path = checkAbsolutePath(field, array.at(i).toString());
        if (!path)
            return path.error();
        sources.append(*path);
    }
    return sources;
}

Result<std::optional<qint64>> readCredentialId(const QJsonObject &body)
{
    const QJsonValue value = body.value(QLatin1String("credential_id"));
    if (value.isUndefined() || value.isNull())
        return std::optional<qint64>();
    const double number = value.toDouble(-1);
    if (!value.isDouble() || number < 1 || number > 9.0e15 || number != static_cast<qint64>(number))
        return invalidField(QStringLiteral("credential_id"), QStringLiteral("must be a positive integer or null"));
    return std::optional<qint64>(static_cast<qint64>(number));
}

Result<std::optional<int>> readBandwidthLimit(const QJsonObject &object)
{
    const QString field = QStringLiteral("sync_options.bandwidth_limit_kbps");
    const QJsonValue value = object.value(QLatin1String("bandwidth_limit_kbps"));
    if (value.isUndefined() || value.isNull())
        return std::optional<int>();
    const double number = value.toDouble(-1);
    if (!value.isDouble() || number < 1 || number > 10000000 || number != static_cast<int>(number)) {
        return invalidField(field, QStringLiteral("must be null or an integer from 1 to 10000000 "
                                                  "(KiB per second)"));
    }
    return std::optional<int>(static_cast<int>(number));
}

Result<QStringList> readExcludePatterns(const QJsonObject &object)
{
    const QJsonValue value = object.value(QLatin1String("exclude_patterns"));
    if (value.isUndefined() || value.isNull())
        return QStringList();
    if (!value.isArray() || value.toArray().size() > 1000) {
        return invalidField(QStringLiteral("sync_options.exclude_patterns"),
                            QStringLiteral("must be an array of at most 1000 patterns"));
    }

    QStringList patterns;
    const QJsonArray array = value.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString field = QStringLiteral("sync_options.exclude_patterns[%1]").arg(i);
        if (!array.at(i).isString())
            return invalidField(field, QStringLiteral("must be a string"));
        auto pattern = checkText(field, array.at(i).toString(), 1000);
        if (!pattern)
            return pattern.error();
        patterns.append(*pattern);
    }
    return patterns;
}

Result<Verbosity> readVerbosity(const QJsonObject &object)
{
    const QJsonValue value = object.value(QLatin1String("verbosity"));
    if (value.isUndefined() || value.isNull())
        return Verbosity::Normal;
    const auto verbosity = verbosityFromName(value.toString());
    if (!value.isString() || !verbosity) {
        return invalidField(QStringLiteral("sync_options.verbosity"),
                            QStringLiteral("must be one of: quiet, normal, verbose"));
    }
    return *verbosity;
}

Status checkDestinationPaths(const Job &job)
{
    if (job.destinationType != DestinationType::Local)
        return {};
    return checkNoOverlap(job.sourceDirs, LocalDestination::fromConfig(job.destinationConfig).root());
}

Status readIdentity(const QJsonObject &body, Job &job)
{
    auto name = readName(body);
    if (!name)
        return name.error();
    job.name = *name;
    auto description = readDescription(body);
    if (!description)
        return description.error();
    job.description = *description;
    auto enabled = readBool(body, QStringLiteral("enabled"), QStringLiteral("enabled"), true);
    if (!enabled)
        return enabled.error();
    job.enabled = *enabled;
    return {};
}

Status readSources(const QJsonObject &body, Job &job)
{
    auto sources = readSourceDirs(body);
    if (!sources)
        return sources.error();
    job.sourceDirs = *sources;
    return {};
}

Status readDestination(const QJsonObject &body, Job &job)
{
    const QJsonValue typeValue = body.value(QLatin1String("destination_type"));
    if (typeValue.isUndefined() || typeValue.isNull())
        return invalidField(QStringLiteral("destination_type"), QStringLiteral("is required"));
    const auto type = destinationTypeFromName(typeValue.toString());
    if (!typeValue.isString() || !type) {
        return invalidField(QStringLiteral("destination_type"),
                            QStringLiteral("must be one of: %1")
                                .arg(destinationTypeNames().join(QStringLiteral(", "))));
    }
    job.destinationType = *type;

    auto config = parseDestinationConfig(*type, body.value(QLatin1String("destination_config")));
    if (!config)
        return config.error();
    job.destinationConfig = *config;
    return {};
}

Status readOptions(const QJsonObject &body, Job &job)
{
    auto options = parseSyncOptions(body.value(QLatin1String("sync_options")));
    if (!options)
        return options.error();
    job.syncOptions = *options;
    auto credential = readCredentialId(body);
    if (!credential)
        return credential.error();
    job.credentialId = *credential;
    return {};
}

} // namespace

Result<QJsonObject> parseDestinationConfig(DestinationType type, const QJsonValue &config)
{
    if (config.isUndefined() || config.isNull())
        return invalidField(QStringLiteral("destination_config"), QStringLiteral("is required"));
    if (!config.isObject())
        return invalidField(QStringLiteral("destination_config"), QStringLiteral("must be an object"));

    const QJsonObject input = config.toObject();
    const auto &rules = destinationRules(type);
    QSet<QString> known;
    QJsonObject output;
    for (const FieldRule &rule : rules) {
        const QString key = QLatin1String(rule.key);
        const QString field = QStringLiteral("destination_config.") + key;
        known.insert(key);
        const QJsonValue value = input.value(key);
        if (value.isUndefined() || value.isNull() || (value.isString() && value.toString().isEmpty()
                                                      && rule.kind != FieldKind::RelativePath
                                                      && rule.kind != FieldKind::ObjectPrefix)) {
            if (rule.required)
                return invalidField(field, QStringLiteral("is required for destination type '%1'")
                                               .arg(destinationTypeName(type)));
            output.insert(key, rule.defaultValue);
            continue;
        }
        auto checked = checkField(rule, field, value);
        if (!checked)
            return checked.error();
        output.insert(key, *checked);
    }

    const Status unknown = rejectUnknownKeys(input, known, QStringLiteral("destination_config."),
                                             QStringLiteral(" for destination type '%1'")
                                                 .arg(destinationTypeName(type)));
    if (!unknown)
        return unknown.error();
    return output;
}

Result<SyncOptions> parseSyncOptions(const QJsonValue &value)
{
    if (value.isUndefined() || value.isNull())
        return SyncOptions{};
    if (!value.isObject())
        return invalidField(QStringLiteral("sync_options"), QStringLiteral("must be an object"));

    const QJsonObject object = value.toObject();
    const Status unknown = rejectUnknownKeys(
        object,
        {QStringLiteral("delete_extraneous"), QStringLiteral("exclude_patterns"),
         QStringLiteral("bandwidth_limit_kbps"), QStringLiteral("dry_run"), QStringLiteral("verbosity")},
        QStringLiteral("sync_options."), QString());
    if (!unknown)
        return unknown.error();

    SyncOptions options;
    auto deleteExtraneous = readBool(object, QStringLiteral("delete_extraneous"),
                                     QStringLiteral("sync_options.delete_extraneous"), false);
    if (!deleteExtraneous)
        return deleteExtraneous.error();
    options.deleteExtraneous = *deleteExtraneous;
    auto patterns = readExcludePatterns(object);
    if (!patterns)
        return patterns.error();
    options.excludePatterns = *patterns;
    auto bandwidth = readBandwidthLimit(object);
    if (!bandwidth)
        return bandwidth.error();
    options.bandwidthLimitKbps = *bandwidth;
    auto dryRun = readBool(object, QStringLiteral("dry_run"), QStringLiteral("sync_options.dry_run"), false);
    if (!dryRun)
        return dryRun.error();
    options.dryRun = *dryRun;
    auto verbosity = readVerbosity(object);
    if (!verbosity)
        return verbosity.error();
    options.verbosity = *verbosity;
    return options;
}

QJsonObject syncOptionsToJson(const SyncOptions &options)
{
    return {
        {QStringLiteral("delete_extraneous"), options.deleteExtraneous},
        {QStringLiteral("exclude_patterns"), QJsonArray::fromStringList(options.excludePatterns)},
        {QStringLiteral("bandwidth_limit_kbps"),
         options.bandwidthLimitKbps ? QJsonValue(*options.bandwidthLimitKbps) : QJsonValue()},
        {QStringLiteral("dry_run"), options.dryRun},
        {QStringLiteral("verbosity"), verbosityName(options.verbosity)},
    };
}

Result<Job> parseJob(const QJsonObject &body)
{
    const Status unknown = rejectUnknownKeys(
        body,
        {QStringLiteral("name"), QStringLiteral("description"), QStringLiteral("enabled"),
         QStringLiteral("source_dirs"), QStringLiteral("destination_type"),
         QStringLiteral("destination_config"), QStringLiteral("sync_options"),
         QStringLiteral("credential_id"), QStringLiteral("id"), QStringLiteral("created_at"),
         QStringLiteral("updated_at"), QStringLiteral("last_run"), QStringLiteral("schedules")},
        QString(), QString());
    if (!unknown)
        return unknown.error();

    Job job;
    for (const auto read : {readIdentity, readSources, readDestination, readOptions}) {
        const Status status = read(body, job);
        if (!status)
            return status.error();
    }
    const Status paths = checkDestinationPaths(job);
    if (!paths)
        return paths.error();
    return job;
}

} // namespace dynamight
