#pragma once

#include "controllers/controller.h"

namespace dynamight {

struct IssuedSession;
class LoginThrottle;

class AuthController final : public Controller
{
public:
    // throttle limits the login route and must outlive the controller.
    AuthController(ServerContext context, LoginThrottle &throttle);
    QList<Route> routes() override;

private:
    ApiResponse setupRequired(const ApiRequest &request);
    ApiResponse setup(const ApiRequest &request);
    ApiResponse login(const ApiRequest &request);
    ApiResponse logout(const ApiRequest &request);
    ApiResponse me(const ApiRequest &request);
    ApiResponse token(const ApiRequest &request);
    ApiResponse changePassword(const ApiRequest &request);

    // Returns the user's body with the token cookie set for the new session.
    ApiResponse signedIn(const IssuedSession &session) const;
    QByteArray cookie(const QString &value, qint64 maxAgeSeconds) const;

    LoginThrottle &m_throttle;
};

} // namespace dynamight
