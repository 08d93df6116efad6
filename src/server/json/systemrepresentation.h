#pragma once

#include "runner/jobpreview.h"
#include "system/blockdevices.h"
#include "system/browseroots.h"
#include "system/mountinfo.h"

#include <QJsonObject>

namespace dynamight {

// The JSON shapes of the system routes and of POST /jobs/:id/preview.
QJsonObject driveToJson(const Drive &drive);
QJsonObject mountToJson(const MountEntry &mount);
QJsonObject listingToJson(const DirectoryListing &listing);
QJsonObject previewToJson(qint64 jobId, const JobPreview &preview);

} // namespace dynamight
