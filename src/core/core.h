#pragma once

#include "clock.h"
#include "result.h"

#include <QProcessEnvironment>
#include <QString>

#include <chrono>
#include <memory>

namespace dynamight {

class AuthService;
class CredentialStore;
class Database;
class JobStore;
class LogStore;
class RunManager;
class RunStore;
class RunnerFactory;
class ScheduleStore;
class Scheduler;
class SchedulerTimer;
class SettingsStore;

struct CoreConfig
{
    QString dataDir;
    int maxConcurrentRuns = 2;
    std::chrono::milliseconds cancelGracePeriod{10000};
    QString rsyncProgram = QStringLiteral("rsync");
    // Where DYNAMIGHT_SECRET is read from; the process environment unless a host overrides it.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    // Whether a new server secret may be kept in the OS keychain (else only in secret.key).
    bool useKeychain = true;
};

// Everything a host (the headless server or the tray app) runs: storage, the stores, the
// authentication service, the run manager and the scheduler. They are created in dependency order
// and destroyed in reverse, so the run manager stops its children before the stores it writes to
// go away.
class Core
{
public:
    ~Core();
    Core(const Core &) = delete;
    Core &operator=(const Core &) = delete;

    // Opens the data dir, loads the server secret and recovers runs a stopped service left.
    static Result<std::unique_ptr<Core>> open(const CoreConfig &config);

    const Clock &clock() const { return m_clock; }
    Database &database() { return *m_database; }
    JobStore &jobs() { return *m_jobs; }
    CredentialStore &credentials() { return *m_credentials; }
    RunStore &runs() { return *m_runs; }
    LogStore &logs() { return *m_logs; }
    SettingsStore &settings() { return *m_settings; }
    AuthService &auth() { return *m_auth; }
    RunManager &runManager() { return *m_runManager; }
    ScheduleStore &schedules() { return *m_schedules; }
    // Stopped until the host calls start(), so that no run begins before the host is ready.
    Scheduler &scheduler() { return *m_scheduler; }

private:
    Core() = default;

    SystemClock m_clock;
    std::shared_ptr<Database> m_database;
    std::unique_ptr<JobStore> m_jobs;
    std::unique_ptr<CredentialStore> m_credentials;
    std::unique_ptr<RunStore> m_runs;
    std::unique_ptr<LogStore> m_logs;
    std::unique_ptr<SettingsStore> m_settings;
    std::unique_ptr<AuthService> m_auth;
    std::unique_ptr<RunnerFactory> m_runnerFactory;
    std::unique_ptr<RunManager> m_runManager;
    std::unique_ptr<ScheduleStore> m_schedules;
    std::unique_ptr<SchedulerTimer> m_schedulerTimer;
    std::unique_ptr<Scheduler> m_scheduler;
};

} // namespace dynamight
