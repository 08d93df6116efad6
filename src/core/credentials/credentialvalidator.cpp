#include "credentials/credentialvalidator.h"

#include <QJsonValue>
#include <QRegularExpression>
#include <QSet>

#include <vector>

namespace dynamight {

namespace {

enum class SecretKind {
    // Key ids, secret keys and tokens. They go into one line of the per-run rclone config file,
    // so a control character such as a newline is rejected: it could start another setting.
    SingleLine,
    // Passwords and passphrases, which may contain any character but NUL, line breaks included:
    // the rclone runner writes them obscured (base64url), never as raw text.
    Password,
    // A private key in OpenSSH or PEM text, several lines.
    PrivateKey,
    // An integer number of seconds since 1970-01-01T00:00:00Z.
    UnixTime,
};

struct DataField
{
    const char *key;
    SecretKind kind;
    bool required;
    // In UTF-16 code units; unused for UnixTime.
    int maxLength;
};

// The last second of the year 9999, the largest time QDateTime and ISO 8601 text agree on.
constexpr double maxUnixTime = 253402300799.0;

const std::vector<DataField> &dataFields(DestinationType type)
{
    static const std::vector<DataField> s3{
        {"access_key_id", SecretKind::SingleLine, true, 128},
        {"secret_access_key", SecretKind::SingleLine, true, 1024},
        // Temporary (STS) credentials come with a session token of a few kilobytes.
        {"session_token", SecretKind::SingleLine, false, 8192},
    };
    // Exactly one of password and private_key; checkSftpChoice() enforces it.
    static const std::vector<DataField> sftp{
        {"password", SecretKind::Password, false, 1024},
        {"private_key", SecretKind::PrivateKey, false, 32768},
        {"passphrase", SecretKind::Password, false, 1024},
    };
    static const std::vector<DataField> webDav{
        {"username", SecretKind::SingleLine, true, 255},
        {"password", SecretKind::Password, true, 1024},
    };
    static const std::vector<DataField> oauth{
        {"access_token", SecretKind::SingleLine, true, 8192},
        {"refresh_token", SecretKind::SingleLine, true, 8192},
        {"expires_at", SecretKind::UnixTime, true, 0},
        {"token_type", SecretKind::SingleLine, false, 64},
    };
    static const std::vector<DataField> none;

    switch (type) {
    case DestinationType::S3:
        return s3;
    case DestinationType::Sftp:
        return sftp;
    case DestinationType::WebDav:
        return webDav;
    case DestinationType::GoogleDrive:
    case DestinationType::OneDrive:
        return oauth;
    case DestinationType::Local:
        break;
    }
    return none;
}

Error invalidField(const QString &field, const QString &requirement)
{
    return Error::invalid(QStringLiteral("Field '%1' %2").arg(field, requirement));
}

bool hasControlCharacter(const QString &text, bool allowLineBreaks)
{
    for (QChar c : text) {
        if (allowLineBreaks && (c == u'\n' || c == u'\r' || c == u'\t'))
            continue;
        if (c.category() == QChar::Other_Control)
            return true;
    }
    return false;
}

// Accepts the armored text of an OpenSSH ("-----BEGIN OPENSSH PRIVATE KEY-----") or PEM (RSA,
// EC, PKCS#8 and encrypted PKCS#8) private key with matching BEGIN and END labels. Only the
// shape is checked: whether the key is valid and matches the passphrase shows at connect time.
bool isPrivateKeyText(const QString &text)
{
    static const QRegularExpression armor(
        QStringLiteral("^-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----\\r?\\n"
                       "[A-Za-z0-9+/=:,. \\t\\r\\n-]+"
                       "-----END \\1PRIVATE KEY-----$"));
    return armor.match(text.trimmed()).hasMatch();
}

Status checkSecretText(const DataField &rule, const QString &field, const QString &text)
{
    if (text.size() > rule.maxLength)
        return invalidField(field,
                            QStringLiteral("must be at most %1 characters").arg(rule.maxLength));
    if (rule.kind == SecretKind::PrivateKey) {
        if (!isPrivateKeyText(text)) {
            return invalidField(field,
                                QStringLiteral("must be a private key in OpenSSH or PEM format, "
                                               "from its -----BEGIN line to its -----END line"));
        }
        return {};
    }
    if (rule.kind == SecretKind::Password) {
        if (text.contains(QChar(0)))
            return invalidField(field, QStringLiteral("must not contain a NUL character"));
        return {};
    }
    if (hasControlCharacter(text, false))
        return invalidField(
            field, QStringLiteral("must not contain control characters such as a newline"));
    return {};
}

Result<QJsonValue> checkDataField(const DataField &rule, const QString &field,
                                  const QJsonValue &value)
{
    if (rule.kind == SecretKind::UnixTime) {
        const double seconds = value.toDouble(-1);
        if (!value.isDouble() || seconds < 0 || seconds > maxUnixTime
            || seconds != static_cast<double>(static_cast<qint64>(seconds))) {
            return invalidField(field,
                                QStringLiteral("must be an integer number of seconds since "
                                               "1970-01-01T00:00:00Z (a Unix time)"));
        }
        return QJsonValue(static_cast<qint64>(seconds));
    }
    if (!value.isString())
        return invalidField(field, QStringLiteral("must be a string"));
    const Status checked = checkSecretText(rule, field, value.toString());
    if (!checked)
        return checked.error();
    return value;
}

bool isAbsent(const QJsonValue &value)
{
    return value.isUndefined() || value.isNull()
        || (value.isString() && value.toString().isEmpty());
}

Status checkSftpChoice(const QJsonObject &data)
{
    const bool password = data.contains(QLatin1String("password"));
    const bool privateKey = data.contains(QLatin1String("private_key"));
    if (password == privateKey) {
        return invalidField(
            QStringLiteral("data"),
            QStringLiteral("must contain exactly one of 'password' and 'private_key' "
                           "for provider type 'sftp'"));
    }
    if (password && data.contains(QLatin1String("passphrase"))) {
        return invalidField(QStringLiteral("data.passphrase"),
                            QStringLiteral("is allowed only with 'data.private_key', as the "
                                           "passphrase that decrypts the key"));
    }
    return {};
}

// Rejects a key that is not in known. Keys of data are named by the client, not secrets, but
// are cut to 100 characters all the same.
Status rejectUnknownKeys(const QJsonObject &object, const QSet<QString> &known,
                         const QString &prefix, const QString &context)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!known.contains(it.key()))
            return Error::invalid(
                QStringLiteral("Unknown field '%1%2'%3").arg(prefix, it.key().left(100), context));
    }
    return {};
}

