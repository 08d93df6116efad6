#pragma once

#include "models/job.h"
#include "result.h"

#include <QJsonObject>

namespace dynamight {

// Parses the body of POST /jobs and PUT /jobs/:id into a Job: every field type-checked, ranges
// and formats checked, paths cleaned and checked against the path rules, defaults filled in.
// The first problem found is returned as an InvalidInput error that names the field. The
// read-only fields of a job as the API returns it (id, timestamps, last_run, schedules) are
// ignored, so a client may send back what it read. Any other unknown field is rejected.
Result<Job> parseJob(const QJsonObject &body);

// Validates a destination_config for the given type and returns it with defaults filled in.
Result<QJsonObject> parseDestinationConfig(DestinationType type, const QJsonValue &config);

QJsonObject syncOptionsToJson(const SyncOptions &options);
Result<SyncOptions> parseSyncOptions(const QJsonValue &value);

} // namespace dynamight
