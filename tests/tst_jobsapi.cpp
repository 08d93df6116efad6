#include "apiclient.h"
#include "serverprocess.h"

#include <QDateTime>
#include <QDir>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::StringLiterals;

namespace {

constexpr int kRunTimeoutMs = 20000;

// Returns `object` with the value at a dotted path ("destination_config.port") replaced, or
// removed when `value` is undefined.
QJsonObject withValue(QJsonObject object, const QString &path, const QJsonValue &value)
{
    const qsizetype dot = path.indexOf(u'.');
    if (dot < 0) {
        if (value.isUndefined())
            object.remove(path);
        else
            object.insert(path, value);
        return object;
    }
    const QString key = path.left(dot);
    object.insert(key, withValue(object.value(key).toObject(), path.mid(dot + 1), value));
    return object;
}

QJsonObject without(const QJsonObject &object, const QString &path)
{
    return withValue(object, path, QJsonValue::Undefined);
}

QJsonValue valueAt(const QJsonObject &object, const QString &path)
{
    const qsizetype dot = path.indexOf(u'.');
    if (dot < 0)
        return object.value(path);
    return valueAt(object.value(path.left(dot)).toObject(), path.mid(dot + 1));
}

bool isApiTime(const QJsonValue &value)
{
    const QString text = value.toString();
    return text.endsWith(u'Z') && QDateTime::fromString(text, Qt::ISODateWithMs).isValid();
}

bool isFinished(const QString &status)
{
    return status == u"completed"_s || status == u"partial"_s || status == u"failed"_s
        || status == u"cancelled"_s;
}

} // namespace

class TestJobsApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void createLocalJob();
    void createdJobFields_data();
    void createdJobFields();
    void listContainsJob();
    void getReturnsJob();
    void updateReplacesJob();
    void updateRejectsInvalidBody();
    void updateRenameConflicts();
    void deleteRemovesJob();
    void cloneCopiesJob();
    void duplicateNameConflicts_data();
    void duplicateNameConflicts();
    void invalidBodyRejected_data();
    void invalidBodyRejected();
    void destinationAliasNormalized_data();
    void destinationAliasNormalized();
    void remoteJobStored_data();
    void remoteJobStored();
    void remoteJobRunFails();
    void invalidJobId_data();
    void invalidJobId();

private:
    QString sourcePath(const QString &name) const
    {
        return m_workspace.filePath(u"sources/"_s + name);
    }
    QString mountPoint() const { return m_workspace.filePath(u"backup drive"_s); }
    QJsonObject localJob(const QString &name) const;
    QJsonObject remoteJob(const QString &name, const QString &type,
                          const QJsonObject &config) const;
    QJsonObject s3Job() const;
    QJsonObject sftpJob() const;
    QJsonObject createJob(const QJsonObject &body);
    int jobCount();
    QJsonObject waitForRunEnd(qint64 runId);

    QTemporaryDir m_workspace;
    std::unique_ptr<ServerProcess> m_server;
    std::unique_ptr<ApiClient> m_client;
    QJsonObject m_created;
};

void TestJobsApi::initTestCase()
{
    QVERIFY(m_workspace.isValid());
    QVERIFY(QDir().mkpath(sourcePath(u"documents"_s)));
    QVERIFY(QDir().mkpath(sourcePath(u"photos"_s)));
    QVERIFY(QDir().mkpath(mountPoint()));

    m_server = std::make_unique<ServerProcess>();
    QVERIFY2(m_server->start(), m_server->standardError().constData());
    m_client = std::make_unique<ApiClient>(m_server->baseUrl());
    QCOMPARE(m_client->setUpAdmin().status / 100, 2);
}

void TestJobsApi::cleanupTestCase()
{
    m_client.reset();
    if (m_server && m_server->port() != 0)
        QCOMPARE(m_server->stop(), 0);
}

QJsonObject TestJobsApi::localJob(const QString &name) const
{
    return {
        {u"name"_s, name},
        {u"source_dirs"_s, QJsonArray{sourcePath(u"documents"_s)}},
        {u"destination_type"_s, u"local"_s},
        {u"destination_config"_s, QJsonObject{{u"mount_point"_s, mountPoint()}}},
    };
}

QJsonObject TestJobsApi::remoteJob(const QString &name, const QString &type,
                                   const QJsonObject &config) const
{
    return {
        {u"name"_s, name},
        {u"source_dirs"_s, QJsonArray{sourcePath(u"documents"_s)}},
        {u"destination_type"_s, type},
        {u"destination_config"_s, config},
    };
}

QJsonObject TestJobsApi::s3Job() const
{
    return remoteJob(u"S3 Backup"_s, u"s3"_s,
                     {{u"bucket"_s, u"my-backup-bucket"_s},
                      {u"prefix"_s, u"backups/server1/"_s},
                      {u"region"_s, u"us-east-1"_s},
                      {u"endpoint"_s, QJsonValue::Null},
                      {u"storage_class"_s, u"STANDARD"_s}});
}

