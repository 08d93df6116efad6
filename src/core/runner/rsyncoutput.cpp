#include "rsyncoutput.h"

#include <QList>

#include <array>

namespace dynamight {

namespace {

// Record lines start with this prefix. rsync's other stdout lines start with fixed words such as
// "created directory" or the --stats labels, and a file name cannot start a line because %n comes
// last. The fields are separated by '|', which never occurs in %i or in a number, and a '|'
// inside the name needs no escaping because the name is the rest of the line. %b (bytes on the
// wire) is there for a second reason: rsync prints a line before the transfer unless the format
// contains %b, %c or %C, so with %b each line means the file has arrived, and a cancelled run does
// not count the file that was cut off. This was checked on rsync 3.5.0 with --bwlimit and a 3 MB
// file.
constexpr QByteArrayView kRecordPrefix = "DYNAMIGHT|";
constexpr char kFieldSeparator = '|';
constexpr qsizetype kItemizeLength = 11;
constexpr qsizetype kEscapeLength = 5;

// The exit codes of rsync 3.5.0 as "man rsync" (EXIT VALUES) lists them. Exit 23 means some files
// could not be copied, which is a partial run, and the run's log lists them from rsync's stderr.
// Exit 24 means files vanished between the file list and their transfer, which is normal for
// live data, so the run counts as completed with a warning line per vanished file. Every other
// non-zero code means the run failed.
struct ExitCodeEntry
{
    int code;
    RunStatus status;
    const char *reason;
};

constexpr std::array<ExitCodeEntry, 22> kExitCodes{{
    {0, RunStatus::Completed, "success"},
    {1, RunStatus::Failed, "syntax or usage error"},
    {2, RunStatus::Failed, "protocol incompatibility"},
    {3, RunStatus::Failed, "errors selecting input/output files, directories"},
    {4, RunStatus::Failed, "requested action not supported"},
    {5, RunStatus::Failed, "error starting client-server protocol"},
    {10, RunStatus::Failed, "error in socket I/O"},
    {11, RunStatus::Failed, "error in file I/O"},
    {12, RunStatus::Failed, "error in rsync protocol data stream"},
    {13, RunStatus::Failed, "errors with program diagnostics"},
    {14, RunStatus::Failed, "error in IPC code"},
    {15, RunStatus::Failed, "sibling process crashed"},
    {16, RunStatus::Failed, "sibling process was killed by a signal"},
    {19, RunStatus::Failed, "received SIGUSR1"},
    {20, RunStatus::Failed, "received SIGINT, SIGTERM, or SIGHUP"},
    {21, RunStatus::Failed, "some error returned by waitpid()"},
    {22, RunStatus::Failed, "error allocating core memory buffers"},
    {23, RunStatus::Partial, "partial transfer due to error"},
    {24, RunStatus::Completed, "partial transfer due to vanished source files"},
    {25, RunStatus::Failed, "the --max-delete limit stopped deletions"},
    {30, RunStatus::Failed, "timeout in data send/receive"},
    {35, RunStatus::Failed, "timeout waiting for daemon connection"},
}};

bool isOctalDigit(char c) { return c >= '0' && c <= '7'; }

bool isNumber(QByteArrayView text)
{
    if (text.isEmpty())
        return false;

    for (char c : text) {
        if (c < '0' || c > '9')
            return false;
    }
    return true;
}

// Checks an 11-character %i value: the update type, then the file type, then the attributes.
bool isItemizedChange(QByteArrayView text)
{
    if (text.size() != kItemizeLength)
        return false;

    return QByteArrayView("<>ch.").contains(text[0]) && QByteArrayView("fdLDS").contains(text[1]);
}

RsyncRecord::Kind kindOf(QByteArrayView itemized)
{
    if (itemized.startsWith("*deleting"))
        return RsyncRecord::Kind::Deleted;

    const bool sent = itemized[0] == '>' || itemized[0] == '<';
    if (sent && itemized[1] == 'f')
        return RsyncRecord::Kind::TransferredFile;

    return RsyncRecord::Kind::OtherChange;
}

// Returns the byte that the escape "\#ooo" starting at `index` stands for, if one starts there.
std::optional<char> escapedByteAt(QByteArrayView text, qsizetype index)
{
    const QByteArrayView rest = text.sliced(index);
    if (rest.size() < kEscapeLength || !rest.startsWith("\\#"))
        return std::nullopt;
    if (!isOctalDigit(rest[2]) || !isOctalDigit(rest[3]) || !isOctalDigit(rest[4]))
        return std::nullopt;

    const int value = (rest[2] - '0') * 64 + (rest[3] - '0') * 8 + (rest[4] - '0');
    if (value > 0xff)
        return std::nullopt;

    return char(value);
}

// Splits "A|B|C|rest" into four parts, leaving any '|' in the last part alone.
std::optional<std::array<QByteArrayView, 4>> splitFields(QByteArrayView text)
{
    std::array<QByteArrayView, 4> fields;
    for (qsizetype i = 0; i < 3; ++i) {
        const qsizetype end = text.indexOf(kFieldSeparator);
        if (end < 0)
            return std::nullopt;

        fields[i] = text.first(end);
        text = text.sliced(end + 1);
    }
    fields[3] = text;
    return fields;
}

} // namespace

QString rsyncOutFormat()
{
    return QString::fromLatin1(kRecordPrefix) % QStringLiteral("%i|%l|%b|%n");
}

std::optional<RsyncRecord> parseRsyncRecord(QByteArrayView line)
{
    if (!line.startsWith(kRecordPrefix))
        return std::nullopt;

    const auto fields = splitFields(line.sliced(kRecordPrefix.size()));
    if (!fields)
        return std::nullopt;

    const auto &[itemized, size, wireBytes, name] = *fields;
    const bool message = itemized.startsWith('*') && itemized.size() > 1;
    if (!(message || isItemizedChange(itemized)) || !isNumber(size) || !isNumber(wireBytes))
        return std::nullopt;
    if (name.isEmpty())
        return std::nullopt;

    RsyncRecord record;
    record.kind = kindOf(itemized);
    record.itemizedChanges = QString::fromLatin1(itemized).trimmed();
    record.path = QString::fromUtf8(decodeRsyncEscapes(name));
    record.size = size.toLongLong();
    record.wireBytes = wireBytes.toLongLong();
    return record;
}

QByteArray decodeRsyncEscapes(QByteArrayView text)
{
    QByteArray decoded;
    decoded.reserve(text.size());

    for (qsizetype i = 0; i < text.size(); ++i) {
        const std::optional<char> byte = escapedByteAt(text, i);
        if (!byte) {
            decoded.append(text[i]);
            continue;
        }

        decoded.append(*byte);
        i += kEscapeLength - 1;
    }
    return decoded;
}

RsyncExitMeaning describeRsyncExit(int exitCode)
{
    for (const auto &entry : kExitCodes) {
        if (entry.code == exitCode)
            return {entry.status, QString::fromLatin1(entry.reason)};
    }
    return {RunStatus::Failed, QStringLiteral("an exit code that rsync does not document")};
}

LogLevel rsyncStderrLevel(QByteArrayView line)
{
    if (line.startsWith("file has vanished: ") || line.startsWith("rsync warning: "))
        return LogLevel::Warning;

    return LogLevel::Error;
}

} // namespace dynamight
