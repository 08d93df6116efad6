#include "apiclient.h"
#include "loopdrive.h"
#include "serverprocess.h"
#include "testtree.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <QUuid>

#include <fcntl.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {

// Names that JSON, URLs and line-based parsers get wrong.
const QString kSpaceName = u"my file.txt"_s;
const QString kNewlineName = u"line\nbreak.txt"_s;
const QString kUnicodeName = u"Ümlaut ñ 写真.txt"_s;
const QString kNewlineFolder = u"folder\nwith newline"_s;

QString encoded(const QString &path) { return QString::fromLatin1(QUrl::toPercentEncoding(path)); }

QStringList entryNames(const QJsonObject &listing)
{
    QStringList names;
    for (const QJsonValue &entry : listing.value(u"entries"_s).toArray())
        names.append(entry.toObject().value(u"name"_s).toString());
    return names;
}

QJsonObject entryNamed(const QJsonObject &listing, const QString &name)
{
    for (const QJsonValue &entry : listing.value(u"entries"_s).toArray()) {
        if (entry.toObject().value(u"name"_s).toString() == name)
            return entry.toObject();
    }
    return {};
}

} // namespace

class TestSystemApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void allowedPathsListed();
    void browseDefaultsToFirstRoot();
    void browseSortsFoldersFirst();
    void browseEntryFields();
    void browseKeepsAwkwardNames();
    void browseIntoAwkwardFolder();
    void browseParentOfSubfolder();
    void browseSymlinkOutsideNotFollowed();
    void browseSymlinkInsideListed();
    void browseStaysInside_data();
    void browseStaysInside();
    void browseEncodedVariantsStayInside_data();
    void browseEncodedVariantsStayInside();
    void browseNeverServerError_data();
    void browseNeverServerError();
    void browseSkipsUnreadableEntry();
    void browseNeedsSession();
    void mkdirCreatesFolder();
    void mkdirRejects_data();
    void mkdirRejects();
    void mountsListed();
    void mountRejectsBody_data();
    void mountRejectsBody();
    void mountRejectsOutsideRoots();
    void mountRejectsSystemFolder_data();
    void mountRejectsSystemFolder();
    void mountUnknownDriveNotFound();
    void unmountNothingMounted();
    void unmountRejectsOutsideRoots();

    void drivesListImage();
    void mountAndUnmountImage();
    void mountRejectsNonEmptyFolder();
    void mountOfDriveMountedElsewhere();
    void unmountBusyNamesProgram();

private:
    QString rootPath(const QString &relative = QString()) const;
    QString outsidePath(const QString &relative = QString()) const;
    HttpReply browse(const QString &path);
    HttpReply rawGet(const QByteArray &target);
    bool createDrive(LoopDrive &drive, const QString &label);

    QTemporaryDir m_workspace;
    QString m_base;
    std::unique_ptr<ServerProcess> m_server;
    std::unique_ptr<ApiClient> m_client;
    // A second server whose only allowed root is "/", started by the first test that needs it.
    std::unique_ptr<ServerProcess> m_rootServer;
    std::unique_ptr<ApiClient> m_rootClient;
};

QString TestSystemApi::rootPath(const QString &relative) const
{
    const QString root = m_base + u"/root"_s;
    return relative.isEmpty() ? root : root + u'/' + relative;
}

QString TestSystemApi::outsidePath(const QString &relative) const
{
    const QString outside = m_base + u"/outside"_s;
    return relative.isEmpty() ? outside : outside + u'/' + relative;
}

