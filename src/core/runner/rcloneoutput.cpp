#include "runner/rcloneoutput.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace dynamight {

namespace {

LogLevel levelOf(const QString &level)
{
    if (level == QLatin1String("error") || level == QLatin1String("critical") || level == QLatin1String("fatal"))
        return LogLevel::Error;
    // rclone logs NOTICE messages at "warning" in JSON, among them the dry-run lines.
    if (level == QLatin1String("warning"))
        return LogLevel::Warning;
    return LogLevel::Info;
}

qint64 dryRunSize(const QString &message)
{
    static const QRegularExpression size(QStringLiteral("\\(size (\\d+)\\)"));
    const auto match = size.match(message);
    return match.hasMatch() ? match.captured(1).toLongLong() : 0;
}

RcloneStats statsFrom(const QJsonObject &object)
{
    RcloneStats stats;
    stats.bytes = object.value(QLatin1String("bytes")).toInteger();
    stats.totalBytes = object.value(QLatin1String("totalBytes")).toInteger();
    stats.transfers = object.value(QLatin1String("transfers")).toInteger();
    stats.totalTransfers = object.value(QLatin1String("totalTransfers")).toInteger();
    stats.checks = object.value(QLatin1String("checks")).toInteger();
    stats.deletes = object.value(QLatin1String("deletes")).toInteger();
    stats.errors = object.value(QLatin1String("errors")).toInteger();
    stats.speed = object.value(QLatin1String("speed")).toDouble();
    stats.fatalError = object.value(QLatin1String("fatalError")).toBool();
    return stats;
}

RcloneLogRecord::Kind kindOf(const QString &message)
{
    if (message.startsWith(QLatin1String("Copied (")))
        return RcloneLogRecord::Kind::Copied;
    if (message == QLatin1String("Deleted"))
        return RcloneLogRecord::Kind::Deleted;
    if (message.startsWith(QLatin1String("Skipped copy as --dry-run is set")))
        return RcloneLogRecord::Kind::DryRunCopy;
    if (message.startsWith(QLatin1String("Skipped delete as --dry-run is set")))
        return RcloneLogRecord::Kind::DryRunDelete;
    return RcloneLogRecord::Kind::Message;
}

struct ErrorExplanation
{
    const char *pattern;
    const char *message;
};

// Checked in order; the first pattern found in the error text wins.
const ErrorExplanation kExplanations[] = {
    {"knownhosts: key mismatch",
     "The SSH server's host key does not match the trusted key: the key changed or another server "
     "answered. Check the server, then update destination_config.host_key_fingerprint"},
    {"knownhosts: key is unknown",
     "The SSH server's host key is not trusted: set destination_config.host_key_fingerprint to the "
     "fingerprint that a connection test returns, after checking it"},
    {"couldn't fetch token",
     "The account's authorization has expired or was revoked, and the refresh token no longer works: "
     "reconnect the account and save the new tokens in the credential"},
    {"invalid_grant",
     "The account's authorization has expired or was revoked, and the refresh token no longer works: "
     "reconnect the account and save the new tokens in the credential"},
    {"connection refused",
     "Connection refused: nothing listens on that host and port. Check the host, the port and that the "
     "server is running"},
    {"no such host", "Host not found: check the host name or URL"},
    {"i/o timeout", "Connection timed out: check the host, the port and the firewall"},
    {"context deadline exceeded", "Connection timed out: check the host, the port and the firewall"},
    {"unable to authenticate",
     "Access denied: invalid credentials. The SSH server rejected the password or key"},
    {"cannot decode encrypted private keys",
     "The private key is encrypted and its passphrase is missing: add the passphrase to the credential"},
    {"x509: certificate decryption failed - possibly bad passphrase", "The private key's passphrase is wrong"},
    {"bcrypt_pbkdf: invalid", "The private key's passphrase is wrong"},
    {"failed to parse private key", "The private key or its passphrase is invalid"},
    {"SignatureDoesNotMatch", "Access denied: invalid credentials. The secret access key is wrong"},
    {"InvalidAccessKeyId", "Access denied: invalid credentials. The access key id is unknown"},
    {"AccessDenied", "Access denied: the credentials are not allowed to use this bucket or prefix"},
    {"NoSuchBucket", "Bucket not found: create the bucket or correct destination_config.bucket"},
    {"401 Unauthorized", "Access denied: invalid credentials. The server rejected the user name or password"},
    {"403 Forbidden", "Access denied: the server rejected the request (403 Forbidden)"},
    {"directory not found",
     "Path not found on the server: create it, or correct the destination's path"},
};

} // namespace

