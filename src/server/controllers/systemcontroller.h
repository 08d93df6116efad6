#pragma once

#include "controllers/controller.h"
#include "system/browseroots.h"
#include "system/drivemanager.h"

#include <optional>

namespace dynamight {

// Health, drives and mounts, and the file browser. The drive routes block the server while
// lsblk, blkid, mount, sync or umount run, each for at most DriveManager's timeouts.
class SystemController final : public Controller
{
public:
    explicit SystemController(ServerContext context);
    QList<Route> routes() override;

private:
    ApiResponse health(const ApiRequest &request);
    ApiResponse drives(const ApiRequest &request);
    ApiResponse mounts(const ApiRequest &request);
    ApiResponse mount(const ApiRequest &request);
    ApiResponse unmount(const ApiRequest &request);
    ApiResponse browse(const ApiRequest &request);
    ApiResponse makeDirectory(const ApiRequest &request);
    ApiResponse allowedPaths(const ApiRequest &request);

    // Returns a message naming the job whose active run writes below mountPoint, if any.
    std::optional<QString> activeRunWritingTo(const QString &mountPoint) const;

    DriveManager m_drives;
    BrowseRoots m_roots;
};

} // namespace dynamight