void TestSystemApi::initTestCase()
{
    QVERIFY(m_workspace.isValid());
    m_base = QDir(m_workspace.path()).canonicalPath();

    TestTree root(rootPath());
    QVERIFY(QDir().mkpath(rootPath(u"documents"_s)));
    QVERIFY(QDir().mkpath(rootPath(u"B folder"_s)));
    QVERIFY(QDir().mkpath(rootPath(u"a folder"_s)));
    QVERIFY(QDir().mkpath(rootPath(kNewlineFolder)));
    QVERIFY(root.addFile(u"Zebra.txt"_s, 5));
    QVERIFY(root.addFile(u"apple.txt"_s, 7));
    QVERIFY(root.addFile(kSpaceName, 1024));
    QVERIFY(root.addFile(kNewlineName, 3));
    QVERIFY(root.addFile(kUnicodeName, 4));
    QVERIFY(root.addFile(kNewlineFolder + u"/inner.txt"_s, 2));
    QVERIFY(QDir().mkpath(m_base + u"/second root"_s));
    QVERIFY(QDir().mkpath(outsidePath()));
    QVERIFY(TestTree(outsidePath()).addFile(u"secret.txt"_s, 10));
    QVERIFY(QFile::link(outsidePath(), rootPath(u"escape"_s)));
    QVERIFY(QFile::link(outsidePath(u"secret.txt"_s), rootPath(u"escape.txt"_s)));
    QVERIFY(QFile::link(rootPath(u"documents"_s), rootPath(u"docs link"_s)));
    QVERIFY(QFile::link(rootPath(u"nowhere"_s), rootPath(u"broken link"_s)));

    const QString roots =
        QStringList{rootPath(), m_base + u"/second root"_s, m_base + u"/missing"_s}.join(u',');
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"DYNAMIGHT_ALLOWED_BROWSE_PATHS"_s, roots);
    m_server = std::make_unique<ServerProcess>();
    QVERIFY2(m_server->start({}, environment), m_server->standardError().constData());
    m_client = std::make_unique<ApiClient>(m_server->baseUrl());
    QCOMPARE(m_client->setUpAdmin().status / 100, 2);
}

void TestSystemApi::cleanupTestCase()
{
    m_client.reset();
    m_rootClient.reset();
    if (m_rootServer && m_rootServer->port() != 0)
        QCOMPARE(m_rootServer->stop(), 0);
    if (m_server && m_server->port() != 0)
        QCOMPARE(m_server->stop(), 0);
}

HttpReply TestSystemApi::browse(const QString &path)
{
    return m_client->get(u"/api/system/browse?path="_s + encoded(path));
}

// Sends the request target byte for byte, so that no client library normalizes the encoding.
HttpReply TestSystemApi::rawGet(const QByteArray &target)
{
    const QByteArray request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: token="
        + m_client->tokenCookie() + "\r\nConnection: close\r\n\r\n";
    return ApiClient::parseRaw(m_client->sendRaw(request));
}

bool TestSystemApi::createDrive(LoopDrive &drive, const QString &label)
{
    if (!drive.create(label)) {
        qWarning().noquote() << drive.errorString();
        return false;
    }
    return true;
}

void TestSystemApi::allowedPathsListed()
{
    const HttpReply reply = m_client->get(u"/api/system/allowed-paths"_s);

    QCOMPARE(reply.status, 200);
    const QJsonArray expected =
        QJsonArray::fromStringList({rootPath(), m_base + u"/second root"_s});
    QCOMPARE(reply.object().value(u"paths"_s).toArray(), expected);
}

void TestSystemApi::browseDefaultsToFirstRoot()
{
    const HttpReply reply = m_client->get(u"/api/system/browse"_s);

    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object().value(u"path"_s).toString(), rootPath());
    QVERIFY(reply.object().value(u"parent"_s).isNull());
}

void TestSystemApi::browseSortsFoldersFirst()
{
    const QStringList names = entryNames(browse(rootPath()).object());

    const QStringList folders{u"a folder"_s, u"B folder"_s, u"docs link"_s, u"documents"_s,
                              kNewlineFolder};
    QCOMPARE(names.mid(0, folders.size()), folders);
    const QStringList files = names.mid(folders.size());
    QCOMPARE(files.first(), u"apple.txt"_s);
    QVERIFY(files.indexOf(kSpaceName) < files.indexOf(u"Zebra.txt"_s));
    QVERIFY(files.indexOf(u"Zebra.txt"_s) < files.indexOf(kUnicodeName));
}