QJsonObject TestJobsApi::sftpJob() const
{
    return remoteJob(u"SFTP Backup"_s, u"sftp"_s,
                     {{u"host"_s, u"backup.example.com"_s},
                      {u"port"_s, 22},
                      {u"username"_s, u"backup"_s},
                      {u"remote_path"_s, u"/backups"_s},
                      {u"key_based_auth"_s, false}});
}

QJsonObject TestJobsApi::createJob(const QJsonObject &body)
{
    const HttpReply reply = m_client->post(u"/api/jobs"_s, body);
    if (reply.status != 201)
        qWarning() << "POST /api/jobs returned" << reply.status << reply.body;
    return reply.status == 201 ? reply.object() : QJsonObject();
}

int TestJobsApi::jobCount() { return int(m_client->get(u"/api/jobs"_s).array().size()); }

// Polls the run until it ends and returns its last state, which is still active after a timeout.
QJsonObject TestJobsApi::waitForRunEnd(qint64 runId)
{
    const QDeadlineTimer deadline(kRunTimeoutMs);
    QJsonObject run = m_client->get(u"/api/runs/%1"_s.arg(runId)).object();
    while (!isFinished(run.value(u"status"_s).toString()) && !deadline.hasExpired()) {
        QTest::qWait(50);
        run = m_client->get(u"/api/runs/%1"_s.arg(runId)).object();
    }
    return run;
}

void TestJobsApi::createLocalJob()
{
    const HttpReply reply = m_client->post(u"/api/jobs"_s, localJob(u"Daily Backup"_s));

    QCOMPARE(reply.status, 201);
    QVERIFY(reply.header("Content-Type").startsWith("application/json"));
    m_created = reply.object();
    QVERIFY(m_created.value(u"id"_s).toInteger() > 0);
}

void TestJobsApi::createdJobFields_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QJsonValue>("expected");

    QTest::newRow("name") << u"name"_s << QJsonValue(u"Daily Backup"_s);
    QTest::newRow("description") << u"description"_s << QJsonValue(u""_s);
    QTest::newRow("enabled") << u"enabled"_s << QJsonValue(true);
    QTest::newRow("source_dirs") << u"source_dirs"_s
                                 << QJsonValue(QJsonArray{sourcePath(u"documents"_s)});
    QTest::newRow("destination_type") << u"destination_type"_s << QJsonValue(u"local"_s);
    QTest::newRow("mount_point") << u"destination_config.mount_point"_s << QJsonValue(mountPoint());
    QTest::newRow("backup_subdir") << u"destination_config.backup_subdir"_s << QJsonValue(u""_s);
    QTest::newRow("usb_uuid") << u"destination_config.usb_uuid"_s << QJsonValue(QJsonValue::Null);
    QTest::newRow("auto_mount") << u"destination_config.auto_mount"_s << QJsonValue(false);
    QTest::newRow("auto_unmount") << u"destination_config.auto_unmount"_s << QJsonValue(false);
    QTest::newRow("delete_extraneous") << u"sync_options.delete_extraneous"_s << QJsonValue(false);
    QTest::newRow("exclude_patterns")
        << u"sync_options.exclude_patterns"_s << QJsonValue(QJsonArray());
    QTest::newRow("bandwidth_limit_kbps")
        << u"sync_options.bandwidth_limit_kbps"_s << QJsonValue(QJsonValue::Null);
    QTest::newRow("dry_run") << u"sync_options.dry_run"_s << QJsonValue(false);
    QTest::newRow("verbosity") << u"sync_options.verbosity"_s << QJsonValue(u"normal"_s);
    QTest::newRow("credential_id") << u"credential_id"_s << QJsonValue(QJsonValue::Null);
    QTest::newRow("last_run") << u"last_run"_s << QJsonValue(QJsonValue::Null);
    QTest::newRow("schedules") << u"schedules"_s << QJsonValue(QJsonArray());
}

void TestJobsApi::createdJobFields()
{
    QFETCH(QString, field);
    QFETCH(QJsonValue, expected);

    QVERIFY(!m_created.isEmpty());
    const QJsonValue actual = valueAt(m_created, field);
    QVERIFY2(!actual.isUndefined(), qPrintable(u"field missing: "_s + field));
    QCOMPARE(actual, expected);
    QVERIFY(isApiTime(m_created.value(u"created_at"_s)));
    QVERIFY(isApiTime(m_created.value(u"updated_at"_s)));
}

void TestJobsApi::listContainsJob()
{
    const HttpReply reply = m_client->get(u"/api/jobs"_s);

    QCOMPARE(reply.status, 200);
    QJsonObject listed;
    for (const QJsonValue &job : reply.array()) {
        if (job.toObject().value(u"id"_s) == m_created.value(u"id"_s))
            listed = job.toObject();
    }
    QCOMPARE(listed, m_created);
}