QString RcloneLogRecord::text() const
{
    return object.isEmpty() ? message : object + QStringLiteral(": ") + message;
}

std::optional<RcloneLogRecord> parseRcloneLogLine(QByteArrayView line)
{
    if (line.isEmpty() || line.front() != '{')
        return std::nullopt;
    const QJsonDocument document = QJsonDocument::fromJson(line.toByteArray());
    if (!document.isObject())
        return std::nullopt;

    const QJsonObject object = document.object();
    RcloneLogRecord record;
    record.level = levelOf(object.value(QLatin1String("level")).toString());
    record.message = object.value(QLatin1String("msg")).toString().trimmed();
    record.object = object.value(QLatin1String("object")).toString();
    if (object.value(QLatin1String("stats")).isObject()) {
        record.kind = RcloneLogRecord::Kind::Stats;
        record.stats = statsFrom(object.value(QLatin1String("stats")).toObject());
        return record;
    }

    record.kind = kindOf(record.message);
    if (record.kind == RcloneLogRecord::Kind::DryRunCopy || record.kind == RcloneLogRecord::Kind::DryRunDelete)
        record.size = dryRunSize(record.message);
    return record;
}

RcloneExitMeaning describeRcloneExit(int exitCode)
{
    switch (exitCode) {
    case 0:
        return {RunStatus::Completed, QStringLiteral("success")};
    case 1:
        return {RunStatus::Failed, QStringLiteral("syntax or usage error, or an error about some files")};
    case 2:
        return {RunStatus::Failed, QStringLiteral("error not otherwise categorised")};
    case 3:
        return {RunStatus::Failed, QStringLiteral("directory not found")};
    case 4:
        return {RunStatus::Failed, QStringLiteral("file not found")};
    case 5:
        return {RunStatus::Failed, QStringLiteral("temporary error, retrying might fix it")};
    case 6:
        return {RunStatus::Failed, QStringLiteral("less serious errors, such as a file that could not be read")};
    case 7:
        return {RunStatus::Failed, QStringLiteral("fatal error, retrying will not fix it")};
    case 8:
        return {RunStatus::Failed, QStringLiteral("transfer limit exceeded")};
    case 9:
        return {RunStatus::Completed, QStringLiteral("operation successful, but no files transferred")};
    default:
        return {RunStatus::Failed, QStringLiteral("unknown exit code")};
    }
}

RunStatus rcloneRunStatus(int exitCode, const std::optional<RcloneStats> &lastStats, qint64 filesHandled)
{
    const RcloneExitMeaning meaning = describeRcloneExit(exitCode);
    if (meaning.status == RunStatus::Completed)
        return RunStatus::Completed;

    static const QList<int> perFileCodes{1, 2, 4, 5, 6, 8};
    const bool reachedEnd = lastStats && lastStats->errors > 0 && !lastStats->fatalError;
    const bool handledFiles = filesHandled > 0 || (lastStats && (lastStats->transfers + lastStats->checks) > 0);
    if (perFileCodes.contains(exitCode) && reachedEnd && handledFiles)
        return RunStatus::Partial;
    return RunStatus::Failed;
}

std::optional<QString> explainRcloneError(const QString &errorText)
{
    for (const ErrorExplanation &explanation : kExplanations) {
        if (errorText.contains(QLatin1String(explanation.pattern), Qt::CaseInsensitive))
            return QString::fromLatin1(explanation.message);
    }
    return std::nullopt;
}

} // namespace dynamight