void TestSystemApi::browseEntryFields()
{
    const QJsonObject listing = browse(rootPath()).object();

    const QJsonObject file = entryNamed(listing, kSpaceName);
    QCOMPARE(file.value(u"path"_s).toString(), rootPath(kSpaceName));
    QCOMPARE(file.value(u"is_dir"_s).toBool(), false);
    QCOMPARE(file.value(u"size"_s).toInteger(), 1024);
    const QString modified = file.value(u"modified"_s).toString();
    QVERIFY2(modified.endsWith(u'Z') && QDateTime::fromString(modified, Qt::ISODate).isValid(),
             qPrintable(modified));

    const QJsonObject folder = entryNamed(listing, u"documents"_s);
    QCOMPARE(folder.value(u"is_dir"_s).toBool(), true);
    QVERIFY(folder.value(u"size"_s).isNull());
    QCOMPARE(listing.value(u"truncated"_s).toBool(), false);
}

void TestSystemApi::browseKeepsAwkwardNames()
{
    const QJsonObject listing = browse(rootPath()).object();

    for (const QString &name : {kSpaceName, kNewlineName, kUnicodeName, kNewlineFolder}) {
        const QJsonObject entry = entryNamed(listing, name);
        QVERIFY2(!entry.isEmpty(), qPrintable(entryNames(listing).join(u" | "_s)));
        QCOMPARE(entry.value(u"path"_s).toString(), rootPath(name));
    }
}

void TestSystemApi::browseIntoAwkwardFolder()
{
    const HttpReply reply = browse(rootPath(kNewlineFolder));

    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object().value(u"path"_s).toString(), rootPath(kNewlineFolder));
    QCOMPARE(entryNames(reply.object()), QStringList{u"inner.txt"_s});
}

void TestSystemApi::browseParentOfSubfolder()
{
    const HttpReply reply = browse(rootPath(u"documents"_s));

    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object().value(u"parent"_s).toString(), rootPath());
    QCOMPARE(reply.object().value(u"entries"_s).toArray(), QJsonArray());
}

void TestSystemApi::browseSymlinkOutsideNotFollowed()
{
    const QStringList names = entryNames(browse(rootPath()).object());
    QVERIFY(!names.contains(u"escape"_s));
    QVERIFY(!names.contains(u"escape.txt"_s));
    QVERIFY(!names.contains(u"broken link"_s));

    const HttpReply into = browse(rootPath(u"escape"_s));
    QCOMPARE(into.status, 403);
    QVERIFY(!into.body.contains("secret.txt"));
    QCOMPARE(browse(rootPath(u"escape/missing"_s)).status, 403);
}

void TestSystemApi::browseSymlinkInsideListed()
{
    const QJsonObject entry = entryNamed(browse(rootPath()).object(), u"docs link"_s);

    QCOMPARE(entry.value(u"is_dir"_s).toBool(), true);
    QCOMPARE(entry.value(u"path"_s).toString(), rootPath(u"docs link"_s));
    const HttpReply into = browse(rootPath(u"docs link"_s));
    QCOMPARE(into.status, 200);
    QCOMPARE(into.object().value(u"path"_s).toString(), rootPath(u"documents"_s));
}

void TestSystemApi::browseStaysInside_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("status");

    QTest::newRow("dot dot out") << rootPath(u"../outside"_s) << 403;
    QTest::newRow("dot dot deep") << rootPath(u"documents/../../outside"_s) << 403;
    QTest::newRow("dot dot to fs root") << rootPath(u"../../../../../../.."_s) << 403;
    QTest::newRow("dot dot inside") << rootPath(u"documents/.."_s) << 200;
    QTest::newRow("etc") << u"/etc"_s << 403;
    QTest::newRow("root of disk") << u"/"_s << 403;
    QTest::newRow("sibling prefix") << rootPath() + u"-other"_s << 403;
    QTest::newRow("missing inside") << rootPath(u"nope"_s) << 404;
    QTest::newRow("missing outside") << outsidePath(u"nope"_s) << 403;
    QTest::newRow("relative") << u"root/documents"_s << 400;
    QTest::newRow("file") << rootPath(kSpaceName) << 400;
}

void TestSystemApi::browseStaysInside()
{
    QFETCH(QString, path);
    QFETCH(int, status);

    const HttpReply reply = browse(path);

    QCOMPARE(reply.status, status);
    QVERIFY(!reply.body.contains("secret.txt"));
    if (status != 200)
        QVERIFY(!reply.object().value(u"message"_s).toString().isEmpty());
}