void TestJobsApi::getReturnsJob()
{
    const HttpReply reply =
        m_client->get(u"/api/jobs/%1"_s.arg(m_created.value(u"id"_s).toInteger()));

    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object(), m_created);
}

void TestJobsApi::updateReplacesJob()
{
    const qint64 id = m_created.value(u"id"_s).toInteger();
    const QJsonObject body{
        {u"name"_s, u"Daily Backup (renamed)"_s},
        {u"description"_s, u"Backup of documents and photos"_s},
        {u"enabled"_s, false},
        {u"source_dirs"_s, QJsonArray{sourcePath(u"documents"_s), sourcePath(u"photos"_s)}},
        {u"destination_type"_s, u"local"_s},
        {u"destination_config"_s,
         QJsonObject{{u"mount_point"_s, mountPoint()},
                     {u"backup_subdir"_s, u"daily"_s},
                     {u"usb_uuid"_s, u"1234-5678"_s},
                     {u"auto_mount"_s, true},
                     {u"auto_unmount"_s, true}}},
        {u"sync_options"_s,
         QJsonObject{{u"delete_extraneous"_s, true},
                     {u"exclude_patterns"_s, QJsonArray{u"*.tmp"_s, u".cache"_s}},
                     {u"bandwidth_limit_kbps"_s, 200},
                     {u"dry_run"_s, true},
                     {u"verbosity"_s, u"verbose"_s}}},
        {u"credential_id"_s, QJsonValue::Null},
    };

    const HttpReply reply = m_client->put(u"/api/jobs/%1"_s.arg(id), body);

    QCOMPARE(reply.status, 200);
    const QJsonObject updated = reply.object();
    QCOMPARE(updated.value(u"id"_s).toInteger(), id);
    for (const QString &key : body.keys())
        QCOMPARE(updated.value(key), body.value(key));
    QCOMPARE(updated.value(u"created_at"_s), m_created.value(u"created_at"_s));
    QVERIFY(updated.value(u"updated_at"_s).toString()
            >= m_created.value(u"updated_at"_s).toString());
    QCOMPARE(m_client->get(u"/api/jobs/%1"_s.arg(id)).object(), updated);

    // PUT takes the whole job, so leaving sync_options out resets them to the defaults.
    const HttpReply reset = m_client->put(u"/api/jobs/%1"_s.arg(id), localJob(u"Daily Backup"_s));
    QCOMPARE(reset.status, 200);
    QCOMPARE(reset.object().value(u"sync_options"_s), m_created.value(u"sync_options"_s));
    QCOMPARE(reset.object().value(u"destination_config"_s),
             m_created.value(u"destination_config"_s));
}

void TestJobsApi::updateRejectsInvalidBody()
{
    const qint64 id = m_created.value(u"id"_s).toInteger();
    const QJsonObject before = m_client->get(u"/api/jobs/%1"_s.arg(id)).object();

    const HttpReply reply =
        m_client->put(u"/api/jobs/%1"_s.arg(id), without(localJob(u"Daily Backup"_s), u"name"_s));

    QCOMPARE(reply.status, 400);
    QVERIFY(reply.object().value(u"message"_s).toString().contains(u"name"_s));
    QCOMPARE(m_client->get(u"/api/jobs/%1"_s.arg(id)).object(), before);
}

void TestJobsApi::updateRenameConflicts()
{
    const QJsonObject other = createJob(localJob(u"Weekly Backup"_s));
    QVERIFY(!other.isEmpty());

    const HttpReply reply = m_client->put(u"/api/jobs/%1"_s.arg(other.value(u"id"_s).toInteger()),
                                          localJob(u"daily backup"_s));

    QCOMPARE(reply.status, 409);
    QCOMPARE(reply.object().value(u"error"_s).toString(), u"Conflict"_s);
    QCOMPARE(m_client->get(u"/api/jobs/%1"_s.arg(other.value(u"id"_s).toInteger()))
                 .object()
                 .value(u"name"_s),
             QJsonValue(u"Weekly Backup"_s));

    // Saving a job under its own name is no conflict.
    const HttpReply same = m_client->put(u"/api/jobs/%1"_s.arg(other.value(u"id"_s).toInteger()),
                                         localJob(u"Weekly Backup"_s));
    QCOMPARE(same.status, 200);
}

void TestJobsApi::deleteRemovesJob()
{
    const QJsonObject job = createJob(localJob(u"Short-lived"_s));
    QVERIFY(!job.isEmpty());
    const QString path = u"/api/jobs/%1"_s.arg(job.value(u"id"_s).toInteger());

    const HttpReply reply = m_client->remove(path);

    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object(), (QJsonObject{{u"message"_s, u"Job deleted"_s}}));
    QCOMPARE(m_client->get(path).status, 404);
    const HttpReply again = m_client->remove(path);
    QCOMPARE(again.status, 404);
    QCOMPARE(again.object().value(u"error"_s).toString(), u"Not found"_s);
    // The name is free again.
    QVERIFY(!createJob(localJob(u"Short-lived"_s)).isEmpty());
}

