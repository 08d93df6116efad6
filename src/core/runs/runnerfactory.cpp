#include "runs/runnerfactory.h"

#include "clock.h"
#include "credentials/credentialstore.h"
#include "logging.h"
#include "runner/localdestinationrunner.h"
#include "runner/rclonerunner.h"
#include "runner/rsyncrunner.h"

#include <QDir>
#include <QFileInfo>

namespace dynamight {

namespace {

Status checkSource(const QString &source, bool deleteExtraneous)
{
    const QFileInfo info(source);
    if (!info.exists())
        return Error::invalid(QStringLiteral("Source folder %1 does not exist").arg(source));
    if (!info.isDir())
        return Error::invalid(QStringLiteral("Source %1 is not a folder").arg(source));
    if (!info.isReadable())
        return Error::invalid(QStringLiteral("Source folder %1 is not readable").arg(source));

    const bool empty = QDir(source).isEmpty(QDir::AllEntries | QDir::Hidden | QDir::System
                                            | QDir::NoDotAndDotDot);
    if (deleteExtraneous && empty) {
        return Error::invalid(QStringLiteral("Source folder %1 is empty: with delete_extraneous on, "
                                             "syncing it would delete the backup, so the run was "
                                             "stopped before the sync started")
                                  .arg(source));
    }
    return {};
}

} // namespace

Status checkLocalPreconditions(const Job &job)
{
    const LocalDestination destination = LocalDestination::fromConfig(job.destinationConfig);
    const Status sources = checkSourcePreconditions(job);
    if (!sources)
        return sources;
    // With usb_uuid the runner checks the mount point itself: it must be that drive's mount,
    // and with auto_mount the runner may create it.
    if (!destination.usbUuid && !QFileInfo(destination.mountPoint).isDir()) {
        return Error::invalid(QStringLiteral("Destination folder %1 does not exist: create it or mount "
                                             "the drive there")
                                  .arg(destination.mountPoint));
    }
    return {};
}

Status checkSourcePreconditions(const Job &job)
{
    for (const QString &source : job.sourceDirs) {
        const Status checked = checkSource(source, job.syncOptions.deleteExtraneous);
        if (!checked)
            return checked;
    }
    return {};
}

DefaultRunnerFactory::DefaultRunnerFactory(QString rsyncProgram)
{
    m_programs.rsync = std::move(rsyncProgram);
}

DefaultRunnerFactory::DefaultRunnerFactory(RunnerPrograms programs, CredentialStore *credentials, const Clock *clock)
    : m_programs(std::move(programs))
    , m_credentials(credentials)
    , m_clock(clock)
{
}

Result<std::unique_ptr<BackupRunner>> DefaultRunnerFactory::create(const Job &job) const
{
    if (job.destinationType == DestinationType::Local)
        return createLocal(job);
    return createRemote(job);
}

Result<std::unique_ptr<BackupRunner>> DefaultRunnerFactory::createLocal(const Job &job) const
{
    const Status ready = checkLocalPreconditions(job);
    if (!ready)
        return ready.error();

    const LocalDestination destination = LocalDestination::fromConfig(job.destinationConfig);
    LocalRunPlan plan{localRsyncTasks(job), job.syncOptions, destination, SystemTools()};
    plan.tools.rsync = m_programs.rsync;
    std::unique_ptr<BackupRunner> runner = std::make_unique<LocalDestinationRunner>(std::move(plan));
    return runner;
}

Result<QJsonObject> DefaultRunnerFactory::credentialData(const Job &job) const
{
    const QString type = destinationTypeName(job.destinationType);
    if (!job.credentialId) {
        return Error::invalid(QStringLiteral("Job '%1' has no credential, and a %2 destination needs one: "
                                             "set credential_id to a %2 credential")
                                  .arg(job.name, type));
    }
    if (!m_credentials)
        return Error::internal(QStringLiteral("This build cannot read credentials, so it cannot run %1 jobs").arg(type));
    return m_credentials->secretData(*job.credentialId);
}

Result<std::unique_ptr<BackupRunner>> DefaultRunnerFactory::createRemote(const Job &job) const
{
    const Status sources = checkSourcePreconditions(job);
    if (!sources)
        return sources.error();
    const auto data = credentialData(job);
    if (!data)
        return data.error();
    auto remote = buildRcloneRemote(job.destinationType, job.destinationConfig, *data);
    if (!remote)
        return remote.error();

    RcloneRunnerSetup setup{std::move(remote).value(), m_programs.rclone, m_programs.sshKeyscan, {}};
    CredentialStore *credentials = m_credentials;
    const Clock *clock = m_clock;
    const qint64 credentialId = *job.credentialId;
    setup.storeRefreshedToken = [credentials, clock, credentialId](const QJsonObject &refreshed) {
        const auto updated = credentials->update(credentialId, CredentialChange{std::nullopt, refreshed},
                                                 clock ? clock->now() : QDateTime::currentDateTimeUtc());
        if (!updated) {
            qCWarning(lcRunner).noquote() << "Failed to store the refreshed OAuth token of credential"
                                          << credentialId << ":" << updated.error().message();
        }
    };
    std::unique_ptr<BackupRunner> runner =
        std::make_unique<RcloneRunner>(job.sourceDirs, job.syncOptions, std::move(setup));
    return runner;
}

} // namespace dynamight
