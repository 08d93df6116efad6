#include "controllers/systemcontroller.h"

namespace dynamight {

using Method = QHttpServerRequest::Method;

QList<Route> SystemController::routes()
{
    return {
        {Method::Get, QStringLiteral("/api/system/health"), Access::Public, bind(&SystemController::health)},
    };
}

ApiResponse SystemController::health(const ApiRequest &)
{
    return ApiResponse::json(QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")},
                                         {QStringLiteral("version"), QStringLiteral(DYNAMIGHT_VERSION)}});
}

} // namespace dynamight