Result<QString> readName(const QJsonValue &value)
{
    const QString field = QStringLiteral("name");
    if (value.isUndefined() || value.isNull())
        return invalidField(field, QStringLiteral("is required"));
    if (!value.isString())
        return invalidField(field, QStringLiteral("must be a string"));
    const QString name = value.toString().trimmed();
    if (name.isEmpty())
        return invalidField(field, QStringLiteral("must not be empty"));
    if (name.size() > 100)
        return invalidField(field, QStringLiteral("must be at most 100 characters"));
    if (hasControlCharacter(name, false))
        return invalidField(field, QStringLiteral("must not contain control characters"));
    return name;
}

Result<DestinationType> readProviderType(const QJsonValue &value)
{
    const QString field = QStringLiteral("provider_type");
    if (value.isUndefined() || value.isNull())
        return invalidField(field, QStringLiteral("is required"));
    const auto type = credentialProviderFromName(value.toString());
    if (!value.isString() || !type) {
        return invalidField(field,
                            QStringLiteral("must be one of: %1 (local destinations need no "
                                           "credential)")
                                .arg(credentialProviderNames().join(QStringLiteral(", "))));
    }
    return *type;
}

Status rejectUnknownTopLevel(const QJsonObject &body)
{
    return rejectUnknownKeys(body,
                             {QStringLiteral("name"), QStringLiteral("provider_type"),
                              QStringLiteral("data"), QStringLiteral("id"),
                              QStringLiteral("created_at"), QStringLiteral("updated_at")},
                             QString(), QString());
}

} // namespace

