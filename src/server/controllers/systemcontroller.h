#pragma once

#include "controllers/controller.h"

namespace dynamight {

class SystemController final : public Controller
{
public:
    using Controller::Controller;
    QList<Route> routes() override;

private:
    ApiResponse health(const ApiRequest &request);
};

} // namespace dynamight
