#pragma once

#include "controllers/controller.h"

#include <chrono>

namespace dynamight {

// POST /jobs/:id/preview: rsync's dry run of a local job. A QHttpServer 6.4 handler must
// respond before it returns, so the server serves nothing else while the dry run reads the
// trees. The dry run is therefore cut off after kTimeout, and the response is 503. A job too
// large to preview can still run with dry_run on, which reports the same counts as a run.
class JobPreviewController final : public Controller
{
public:
    using Controller::Controller;
    QList<Route> routes() override;

    static constexpr std::chrono::milliseconds kTimeout{30000};

private:
    ApiResponse preview(const ApiRequest &request);
};

} // namespace dynamight
