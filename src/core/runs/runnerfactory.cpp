#include "runs/runnerfactory.h"

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
                                             "stopped before rsync started")
                                  .arg(source));
    }
    return {};
}

} // namespace

Status checkLocalPreconditions(const Job &job)
{
    const LocalDestination destination = LocalDestination::fromConfig(job.destinationConfig);
    if (destination.usbUuid) {
        return Error::invalid(QStringLiteral("Jobs with usb_uuid set are not supported yet: this build "
                                             "cannot check that drive %1 is mounted at %2, so it "
                                             "writes nothing; clear usb_uuid to back up into the "
                                             "folder as it is")
                                  .arg(*destination.usbUuid, destination.mountPoint));
    }
    for (const QString &source : job.sourceDirs) {
        const Status checked = checkSource(source, job.syncOptions.deleteExtraneous);
        if (!checked)
            return checked;
    }
    if (!QFileInfo(destination.mountPoint).isDir()) {
        return Error::invalid(QStringLiteral("Destination folder %1 does not exist: create it or mount "
                                             "the drive there")
                                  .arg(destination.mountPoint));
    }
    return {};
}

DefaultRunnerFactory::DefaultRunnerFactory(QString rsyncProgram)
    : m_rsyncProgram(std::move(rsyncProgram))
{
}

Result<std::unique_ptr<BackupRunner>> DefaultRunnerFactory::create(const Job &job) const
{
    if (job.destinationType == DestinationType::Local)
        return createLocal(job);
    return Error::invalid(QStringLiteral("Destination type '%1' is not supported yet: this build runs "
                                         "local jobs only")
                              .arg(destinationTypeName(job.destinationType)));
}

Result<std::unique_ptr<BackupRunner>> DefaultRunnerFactory::createLocal(const Job &job) const
{
    const Status ready = checkLocalPreconditions(job);
    if (!ready)
        return ready.error();

    const LocalDestination destination = LocalDestination::fromConfig(job.destinationConfig);
    QList<RsyncTask> tasks;
    for (const QString &source : job.sourceDirs)
        tasks.append(RsyncTask{source, destination.targetFor(source)});
    std::unique_ptr<BackupRunner> runner = std::make_unique<RsyncRunner>(tasks, job.syncOptions, m_rsyncProgram);
    return runner;
}

} // namespace dynamight
