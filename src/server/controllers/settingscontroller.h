#pragma once

#include "controllers/controller.h"

namespace dynamight {

class SettingsController final : public Controller
{
public:
    using Controller::Controller;
    QList<Route> routes() override;

private:
    ApiResponse get(const ApiRequest &request);
    ApiResponse update(const ApiRequest &request);
};

} // namespace dynamight
