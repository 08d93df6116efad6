#pragma once

#include "models/run.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <optional>

namespace dynamight {

// The --out-format value that buildRsyncArguments() passes and parseRsyncRecord() reads.
QString rsyncOutFormat();

// One itemized change that rsync reported on stdout through rsyncOutFormat().
struct RsyncRecord
{
    enum class Kind {
        TransferredFile,
        Deleted,
        // A directory, symlink, device or attribute-only change, or a "*message" other than
        // "*deleting".
        OtherChange,
    };

    Kind kind = Kind::OtherChange;
    // The %i field as rsync printed it, for example ">f+++++++++" or "*deleting".
    QString itemizedChanges;
    // The name relative to the transfer root, with rsync's \#ooo escapes decoded. Directories
    // end with '/'.
    QString path;
    // The file's size in bytes (%l).
    qint64 size = 0;
    // The bytes sent over the wire for this file (%b), after delta encoding.
    qint64 wireBytes = 0;
};

// Parses one stdout line. Returns std::nullopt for "other output": any line that does not start
// with the record prefix or whose fields are malformed.
std::optional<RsyncRecord> parseRsyncRecord(QByteArrayView line);

// Turns rsync's \#ooo escapes (a backslash, a hash and exactly three octal digits) back into the
// bytes they stand for. rsync escapes control characters this way, and a literal backslash only
// when a hash and three digits follow it, so every such sequence in its output is an escape.
QByteArray decodeRsyncEscapes(QByteArrayView text);

// What an rsync exit code means for the run.
struct RsyncExitMeaning
{
    RunStatus status = RunStatus::Failed;
    // The wording of "man rsync" (EXIT VALUES) for rsync 3.5.0, in lower case.
    QString reason;
};

RsyncExitMeaning describeRsyncExit(int exitCode);

// Returns the log level of one stderr line: Warning for a vanished file and for rsync's own
// "rsync warning:" summary, Error for everything else.
LogLevel rsyncStderrLevel(QByteArrayView line);

} // namespace dynamight
