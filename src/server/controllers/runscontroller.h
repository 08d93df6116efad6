#pragma once

#include "controllers/controller.h"

namespace dynamight {

class RunsController final : public Controller
{
public:
    using Controller::Controller;
    QList<Route> routes() override;

private:
    ApiResponse listOfJob(const ApiRequest &request);
    ApiResponse removeOfJob(const ApiRequest &request);
    ApiResponse get(const ApiRequest &request);
    ApiResponse remove(const ApiRequest &request);
    ApiResponse removeAll(const ApiRequest &request);
    ApiResponse logs(const ApiRequest &request);
};

} // namespace dynamight