void TestJobsApi::cloneCopiesJob()
{
    const QJsonObject original =
        createJob(withValue(localJob(u"Nightly"_s), u"sync_options"_s,
                            QJsonObject{{u"exclude_patterns"_s, QJsonArray{u"*.tmp"_s}}}));
    QVERIFY(!original.isEmpty());
    const QString clonePath = u"/api/jobs/%1/clone"_s.arg(original.value(u"id"_s).toInteger());

    const HttpReply first = m_client->post(clonePath);
    const HttpReply second = m_client->post(clonePath);

    QCOMPARE(first.status, 201);
    QCOMPARE(second.status, 201);
    QCOMPARE(first.object().value(u"name"_s).toString(), u"Nightly (Copy)"_s);
    QCOMPARE(second.object().value(u"name"_s).toString(), u"Nightly (Copy 2)"_s);
    QVERIFY(first.object().value(u"id"_s) != original.value(u"id"_s));
    QVERIFY(second.object().value(u"id"_s) != first.object().value(u"id"_s));
    for (const QString &key :
         {u"description"_s, u"enabled"_s, u"source_dirs"_s, u"destination_type"_s,
          u"destination_config"_s, u"sync_options"_s, u"credential_id"_s}) {
        QCOMPARE(first.object().value(key), original.value(key));
    }
    QCOMPARE(first.object().value(u"last_run"_s), QJsonValue(QJsonValue::Null));
    QCOMPARE(first.object().value(u"schedules"_s), QJsonValue(QJsonArray()));
    QCOMPARE(
        m_client->get(u"/api/jobs/%1"_s.arg(first.object().value(u"id"_s).toInteger())).object(),
        first.object());
}

void TestJobsApi::duplicateNameConflicts_data()
{
    QTest::addColumn<QString>("name");

    QTest::newRow("same") << u"Daily Backup"_s;
    QTest::newRow("upper case") << u"DAILY BACKUP"_s;
    QTest::newRow("lower case") << u"daily backup"_s;
    QTest::newRow("surrounding spaces") << u"  Daily Backup  "_s;
}

void TestJobsApi::duplicateNameConflicts()
{
    QFETCH(QString, name);
    const int before = jobCount();

    const HttpReply reply = m_client->post(u"/api/jobs"_s, localJob(name));

    QCOMPARE(reply.status, 409);
    QCOMPARE(reply.object().value(u"error"_s).toString(), u"Conflict"_s);
    QVERIFY(!reply.object().value(u"message"_s).toString().isEmpty());
    QCOMPARE(jobCount(), before);
}

