#pragma once

#include "models/schedule.h"
#include "result.h"

#include <QDateTime>
#include <QJsonObject>

namespace dynamight {

// The values that complete a schedule body which leaves fields out.
struct ScheduleDefaults
{
    // The zone of a schedule that names none, normally defaultTimeZoneId().
    QByteArray timezone;
    // The instant after which a schedule must have a run, so that one that never runs is rejected.
    QDateTime now;
};

// Parses the body of POST /jobs/:id/schedules into a Schedule, leaving id, jobId, nextRun and
// the timestamps unset. Every field is type- and range-checked, and the first problem found is
// an InvalidInput error that names the field:
// - schedule_type is required: daily, weekly, monthly or custom.
// - hour (0-23) and minute (0-59) are required for daily, weekly and monthly; day_of_week (0-6,
//   0 = Sunday) for weekly; day_of_month (1-31) for monthly; cron_expression for custom.
// - A field that does not apply to the type must be absent or null, so that a client can send
//   back the object it read but a day_of_week sent with a daily schedule is not dropped unseen.
// - timezone is an IANA zone id, defaults.timezone when absent or null; enabled defaults to true.
// - The read-only fields id, job_id, next_run, created_at and updated_at are ignored, and any
//   other field is rejected.
// - A custom schedule whose expression matches no date (such as "0 0 30 2 *") is rejected.
Result<Schedule> parseSchedule(const QJsonObject &body, const ScheduleDefaults &defaults);

// Parses the body of PUT /schedules/:id. The fields that the body has replace the stored ones
// and the others keep their stored values, so {"enabled": false} disables a schedule and keeps
// its settings. When the body changes schedule_type, the stored fields that do not apply to the
// new type are dropped. The result is checked as parseSchedule() checks a new schedule.
Result<Schedule> parseScheduleUpdate(const Schedule &stored, const QJsonObject &body,
                                     const ScheduleDefaults &defaults);

} // namespace dynamight
