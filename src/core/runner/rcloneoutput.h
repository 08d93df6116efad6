#pragma once

#include "models/run.h"

#include <QByteArrayView>
#include <QString>

#include <optional>

namespace dynamight {

// The "stats" object that rclone adds to a JSON log line, every --stats interval and once at
// the end of the run.
struct RcloneStats
{
    qint64 bytes = 0;
    qint64 totalBytes = 0;
    qint64 transfers = 0;
    qint64 totalTransfers = 0;
    qint64 checks = 0;
    qint64 deletes = 0;
    qint64 errors = 0;
    // Bytes per second, averaged over the run so far.
    double speed = 0;
    bool fatalError = false;
};

// One line of `rclone --use-json-log` output.
struct RcloneLogRecord
{
    enum class Kind {
        // "Copied (new)", "Copied (replaced existing)" and the other "Copied ..." messages.
        Copied,
        Deleted,
        // "Skipped copy as --dry-run is set (size N)": what a real run would copy.
        DryRunCopy,
        // "Skipped delete as --dry-run is set (size N)".
        DryRunDelete,
        // A line that carries a stats object.
        Stats,
        // Any other message, such as an error about one file.
        Message,
    };

    Kind kind = Kind::Message;
    LogLevel level = LogLevel::Info;
    QString message;
    // The file or folder the message is about, relative to the transfer root; may be empty.
    QString object;
    // The size in a dry-run message when rclone printed it in bytes ("size 3"), else 0. Sizes
    // from 1 KiB up come rounded with a unit ("size 1.953Ki") and are not parsed.
    qint64 size = 0;
    std::optional<RcloneStats> stats;

    // Returns "object: message", or the message alone when there is no object.
    QString text() const;
};

// Parses one stderr line of rclone run with --use-json-log. A line that is not a JSON object,
// such as the plain "Failed to create file system" line that rclone prints before it exits,
// yields std::nullopt.
std::optional<RcloneLogRecord> parseRcloneLogLine(QByteArrayView line);

// The run status and the documented reason for one rclone exit code.
struct RcloneExitMeaning
{
    RunStatus status = RunStatus::Failed;
    // The wording of rclone's documentation (docs/content/docs.md, "Exit Code") for 1.60.
    QString reason;
};

RcloneExitMeaning describeRcloneExit(int exitCode);

// Decides the status of an rclone run from its exit code and its last stats object:
//   0                      completed
//   1, 2, 4, 5, 6, 8       partial when rclone reached the end of the run (a final stats object
//                          with errors > 0 and no fatal error) and handled at least one file,
//                          else failed. rclone 1.60 exits with 1 when a file cannot be read.
//   3, 7 and others        failed (directory not found, fatal error)
//   9                      completed (only with --error-on-no-transfer, which is not passed)
RunStatus rcloneRunStatus(int exitCode, const std::optional<RcloneStats> &lastStats, qint64 filesHandled);

// Rewrites an rclone error line that has a well-known cause as a message that tells what to do,
// or returns std::nullopt. The cases: refused connection, unknown host, timeout, bad
// credentials, missing bucket or folder, SSH host key problems and an OAuth token that can no
// longer be refreshed.
std::optional<QString> explainRcloneError(const QString &errorText);

} // namespace dynamight
