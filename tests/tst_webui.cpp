#include "apiclient.h"
#include "serverprocess.h"

#include <QRegularExpression>
#include <QtTest>

using namespace Qt::StringLiterals;

// The web UI as the real server returns it: the app for non-API paths, versioned assets with
// their MIME types and cache headers, and the API's JSON 404 kept for /api.
class TestWebUi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void indexAtRoot();
    void deepLinksReturnIndex_data();
    void deepLinksReturnIndex();
    void apiPathsKeepJson404_data();
    void apiPathsKeepJson404();
    void assetTypes_data();
    void assetTypes();
    void oldVersionRevalidates();
    void missingFilesAre404_data();
    void missingFilesAre404();
    void etagGives304();
    void postRejected();
    void securityHeaders();

private:
    ServerProcess m_server;
    std::unique_ptr<ApiClient> m_client;
    QString m_assets;
};

void TestWebUi::initTestCase()
{
    QVERIFY(m_server.start());
    m_client = std::make_unique<ApiClient>(m_server.baseUrl());
    const HttpReply index = m_client->get(u"/"_s);
    QCOMPARE(index.status, 200);
    static const QRegularExpression script(uR"(src="(/assets/[0-9a-f]{12})/js/main\.js")"_s);
    const auto match = script.match(QString::fromUtf8(index.body));
    QVERIFY2(match.hasMatch(), index.body.constData());
    m_assets = match.captured(1);
}

void TestWebUi::cleanupTestCase()
{
    m_server.stop();
}

void TestWebUi::indexAtRoot()
{
    const HttpReply reply = m_client->get(u"/"_s);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("Content-Type"), QByteArray("text/html; charset=utf-8"));
    QCOMPARE(reply.header("Cache-Control"), QByteArray("no-cache"));
    QVERIFY(reply.body.contains("<script type=\"module\""));
    QVERIFY2(!reply.body.contains("{{ASSETS}}"), "the placeholder was not replaced");
}

void TestWebUi::deepLinksReturnIndex_data()
{
    QTest::addColumn<QString>("path");
    QTest::newRow("editor") << u"/jobs/3/edit"_s;
    QTest::newRow("settings section") << u"/settings/security"_s;
    QTest::newRow("unknown page") << u"/no/such/page"_s;
    QTest::newRow("api lookalike") << u"/apis"_s;
}

void TestWebUi::deepLinksReturnIndex()
{
    QFETCH(QString, path);
    const HttpReply reply = m_client->get(path);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("Content-Type"), QByteArray("text/html; charset=utf-8"));
    QVERIFY(reply.body.contains(QByteArray(m_assets.toUtf8() + "/js/main.js")));
}

void TestWebUi::apiPathsKeepJson404_data()
{
    QTest::addColumn<QString>("path");
    QTest::newRow("unknown route") << u"/api/nope"_s;
    QTest::newRow("api root") << u"/api"_s;
    QTest::newRow("api slash") << u"/api/"_s;
    QTest::newRow("api with a dot") << u"/api/index.html"_s;
}

void TestWebUi::apiPathsKeepJson404()
{
    QFETCH(QString, path);
    const HttpReply reply = m_client->get(path);
    QCOMPARE(reply.status, 404);
    QVERIFY(reply.isJson());
    QCOMPARE(reply.object().value(u"error"_s).toString(), u"Not found"_s);
    QCOMPARE(reply.header("Cache-Control"), QByteArray("no-store"));
}

void TestWebUi::assetTypes_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QByteArray>("contentType");
    QTest::newRow("module") << u"js/main.js"_s << QByteArray("text/javascript; charset=utf-8");
    QTest::newRow("view module") << u"js/views/dashboard.js"_s << QByteArray("text/javascript; charset=utf-8");
    QTest::newRow("stylesheet") << u"app.css"_s << QByteArray("text/css; charset=utf-8");
    QTest::newRow("messages") << u"i18n/de.json"_s << QByteArray("application/json; charset=utf-8");
    QTest::newRow("icon") << u"favicon.svg"_s << QByteArray("image/svg+xml; charset=utf-8");
}

void TestWebUi::assetTypes()
{
    QFETCH(QString, file);
    QFETCH(QByteArray, contentType);
    const HttpReply reply = m_client->get(m_assets + u'/' + file);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("Content-Type"), contentType);
    QCOMPARE(reply.header("Cache-Control"), QByteArray("public, max-age=31536000, immutable"));
    QVERIFY(!reply.header("ETag").isEmpty());
}

void TestWebUi::oldVersionRevalidates()
{
    const HttpReply reply = m_client->get(u"/assets/000000000000/js/main.js"_s);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("Cache-Control"), QByteArray("no-cache"));
}

void TestWebUi::missingFilesAre404_data()
{
    QTest::addColumn<QString>("path");
    QTest::newRow("missing asset") << m_assets + u"/js/nope.js"_s;
    QTest::newRow("missing file at root") << u"/favicon.ico"_s;
    QTest::newRow("index under assets") << m_assets + u"/index.html"_s;
    QTest::newRow("assets without version") << u"/assets/"_s;
}

void TestWebUi::missingFilesAre404()
{
    QFETCH(QString, path);
    const HttpReply reply = m_client->get(path);
    QCOMPARE(reply.status, 404);
    QVERIFY(!reply.body.contains("<html"));
}

void TestWebUi::etagGives304()
{
    const HttpReply first = m_client->get(m_assets + u"/app.css"_s);
    const QByteArray etag = first.header("ETag");
    QVERIFY(!etag.isEmpty());
    const HttpReply second = m_client->send("GET", m_assets + u"/app.css"_s, {}, {{"If-None-Match", etag}});
    QCOMPARE(second.status, 304);
    QVERIFY(second.body.isEmpty());
    const HttpReply other = m_client->send("GET", m_assets + u"/app.css"_s, {}, {{"If-None-Match", "\"other\""}});
    QCOMPARE(other.status, 200);
}

void TestWebUi::postRejected()
{
    const HttpReply reply = m_client->send("POST", u"/jobs/new"_s, "{}", {{"Content-Type", "application/json"}});
    QCOMPARE(reply.status, 405);
    QCOMPARE(reply.header("Allow"), QByteArray("GET"));
}

void TestWebUi::securityHeaders()
{
    const HttpReply reply = m_client->get(u"/"_s);
    QVERIFY(reply.header("Content-Security-Policy").startsWith("default-src 'self'"));
    QCOMPARE(reply.header("X-Content-Type-Options"), QByteArray("nosniff"));
    QCOMPARE(reply.header("X-Frame-Options"), QByteArray("DENY"));
}

QTEST_MAIN(TestWebUi)
#include "tst_webui.moc"
