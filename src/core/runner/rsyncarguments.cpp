#include "rsyncarguments.h"

#include "rsyncoutput.h"

namespace dynamight {

namespace {

// The options every run passes, whatever the job's settings.
QStringList fixedArguments()
{
    return {
        // Recursion, symlinks as symlinks, permissions, times, group and special files, plus
        // owner and devices when running as root.
        QStringLiteral("-a"),
        // Creates every missing component of the destination, like mkdir -p.
        QStringLiteral("--mkpath"),
        // Leaves UTF-8 names unescaped. Control characters are still escaped as \#ooo, so a name
        // with a newline still fits on one output line.
        QStringLiteral("-8"),
        // Prints the --stats numbers without thousands separators or units.
        QStringLiteral("--no-h"),
        // stdout is a pipe, so line buffering makes each record reach the runner when rsync
        // writes it instead of when a stdio block fills.
        QStringLiteral("--outbuf=L"),
        // One parseable record per change, which parseRsyncRecord() reads.
        QStringLiteral("--out-format=") % rsyncOutFormat(),
    };
}

// rsync reads an --exclude value that starts with "+ " or "- " as an include or exclude rule,
// and a lone "!" as "clear the list" (measured on rsync 3.5.0). The long filter form "- PATTERN"
// takes the rest of the value literally, so those patterns go through it.
QString excludeArgument(const QString &pattern)
{
    const bool rulePrefix = pattern.startsWith(QLatin1String("+ "))
        || pattern.startsWith(QLatin1String("- ")) || pattern == QLatin1String("!");
    if (rulePrefix)
        return QStringLiteral("--filter=- ") % pattern;

    return QStringLiteral("--exclude=") % pattern;
}

QStringList optionArguments(const SyncOptions &options)
{
    QStringList arguments;

    // Files that an exclude pattern matches are not deleted from the destination, because
    // --delete-excluded is not passed.
    if (options.deleteExtraneous)
        arguments << QStringLiteral("--delete");

    // An empty pattern matches nothing, so it is left out.
    for (const QString &pattern : options.excludePatterns) {
        if (!pattern.isEmpty())
            arguments << excludeArgument(pattern);
    }

    // rsync reads a bare number as KiB/s, and 0 as no limit, so only a positive limit is passed.
    if (options.bandwidthLimitKbps && *options.bandwidthLimitKbps > 0)
        arguments << QStringLiteral("--bwlimit=") % QString::number(*options.bandwidthLimitKbps);

    // Records are still printed, so a dry run reports what a real run would copy and delete.
    if (options.dryRun)
        arguments << QStringLiteral("--dry-run");

    // Quiet and normal pass the same options, because both need the records for the counters
    // and rsync's --quiet would suppress them. They differ only in what the runner logs.
    if (options.verbosity == Verbosity::Verbose)
        arguments << QStringLiteral("--stats");

    return arguments;
}

// A trailing slash on the source copies its contents instead of the directory itself. On the
// destination it makes --mkpath treat every component as a directory.
QString directoryArgument(const QString &path)
{
    QString argument = path;
    if (!argument.startsWith(u'/'))
        argument.prepend(QLatin1String("./"));
    if (!argument.endsWith(u'/'))
        argument.append(u'/');
    return argument;
}

} // namespace

QStringList buildRsyncArguments(const QString &source, const QString &destination,
                                const SyncOptions &options)
{
    QStringList arguments = fixedArguments();
    arguments << optionArguments(options);

    // "--" ends the options, so a path that starts with '-' is read as a path.
    arguments << QStringLiteral("--") << directoryArgument(source)
              << directoryArgument(destination);
    return arguments;
}

} // namespace dynamight
