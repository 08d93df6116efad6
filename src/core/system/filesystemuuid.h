#pragma once

#include <QString>

namespace dynamight {

// Checks the forms blkid reports a filesystem UUID in: FAT and exFAT volume ids ("1234-ABCD"),
// NTFS serial numbers (16 hex digits) and the 36-character UUIDs of ext4, btrfs, xfs and others.
bool isFilesystemUuid(const QString &text);

// Compares two filesystem UUIDs. Hex digits compare regardless of case, because FAT ids are
// printed in upper case and a user may type them in lower case.
bool sameFilesystemUuid(const QString &first, const QString &second);

} // namespace dynamight
