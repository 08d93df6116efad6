#pragma once

#include "models/job.h"

#include <QJsonArray>
#include <QJsonObject>

namespace dynamight {

// The GET /providers list: type, name, description and requires_credentials of each
// destination type, in API order.
QJsonArray providerList();

// The GET /providers/:type/capabilities body for one destination type. Each flag states what
// the runner of that type does with the job's settings:
// - supports_delete, supports_exclude_patterns, supports_bandwidth_limit, supports_dry_run:
//   sync_options.delete_extraneous, exclude_patterns, bandwidth_limit_kbps and dry_run are
//   passed to rsync or rclone.
// - supports_incremental: a second run copies only new and changed files (size and time).
// - supports_checksum: transferred files are verified with a checksum. rsync always does.
//   rclone does where the backend has hashes (S3 MD5, Drive MD5, OneDrive QuickXorHash). It
//   does not for SFTP, where shell commands are off, nor for generic WebDAV.
// - supports_compression: false everywhere, because sync_options has no compression setting
//   and no runner compresses.
QJsonObject providerCapabilities(DestinationType type);

} // namespace dynamight
