#include "controllers/runscontroller.h"

#include "jobs/jobstore.h"
#include "json/representation.h"
#include "runs/logstore.h"
#include "runs/runmanager.h"
#include "runs/runstore.h"

#include <limits>

namespace dynamight {

using Method = QHttpServerRequest::Method;

QList<Route> RunsController::routes()
{
    return {
        {Method::Get, QStringLiteral("/api/jobs/:id/runs"), Access::Authenticated, bind(&RunsController::listOfJob)},
        {Method::Delete, QStringLiteral("/api/jobs/:id/runs"), Access::Authenticated, bind(&RunsController::removeOfJob)},
        {Method::Delete, QStringLiteral("/api/runs"), Access::Authenticated, bind(&RunsController::removeAll)},
        {Method::Get, QStringLiteral("/api/runs/:id"), Access::Authenticated, bind(&RunsController::get)},
        {Method::Delete, QStringLiteral("/api/runs/:id"), Access::Authenticated, bind(&RunsController::remove)},
        {Method::Get, QStringLiteral("/api/runs/:id/logs"), Access::Authenticated, bind(&RunsController::logs)},
    };
}

ApiResponse RunsController::listOfJob(const ApiRequest &request)
{
    const auto id = request.id(QStringLiteral("id"), QStringLiteral("job"));
    if (!id)
        return ApiResponse::fromError(id.error());
    const auto limit = request.queryInt(QStringLiteral("limit"), 20, 1, 1000);
    if (!limit)
        return ApiResponse::fromError(limit.error());
    const auto offset = request.queryInt(QStringLiteral("offset"), 0, 0, std::numeric_limits<int>::max());
    if (!offset)
        return ApiResponse::fromError(offset.error());
    const auto job = m_context.jobs.find(*id);
    if (!job)
        return ApiResponse::fromError(job.error());

    const auto runs = m_context.runs.listForJob(*id, *limit, *offset);
    if (!runs)
        return ApiResponse::fromError(runs.error());
    QJsonArray array;
    for (const Run &run : *runs)
        array.append(runToJson(run));
    return ApiResponse::json(array);
}

ApiResponse RunsController::removeOfJob(const ApiRequest &request)
{
    const auto id = request.id(QStringLiteral("id"), QStringLiteral("job"));
    if (!id)
        return ApiResponse::fromError(id.error());
    const auto count = m_context.runManager.removeRunsOfJob(*id);
    if (!count)
        return ApiResponse::fromError(count.error());
    return ApiResponse::json(QJsonObject{{QStringLiteral("message"), QStringLiteral("Runs deleted")},
                                         {QStringLiteral("count"), *count}});
}

ApiResponse RunsController::get(const ApiRequest &request)
{
    const auto id = request.id(QStringLiteral("id"), QStringLiteral("run"));
    if (!id)
        return ApiResponse::fromError(id.error());
    const auto run = m_context.runs.find(*id);
    if (!run)
        return ApiResponse::fromError(run.error());
    return ApiResponse::json(runToJson(*run));
}

ApiResponse RunsController::remove(const ApiRequest &request)
{
    const auto id = request.id(QStringLiteral("id"), QStringLiteral("run"));
    if (!id)
        return ApiResponse::fromError(id.error());
    const auto count = m_context.runManager.removeRun(*id);
    if (!count)
        return ApiResponse::fromError(count.error());
    return ApiResponse::message(QStringLiteral("Run deleted"));
}

ApiResponse RunsController::removeAll(const ApiRequest &)
{
    const auto count = m_context.runManager.removeAllRuns();
    if (!count)
        return ApiResponse::fromError(count.error());
    return ApiResponse::json(QJsonObject{{QStringLiteral("message"), QStringLiteral("All runs deleted")},
                                         {QStringLiteral("count"), *count}});
}

ApiResponse RunsController::logs(const ApiRequest &request)
{
    const auto id = request.id(QStringLiteral("id"), QStringLiteral("run"));
    if (!id)
        return ApiResponse::fromError(id.error());
    LogStore::Filter filter;
    const auto limit = request.queryInt(QStringLiteral("limit"), 1000, 1, 10000);
    const auto offset = request.queryInt(QStringLiteral("offset"), 0, 0, std::numeric_limits<int>::max());
    const auto afterId = request.queryInt(QStringLiteral("after_id"), 0, 0, std::numeric_limits<int>::max());
    for (const auto *value : {&limit, &offset, &afterId}) {
        if (!*value)
            return ApiResponse::fromError(value->error());
    }
    filter.limit = *limit;
    filter.offset = *offset;
    filter.afterId = *afterId;
    if (const auto level = request.queryValue(QStringLiteral("level"))) {
        filter.level = logLevelFromName(*level);
        if (!filter.level) {
            return ApiResponse::error(400, QStringLiteral("Query parameter 'level' must be one of: info, "
                                                          "warning, error, got '%1'")
                                               .arg(level->left(40)));
        }
    }
    const auto run = m_context.runs.find(*id);
    if (!run)
        return ApiResponse::fromError(run.error());

    m_context.runManager.flushLogs(*id);
    const auto entries = m_context.logs.list(*id, filter);
    if (!entries)
        return ApiResponse::fromError(entries.error());
    QJsonArray array;
    for (const LogEntry &entry : *entries)
        array.append(logEntryToJson(entry));
    return ApiResponse::json(array);
}

} // namespace dynamight