void TestJobsApi::invalidBodyRejected_data()
{
    QTest::addColumn<QJsonObject>("body");
    // Text that the error message must contain: the field's name, or the rejected value.
    QTest::addColumn<QString>("mention");

    const QJsonObject local = localJob(u"Invalid"_s);
    const QString documents = sourcePath(u"documents"_s);

    QTest::newRow("name missing") << without(local, u"name"_s) << u"name"_s;
    QTest::newRow("name number") << withValue(local, u"name"_s, 7) << u"name"_s;
    QTest::newRow("name empty") << withValue(local, u"name"_s, u"  "_s) << u"name"_s;
    QTest::newRow("description number")
        << withValue(local, u"description"_s, 1) << u"description"_s;
    QTest::newRow("enabled string") << withValue(local, u"enabled"_s, u"yes"_s) << u"enabled"_s;
    QTest::newRow("credential_id string")
        << withValue(local, u"credential_id"_s, u"one"_s) << u"credential_id"_s;
    QTest::newRow("credential_id zero")
        << withValue(local, u"credential_id"_s, 0) << u"credential_id"_s;
    QTest::newRow("unknown top-level field")
        << withValue(local, u"colour"_s, u"red"_s) << u"colour"_s;

    QTest::newRow("source_dirs missing") << without(local, u"source_dirs"_s) << u"source_dirs"_s;
    QTest::newRow("source_dirs string")
        << withValue(local, u"source_dirs"_s, documents) << u"source_dirs"_s;
    QTest::newRow("source_dirs empty")
        << withValue(local, u"source_dirs"_s, QJsonArray()) << u"source_dirs"_s;
    QTest::newRow("source_dirs item number")
        << withValue(local, u"source_dirs"_s, QJsonArray{5}) << u"source_dirs"_s;
    QTest::newRow("source relative")
        << withValue(local, u"source_dirs"_s, QJsonArray{u"home/user"_s}) << u"source_dirs"_s;
    QTest::newRow("source root") << withValue(local, u"source_dirs"_s, QJsonArray{u"/"_s})
                                 << u"source_dirs"_s;
    QTest::newRow("source empty string")
        << withValue(local, u"source_dirs"_s, QJsonArray{u""_s}) << u"source_dirs"_s;
    QTest::newRow("source newline")
        << withValue(local, u"source_dirs"_s, QJsonArray{QString(documents + u"\nx"_s)})
        << u"source_dirs"_s;
    QTest::newRow("source dot-dot")
        << withValue(local, u"source_dirs"_s, QJsonArray{QString(documents + u"/../photos"_s)})
        << u"source_dirs"_s;
    QTest::newRow("source leading dash")
        << withValue(local, u"source_dirs"_s, QJsonArray{u"-rf"_s}) << u"source_dirs"_s;
    QTest::newRow("sources share basename") << withValue(
        local, u"source_dirs"_s, QJsonArray{documents, m_workspace.filePath(u"other/documents"_s)})
                                            << u"source_dirs"_s;
    QTest::newRow("sources nested") << withValue(
        local, u"source_dirs"_s, QJsonArray{documents, QString(documents + u"/inner"_s)})
                                    << u"source_dirs"_s;
    QTest::newRow("destination inside source")
        << withValue(local, u"destination_config.mount_point"_s, QString(documents + u"/backup"_s))
        << documents;
    QTest::newRow("source inside destination")
        << withValue(local, u"destination_config.mount_point"_s, m_workspace.filePath(u"sources"_s))
        << documents;
    QTest::newRow("destination is source")
        << withValue(local, u"destination_config.mount_point"_s, documents) << documents;
    QTest::newRow("subdir leads into source")
        << withValue(withValue(local, u"destination_config.mount_point"_s, m_workspace.path()),
                     u"destination_config.backup_subdir"_s, u"sources/documents"_s)
        << documents;

    QTest::newRow("destination_type missing")
        << without(local, u"destination_type"_s) << u"destination_type"_s;
    QTest::newRow("destination_type unknown")
        << withValue(local, u"destination_type"_s, u"ftp"_s) << u"destination_type"_s;
    QTest::newRow("destination_type number")
        << withValue(local, u"destination_type"_s, 1) << u"destination_type"_s;
    QTest::newRow("destination_type wrong case")
        << withValue(local, u"destination_type"_s, u"LOCAL"_s) << u"destination_type"_s;
    QTest::newRow("destination_config missing")
        << without(local, u"destination_config"_s) << u"destination_config"_s;
    QTest::newRow("destination_config string")
        << withValue(local, u"destination_config"_s, u"/mnt"_s) << u"destination_config"_s;

    QTest::newRow("local mount_point missing")
        << without(local, u"destination_config.mount_point"_s) << u"mount_point"_s;
    QTest::newRow("local mount_point number")
        << withValue(local, u"destination_config.mount_point"_s, 1) << u"mount_point"_s;
    QTest::newRow("local mount_point relative")
        << withValue(local, u"destination_config.mount_point"_s, u"mnt"_s) << u"mount_point"_s;
    QTest::newRow("local mount_point root")
        << withValue(local, u"destination_config.mount_point"_s, u"/"_s) << u"mount_point"_s;
    QTest::newRow("local mount_point newline")
        << withValue(local, u"destination_config.mount_point"_s, u"/mnt/a\nb"_s)
        << u"mount_point"_s;
    QTest::newRow("local mount_point dot-dot")
        << withValue(local, u"destination_config.mount_point"_s, u"/mnt/../etc"_s)
        << u"mount_point"_s;
    QTest::newRow("local backup_subdir absolute")
        << withValue(local, u"destination_config.backup_subdir"_s, u"/daily"_s)
        << u"backup_subdir"_s;
    QTest::newRow("local backup_subdir dot-dot")
        << withValue(local, u"destination_config.backup_subdir"_s, u"../escape"_s)
        << u"backup_subdir"_s;
    QTest::newRow("local backup_subdir newline")
        << withValue(local, u"destination_config.backup_subdir"_s, u"a\nb"_s) << u"backup_subdir"_s;
    QTest::newRow("local backup_subdir number")
        << withValue(local, u"destination_config.backup_subdir"_s, 3) << u"backup_subdir"_s;
    QTest::newRow("local usb_uuid malformed")
        << withValue(local, u"destination_config.usb_uuid"_s, u"not-a-uuid"_s) << u"usb_uuid"_s;
    QTest::newRow("local usb_uuid number")
        << withValue(local, u"destination_config.usb_uuid"_s, 12345678) << u"usb_uuid"_s;
    QTest::newRow("local auto_mount string")
        << withValue(local, u"destination_config.auto_mount"_s, u"true"_s) << u"auto_mount"_s;
    QTest::newRow("local auto_unmount number")
        << withValue(local, u"destination_config.auto_unmount"_s, 1) << u"auto_unmount"_s;
    QTest::newRow("local unknown config field")
        << withValue(local, u"destination_config.bucket"_s, u"my-bucket"_s)
        << u"destination_config.bucket"_s;

    QTest::newRow("sync_options string")
        << withValue(local, u"sync_options"_s, u"fast"_s) << u"sync_options"_s;
    QTest::newRow("sync_options unknown field")
        << withValue(local, u"sync_options.compress"_s, true) << u"sync_options.compress"_s;
    QTest::newRow("verbosity unknown")
        << withValue(local, u"sync_options.verbosity"_s, u"loud"_s) << u"verbosity"_s;
    QTest::newRow("verbosity number")
        << withValue(local, u"sync_options.verbosity"_s, 2) << u"verbosity"_s;
    QTest::newRow("delete_extraneous string")
        << withValue(local, u"sync_options.delete_extraneous"_s, u"yes"_s)
        << u"delete_extraneous"_s;
    QTest::newRow("dry_run number")
        << withValue(local, u"sync_options.dry_run"_s, 1) << u"dry_run"_s;
    QTest::newRow("exclude_patterns string")
        << withValue(local, u"sync_options.exclude_patterns"_s, u"*.tmp"_s)
        << u"exclude_patterns"_s;
    QTest::newRow("exclude_patterns item number")
        << withValue(local, u"sync_options.exclude_patterns"_s, QJsonArray{1})
        << u"exclude_patterns"_s;
    QTest::newRow("bandwidth negative")
        << withValue(local, u"sync_options.bandwidth_limit_kbps"_s, -5)
        << u"bandwidth_limit_kbps"_s;
    QTest::newRow("bandwidth fraction")
        << withValue(local, u"sync_options.bandwidth_limit_kbps"_s, 1.5)
        << u"bandwidth_limit_kbps"_s;
    QTest::newRow("bandwidth string")
        << withValue(local, u"sync_options.bandwidth_limit_kbps"_s, u"fast"_s)
        << u"bandwidth_limit_kbps"_s;

    const QJsonObject s3 = s3Job();
    QTest::newRow("s3 bucket missing")
        << without(s3, u"destination_config.bucket"_s) << u"bucket"_s;
    QTest::newRow("s3 bucket number")
        << withValue(s3, u"destination_config.bucket"_s, 5) << u"bucket"_s;
    QTest::newRow("s3 bucket upper case")
        << withValue(s3, u"destination_config.bucket"_s, u"My_Bucket"_s) << u"bucket"_s;
    QTest::newRow("s3 bucket too short")
        << withValue(s3, u"destination_config.bucket"_s, u"ab"_s) << u"bucket"_s;
    QTest::newRow("s3 bucket IP address")
        << withValue(s3, u"destination_config.bucket"_s, u"192.168.1.1"_s) << u"bucket"_s;
    QTest::newRow("s3 storage_class unknown")
        << withValue(s3, u"destination_config.storage_class"_s, u"FAST"_s) << u"storage_class"_s;
    QTest::newRow("s3 storage_class number")
        << withValue(s3, u"destination_config.storage_class"_s, 1) << u"storage_class"_s;
    QTest::newRow("s3 endpoint ftp")
        << withValue(s3, u"destination_config.endpoint"_s, u"ftp://s3.example.com"_s)
        << u"endpoint"_s;
    QTest::newRow("s3 region malformed")
        << withValue(s3, u"destination_config.region"_s, u"US East"_s) << u"region"_s;
    QTest::newRow("s3 region number")
        << withValue(s3, u"destination_config.region"_s, 1) << u"region"_s;
    QTest::newRow("s3 unknown config field")
        << withValue(s3, u"destination_config.mount_point"_s, u"/mnt"_s)
        << u"destination_config.mount_point"_s;

    const QJsonObject drive =
        remoteJob(u"Invalid"_s, u"google_drive"_s, {{u"folder_id"_s, u"1AbC_dEf-123"_s}});
    QTest::newRow("google_drive folder_id missing")
        << without(drive, u"destination_config.folder_id"_s) << u"folder_id"_s;
    QTest::newRow("google_drive folder_id malformed")
        << withValue(drive, u"destination_config.folder_id"_s, u"a b/c"_s) << u"folder_id"_s;
    QTest::newRow("google_drive shared_drive_id number")
        << withValue(drive, u"destination_config.shared_drive_id"_s, 1) << u"shared_drive_id"_s;

    const QJsonObject oneDrive =
        remoteJob(u"Invalid"_s, u"onedrive"_s, {{u"folder_path"_s, u"/Backups"_s}});
    QTest::newRow("onedrive folder_path missing")
        << without(oneDrive, u"destination_config.folder_path"_s) << u"folder_path"_s;
    QTest::newRow("onedrive folder_path dot-dot")
        << withValue(oneDrive, u"destination_config.folder_path"_s, u"/Backups/../x"_s)
        << u"folder_path"_s;
    QTest::newRow("onedrive drive_id malformed")
        << withValue(oneDrive, u"destination_config.drive_id"_s, u"a b"_s) << u"drive_id"_s;

    const QJsonObject sftp = sftpJob();
    QTest::newRow("sftp host missing") << without(sftp, u"destination_config.host"_s) << u"host"_s;
    QTest::newRow("sftp host malformed")
        << withValue(sftp, u"destination_config.host"_s, u"bad host!"_s) << u"host"_s;
    QTest::newRow("sftp username missing")
        << without(sftp, u"destination_config.username"_s) << u"username"_s;
    QTest::newRow("sftp remote_path missing")
        << without(sftp, u"destination_config.remote_path"_s) << u"remote_path"_s;
    QTest::newRow("sftp port 0") << withValue(sftp, u"destination_config.port"_s, 0) << u"port"_s;
    QTest::newRow("sftp port 70000")
        << withValue(sftp, u"destination_config.port"_s, 70000) << u"port"_s;
    QTest::newRow("sftp port string")
        << withValue(sftp, u"destination_config.port"_s, u"22"_s) << u"port"_s;
    QTest::newRow("sftp port fraction")
        << withValue(sftp, u"destination_config.port"_s, 22.5) << u"port"_s;
    QTest::newRow("sftp key_based_auth string")
        << withValue(sftp, u"destination_config.key_based_auth"_s, u"no"_s) << u"key_based_auth"_s;
    QTest::newRow("sftp fingerprint MD5")
        << withValue(sftp, u"destination_config.host_key_fingerprint"_s, u"MD5:12:34:56"_s)
        << u"host_key_fingerprint"_s;
    QTest::newRow("sftp fingerprint short")
        << withValue(sftp, u"destination_config.host_key_fingerprint"_s, u"SHA256:abc"_s)
        << u"host_key_fingerprint"_s;

    const QJsonObject webDav = remoteJob(u"Invalid"_s, u"webdav"_s,
                                         {{u"url"_s, u"https://cloud.example.com/remote.php/dav"_s},
                                          {u"remote_path"_s, u"/backups"_s}});
    QTest::newRow("webdav url missing") << without(webDav, u"destination_config.url"_s) << u"url"_s;
    QTest::newRow("webdav url ftp")
        << withValue(webDav, u"destination_config.url"_s, u"ftp://cloud.example.com"_s) << u"url"_s;
    QTest::newRow("webdav url no host")
        << withValue(webDav, u"destination_config.url"_s, u"https://"_s) << u"url"_s;
    QTest::newRow("webdav url with password") << withValue(
        webDav, u"destination_config.url"_s, u"https://user:secret@cloud.example.com"_s)
                                              << u"url"_s;
    QTest::newRow("webdav vendor unknown")
        << withValue(webDav, u"destination_config.vendor"_s, u"dropbox"_s) << u"vendor"_s;
}