void TestSystemApi::browseEncodedVariantsStayInside_data()
{
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<int>("status");

    const QByteArray root = QUrl::toPercentEncoding(rootPath(), "/");
    QTest::newRow("%2e%2e") << root + "/%2e%2e/outside" << 403;
    QTest::newRow("%2E%2E") << root + "/%2E%2E/outside" << 403;
    QTest::newRow(".%2e") << root + "/.%2e/outside" << 403;
    QTest::newRow("%2e%2e%2f") << root + "%2f%2e%2e%2foutside" << 403;
    QTest::newRow("..%5c") << root + "/..%5coutside" << 404;
    QTest::newRow("double encoded") << root + "/%252e%252e/outside" << 404;
}

void TestSystemApi::browseEncodedVariantsStayInside()
{
    QFETCH(QByteArray, query);
    QFETCH(int, status);

    const HttpReply reply = rawGet("/api/system/browse?path=" + query);

    QCOMPARE(reply.status, status);
    QVERIFY(!reply.body.contains("secret.txt"));
}

void TestSystemApi::browseNeverServerError_data()
{
    QTest::addColumn<QByteArray>("query");

    QTest::newRow("nul") << QByteArray("%2Ftmp%00%2Fetc");
    QTest::newRow("invalid utf-8") << QByteArray("%2Froot%FF%FE");
    QTest::newRow("empty") << QByteArray("");
    QTest::newRow("slashes") << QByteArray("%2F%2F%2F");
    QTest::newRow("long") << QByteArray("%2F") + QByteArray(5000, 'a');
    QTest::newRow("proc") << QByteArray("%2Fproc%2Fself%2Froot");
}

void TestSystemApi::browseNeverServerError()
{
    QFETCH(QByteArray, query);

    const HttpReply reply = rawGet("/api/system/browse?path=" + query);

    QVERIFY2(reply.status >= 200 && reply.status < 500, reply.body.constData());
    QVERIFY(reply.status != 0);
}

void TestSystemApi::browseSkipsUnreadableEntry()
{
    const QString folder = rootPath(u"mixed"_s);
    QVERIFY(QDir().mkpath(folder));
    QVERIFY(TestTree(folder).addFile(u"good.txt"_s, 1));
    // A name that is not valid UTF-8 cannot be returned unchanged in JSON.
    const QByteArray badName = QFile::encodeName(folder) + "/bad\xff\xfe.txt";
    const int fd = ::open(badName.constData(), O_CREAT | O_WRONLY, 0644);
    QVERIFY(fd >= 0);
    ::close(fd);

    const HttpReply reply = browse(folder);
    // QTemporaryDir cannot remove a name that QString cannot hold.
    ::unlink(badName.constData());

    QCOMPARE(reply.status, 200);
    QCOMPARE(entryNames(reply.object()), QStringList{u"good.txt"_s});
}

void TestSystemApi::browseNeedsSession()
{
    ApiClient anonymous(m_server->baseUrl());

    QCOMPARE(anonymous.get(u"/api/system/browse"_s).status, 401);
    QCOMPARE(anonymous.get(u"/api/system/drives"_s).status, 401);
    QCOMPARE(
        anonymous.post(u"/api/system/mkdir"_s, QJsonObject{{u"path"_s, rootPath(u"x"_s)}}).status,
        401);
    QVERIFY(!QFileInfo::exists(rootPath(u"x"_s)));
}

void TestSystemApi::mkdirCreatesFolder()
{
    const QString path = rootPath(u"documents/New folder é"_s);

    const HttpReply reply = m_client->post(u"/api/system/mkdir"_s, QJsonObject{{u"path"_s, path}});

    QCOMPARE(reply.status, 201);
    QCOMPARE(reply.object().value(u"message"_s).toString(), u"Directory created"_s);
    QCOMPARE(reply.object().value(u"path"_s).toString(), path);
    QVERIFY(QFileInfo(path).isDir());
}

