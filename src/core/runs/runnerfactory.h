#pragma once

#include "models/job.h"
#include "result.h"
#include "runner/backuprunner.h"

#include <memory>

namespace dynamight {

class Clock;
class CredentialStore;

// Creates the runner for a run of a job, after the checks that must pass before any child
// process may write anything. Injected into the run manager so tests can count or replace runs.
class RunnerFactory
{
public:
    virtual ~RunnerFactory() = default;
    virtual Result<std::unique_ptr<BackupRunner>> create(const Job &job) const = 0;
};

// The programs that runners start, by name on PATH or by absolute path.
struct RunnerPrograms
{
    QString rsync = QStringLiteral("rsync");
    QString rclone = QStringLiteral("rclone");
    QString sshKeyscan = QStringLiteral("ssh-keyscan");
};

// Local jobs run with rsync; every other destination type runs with rclone, with the job's
// credential decrypted from credentials. Without a credential store, remote jobs fail to start.
class DefaultRunnerFactory final : public RunnerFactory
{
public:
    explicit DefaultRunnerFactory(QString rsyncProgram = QStringLiteral("rsync"));
    DefaultRunnerFactory(RunnerPrograms programs, CredentialStore *credentials, const Clock *clock);
    Result<std::unique_ptr<BackupRunner>> create(const Job &job) const override;

private:
    Result<std::unique_ptr<BackupRunner>> createLocal(const Job &job) const;
    Result<std::unique_ptr<BackupRunner>> createRemote(const Job &job) const;
    Result<QJsonObject> credentialData(const Job &job) const;

    RunnerPrograms m_programs;
    CredentialStore *m_credentials = nullptr;
    const Clock *m_clock = nullptr;
};

// Checks what a local run needs before rsync starts: the sources exist, are folders, and with
// delete_extraneous are not empty (syncing an empty folder would empty the backup), and the
// destination's mount point exists. With usb_uuid set, the mount point is not checked here,
// because LocalDestinationRunner checks that the drive is mounted there.
Status checkLocalPreconditions(const Job &job);
// Checks the sources of a job of any destination type, as checkLocalPreconditions() does.
Status checkSourcePreconditions(const Job &job);

} // namespace dynamight
