#pragma once

#include "models/syncoptions.h"

#include <QString>
#include <QStringList>

namespace dynamight {

// Builds the arguments (without the program name) that make rsync copy the contents of `source`
// into `destination`, creating missing parents of `destination`. Both paths are expected to be
// absolute, as the job validator and RsyncRunner require; a relative one is prefixed with "./" so
// that a colon in it cannot make rsync read it as host:path. The function has no side effects.
QStringList buildRsyncArguments(const QString &source, const QString &destination,
                                const SyncOptions &options);

} // namespace dynamight