void TestSystemApi::mkdirRejects_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("notCreated");

    const auto body = [](const QString &path) {
        return QJsonObject{{u"path"_s, path}};
    };
    QTest::newRow("existing file") << body(rootPath(kSpaceName)) << 409 << QString();
    QTest::newRow("existing folder") << body(rootPath(u"documents"_s)) << 409 << QString();
    QTest::newRow("outside") << body(outsidePath(u"new"_s)) << 403 << outsidePath(u"new"_s);
    QTest::newRow("through symlink")
        << body(rootPath(u"escape/new"_s)) << 403 << outsidePath(u"new"_s);
    QTest::newRow("dot dot") << body(rootPath(u"../outside/new2"_s)) << 403
                             << outsidePath(u"new2"_s);
    QTest::newRow("root itself") << body(rootPath()) << 403 << QString();
    QTest::newRow("missing parent") << body(rootPath(u"nope/new"_s)) << 404 << rootPath(u"nope"_s);
    QTest::newRow("newline name") << body(rootPath(u"bad\nname"_s)) << 400
                                  << rootPath(u"bad\nname"_s);
    QTest::newRow("relative") << body(u"root/new"_s) << 400 << QString();
    QTest::newRow("dot name") << body(rootPath(u"documents/."_s)) << 409 << QString();
    QTest::newRow("no path") << QJsonObject() << 400 << QString();
    QTest::newRow("path not a string") << QJsonObject{{u"path"_s, 5}} << 400 << QString();
    QTest::newRow("unknown field")
        << QJsonObject{{u"path"_s, rootPath(u"u"_s)}, {u"mode"_s, u"777"_s}} << 400
        << rootPath(u"u"_s);
}

void TestSystemApi::mkdirRejects()
{
    QFETCH(QJsonObject, body);
    QFETCH(int, status);
    QFETCH(QString, notCreated);

    const HttpReply reply = m_client->post(u"/api/system/mkdir"_s, body);

    QCOMPARE(reply.status, status);
    QVERIFY(!reply.object().value(u"message"_s).toString().isEmpty());
    if (!notCreated.isEmpty())
        QVERIFY2(!QFileInfo::exists(notCreated), qPrintable(notCreated));
}

void TestSystemApi::mountsListed()
{
    const HttpReply reply = m_client->get(u"/api/system/mounts"_s);

    QCOMPARE(reply.status, 200);
    bool sawRoot = false;
    for (const QJsonValue &value : reply.array()) {
        const QJsonObject mount = value.toObject();
        const QString fstype = mount.value(u"fstype"_s).toString();
        QVERIFY2(fstype != u"proc"_s && fstype != u"sysfs"_s && fstype != u"tmpfs"_s
                     && !fstype.startsWith(u"cgroup"_s),
                 qPrintable(fstype));
        QVERIFY(mount.value(u"device"_s).isString());
        QVERIFY(mount.value(u"options"_s).isString());
        sawRoot = sawRoot || mount.value(u"mountpoint"_s).toString() == u"/"_s;
    }
    QVERIFY(sawRoot);
}

void TestSystemApi::mountRejectsBody_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<QString>("field");

    const QString point = rootPath(u"usb"_s);
    const auto body = [&](const QJsonValue &uuid) {
        return QJsonObject{{u"uuid"_s, uuid}, {u"mount_point"_s, point}};
    };
    QTest::newRow("letters") << body(u"ABCD-EFGH"_s) << u"uuid"_s;
    QTest::newRow("eight digits") << body(u"12345678"_s) << u"uuid"_s;
    QTest::newRow("empty") << body(u""_s) << u"uuid"_s;
    QTest::newRow("option") << body(u"--all"_s) << u"uuid"_s;
    QTest::newRow("shell") << body(u"1234-ABCD; rm -rf /"_s) << u"uuid"_s;
    QTest::newRow("braces") << body(u"{3b3f0c7e-0d6a-4e8e-9a57-2f7f4c1d9e10}"_s) << u"uuid"_s;
    QTest::newRow("device path") << body(u"/dev/sda1"_s) << u"uuid"_s;
    QTest::newRow("number") << body(12345678) << u"uuid"_s;
    QTest::newRow("no uuid") << QJsonObject{{u"mount_point"_s, point}} << u"uuid"_s;
    QTest::newRow("no mount point") << QJsonObject{{u"uuid"_s, u"1234-ABCD"_s}} << u"mount_point"_s;
    QTest::newRow("relative") << QJsonObject{{u"uuid"_s, u"1234-ABCD"_s},
                                             {u"mount_point"_s, u"usb"_s}}
                              << u"mount_point"_s;
    QTest::newRow("dash") << QJsonObject{{u"uuid"_s, u"1234-ABCD"_s}, {u"mount_point"_s, u"-o"_s}}
                          << u"mount_point"_s;
    QTest::newRow("unknown field") << QJsonObject{{u"uuid"_s, u"1234-ABCD"_s},
                                                  {u"mount_point"_s, point},
                                                  {u"options"_s, u"exec"_s}}
                                   << u"options"_s;
}

