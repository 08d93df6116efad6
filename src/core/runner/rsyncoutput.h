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

// Parses one stdout line into a record. A line that does not start with the record prefix, or
// whose fields are malformed, is other output and yields std::nullopt.
std::optional<RsyncRecord> parseRsyncRecord(QByteArrayView line);

// Decodes rsync's \#ooo escapes (backslash, hash, three octal digits) into the bytes they stand
// for. rsync escapes a literal backslash only when a hash and three digits follow it, so every
// such sequence in its output is an escape.
QByteArray decodeRsyncEscapes(QByteArrayView text);

// The run status and the man-page reason for one rsync exit code.
struct RsyncExitMeaning
{
    RunStatus status = RunStatus::Failed;
    // The wording of "man rsync" (EXIT VALUES) for rsync 3.5.0, in lower case.
    QString reason;
};

RsyncExitMeaning describeRsyncExit(int exitCode);

// Classifies one stderr line. A vanished file and rsync's own "rsync warning:" summary are
// Warning, and everything else is Error.
LogLevel rsyncStderrLevel(QByteArrayView line);

} // namespace dynamight
