#include "providers/providercatalog.h"

namespace dynamight {

namespace {

struct ProviderInfo
{
    DestinationType type;
    const char *name;
    const char *description;
    bool checksum;
};

const ProviderInfo kProviders[] = {
    {DestinationType::Local, "Local / USB", "Rsync to local or mounted drives", true},
    {DestinationType::S3, "AWS S3", "S3 and S3-compatible storage", true},
    {DestinationType::GoogleDrive, "Google Drive", "Google Drive folders and shared drives", true},
    {DestinationType::OneDrive, "OneDrive", "Microsoft OneDrive", true},
    {DestinationType::Sftp, "SFTP", "SSH/SFTP servers", false},
    {DestinationType::WebDav, "WebDAV", "Nextcloud, ownCloud, generic WebDAV", false},
};

const ProviderInfo &infoOf(DestinationType type)
{
    for (const ProviderInfo &info : kProviders) {
        if (info.type == type)
            return info;
    }
    return kProviders[0];
}

} // namespace

QJsonArray providerList()
{
    QJsonArray providers;
    for (const ProviderInfo &info : kProviders) {
        providers.append(QJsonObject{
            {QStringLiteral("type"), destinationTypeName(info.type)},
            {QStringLiteral("name"), QString::fromUtf8(info.name)},
            {QStringLiteral("description"), QString::fromUtf8(info.description)},
            {QStringLiteral("requires_credentials"), info.type != DestinationType::Local},
        });
    }
    return providers;
}

QJsonObject providerCapabilities(DestinationType type)
{
    const ProviderInfo &info = infoOf(type);
    const QJsonObject capabilities{
        {QStringLiteral("supports_delete"), true},
        {QStringLiteral("supports_compression"), false},
        {QStringLiteral("supports_checksum"), info.checksum},
        {QStringLiteral("supports_bandwidth_limit"), true},
        {QStringLiteral("supports_exclude_patterns"), true},
        {QStringLiteral("supports_incremental"), true},
        {QStringLiteral("supports_dry_run"), true},
        {QStringLiteral("requires_credentials"), type != DestinationType::Local},
    };
    return {
        {QStringLiteral("provider_type"), destinationTypeName(type)},
        {QStringLiteral("capabilities"), capabilities},
    };
}

} // namespace dynamight
