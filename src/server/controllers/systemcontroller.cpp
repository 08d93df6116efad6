#include "controllers/systemcontroller.h"

#include "jobs/jobstore.h"
#include "jobs/pathrules.h"
#include "json/systemrepresentation.h"
#include "runs/runmanager.h"
#include "serverconfig.h"
#include "system/filesystemuuid.h"
#include "system/mountpointrules.h"

#include <QJsonArray>

namespace dynamight {

using Method = QHttpServerRequest::Method;

namespace {

// Reads a body whose fields are all required strings, rejecting fields it does not know.
Result<QHash<QString, QString>> readStringFields(const ApiRequest &request,
                                                 const QStringList &names)
{
    const auto body = request.jsonObject();
    if (!body)
        return body.error();
    for (auto it = body->constBegin(); it != body->constEnd(); ++it) {
        if (!names.contains(it.key())) {
            return Error::invalid(QStringLiteral("Unknown field '%1': this request takes %2")
                                      .arg(it.key(), names.join(QLatin1String(", "))));
        }
    }

    QHash<QString, QString> fields;
    for (const QString &name : names) {
        const QJsonValue value = body->value(name);
        if (!value.isString())
            return Error::invalid(
                QStringLiteral("Field '%1' is required and must be a string").arg(name));
        fields.insert(name, value.toString());
    }
    return fields;
}

bool isInside(const QString &path, const QString &folder)
{
    return path == folder || path.startsWith(folder + u'/');
}

} // namespace

SystemController::SystemController(ServerContext context)
    : Controller(context)
    , m_roots(context.config.allowedBrowsePaths)
{ }

QList<Route> SystemController::routes()
{
    return {
        {Method::Get, QStringLiteral("/api/system/health"), Access::Public,
         bind(&SystemController::health)},
        {Method::Get, QStringLiteral("/api/system/drives"), Access::Authenticated,
         bind(&SystemController::drives)},
        {Method::Get, QStringLiteral("/api/system/mounts"), Access::Authenticated,
         bind(&SystemController::mounts)},
        {Method::Post, QStringLiteral("/api/system/mount"), Access::Authenticated,
         bind(&SystemController::mount)},
        {Method::Post, QStringLiteral("/api/system/unmount"), Access::Authenticated,
         bind(&SystemController::unmount)},
        {Method::Get, QStringLiteral("/api/system/browse"), Access::Authenticated,
         bind(&SystemController::browse)},
        {Method::Post, QStringLiteral("/api/system/mkdir"), Access::Authenticated,
         bind(&SystemController::makeDirectory)},
        {Method::Get, QStringLiteral("/api/system/allowed-paths"), Access::Authenticated,
         bind(&SystemController::allowedPaths)},
    };
}

ApiResponse SystemController::health(const ApiRequest &)
{
    return ApiResponse::json(
        QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")},
                    {QStringLiteral("version"), QStringLiteral(DYNAMIGHT_VERSION)}});
}

ApiResponse SystemController::drives(const ApiRequest &)
{
    const auto drives = m_drives.drives();
    if (!drives)
        return ApiResponse::fromError(drives.error());

    QJsonArray array;
    for (const Drive &drive : *drives)
        array.append(driveToJson(drive));
    return ApiResponse::json(array);
}

ApiResponse SystemController::mounts(const ApiRequest &)
{
    const auto mounts = m_drives.mounts();
    if (!mounts)
        return ApiResponse::fromError(mounts.error());

    QJsonArray array;
    for (const MountEntry &mount : *mounts)
        array.append(mountToJson(mount));
    return ApiResponse::json(array);
}

