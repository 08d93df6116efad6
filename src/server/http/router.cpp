#include "http/router.h"

namespace dynamight {

void Router::add(Route route)
{
    const QStringList segments = route.pattern.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    m_routes.append(CompiledRoute{std::move(route), segments});
}

void Router::add(const QList<Route> &routes)
{
    for (const Route &route : routes)
        add(route);
}

Router::Match Router::match(QHttpServerRequest::Method method, const QString &path) const
{
    const QStringList segments = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    Match result;
    QList<QByteArray> allowed;
    for (const CompiledRoute &compiled : m_routes) {
        auto values = matchSegments(compiled.segments, segments);
        if (!values)
            continue;
        if (compiled.route.method == method) {
            result.route = &compiled.route;
            result.pathValues = std::move(*values);
            return result;
        }
        allowed.append(methodName(compiled.route.method));
    }
    result.allowedMethods = allowed.join(", ");
    return result;
}

QByteArray Router::methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get:
        return "GET";
    case QHttpServerRequest::Method::Put:
        return "PUT";
    case QHttpServerRequest::Method::Delete:
        return "DELETE";
    case QHttpServerRequest::Method::Post:
        return "POST";
    case QHttpServerRequest::Method::Head:
        return "HEAD";
    case QHttpServerRequest::Method::Options:
        return "OPTIONS";
    case QHttpServerRequest::Method::Patch:
        return "PATCH";
    default:
        return "UNKNOWN";
    }
}

std::optional<QHash<QString, QString>> Router::matchSegments(const QStringList &pattern,
                                                             const QStringList &path)
{
    if (pattern.size() != path.size())
        return std::nullopt;
    QHash<QString, QString> values;
    for (qsizetype i = 0; i < pattern.size(); ++i) {
        const QString &expected = pattern.at(i);
        if (expected.startsWith(QLatin1Char(':')))
            values.insert(expected.mid(1), path.at(i));
        else if (expected != path.at(i))
            return std::nullopt;
    }
    return values;
}

} // namespace dynamight
