#pragma once

#include "http/apiresponse.h"

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>

class QHttpServerRequest;

namespace dynamight {

// Serves the single-page web UI compiled in as Qt resources under :/web.
//
// Paths:
// - /assets/<version>/<file> returns :/web/<file>. The version is a hash of every file, so these
//   responses may be cached for a year. A request with an older version gets the current file
//   with no-cache.
// - Any other path whose last segment has no dot returns index.html with no-cache, so deep links
//   such as /jobs/3/edit open the app. Its {{ASSETS}} placeholders become /assets/<version>.
// - Any other path with a dot (a missing file) returns 404, so a wrong import fails loudly
//   instead of receiving HTML.
// The caller routes /api and /api/* to the REST pipeline and never here.
class WebUi
{
public:
    // Reads every file under :/web once, because compiled-in resources cannot change while the
    // process runs.
    explicit WebUi(QStringList allowedHosts);

    ApiResponse handle(const QHttpServerRequest &request) const;
    const QByteArray &assetVersion() const { return m_version; }

private:
    struct Asset
    {
        QByteArray body;
        QByteArray contentType;
        QByteArray etag;
    };

    void loadAssets();
    ApiResponse serve(const QString &path, const QByteArray &ifNoneMatch) const;
    ApiResponse respond(const Asset &asset, const QByteArray &cacheControl,
                        const QByteArray &ifNoneMatch) const;

    static QByteArray contentTypeOf(const QString &fileName);
    static QByteArray etagOf(const QByteArray &body);

    QStringList m_allowedHosts;
    QHash<QString, Asset> m_assets;
    Asset m_index;
    QByteArray m_version;
};

} // namespace dynamight
