#include "models/job.h"

#include <QDir>
#include <QFileInfo>

#include <array>
#include <utility>

namespace dynamight {

namespace {

constexpr std::array<std::pair<DestinationType, const char *>, 6> typeNames{{
    {DestinationType::Local, "local"},
    {DestinationType::S3, "s3"},
    {DestinationType::GoogleDrive, "google_drive"},
    {DestinationType::OneDrive, "onedrive"},
    {DestinationType::Sftp, "sftp"},
    {DestinationType::WebDav, "webdav"},
}};

} // namespace

QString destinationTypeName(DestinationType type)
{
    for (const auto &[candidate, name] : typeNames) {
        if (candidate == type)
            return QLatin1String(name);
    }
    return {};
}

std::optional<DestinationType> destinationTypeFromName(const QString &name)
{
    if (name == QLatin1String("one_drive"))
        return DestinationType::OneDrive;
    if (name == QLatin1String("web_dav"))
        return DestinationType::WebDav;
    for (const auto &[type, candidate] : typeNames) {
        if (name == QLatin1String(candidate))
            return type;
    }
    return std::nullopt;
}

QStringList destinationTypeNames()
{
    QStringList names;
    for (const auto &entry : typeNames)
        names.append(QLatin1String(entry.second));
    return names;
}

LocalDestination LocalDestination::fromConfig(const QJsonObject &config)
{
    LocalDestination destination;
    destination.mountPoint = config.value(QLatin1String("mount_point")).toString();
    destination.backupSubdir = config.value(QLatin1String("backup_subdir")).toString();
    const QJsonValue uuid = config.value(QLatin1String("usb_uuid"));
    if (uuid.isString() && !uuid.toString().isEmpty())
        destination.usbUuid = uuid.toString();
    destination.autoMount = config.value(QLatin1String("auto_mount")).toBool();
    destination.autoUnmount = config.value(QLatin1String("auto_unmount")).toBool();
    return destination;
}

QString LocalDestination::root() const
{
    if (backupSubdir.isEmpty())
        return mountPoint;
    return QDir::cleanPath(mountPoint + QLatin1Char('/') + backupSubdir);
}

QString LocalDestination::targetFor(const QString &source) const
{
    return QDir::cleanPath(root() + QLatin1Char('/') + QFileInfo(source).fileName());
}

} // namespace dynamight