void TestSystemApi::mountRejectsBody()
{
    QFETCH(QJsonObject, body);
    QFETCH(QString, field);

    const HttpReply reply = m_client->post(u"/api/system/mount"_s, body);

    QCOMPARE(reply.status, 400);
    const QString message = reply.object().value(u"message"_s).toString();
    QVERIFY2(message.contains(field), qPrintable(message));
    QVERIFY(!QFileInfo::exists(rootPath(u"usb"_s)));
}

void TestSystemApi::mountRejectsOutsideRoots()
{
    for (const QString &point : {outsidePath(u"usb"_s), rootPath(u"escape/usb"_s), u"/etc/usb"_s}) {
        const HttpReply reply =
            m_client->post(u"/api/system/mount"_s,
                           QJsonObject{{u"uuid"_s, u"1234-ABCD"_s}, {u"mount_point"_s, point}});
        QCOMPARE(reply.status, 403);
    }
    QCOMPARE(m_client
                 ->post(u"/api/system/mount"_s,
                        QJsonObject{{u"uuid"_s, u"1234-ABCD"_s}, {u"mount_point"_s, rootPath()}})
                 .status,
             400);
    QVERIFY(!QFileInfo::exists(outsidePath(u"usb"_s)));
}

void TestSystemApi::mountRejectsSystemFolder_data()
{
    QTest::addColumn<QString>("mountPoint");

    QTest::newRow("etc") << u"/etc"_s;
    QTest::newRow("inside usr") << u"/usr/local/usb"_s;
    QTest::newRow("mnt itself") << u"/mnt"_s;
    QTest::newRow("home itself") << u"/home"_s;
    QTest::newRow("inside proc") << u"/proc/usb"_s;
}

// A server whose only root is "/" still never mounts over a system folder. The check comes
// before any drive is looked up, so nothing is mounted or created.
void TestSystemApi::mountRejectsSystemFolder()
{
    QFETCH(QString, mountPoint);
    if (!m_rootServer) {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(u"DYNAMIGHT_ALLOWED_BROWSE_PATHS"_s, u"/"_s);
        m_rootServer = std::make_unique<ServerProcess>();
        QVERIFY2(m_rootServer->start({}, environment), m_rootServer->standardError().constData());
        m_rootClient = std::make_unique<ApiClient>(m_rootServer->baseUrl());
        QCOMPARE(m_rootClient->setUpAdmin().status / 100, 2);
    }
    const bool existed = QFileInfo::exists(mountPoint);

    const HttpReply reply = m_rootClient->post(
        u"/api/system/mount"_s,
        QJsonObject{{u"uuid"_s, u"1234-ABCD"_s}, {u"mount_point"_s, mountPoint}});

    QCOMPARE(reply.status, 400);
    const QString message = reply.object().value(u"message"_s).toString();
    QVERIFY2(message.contains(u"system folder"_s), qPrintable(message));
    QCOMPARE(QFileInfo::exists(mountPoint), existed);
}

void TestSystemApi::mountUnknownDriveNotFound()
{
    const QString uuid = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QString point = rootPath(u"unknown drive"_s);

    const HttpReply reply = m_client->post(
        u"/api/system/mount"_s, QJsonObject{{u"uuid"_s, uuid}, {u"mount_point"_s, point}});

    QCOMPARE(reply.status, 404);
    const QString message = reply.object().value(u"message"_s).toString();
    QVERIFY2(message.contains(uuid) && message.contains(u"connect"_s), qPrintable(message));
    QVERIFY(!QFileInfo::exists(point));
}

