#pragma once

#include "controllers/controller.h"

namespace dynamight {

class LoginThrottle;

// The two-factor authentication routes under /api/auth/totp: enrollment for the signed-in
// user, and the second step of a login (validate, recovery), which the login throttle limits.
class TotpController final : public Controller
{
public:
    // throttle must outlive the controller.
    TotpController(ServerContext context, LoginThrottle &throttle);
    QList<Route> routes() override;

private:
    ApiResponse status(const ApiRequest &request);
    ApiResponse setup(const ApiRequest &request);
    ApiResponse enable(const ApiRequest &request);
    ApiResponse disable(const ApiRequest &request);
    ApiResponse validate(const ApiRequest &request);
    ApiResponse recovery(const ApiRequest &request);

    LoginThrottle &m_throttle;
};

} // namespace dynamight
