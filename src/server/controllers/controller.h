#pragma once

#include "http/router.h"
#include "servercontext.h"

namespace dynamight {

// A resource's routes. Handlers read and check the input, call core, and build the response.
class Controller
{
public:
    explicit Controller(ServerContext context)
        : m_context(context)
    {
    }
    virtual ~Controller() = default;

    virtual QList<Route> routes() = 0;

protected:
    // Wraps a member function as a route handler.
    template<typename Derived>
    RouteHandler bind(ApiResponse (Derived::*method)(const ApiRequest &))
    {
        auto *self = static_cast<Derived *>(this);
        return [self, method](const ApiRequest &request) { return (self->*method)(request); };
    }

    ServerContext m_context;
};

} // namespace dynamight