void TestSystemApi::unmountNothingMounted()
{
    const HttpReply reply = m_client->post(
        u"/api/system/unmount"_s, QJsonObject{{u"mount_point"_s, rootPath(u"documents"_s)}});

    QCOMPARE(reply.status, 409);
    QVERIFY(reply.object().value(u"message"_s).toString().contains(u"Nothing is mounted"_s));
}

void TestSystemApi::unmountRejectsOutsideRoots()
{
    QCOMPARE(
        m_client->post(u"/api/system/unmount"_s, QJsonObject{{u"mount_point"_s, u"/"_s}}).status,
        400);
    QCOMPARE(m_client->post(u"/api/system/unmount"_s, QJsonObject{{u"mount_point"_s, u"/proc"_s}})
                 .status,
             403);
    QCOMPARE(
        m_client->post(u"/api/system/unmount"_s, QJsonObject{{u"mount_point"_s, outsidePath()}})
            .status,
        403);
    QCOMPARE(
        m_client
            ->post(u"/api/system/unmount"_s, QJsonObject{{u"mount_point"_s, rootPath(u"gone"_s)}})
            .status,
        404);
}

void TestSystemApi::drivesListImage()
{
    if (const QString reason = LoopDrive::unavailableReason(); !reason.isEmpty())
        QSKIP(qPrintable(reason));
    LoopDrive drive;
    if (!createDrive(drive, u"DM LIST"_s))
        QSKIP(qPrintable(u"Could not attach a loop device: "_s + drive.errorString()));

    const HttpReply reply = m_client->get(u"/api/system/drives"_s);

    QCOMPARE(reply.status, 200);
    QJsonObject listed;
    for (const QJsonValue &value : reply.array()) {
        if (value.toObject().value(u"path"_s).toString() == drive.devicePath())
            listed = value.toObject();
        // The disk that carries the running system is never offered.
        QVERIFY(value.toObject().value(u"mountpoint"_s).toString() != u"/"_s);
    }
    QVERIFY2(!listed.isEmpty(), reply.body.constData());
    QCOMPARE(listed.value(u"uuid"_s).toString(), drive.uuid());
    QCOMPARE(listed.value(u"label"_s).toString(), u"DM LIST"_s);
    QCOMPARE(listed.value(u"fstype"_s).toString(), u"ext4"_s);
    QCOMPARE(listed.value(u"transport"_s).toString(), u"loop"_s);
    QCOMPARE(listed.value(u"size"_s).toString(), u"32M"_s);
    QCOMPARE(listed.value(u"size_bytes"_s).toInteger(), LoopDrive::kDefaultSize);
    QVERIFY(listed.value(u"mountpoint"_s).isNull());
    QCOMPARE(listed.value(u"name"_s).toString(), QFileInfo(drive.devicePath()).fileName());
}

void TestSystemApi::mountAndUnmountImage()
{
    if (const QString reason = LoopDrive::unavailableReason(); !reason.isEmpty())
        QSKIP(qPrintable(reason));
    LoopDrive drive;
    if (!createDrive(drive, u"DM MOUNT"_s))
        QSKIP(qPrintable(u"Could not attach a loop device: "_s + drive.errorString()));
    const QString point = rootPath(u"drives/usb stick"_s);

    const HttpReply mounted =
        m_client->post(u"/api/system/mount"_s,
                       QJsonObject{{u"uuid"_s, drive.uuid().toUpper()}, {u"mount_point"_s, point}});

    QCOMPARE(mounted.status, 200);
    QCOMPARE(mounted.object().value(u"message"_s).toString(), u"Drive mounted"_s);
    QCOMPARE(mounted.object().value(u"mount_point"_s).toString(), point);
    QCOMPARE(drive.mountPoints(), QStringList{point});
    bool listed = false;
    for (const QJsonValue &value : m_client->get(u"/api/system/mounts"_s).array())
        listed = listed
            || (value.toObject().value(u"mountpoint"_s).toString() == point
                && value.toObject().value(u"device"_s).toString() == drive.devicePath());
    QVERIFY(listed);
    QVERIFY(m_client->get(u"/api/system/drives"_s).body.contains(point.toUtf8()));

    const HttpReply again = m_client->post(
        u"/api/system/mount"_s, QJsonObject{{u"uuid"_s, drive.uuid()}, {u"mount_point"_s, point}});
    QCOMPARE(again.status, 200);
    QCOMPARE(drive.mountPoints(), QStringList{point});
    QVERIFY(TestTree(point).addFile(u"on the drive.txt"_s, 100));

    const HttpReply unmounted =
        m_client->post(u"/api/system/unmount"_s, QJsonObject{{u"mount_point"_s, point}});

    QCOMPARE(unmounted.status, 200);
    QCOMPARE(unmounted.object().value(u"message"_s).toString(), u"Drive unmounted"_s);
    QCOMPARE(drive.mountPoints(), QStringList());
    QVERIFY(!QFileInfo::exists(point + u"/on the drive.txt"_s));
}

