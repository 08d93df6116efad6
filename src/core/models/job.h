#pragma once

#include "models/syncoptions.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace dynamight {

enum class DestinationType {
    Local,
    S3,
    GoogleDrive,
    OneDrive,
    Sftp,
    WebDav,
};

QString destinationTypeName(DestinationType type);
// Accepts the API names and the spellings one_drive and web_dav.
std::optional<DestinationType> destinationTypeFromName(const QString &name);
QStringList destinationTypeNames();

struct Job
{
    qint64 id = 0;
    QString name;
    QString description;
    bool enabled = true;
    QStringList sourceDirs;
    DestinationType destinationType = DestinationType::Local;
    // Validated and completed with defaults by parseJob(); its keys depend on destinationType.
    QJsonObject destinationConfig;
    SyncOptions syncOptions;
    std::optional<qint64> credentialId;
    QDateTime createdAt;
    QDateTime updatedAt;
};

// The destination_config of a local job, read from a validated configuration.
struct LocalDestination
{
    QString mountPoint;
    QString backupSubdir;
    std::optional<QString> usbUuid;
    bool autoMount = false;
    bool autoUnmount = false;

    static LocalDestination fromConfig(const QJsonObject &config);
    // Returns mount_point/backup_subdir, the folder that receives one subfolder per source.
    QString root() const;
    // Returns the folder that receives the contents of source: root()/<source basename>.
    QString targetFor(const QString &source) const;
};

} // namespace dynamight
