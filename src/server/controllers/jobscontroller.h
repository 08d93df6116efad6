#pragma once

#include "controllers/controller.h"

#include "models/job.h"

namespace dynamight {

class JobsController final : public Controller
{
public:
    using Controller::Controller;
    QList<Route> routes() override;

private:
    ApiResponse list(const ApiRequest &request);
    ApiResponse get(const ApiRequest &request);
    ApiResponse create(const ApiRequest &request);
    ApiResponse update(const ApiRequest &request);
    ApiResponse remove(const ApiRequest &request);
    ApiResponse clone(const ApiRequest &request);
    ApiResponse run(const ApiRequest &request);
    ApiResponse cancel(const ApiRequest &request);

    // Returns the job as the API shows it, with its last run and schedules.
    Result<QJsonObject> present(const Job &job) const;
    ApiResponse presentResponse(const Result<Job> &job, int status = 200) const;
};

} // namespace dynamight
