#include "controllers/schedulescontroller.h"

#include "clock.h"
#include "jobs/jobstore.h"
#include "json/representation.h"
#include "schedule/schedulecalendar.h"
#include "schedule/scheduler.h"
#include "schedule/schedulestore.h"
#include "schedule/schedulevalidator.h"
#include "schedule/timezoneids.h"

#include <QTimeZone>

namespace dynamight {

using Method = QHttpServerRequest::Method;

namespace {

constexpr int defaultPreviewCount = 5;
constexpr int maxPreviewCount = 100;

// Formats a time as the clock of a zone shows it, with its offset: 2025-03-09T03:00:00-04:00.
QString localTimeText(const QDateTime &time, const QTimeZone &zone)
{
    const QDateTime local = time.toTimeZone(zone);
    const int offset = local.offsetFromUtc();
    const int absolute = std::abs(offset);
    return local.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss"))
         + QStringLiteral("%1%2:%3")
               .arg(offset < 0 ? QLatin1Char('-') : QLatin1Char('+'))
               .arg(absolute / 3600, 2, 10, QLatin1Char('0'))
               .arg(absolute % 3600 / 60, 2, 10, QLatin1Char('0'));
}

// Reads the preview's optional `after` query parameter: an ISO 8601 time with Z or an offset.
Result<QDateTime> previewStart(const ApiRequest &request, const QDateTime &now)
{
    const auto text = request.queryValue(QStringLiteral("after"));
    if (!text)
        return now;
    const QDateTime after = QDateTime::fromString(*text, Qt::ISODateWithMs);
    if (!after.isValid() || after.timeSpec() == Qt::LocalTime) {
        return Error::invalid(QStringLiteral("Query parameter 'after' must be an ISO 8601 time with Z or "
                                             "an offset, such as 2025-03-08T00:00:00Z, got '%1'")
                                  .arg(text->left(40)));
    }
    return after.toUTC();
}

// Lists the next runs of schedule after the optional `after` query parameter (default now), with
// `count` entries, in UTC and in the schedule's zone.
ApiResponse previewResponse(const ApiRequest &request, const Schedule &schedule, const QDateTime &now)
{
    const auto count = request.queryInt(QStringLiteral("count"), defaultPreviewCount, 1, maxPreviewCount);
    if (!count)
        return ApiResponse::fromError(count.error());
    const auto after = previewStart(request, now);
    if (!after)
        return ApiResponse::fromError(after.error());
    const auto calendar = calendarOf(schedule);
    if (!calendar)
        return ApiResponse::fromError(calendar.error());
    const auto runs = calendar->nextRuns(*after, *count);
    if (!runs)
        return ApiResponse::fromError(runs.error());

    const QTimeZone zone(schedule.timezone);
    QJsonArray array;
    for (const QDateTime &run : *runs) {
        array.append(QJsonObject{{QStringLiteral("utc"), toApiTime(run)},
                                 {QStringLiteral("local"), localTimeText(run, zone)}});
    }
    return ApiResponse::json(QJsonObject{{QStringLiteral("schedule_id"), schedule.id > 0 ? QJsonValue(schedule.id) : QJsonValue()},
                                         {QStringLiteral("timezone"), QString::fromUtf8(schedule.timezone)},
                                         {QStringLiteral("runs"), array}});
}

} // namespace

QList<Route> SchedulesController::routes()
{
    return {
        {Method::Get, QStringLiteral("/api/jobs/:id/schedules"), Access::Authenticated,
         bind(&SchedulesController::listOfJob)},
        {Method::Post, QStringLiteral("/api/jobs/:id/schedules"), Access::Authenticated,
         bind(&SchedulesController::create)},
        {Method::Get, QStringLiteral("/api/schedules/:id"), Access::Authenticated, bind(&SchedulesController::get)},
        {Method::Put, QStringLiteral("/api/schedules/:id"), Access::Authenticated, bind(&SchedulesController::update)},
        {Method::Delete, QStringLiteral("/api/schedules/:id"), Access::Authenticated,
         bind(&SchedulesController::remove)},
        {Method::Get, QStringLiteral("/api/schedules/:id/preview"), Access::Authenticated,
         bind(&SchedulesController::preview)},
        {Method::Post, QStringLiteral("/api/schedules/preview"), Access::Authenticated,
         bind(&SchedulesController::previewUnsaved)},
    };
}

ApiResponse SchedulesController::listOfJob(const ApiRequest &request)
{
    const auto id = request.id(QStringLiteral("id"), QStringLiteral("job"));
    if (!id)
        return ApiResponse::fromError(id.error());
    const auto job = m_context.jobs.find(*id);
    if (!job)
        return ApiResponse::fromError(job.error());

    const auto schedules = m_context.schedules.listForJob(*id);
    if (!schedules)
        return ApiResponse::fromError(schedules.error());
    QJsonArray array;
    for (const Schedule &schedule : *schedules)
        array.append(scheduleToJson(schedule));
    return ApiResponse::json(array);
}

ApiResponse SchedulesController::create(const ApiRequest &request)
{
    const auto id = request.id(QStringLiteral("id"), QStringLiteral("job"));
    if (!id)
        return ApiResponse::fromError(id.error());
    const auto job = m_context.jobs.find(*id);
    if (!job)
        return ApiResponse::fromError(job.error());
    const auto body = request.jsonObject();
    if (!body)
        return ApiResponse::fromError(body.error());

    const QDateTime now = m_context.clock.now();
    auto schedule = parseSchedule(*body, ScheduleDefaults{defaultTimeZoneId(), now});
    if (!schedule)
        return ApiResponse::fromError(schedule.error());
    schedule->jobId = *id;
    return replannedResponse(m_context.schedules.create(*schedule, now), 201);
}

ApiResponse SchedulesController::get(const ApiRequest &request)
{
    const auto id = request.id(QStringLiteral("id"), QStringLiteral("schedule"));
    if (!id)
        return ApiResponse::fromError(id.error());
    const auto schedule = m_context.schedules.find(*id);
    if (!schedule)
        return ApiResponse::fromError(schedule.error());
    return ApiResponse::json(scheduleToJson(*schedule));
}

ApiResponse SchedulesController::update(const ApiRequest &request)
{
    const auto id = request.id(QStringLiteral("id"), QStringLiteral("schedule"));
    if (!id)
        return ApiResponse::fromError(id.error());
    const auto stored = m_context.schedules.find(*id);
    if (!stored)
        return ApiResponse::fromError(stored.error());
    const auto body = request.jsonObject();
    if (!body)
        return ApiResponse::fromError(body.error());

    const QDateTime now = m_context.clock.now();
    const auto schedule = parseScheduleUpdate(*stored, *body, ScheduleDefaults{defaultTimeZoneId(), now});
    if (!schedule)
        return ApiResponse::fromError(schedule.error());
    return replannedResponse(m_context.schedules.update(*id, *schedule, now));
}

ApiResponse SchedulesController::remove(const ApiRequest &request)
{
    const auto id = request.id(QStringLiteral("id"), QStringLiteral("schedule"));
    if (!id)
        return ApiResponse::fromError(id.error());
    const Status removed = m_context.schedules.remove(*id);
    if (!removed)
        return ApiResponse::fromError(removed.error());
    m_context.scheduler.replan();
    return ApiResponse::message(QStringLiteral("Schedule deleted"));
}

ApiResponse SchedulesController::preview(const ApiRequest &request)
{
    const auto id = request.id(QStringLiteral("id"), QStringLiteral("schedule"));
    if (!id)
        return ApiResponse::fromError(id.error());
    const auto schedule = m_context.schedules.find(*id);
    if (!schedule)
        return ApiResponse::fromError(schedule.error());
    return previewResponse(request, *schedule, m_context.clock.now());
}

// Previews a schedule body as POST /jobs/:id/schedules takes it, before it is saved, so that an
// editor can show the next runs while the user types.
ApiResponse SchedulesController::previewUnsaved(const ApiRequest &request)
{
    const auto body = request.jsonObject();
    if (!body)
        return ApiResponse::fromError(body.error());
    const QDateTime now = m_context.clock.now();
    const auto schedule = parseSchedule(*body, ScheduleDefaults{defaultTimeZoneId(), now});
    if (!schedule)
        return ApiResponse::fromError(schedule.error());
    return previewResponse(request, *schedule, now);
}

ApiResponse SchedulesController::replannedResponse(const Result<Schedule> &schedule, int status)
{
    if (!schedule)
        return ApiResponse::fromError(schedule.error());
    m_context.scheduler.replan();
    const auto planned = m_context.schedules.find(schedule->id);
    if (!planned)
        return ApiResponse::fromError(planned.error());
    return ApiResponse::json(scheduleToJson(*planned), status);
}

} // namespace dynamight
