#include "json/systemrepresentation.h"

#include "clock.h"
#include "json/representation.h"

#include <QJsonArray>

namespace dynamight {

QJsonObject driveToJson(const Drive &drive)
{
    return QJsonObject{
        {QStringLiteral("name"), drive.name},
        {QStringLiteral("path"), drive.path},
        {QStringLiteral("type"), drive.type},
        {QStringLiteral("label"), nullableText(drive.label)},
        {QStringLiteral("uuid"), nullableText(drive.uuid)},
        {QStringLiteral("fstype"), nullableText(drive.fstype)},
        {QStringLiteral("size"), formatBlockSize(drive.sizeBytes)},
        {QStringLiteral("size_bytes"), drive.sizeBytes},
        {QStringLiteral("mountpoint"),
         drive.mountPoints.isEmpty() ? QJsonValue() : QJsonValue(drive.mountPoints.first())},
        {QStringLiteral("mountpoints"), QJsonArray::fromStringList(drive.mountPoints)},
        {QStringLiteral("removable"), drive.removable},
        {QStringLiteral("transport"), nullableText(drive.transport)},
        {QStringLiteral("read_only"), drive.readOnly},
    };
}

QJsonObject mountToJson(const MountEntry &mount)
{
    return QJsonObject{
        {QStringLiteral("device"), mount.device},
        {QStringLiteral("mountpoint"), mount.mountPoint},
        {QStringLiteral("fstype"), mount.fstype},
        {QStringLiteral("options"), mount.options},
    };
}

QJsonObject listingToJson(const DirectoryListing &listing)
{
    QJsonArray entries;
    for (const DirectoryEntry &entry : listing.entries) {
        entries.append(QJsonObject{
            {QStringLiteral("name"), entry.name},
            {QStringLiteral("path"), entry.path},
            {QStringLiteral("is_dir"), entry.isDir},
            {QStringLiteral("size"), nullable(entry.size)},
            {QStringLiteral("modified"), nullableTime(entry.modified)},
        });
    }
    return QJsonObject{
        {QStringLiteral("path"), listing.path},
        {QStringLiteral("parent"), listing.parent ? QJsonValue(*listing.parent) : QJsonValue()},
        {QStringLiteral("entries"), entries},
        {QStringLiteral("truncated"), listing.truncated},
    };
}

QJsonObject previewToJson(qint64 jobId, const JobPreview &preview)
{
    const SyncPreview &sync = preview.sync;
    const QJsonValue fits =
        preview.freeBytes ? QJsonValue(sync.bytesToCopy <= *preview.freeBytes) : QJsonValue();
    return QJsonObject{
        {QStringLiteral("job_id"), jobId},
        {QStringLiteral("destination"), preview.destination},
        {QStringLiteral("files_to_copy"), sync.filesToCopy},
        {QStringLiteral("bytes_to_copy"), sync.bytesToCopy},
        {QStringLiteral("files_to_delete"), sync.filesToDelete},
        {QStringLiteral("paths_to_copy"), QJsonArray::fromStringList(sync.pathsToCopy)},
        {QStringLiteral("paths_to_delete"), QJsonArray::fromStringList(sync.pathsToDelete)},
        {QStringLiteral("free_bytes"), nullable(preview.freeBytes)},
        {QStringLiteral("fits"), fits},
    };
}

} // namespace dynamight
