#include "core.h"

#include "auth/authservice.h"
#include "auth/serversecret.h"
#include "auth/systemkeychain.h"
#include "credentials/credentialstore.h"
#include "jobs/jobstore.h"
#include "logging.h"
#include "runner/rcloneworkspace.h"
#include "runs/logstore.h"
#include "runs/runmanager.h"
#include "runs/runnerfactory.h"
#include "runs/runstore.h"
#include "schedule/scheduler.h"
#include "schedule/schedulestore.h"
#include "schedule/schedulertimer.h"
#include "settings/settingsstore.h"
#include "storage/database.h"

namespace dynamight {

namespace {

// Tells the operator at start, not only when a run needs them, that credentials were sealed
// under another server secret.
void logUndecryptableCredentials(const CredentialStore &credentials)
{
    const auto ids = credentials.undecryptableIds();
    if (!ids || ids->isEmpty())
        return;
    QStringList names;
    for (const qint64 id : *ids)
        names.append(QString::number(id));
    qCWarning(lcCredentials).noquote()
        << "Credentials:" << ids->size() << "stored credential(s) cannot be decrypted with the"
        << "current server secret (ids" << names.join(QStringLiteral(", ")) + QStringLiteral("):")
        << "the server secret changed or was lost; re-enter them";
}

} // namespace

Core::~Core()
{
    m_scheduler.reset();
    m_runManager.reset();
}

Result<std::unique_ptr<Core>> Core::open(const CoreConfig &config)
{
    auto database = Database::open(config.dataDir);
    if (!database)
        return database.error();
    std::unique_ptr<SystemKeychain> keychain;
    if (config.useKeychain)
        keychain = std::make_unique<SystemKeychain>();
    auto secret = ServerSecret::load((*database)->dataDir(), config.environment, keychain.get());
    if (!secret)
        return secret.error();
    qCInfo(lcAuth).noquote() << "Auth: using the server secret from" << secret->source;

    std::unique_ptr<Core> core(new Core);
    core->m_database = *database;
    core->m_jobs = std::make_unique<JobStore>(core->m_database);
    core->m_credentials = std::make_unique<CredentialStore>(
        core->m_database, deriveKey(secret->value, ServerSecret::credentialEncryptionContext, 1));
    logUndecryptableCredentials(*core->m_credentials);
    core->m_runs = std::make_unique<RunStore>(core->m_database);
    core->m_logs = std::make_unique<LogStore>(core->m_database);
    core->m_settings = std::make_unique<SettingsStore>(core->m_database);
    const QByteArray signingKey = deriveKey(secret->value, ServerSecret::tokenSigningContext, 1);
    const QByteArray totpKey = deriveKey(secret->value, ServerSecret::totpEncryptionContext, 1);
    core->m_auth = std::make_unique<AuthService>(core->m_database, signingKey, core->m_clock,
                                                 std::chrono::hours(24), totpKey);
    RunnerPrograms programs;
    programs.rsync = config.rsyncProgram;
    core->m_runnerFactory =
        std::make_unique<DefaultRunnerFactory>(programs, core->m_credentials.get(), &core->m_clock);

    const RunManager::Stores stores{*core->m_jobs, *core->m_runs, *core->m_logs, *core->m_settings};
    const RunManagerOptions options{config.maxConcurrentRuns, config.cancelGracePeriod};
    core->m_runManager = std::make_unique<RunManager>(stores, *core->m_runnerFactory, core->m_clock, options);
    const Status recovered = core->m_runManager->recoverInterruptedRuns();
    if (!recovered)
        return recovered.error();
    if (const int removed = RcloneWorkspace::removeLeftovers(); removed > 0)
        qCWarning(lcRuns) << "Runs: deleted" << removed << "rclone config folders left by a service that stopped";

    core->m_schedules = std::make_unique<ScheduleStore>(core->m_database);
    core->m_schedulerTimer = std::make_unique<QtSchedulerTimer>();
    const Scheduler::Stores schedulerStores{*core->m_schedules, *core->m_jobs, *core->m_settings};
    core->m_scheduler = std::make_unique<Scheduler>(schedulerStores, *core->m_runManager, core->m_clock,
                                                    *core->m_schedulerTimer);
    return core;
}

} // namespace dynamight
