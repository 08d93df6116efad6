#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace dynamight {

// How much a run writes into its log: quiet logs no per-file lines, normal logs one line per
// copied or deleted file, verbose also logs rsync's other output and its summary.
enum class Verbosity {
    Quiet,
    Normal,
    Verbose,
};

QString verbosityName(Verbosity verbosity);
std::optional<Verbosity> verbosityFromName(const QString &name);

struct SyncOptions
{
    bool deleteExtraneous = false;
    QStringList excludePatterns;
    // Kibibytes per second, the unit of rsync's --bwlimit and rclone's --bwlimit "K" suffix.
    std::optional<int> bandwidthLimitKbps;
    bool dryRun = false;
    Verbosity verbosity = Verbosity::Normal;

    bool operator==(const SyncOptions &) const = default;
};

} // namespace dynamight
