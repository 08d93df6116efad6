#include "controllers/jobscontroller.h"

#include "clock.h"
#include "credentials/credentialstore.h"
#include "jobs/jobstore.h"
#include "jobs/jobvalidator.h"
#include "json/representation.h"
#include "runs/runmanager.h"
#include "runs/runstore.h"
#include "schedule/scheduler.h"

namespace dynamight {

using Method = QHttpServerRequest::Method;

namespace {

// Describes what POST /jobs/:id/run did: started, queued, or failed at once (a check that runs
// before rsync, such as a missing source, fails the run without starting anything).
QString startMessage(const Run &run)
{
    switch (run.status) {
    case RunStatus::Pending:
        return QStringLiteral("Job queued: it starts when a run slot is free");
    case RunStatus::Running:
        return QStringLiteral("Job started");
    default:
        return QStringLiteral("Job %1: %2").arg(runStatusName(run.status), run.errorMessage);
    }
}

} // namespace

QList<Route> JobsController::routes()
{
    return {
        {Method::Get, QStringLiteral("/api/jobs"), Access::Authenticated, bind(&JobsController::list)},
        {Method::Post, QStringLiteral("/api/jobs"), Access::Authenticated, bind(&JobsController::create)},
        {Method::Get, QStringLiteral("/api/jobs/:id"), Access::Authenticated, bind(&JobsController::get)},
        {Method::Put, QStringLiteral("/api/jobs/:id"), Access::Authenticated, bind(&JobsController::update)},
        {Method::Delete, QStringLiteral("/api/jobs/:id"), Access::Authenticated, bind(&JobsController::remove)},
        {Method::Post, QStringLiteral("/api/jobs/:id/clone"), Access::Authenticated, bind(&JobsController::clone)},
        {Method::Post, QStringLiteral("/api/jobs/:id/run"), Access::Authenticated, bind(&JobsController::run)},
        {Method::Post, QStringLiteral("/api/jobs/:id/cancel"), Access::Authenticated, bind(&JobsController::cancel)},
    };
}

ApiResponse JobsController::list(const ApiRequest &)
{
    const auto jobs = m_context.jobs.list();
    if (!jobs)
        return ApiResponse::fromError(jobs.error());

    QJsonArray array;
    for (const Job &job : *jobs) {
        auto json = present(job);
        if (!json)
            return ApiResponse::fromError(json.error());
        array.append(*json);
    }
    return ApiResponse::json(array);
}

ApiResponse JobsController::get(const ApiRequest &request)
{
    const auto id = request.id(QStringLiteral("id"), QStringLiteral("job"));
    if (!id)
        return ApiResponse::fromError(id.error());
    return presentResponse(m_context.jobs.find(*id));
}

ApiResponse JobsController::create(const ApiRequest &request)
{
    const auto body = request.jsonObject();
    if (!body)
        return ApiResponse::fromError(body.error());
    auto job = parseJob(*body);
    if (!job)
        return ApiResponse::fromError(job.error());
    if (const Status credential = m_context.credentials.checkJobCredential(*job); !credential)
        return ApiResponse::fromError(credential.error());
    return presentResponse(m_context.jobs.create(*job, m_context.clock.now()), 201);
}

ApiResponse JobsController::update(const ApiRequest &request)
{
    const auto id = request.id(QStringLiteral("id"), QStringLiteral("job"));
    if (!id)
        return ApiResponse::fromError(id.error());
    const auto existing = m_context.jobs.find(*id);
    if (!existing)
        return ApiResponse::fromError(existing.error());
    const auto body = request.jsonObject();
    if (!body)
        return ApiResponse::fromError(body.error());
    auto job = parseJob(*body);
    if (!job)
        return ApiResponse::fromError(job.error());
    if (const Status credential = m_context.credentials.checkJobCredential(*job); !credential)
        return ApiResponse::fromError(credential.error());
    const auto updated = m_context.jobs.update(*id, *job, m_context.clock.now());
    // Enabling or disabling the job changes when its schedules run.
    if (updated)
        m_context.scheduler.replan();
    return presentResponse(updated);
}

ApiResponse JobsController::remove(const ApiRequest &request)
{
    const auto id = request.id(QStringLiteral("id"), QStringLiteral("job"));
    if (!id)
        return ApiResponse::fromError(id.error());
    const Status removed = m_context.runManager.removeJob(*id);
    if (!removed)
        return ApiResponse::fromError(removed.error());
    m_context.scheduler.replan();
    return ApiResponse::message(QStringLiteral("Job deleted"));
}

ApiResponse JobsController::clone(const ApiRequest &request)
{
    const auto id = request.id(QStringLiteral("id"), QStringLiteral("job"));
    if (!id)
        return ApiResponse::fromError(id.error());
    auto job = m_context.jobs.find(*id);
    if (!job)
        return ApiResponse::fromError(job.error());
    const auto name = m_context.jobs.copyName(job->name);
    if (!name)
        return ApiResponse::fromError(name.error());
    job->name = *name;
    return presentResponse(m_context.jobs.create(*job, m_context.clock.now()), 201);
}

ApiResponse JobsController::run(const ApiRequest &request)
{
    const auto id = request.id(QStringLiteral("id"), QStringLiteral("job"));
    if (!id)
        return ApiResponse::fromError(id.error());
    const auto run = m_context.runManager.start(*id, RunTrigger::Manual);
    if (!run) {
        QJsonObject extra;
        if (const auto active = m_context.runManager.activeRunOfJob(*id))
            extra.insert(QStringLiteral("run_id"), *active);
        return ApiResponse::fromError(run.error(), extra);
    }
    return ApiResponse::json(QJsonObject{{QStringLiteral("run_id"), run->id},
                                         {QStringLiteral("status"), runStatusName(run->status)},
                                         {QStringLiteral("message"), startMessage(*run)}},
                             202);
}

ApiResponse JobsController::cancel(const ApiRequest &request)
{
    const auto id = request.id(QStringLiteral("id"), QStringLiteral("job"));
    if (!id)
        return ApiResponse::fromError(id.error());
    const auto job = m_context.jobs.find(*id);
    if (!job)
        return ApiResponse::fromError(job.error());
    const Status cancelled = m_context.runManager.cancel(*id);
    if (!cancelled)
        return ApiResponse::fromError(cancelled.error());
    return ApiResponse::message(QStringLiteral("Job cancelled"));
}

Result<QJsonObject> JobsController::present(const Job &job) const
{
    const auto lastRun = m_context.runs.lastRun(job.id);
    if (!lastRun)
        return lastRun.error();
    const auto schedules = m_context.jobs.schedules(job.id);
    if (!schedules)
        return schedules.error();
    return jobToJson(job, *lastRun, *schedules);
}

ApiResponse JobsController::presentResponse(const Result<Job> &job, int status) const
{
    if (!job)
        return ApiResponse::fromError(job.error());
    const auto json = present(*job);
    if (!json)
        return ApiResponse::fromError(json.error());
    return ApiResponse::json(*json, status);
}

} // namespace dynamight