std::optional<DestinationType> credentialProviderFromName(const QString &name)
{
    const auto type = destinationTypeFromName(name);
    if (!type || *type == DestinationType::Local)
        return std::nullopt;
    return type;
}

QStringList credentialProviderNames()
{
    QStringList names = destinationTypeNames();
    names.removeAll(destinationTypeName(DestinationType::Local));
    return names;
}

Result<QJsonObject> parseCredentialData(DestinationType providerType, const QJsonValue &data)
{
    const QString typeName = destinationTypeName(providerType);
    if (data.isUndefined() || data.isNull())
        return invalidField(QStringLiteral("data"), QStringLiteral("is required"));
    if (!data.isObject())
        return invalidField(QStringLiteral("data"), QStringLiteral("must be an object"));

    const QJsonObject input = data.toObject();
    QSet<QString> known;
    QJsonObject output;
    for (const DataField &rule : dataFields(providerType)) {
        const QString key = QLatin1String(rule.key);
        const QString field = QStringLiteral("data.") + key;
        known.insert(key);
        const QJsonValue value = input.value(key);
        if (isAbsent(value)) {
            if (rule.required)
                return invalidField(
                    field, QStringLiteral("is required for provider type '%1'").arg(typeName));
            continue;
        }
        auto checked = checkDataField(rule, field, value);
        if (!checked)
            return checked.error();
        output.insert(key, *checked);
    }

    const Status unknown =
        rejectUnknownKeys(input, known, QStringLiteral("data."),
                          QStringLiteral(" for provider type '%1'").arg(typeName));
    if (!unknown)
        return unknown.error();
    if (providerType == DestinationType::Sftp) {
        const Status choice = checkSftpChoice(output);
        if (!choice)
            return choice.error();
    }
    return output;
}

Result<NewCredential> parseNewCredential(const QJsonObject &body)
{
    const Status unknown = rejectUnknownTopLevel(body);
    if (!unknown)
        return unknown.error();

    NewCredential credential;
    auto name = readName(body.value(QLatin1String("name")));
    if (!name)
        return name.error();
    credential.name = *name;
    auto type = readProviderType(body.value(QLatin1String("provider_type")));
    if (!type)
        return type.error();
    credential.providerType = *type;
    auto data = parseCredentialData(*type, body.value(QLatin1String("data")));
    if (!data)
        return data.error();
    credential.data = *data;
    return credential;
}

Result<CredentialChange> parseCredentialChange(const QJsonObject &body,
                                               DestinationType providerType)
{
    const Status unknown = rejectUnknownTopLevel(body);
    if (!unknown)
        return unknown.error();

    const QJsonValue typeValue = body.value(QLatin1String("provider_type"));
    if (!typeValue.isUndefined() && !typeValue.isNull()) {
        auto type = readProviderType(typeValue);
        if (!type)
            return type.error();
        if (*type != providerType) {
            return invalidField(
                QStringLiteral("provider_type"),
                QStringLiteral("cannot change from '%1' to '%2': create a new "
                               "credential of that type instead")
                    .arg(destinationTypeName(providerType), destinationTypeName(*type)));
        }
    }

    for (const QString &key : {QStringLiteral("name"), QStringLiteral("data")}) {
        if (body.contains(key) && body.value(key).isNull()) {
            return invalidField(key,
                                QStringLiteral("must not be null: leave it out to keep the "
                                               "stored %1")
                                    .arg(key));
        }
    }

    CredentialChange change;
    if (body.contains(QLatin1String("name"))) {
        auto name = readName(body.value(QLatin1String("name")));
        if (!name)
            return name.error();
        change.name = *name;
    }
    if (body.contains(QLatin1String("data"))) {
        auto data = parseCredentialData(providerType, body.value(QLatin1String("data")));
        if (!data)
            return data.error();
        change.data = *data;
    }
    if (!change.name && !change.data)
        return Error::invalid(
            QStringLiteral("The request body must contain 'name', 'data' or both"));
    return change;
}

} // namespace dynamight
