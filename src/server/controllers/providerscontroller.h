#pragma once

#include "controllers/controller.h"
#include "providers/connectiontester.h"

namespace dynamight {

// The /api/providers routes: the destination types, their capabilities, and connection tests.
// POST /api/providers/test blocks the server for up to ConnectionTester::maxDuration(), because
// a QHttpServer 6.4 handler must respond before it returns.
class ProvidersController final : public Controller
{
public:
    explicit ProvidersController(ServerContext context, RunnerPrograms programs = {});
    QList<Route> routes() override;

private:
    ApiResponse list(const ApiRequest &request);
    ApiResponse capabilities(const ApiRequest &request);
    ApiResponse test(const ApiRequest &request);

    Result<QJsonObject> credentialData(DestinationType type, const QJsonObject &body) const;

    ConnectionTester m_tester;
};

} // namespace dynamight
