#include "runner/rclonearguments.h"

namespace dynamight {

namespace {

// The options every run passes, whatever the job's settings.
QStringList fixedArguments(const QString &configPath)
{
    return {
        QStringLiteral("--config=") % configPath,
        // One JSON object per log line on stderr, which parseRcloneLogLine() reads. A file name
        // that contains a newline stays inside its JSON string.
        QStringLiteral("--use-json-log"),
        // INFO level logs one line per copied and deleted file.
        QStringLiteral("-v"),
        // A stats line every second for live progress, and a final one with the run's totals.
        QStringLiteral("--stats=1s"),
        QStringLiteral("--stats-one-line"),
        // rclone retries a whole sync 3 times by default, which repeats every error line of a
        // partial run. Single operations still get rclone's 10 low-level retries.
        QStringLiteral("--retries=1"),
    };
}

bool hasWildcard(const QString &pattern)
{
    return pattern.contains(u'*') || pattern.contains(u'?') || pattern.contains(u'[');
}

// Copies the character class that starts at pattern[start] == '[' and returns the index after
// it, or -1 when the class is not closed. rclone copies a class into a Go regular expression, so
// rsync's negation "[!...]" becomes "[^...]" and the rest, escapes included, stays as it is.
// NOTE: rclone ends a class at the first ']', escaped or not, so a class that contains ']'
// cannot be expressed and makes rclone reject the rule.
qsizetype copyCharacterClass(const QString &pattern, qsizetype start, QString &rule)
{
    qsizetype i = start + 1;
    QString members;
    if (i < pattern.size() && pattern.at(i) == u'!') {
        members += u'^';
        ++i;
    }
    for (; i < pattern.size(); ++i) {
        const QChar c = pattern.at(i);
        if (c == u']') {
            rule += u'[' + members + u']';
            return i + 1;
        }
        members += c;
        if (c == u'\\' && i + 1 < pattern.size())
            members += pattern.at(++i);
    }
    return -1;
}

// Returns an rclone glob that matches the character c literally. rclone passes "\c" into a Go
// regular expression, where a backslash before a letter or digit is a class such as \d, so only
// punctuation is escaped.
QString literalCharacter(QChar c)
{
    if (c.isLetterOrNumber() || c.isSpace() || c.unicode() > 0x7f)
        return QString(c);
    return QStringLiteral("\\") + c;
}

// Rewrites an rsync wildcard pattern, without its trailing slashes, as an rclone glob.
QString translateGlob(const QString &pattern)
{
    const bool escapes = hasWildcard(pattern);
    QString rule;
    for (qsizetype i = 0; i < pattern.size(); ++i) {
        const QChar c = pattern.at(i);
        if (c == u'\\') {
            if (escapes && i + 1 < pattern.size()) {
                rule += literalCharacter(pattern.at(++i));
                continue;
            }
            rule += QLatin1String("\\\\");
            continue;
        }
        if (c == u'{' || c == u'}') {
            rule += u'\\' + c;
            continue;
        }
        if (c == u'[') {
            const qsizetype next = copyCharacterClass(pattern, i, rule);
            if (next >= 0) {
                i = next - 1;
                continue;
            }
            rule += QLatin1String("\\[");
            continue;
        }
        rule += c;
    }
    return rule;
}

QStringList rulesFor(QString pattern)
{
    bool foldersOnly = false;
    if (pattern.endsWith(QLatin1String("/***"))) {
        pattern.chop(4);
        foldersOnly = true;
    }
    while (pattern.size() > 1 && pattern.endsWith(u'/')) {
        pattern.chop(1);
        foldersOnly = true;
    }

    const QString glob = translateGlob(pattern);
    const QString below = QStringLiteral("- ") % glob % QStringLiteral("/**");
    if (foldersOnly)
        return {below};
    return {QStringLiteral("- ") % glob, below};
}

QStringList optionArguments(const SyncOptions &options)
{
    QStringList arguments;
    // As with rsync, excluded files on the remote are kept, because --delete-excluded is not
    // passed.
    for (const QString &rule : rcloneFilterRules(options.excludePatterns))
        arguments << QStringLiteral("--filter=") % rule;

    // rclone's K suffix is KiB/s, the unit of bandwidth_limit_kbps.
    if (options.bandwidthLimitKbps && *options.bandwidthLimitKbps > 0)
        arguments << QStringLiteral("--bwlimit=") % QString::number(*options.bandwidthLimitKbps) % u'K';

    // A dry run logs "Skipped copy as --dry-run is set" per file, which the runner counts.
    if (options.dryRun)
        arguments << QStringLiteral("--dry-run");
    return arguments;
}

} // namespace

QStringList rcloneFilterRules(const QStringList &excludePatterns)
{
    QStringList rules;
    for (const QString &pattern : excludePatterns) {
        if (!pattern.isEmpty())
            rules << rulesFor(pattern);
    }
    return rules;
}

QStringList buildRcloneArguments(const QString &configPath, const QString &source, const QString &destination,
                                 const SyncOptions &options)
{
    QStringList arguments{options.deleteExtraneous ? QStringLiteral("sync") : QStringLiteral("copy")};
    arguments << fixedArguments(configPath) << optionArguments(options);

    // A trailing slash makes no difference to rclone, which always copies a folder's contents.
    // "--" ends the options, so a path that starts with '-' is read as a path.
    arguments << QStringLiteral("--") << source << destination;
    return arguments;
}

QStringList buildRcloneCheckArguments(const QString &configPath, const QString &target)
{
    return {
        QStringLiteral("lsf"),
        QStringLiteral("--config=") % configPath,
        QStringLiteral("--use-json-log"),
        QStringLiteral("--max-depth=1"),
        QStringLiteral("--contimeout=5s"),
        QStringLiteral("--timeout=10s"),
        QStringLiteral("--retries=1"),
        QStringLiteral("--low-level-retries=1"),
        QStringLiteral("--"),
        target,
    };
}

} // namespace dynamight