void TestJobsApi::invalidBodyRejected()
{
    QFETCH(QJsonObject, body);
    QFETCH(QString, mention);
    const int before = jobCount();

    const HttpReply reply = m_client->post(u"/api/jobs"_s, body);

    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.object().value(u"error"_s).toString(), u"Invalid request"_s);
    const QString message = reply.object().value(u"message"_s).toString();
    QVERIFY2(message.contains(mention), qPrintable(message));
    QCOMPARE(jobCount(), before);
}

void TestJobsApi::destinationAliasNormalized_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<QJsonObject>("config");

    const QJsonObject oneDrive{{u"folder_path"_s, u"/Backups"_s}};
    const QJsonObject webDav{{u"url"_s, u"https://cloud.example.com/dav"_s}};
    QTest::newRow("one_drive") << u"one_drive"_s << u"onedrive"_s << oneDrive;
    QTest::newRow("onedrive") << u"onedrive"_s << u"onedrive"_s << oneDrive;
    QTest::newRow("web_dav") << u"web_dav"_s << u"webdav"_s << webDav;
    QTest::newRow("webdav") << u"webdav"_s << u"webdav"_s << webDav;
}

void TestJobsApi::destinationAliasNormalized()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    QFETCH(QJsonObject, config);

    const QJsonObject job = createJob(remoteJob(QString(u"Alias "_s + input), input, config));

    QVERIFY(!job.isEmpty());
    QCOMPARE(job.value(u"destination_type"_s).toString(), expected);
    const HttpReply stored = m_client->get(u"/api/jobs/%1"_s.arg(job.value(u"id"_s).toInteger()));
    QCOMPARE(stored.object().value(u"destination_type"_s).toString(), expected);
}

