#pragma once

#include "models/job.h"
#include "result.h"
#include "runner/backuprunner.h"

#include <memory>

namespace dynamight {

// Creates the runner for a run of a job, after the checks that must pass before any child
// process may write anything. Injected into the run manager so tests can count or replace runs.
class RunnerFactory
{
public:
    virtual ~RunnerFactory() = default;
    virtual Result<std::unique_ptr<BackupRunner>> create(const Job &job) const = 0;
};

class DefaultRunnerFactory final : public RunnerFactory
{
public:
    explicit DefaultRunnerFactory(QString rsyncProgram = QStringLiteral("rsync"));
    Result<std::unique_ptr<BackupRunner>> create(const Job &job) const override;

private:
    Result<std::unique_ptr<BackupRunner>> createLocal(const Job &job) const;

    QString m_rsyncProgram;
};

// Checks what a local run needs before rsync starts: the sources exist, are folders, and with
// delete_extraneous are not empty (syncing an empty folder would empty the backup), and the
// destination's mount point exists.
Status checkLocalPreconditions(const Job &job);

} // namespace dynamight
