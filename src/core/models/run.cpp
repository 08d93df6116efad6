#include "run.h"

#include <array>
#include <utility>

namespace dynamight {

namespace {

template<typename Enum, std::size_t N>
std::optional<Enum> lookUp(const std::array<std::pair<Enum, const char *>, N> &names,
                           const QString &name)
{
    for (const auto &[value, text] : names) {
        if (name == QLatin1String(text))
            return value;
    }
    return std::nullopt;
}

template<typename Enum, std::size_t N>
QString nameOf(const std::array<std::pair<Enum, const char *>, N> &names, Enum value)
{
    for (const auto &[candidate, text] : names) {
        if (candidate == value)
            return QLatin1String(text);
    }
    return {};
}

constexpr std::array<std::pair<RunStatus, const char *>, 6> statusNames{{
    {RunStatus::Pending, "pending"},
    {RunStatus::Running, "running"},
    {RunStatus::Completed, "completed"},
    {RunStatus::Partial, "partial"},
    {RunStatus::Failed, "failed"},
    {RunStatus::Cancelled, "cancelled"},
}};

constexpr std::array<std::pair<RunTrigger, const char *>, 2> triggerNames{{
    {RunTrigger::Manual, "manual"},
    {RunTrigger::Scheduled, "scheduled"},
}};

constexpr std::array<std::pair<LogLevel, const char *>, 3> levelNames{{
    {LogLevel::Info, "info"},
    {LogLevel::Warning, "warning"},
    {LogLevel::Error, "error"},
}};

} // namespace

QString runStatusName(RunStatus status) { return nameOf(statusNames, status); }
std::optional<RunStatus> runStatusFromName(const QString &name) { return lookUp(statusNames, name); }

bool isActive(RunStatus status)
{
    return status == RunStatus::Pending || status == RunStatus::Running;
}

QString runTriggerName(RunTrigger trigger) { return nameOf(triggerNames, trigger); }
std::optional<RunTrigger> runTriggerFromName(const QString &name) { return lookUp(triggerNames, name); }

QString logLevelName(LogLevel level) { return nameOf(levelNames, level); }
std::optional<LogLevel> logLevelFromName(const QString &name) { return lookUp(levelNames, name); }

} // namespace dynamight
