#include "controllers/settingscontroller.h"

#include "settings/settingsstore.h"

namespace dynamight {

using Method = QHttpServerRequest::Method;

QList<Route> SettingsController::routes()
{
    return {
        {Method::Get, QStringLiteral("/api/settings"), Access::Authenticated, bind(&SettingsController::get)},
        {Method::Put, QStringLiteral("/api/settings"), Access::Authenticated, bind(&SettingsController::update)},
    };
}

ApiResponse SettingsController::get(const ApiRequest &)
{
    return ApiResponse::json(m_context.settings.all());
}

ApiResponse SettingsController::update(const ApiRequest &request)
{
    const auto body = request.jsonObject();
    if (!body)
        return ApiResponse::fromError(body.error());
    const auto settings = m_context.settings.update(*body);
    if (!settings)
        return ApiResponse::fromError(settings.error());
    return ApiResponse::json(*settings);
}

} // namespace dynamight
