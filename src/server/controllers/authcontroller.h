#pragma once

#include "controllers/controller.h"

namespace dynamight {

struct IssuedSession;

class AuthController final : public Controller
{
public:
    using Controller::Controller;
    QList<Route> routes() override;

private:
    ApiResponse setupRequired(const ApiRequest &request);
    ApiResponse setup(const ApiRequest &request);
    ApiResponse login(const ApiRequest &request);
    ApiResponse logout(const ApiRequest &request);
    ApiResponse me(const ApiRequest &request);
    ApiResponse token(const ApiRequest &request);

    // Returns the user's body with the token cookie set for the new session.
    ApiResponse signedIn(const IssuedSession &session) const;
    QByteArray cookie(const QString &value, qint64 maxAgeSeconds) const;
};

} // namespace dynamight