void TestSystemApi::mountRejectsNonEmptyFolder()
{
    if (const QString reason = LoopDrive::unavailableReason(); !reason.isEmpty())
        QSKIP(qPrintable(reason));
    LoopDrive drive;
    if (!createDrive(drive, u"DM FULL"_s))
        QSKIP(qPrintable(u"Could not attach a loop device: "_s + drive.errorString()));

    const QString point = rootPath(u"full"_s);
    QVERIFY(QDir().mkpath(point));
    QVERIFY(TestTree(point).addFile(u"keep.txt"_s, 10));

    const HttpReply reply = m_client->post(
        u"/api/system/mount"_s, QJsonObject{{u"uuid"_s, drive.uuid()}, {u"mount_point"_s, point}});

    QCOMPARE(reply.status, 409);
    QVERIFY(reply.object().value(u"message"_s).toString().contains(u"not empty"_s));
    QCOMPARE(drive.mountPoints(), QStringList());
}

void TestSystemApi::mountOfDriveMountedElsewhere()
{
    if (const QString reason = LoopDrive::unavailableReason(); !reason.isEmpty())
        QSKIP(qPrintable(reason));
    LoopDrive drive;
    if (!createDrive(drive, u"DM TWICE"_s))
        QSKIP(qPrintable(u"Could not attach a loop device: "_s + drive.errorString()));
    const QString first = rootPath(u"first"_s);
    QVERIFY(drive.mountAt(first));

    const HttpReply reply = m_client->post(
        u"/api/system/mount"_s,
        QJsonObject{{u"uuid"_s, drive.uuid()}, {u"mount_point"_s, rootPath(u"second"_s)}});

    QCOMPARE(reply.status, 409);
    QVERIFY2(reply.object().value(u"message"_s).toString().contains(first), reply.body.constData());
    QCOMPARE(drive.mountPoints(), QStringList{first});
}

void TestSystemApi::unmountBusyNamesProgram()
{
    if (const QString reason = LoopDrive::unavailableReason(); !reason.isEmpty())
        QSKIP(qPrintable(reason));
    LoopDrive drive;
    if (!createDrive(drive, u"DM BUSY"_s))
        QSKIP(qPrintable(u"Could not attach a loop device: "_s + drive.errorString()));
    const QString point = rootPath(u"busy"_s);
    QVERIFY(drive.mountAt(point));
    QProcess user;
    user.setWorkingDirectory(point);
    user.start(u"sleep"_s, {u"30"_s});
    QVERIFY(user.waitForStarted());

    const HttpReply busy =
        m_client->post(u"/api/system/unmount"_s, QJsonObject{{u"mount_point"_s, point}});

    QCOMPARE(busy.status, 409);
    const QString message = busy.object().value(u"message"_s).toString();
    QVERIFY2(message.contains(u"busy"_s), qPrintable(message));
    QVERIFY2(message.contains(u"sleep (pid %1)"_s.arg(user.processId())), qPrintable(message));
    QCOMPARE(drive.mountPoints(), QStringList{point});

    user.kill();
    QVERIFY(user.waitForFinished());
    const HttpReply unmounted =
        m_client->post(u"/api/system/unmount"_s, QJsonObject{{u"mount_point"_s, point}});
    QCOMPARE(unmounted.status, 200);
    QCOMPARE(drive.mountPoints(), QStringList());
}

QTEST_GUILESS_MAIN(TestSystemApi)
#include "tst_systemapi.moc"