void TestJobsApi::remoteJobStored_data()
{
    QTest::addColumn<QJsonObject>("body");
    // A field the body leaves out, and the default the server fills in for it.
    QTest::addColumn<QString>("defaultField");
    QTest::addColumn<QJsonValue>("defaultValue");

    QTest::newRow("s3") << without(s3Job(), u"destination_config.region"_s) << u"region"_s
                        << QJsonValue(u"us-east-1"_s);
    QTest::newRow("google_drive") << remoteJob(u"Drive Backup"_s, u"google_drive"_s,
                                               {{u"folder_id"_s, u"1AbC_dEf-123"_s}})
                                  << u"shared_drive_id"_s << QJsonValue(QJsonValue::Null);
    QTest::newRow("onedrive") << remoteJob(u"OneDrive Backup"_s, u"onedrive"_s,
                                           {{u"folder_path"_s, u"/Backups"_s}})
                              << u"drive_id"_s << QJsonValue(QJsonValue::Null);
    QTest::newRow("sftp") << without(sftpJob(), u"destination_config.port"_s) << u"port"_s
                          << QJsonValue(22);
    QTest::newRow("webdav") << remoteJob(u"WebDAV Backup"_s, u"webdav"_s,
                                         {{u"url"_s, u"https://cloud.example.com/remote.php/dav"_s},
                                          {u"remote_path"_s, u"/backups"_s}})
                            << u"vendor"_s << QJsonValue(u"other"_s);
}