ApiResponse SystemController::mount(const ApiRequest &request)
{
    const auto fields =
        readStringFields(request, {QStringLiteral("uuid"), QStringLiteral("mount_point")});
    if (!fields)
        return ApiResponse::fromError(fields.error());
    const QString uuid = fields->value(QStringLiteral("uuid"));
    if (!isFilesystemUuid(uuid)) {
        return ApiResponse::error(400,
                                  QStringLiteral("Field 'uuid' must be a filesystem UUID such as "
                                                 "1234-ABCD, 0123456789ABCDEF or "
                                                 "3b3f0c7e-0d6a-4e8e-9a57-2f7f4c1d9e10, got '%1'")
                                      .arg(uuid.left(100)));
    }
    const auto path = checkAbsolutePath(QStringLiteral("mount_point"),
                                        fields->value(QStringLiteral("mount_point")));
    if (!path)
        return ApiResponse::fromError(path.error());
    const auto target = m_roots.resolveNew(*path);
    if (!target)
        return ApiResponse::fromError(target.error());

    const auto mounted = m_drives.mount(uuid, *target);
    if (!mounted)
        return ApiResponse::fromError(mounted.error());
    return ApiResponse::json(
        QJsonObject{{QStringLiteral("message"), QStringLiteral("Drive mounted")},
                    {QStringLiteral("mount_point"), mounted->mountPoint},
                    {QStringLiteral("device"), mounted->device}});
}

ApiResponse SystemController::unmount(const ApiRequest &request)
{
    const auto fields = readStringFields(request, {QStringLiteral("mount_point")});
    if (!fields)
        return ApiResponse::fromError(fields.error());
    const auto path = checkAbsolutePath(QStringLiteral("mount_point"),
                                        fields->value(QStringLiteral("mount_point")));
    if (!path)
        return ApiResponse::fromError(path.error());
    const auto target = m_roots.resolveExisting(*path);
    if (!target)
        return ApiResponse::fromError(target.error());
    if (const Status location = checkMountPointLocation(*target); !location)
        return ApiResponse::fromError(location.error());
    if (const auto writer = activeRunWritingTo(*target))
        return ApiResponse::error(409, *writer);

    const Status unmounted = m_drives.unmount(*target);
    if (!unmounted)
        return ApiResponse::fromError(unmounted.error());
    return ApiResponse::message(QStringLiteral("Drive unmounted"));
}

ApiResponse SystemController::browse(const ApiRequest &request)
{
    const auto listing =
        m_roots.list(request.queryValue(QStringLiteral("path")).value_or(QString()));
    if (!listing)
        return ApiResponse::fromError(listing.error());
    return ApiResponse::json(listingToJson(*listing));
}

ApiResponse SystemController::makeDirectory(const ApiRequest &request)
{
    const auto fields = readStringFields(request, {QStringLiteral("path")});
    if (!fields)
        return ApiResponse::fromError(fields.error());
    const auto created = m_roots.makeDirectory(fields->value(QStringLiteral("path")));
    if (!created)
        return ApiResponse::fromError(created.error());
    return ApiResponse::json(
        QJsonObject{{QStringLiteral("message"), QStringLiteral("Directory created")},
                    {QStringLiteral("path"), *created}},
        201);
}

ApiResponse SystemController::allowedPaths(const ApiRequest &)
{
    return ApiResponse::json(
        QJsonObject{{QStringLiteral("paths"), QJsonArray::fromStringList(m_roots.paths())}});
}

std::optional<QString> SystemController::activeRunWritingTo(const QString &mountPoint) const
{
    const auto jobs = m_context.jobs.list();
    if (!jobs)
        return std::nullopt;
    for (const Job &job : *jobs) {
        if (job.destinationType != DestinationType::Local)
            continue;
        const auto runId = m_context.runManager.activeRunOfJob(job.id);
        const QString jobMountPoint =
            resolveExistingPrefix(LocalDestination::fromConfig(job.destinationConfig).mountPoint);
        if (runId && (isInside(jobMountPoint, mountPoint) || isInside(mountPoint, jobMountPoint))) {
            return QStringLiteral("Cannot unmount %1: run %2 of job '%3' backs up to it. Wait for "
                                  "it to finish or cancel it first.")
                .arg(mountPoint)
                .arg(*runId)
                .arg(job.name);
        }
    }
    return std::nullopt;
}

} // namespace dynamight
