#pragma once

#include "controllers/controller.h"

namespace dynamight {

// The /api/credentials routes. No response ever contains a credential's secret data.
class CredentialsController final : public Controller
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
    ApiResponse usage(const ApiRequest &request);

    // Builds the 409 of a delete refused because jobs still use the credential.
    ApiResponse inUseResponse(qint64 id, const Error &error) const;
};

} // namespace dynamight
