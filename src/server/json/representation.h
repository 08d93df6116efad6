#pragma once

#include "credentials/credential.h"
#include "models/job.h"
#include "models/run.h"
#include "models/schedule.h"
#include "models/user.h"

#include <QJsonArray>
#include <QJsonObject>

#include <optional>

namespace dynamight {

// The JSON shapes of the API reference, built from core models.
QJsonObject jobToJson(const Job &job, const std::optional<Run> &lastRun,
                      const QList<Schedule> &schedules);
// The schedule as GET /jobs/:id/schedules and the job's schedules array show it.
QJsonObject scheduleToJson(const Schedule &schedule);
QJsonObject runToJson(const Run &run);
QJsonObject logEntryToJson(const LogEntry &entry);
QJsonObject userToJson(const User &user);
// The credential without its secret data, which the API never returns.
QJsonObject credentialToJson(const Credential &credential);

QJsonValue nullable(const std::optional<qint64> &value);
QJsonValue nullable(const std::optional<int> &value);
QJsonValue nullableText(const QString &text);
QJsonValue nullableTime(const QDateTime &time);

} // namespace dynamight