void TestJobsApi::remoteJobStored()
{
    QFETCH(QJsonObject, body);
    QFETCH(QString, defaultField);
    QFETCH(QJsonValue, defaultValue);

    const HttpReply reply = m_client->post(u"/api/jobs"_s, body);

    QCOMPARE(reply.status, 201);
    const QJsonObject job = reply.object();
    QCOMPARE(job.value(u"destination_type"_s), body.value(u"destination_type"_s));
    const QJsonObject sentConfig = body.value(u"destination_config"_s).toObject();
    const QJsonObject storedConfig = job.value(u"destination_config"_s).toObject();
    for (const QString &key : sentConfig.keys())
        QCOMPARE(storedConfig.value(key), sentConfig.value(key));
    QVERIFY2(storedConfig.contains(defaultField), qPrintable(defaultField));
    QCOMPARE(storedConfig.value(defaultField), defaultValue);
    QCOMPARE(m_client->get(u"/api/jobs/%1"_s.arg(job.value(u"id"_s).toInteger())).object(), job);
}

void TestJobsApi::remoteJobRunFails()
{
    const QJsonObject job = createJob(withValue(sftpJob(), u"name"_s, u"SFTP Run"_s));
    QVERIFY(!job.isEmpty());
    const qint64 jobId = job.value(u"id"_s).toInteger();

    const HttpReply started = m_client->post(u"/api/jobs/%1/run"_s.arg(jobId));
    QVERIFY2(started.status == 200 || started.status == 202, started.body.constData());
    const qint64 runId = started.object().value(u"run_id"_s).toInteger();
    QVERIFY(runId > 0);

    const QJsonObject run = waitForRunEnd(runId);
    QCOMPARE(run.value(u"status"_s).toString(), u"failed"_s);
    const QString error = run.value(u"error_message"_s).toString();
    // The job has no credential, so the run fails before rclone starts.
    QVERIFY2(error.contains(u"has no credential"_s), qPrintable(error));
    QCOMPARE(run.value(u"job_id"_s).toInteger(), jobId);
    const QJsonObject lastRun =
        m_client->get(u"/api/jobs/%1"_s.arg(jobId)).object().value(u"last_run"_s).toObject();
    QCOMPARE(lastRun.value(u"id"_s).toInteger(), runId);
    QCOMPARE(lastRun.value(u"status"_s).toString(), u"failed"_s);
}

void TestJobsApi::invalidJobId_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("suffix");
    QTest::addColumn<QString>("id");
    QTest::addColumn<int>("status");

    const QList<QPair<QByteArray, QString>> routes{
        {"GET", QString()},    {"PUT", QString()},  {"DELETE", QString()},
        {"POST", u"/clone"_s}, {"POST", u"/run"_s}, {"POST", u"/cancel"_s},
    };
    const QList<QPair<QString, int>> ids{
        {u"abc"_s, 400},
        {u"0"_s, 400},
        {u"-1"_s, 400},
        {u"1.5"_s, 400},
        {u"99999999999999999999"_s, 400},
        {u"999"_s, 404},
    };
    for (const auto &[method, suffix] : routes) {
        for (const auto &[id, status] : ids) {
            QTest::addRow("%s /api/jobs/%s%s", method.constData(), qPrintable(id),
                          qPrintable(suffix))
                << method << suffix << id << status;
        }
    }
}

void TestJobsApi::invalidJobId()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, suffix);
    QFETCH(QString, id);
    QFETCH(int, status);

    const QByteArray body =
        method == "PUT" ? QJsonDocument(localJob(u"Id Check"_s)).toJson() : QByteArray();
    const HttpReply reply = m_client->send(method, u"/api/jobs/"_s + id + suffix, body,
                                           {{"Content-Type", "application/json"}});

    QCOMPARE(reply.status, status);
    QCOMPARE(reply.object().value(u"error"_s).toString(),
             status == 404 ? u"Not found"_s : u"Invalid request"_s);
    QVERIFY(!reply.object().value(u"message"_s).toString().isEmpty());
}

QTEST_GUILESS_MAIN(TestJobsApi)
#include "tst_jobsapi.moc"
