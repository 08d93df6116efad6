#include "auth/systemkeychain.h"

#include <QEventLoop>
#include <qt6keychain/keychain.h>
#include <QTimer>

namespace dynamight {

namespace {

struct JobOutcome
{
    bool finished = false;
    QKeychain::Error error = QKeychain::OtherError;
    QString errorString;
    QByteArray data;
};

// Starts job and waits until it finishes or timeout ends. The job deletes itself once it
// finishes, also when that happens after the timeout, so the caller never touches it again.
JobOutcome runJob(QKeychain::Job *job, std::chrono::milliseconds timeout)
{
    JobOutcome outcome;
    QEventLoop loop;
    QObject::connect(job, &QKeychain::Job::finished, &loop,
                     [&outcome, &loop](QKeychain::Job *done) {
                         outcome.finished = true;
                         outcome.error = done->error();
                         outcome.errorString = done->errorString();
                         if (auto *reader = qobject_cast<QKeychain::ReadPasswordJob *>(done))
                             outcome.data = reader->binaryData();
                         loop.quit();
                     });
    QTimer::singleShot(timeout, &loop, &QEventLoop::quit);
    job->setAutoDelete(true);
    job->start();
    if (!outcome.finished)
        loop.exec();
    return outcome;
}

QString describeFailure(const JobOutcome &outcome, std::chrono::milliseconds timeout)
{
    if (!outcome.finished)
        return QStringLiteral("no answer within %1 ms").arg(timeout.count());
    return QStringLiteral("%1 (QtKeychain error %2)")
        .arg(outcome.errorString)
        .arg(int(outcome.error));
}

} // namespace

SystemKeychain::SystemKeychain(std::chrono::milliseconds timeout)
    : m_timeout(timeout)
{ }

Keychain::Lookup SystemKeychain::read(const QString &key)
{
    auto *job = new QKeychain::ReadPasswordJob(QLatin1String(service));
    job->setKey(key);
    const JobOutcome outcome = runJob(job, m_timeout);

    if (outcome.finished && outcome.error == QKeychain::NoError)
        return {LookupStatus::Found, outcome.data, QString()};
    if (outcome.finished && outcome.error == QKeychain::EntryNotFound)
        return {LookupStatus::NotFound, QByteArray(), QString()};
    return {LookupStatus::Unavailable, QByteArray(), describeFailure(outcome, m_timeout)};
}

Status SystemKeychain::write(const QString &key, const QByteArray &value)
{
    auto *job = new QKeychain::WritePasswordJob(QLatin1String(service));
    job->setKey(key);
    job->setBinaryData(value);
    const JobOutcome outcome = runJob(job, m_timeout);

    if (outcome.finished && outcome.error == QKeychain::NoError)
        return {};
    return Error(Error::Kind::Unavailable,
                 QStringLiteral("Failed to write %1: %2")
                     .arg(describe(key), describeFailure(outcome, m_timeout)));
}

QString SystemKeychain::describe(const QString &key) const
{
    return QStringLiteral("the OS keychain (service %1, key %2)").arg(QLatin1String(service), key);
}

} // namespace dynamight
