#include "webui.h"

#include "http/requestpipeline.h"
#include "serverlogging.h"

#include <QCryptographicHash>
#include <QDirIterator>
#include <QFile>
#include <QHttpServerRequest>
#include <QMimeDatabase>
#include <QUrl>

#include <algorithm>

namespace dynamight {

namespace {

const QString resourceRoot = QStringLiteral(":/web/");
const QString assetsPrefix = QStringLiteral("/assets/");
const QString indexName = QStringLiteral("index.html");

// Versioned URLs change whenever any file changes, so their content never does.
constexpr char immutableCache[] = "public, max-age=31536000, immutable";
constexpr char revalidateCache[] = "no-cache";

// Splits "/assets/<version>/<file>" into the version and the file, or returns an empty version.
QPair<QString, QString> splitAssetPath(const QString &path)
{
    const QString rest = path.mid(assetsPrefix.size());
    const qsizetype slash = rest.indexOf(QLatin1Char('/'));
    if (slash <= 0)
        return {};
    return {rest.left(slash), rest.mid(slash + 1)};
}

bool hasDotInLastSegment(const QString &path)
{
    return path.mid(path.lastIndexOf(QLatin1Char('/')) + 1).contains(QLatin1Char('.'));
}

} // namespace

WebUi::WebUi(QStringList allowedHosts)
    : m_allowedHosts(std::move(allowedHosts))
{
    loadAssets();
}

void WebUi::loadAssets()
{
    QStringList names;
    QDirIterator it(resourceRoot, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        names.append(it.next().mid(resourceRoot.size()));
    std::sort(names.begin(), names.end());

    QCryptographicHash versionHash(QCryptographicHash::Sha256);
    for (const QString &name : names) {
        QFile file(resourceRoot + name);
        if (!file.open(QIODevice::ReadOnly)) {
            qCWarning(lcHttp).noquote() << "Web UI: failed to read resource" << name << ":" << file.errorString();
            continue;
        }
        const QByteArray body = file.readAll();
        versionHash.addData(name.toUtf8());
        versionHash.addData(body);
        m_assets.insert(name, Asset{body, contentTypeOf(name), etagOf(body)});
    }
    m_version = versionHash.result().toHex().left(12);

    const auto index = m_assets.constFind(indexName);
    if (index == m_assets.constEnd()) {
        qCWarning(lcHttp) << "Web UI: index.html is missing from the resources; / answers 404";
        return;
    }
    QByteArray body = index->body;
    body.replace(QByteArrayLiteral("{{ASSETS}}"), QByteArray("/assets/" + m_version));
    m_index = Asset{body, index->contentType, etagOf(body)};
    qCDebug(lcHttp).noquote() << "Web UI: serving" << m_assets.size() << "files, version"
                              << QString::fromLatin1(m_version);
}

ApiResponse WebUi::handle(const QHttpServerRequest &request) const
{
    const QByteArray host = request.value(QByteArrayLiteral("Host"));
    if (!RequestPipeline::isAllowedHost(host, m_allowedHosts)) {
        return ApiResponse::error(403, QStringLiteral("Host '%1' is not allowed: add it to "
                                                      "DYNAMIGHT_ALLOWED_HOSTS to serve it")
                                           .arg(QString::fromLatin1(host.left(100))));
    }
    if (request.method() != QHttpServerRequest::Method::Get) {
        ApiResponse response = ApiResponse::error(405, QStringLiteral("The web UI accepts only GET requests"));
        response.setHeader("Allow", "GET");
        return response;
    }
    return serve(request.url().path(), request.value(QByteArrayLiteral("If-None-Match")));
}

ApiResponse WebUi::serve(const QString &path, const QByteArray &ifNoneMatch) const
{
    if (path.startsWith(assetsPrefix)) {
        const auto [version, name] = splitAssetPath(path);
        // Resource names never contain "..", so a lookup cannot leave :/web.
        const auto asset = m_assets.constFind(name);
        if (version.isEmpty() || name == indexName || asset == m_assets.constEnd())
            return ApiResponse(404, "Not found\n", "text/plain; charset=utf-8");
        const bool current = version.toLatin1() == m_version;
        return respond(*asset, current ? immutableCache : revalidateCache, ifNoneMatch);
    }

    if (hasDotInLastSegment(path) || m_index.body.isEmpty())
        return ApiResponse(404, "Not found\n", "text/plain; charset=utf-8");
    return respond(m_index, revalidateCache, ifNoneMatch);
}

ApiResponse WebUi::respond(const Asset &asset, const QByteArray &cacheControl,
                           const QByteArray &ifNoneMatch) const
{
    bool unchanged = false;
    for (const QByteArray &tag : ifNoneMatch.split(','))
        unchanged = unchanged || tag.trimmed() == asset.etag || tag.trimmed() == "*";
    ApiResponse response(unchanged ? 304 : 200, unchanged ? QByteArray() : asset.body, asset.contentType);
    response.setHeader("Cache-Control", cacheControl);
    response.setHeader("ETag", asset.etag);
    return response;
}

QByteArray WebUi::contentTypeOf(const QString &fileName)
{
    static const QMimeDatabase database;
    const QMimeType type = database.mimeTypeForFile(fileName, QMimeDatabase::MatchExtension);
    QByteArray name = type.name().toLatin1();
    // Browsers accept both names for module scripts, and text/javascript is the standard one.
    if (name == "application/javascript" || name == "application/x-javascript")
        name = "text/javascript";
    const bool text = name.startsWith("text/") || name == "application/json" || name == "image/svg+xml";
    return text ? name + "; charset=utf-8" : name;
}

QByteArray WebUi::etagOf(const QByteArray &body)
{
    return '"' + QCryptographicHash::hash(body, QCryptographicHash::Sha256).toHex().left(20) + '"';
}

} // namespace dynamight
