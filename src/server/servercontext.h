#pragma once

namespace dynamight {

class AuthService;
class Clock;
class CredentialStore;
class JobStore;
class LogStore;
class RunManager;
class RunStore;
class ScheduleStore;
class Scheduler;
class SettingsStore;
struct ServerConfig;

// The core services the controllers call, passed to each controller's constructor.
struct ServerContext
{
    const ServerConfig &config;
    AuthService &auth;
    JobStore &jobs;
    RunStore &runs;
    LogStore &logs;
    RunManager &runManager;
    SettingsStore &settings;
    const Clock &clock;
    CredentialStore &credentials;
    ScheduleStore &schedules;
    // Re-planned by the controllers after they change jobs or schedules.
    Scheduler &scheduler;
};

} // namespace dynamight
