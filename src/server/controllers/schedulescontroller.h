#pragma once

#include "controllers/controller.h"

#include "models/schedule.h"

namespace dynamight {

// The schedules of jobs: GET and POST /jobs/:id/schedules, GET, PUT and DELETE /schedules/:id,
// and GET /schedules/:id/preview. Every change re-plans the scheduler before the response is
// built, so the returned next_run is the one the scheduler uses.
class SchedulesController final : public Controller
{
public:
    using Controller::Controller;
    QList<Route> routes() override;

private:
    ApiResponse listOfJob(const ApiRequest &request);
    ApiResponse create(const ApiRequest &request);
    ApiResponse get(const ApiRequest &request);
    ApiResponse update(const ApiRequest &request);
    ApiResponse remove(const ApiRequest &request);
    ApiResponse preview(const ApiRequest &request);
    ApiResponse previewUnsaved(const ApiRequest &request);

    // Re-plans the scheduler and returns the schedule as it then is.
    ApiResponse replannedResponse(const Result<Schedule> &schedule, int status = 200);
};

} // namespace dynamight
