#pragma once

#include "http/apirequest.h"
#include "http/apiresponse.h"

#include <QHttpServerRequest>
#include <QList>
#include <QStringList>

#include <functional>
#include <optional>

namespace dynamight {

enum class Access {
    Public,
    Authenticated,
};

using RouteHandler = std::function<ApiResponse(const ApiRequest &)>;

// One entry of the route table: the method and path pattern it matches, who may call it, and
// the handler. Patterns are literal segments and ":name" captures, e.g. "/api/jobs/:id/run".
struct Route
{
    QHttpServerRequest::Method method;
    QString pattern;
    Access access;
    RouteHandler handler;
};

// The table of every route, in one place. Matching is by path first and then by method, so a
// path that exists with another method gets 405 with the Allow header built from this table.
class Router
{
public:
    struct Match
    {
        const Route *route = nullptr;
        QHash<QString, QString> pathValues;
        // Set when the path matched but no route has the method: the methods it does have.
        QByteArray allowedMethods;
    };

    void add(Route route);
    void add(const QList<Route> &routes);
    Match match(QHttpServerRequest::Method method, const QString &path) const;

    static QByteArray methodName(QHttpServerRequest::Method method);

private:
    struct CompiledRoute
    {
        Route route;
        QStringList segments;
    };

    static std::optional<QHash<QString, QString>> matchSegments(const QStringList &pattern,
                                                                const QStringList &path);

    QList<CompiledRoute> m_routes;
};

} // namespace dynamight
