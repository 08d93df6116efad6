#pragma once

#include "models/syncoptions.h"

#include <QString>
#include <QStringList>

namespace dynamight {

// Builds the arguments (without the program name) that make rsync copy the contents of `source`
// into `destination`, creating missing parents of `destination`. The function has no side
// effects. Both paths are expected to be absolute, as the job validator and RsyncRunner require.
// A relative one gets a "./" prefix, so that a colon in it cannot make rsync read it as host:path.
QStringList buildRsyncArguments(const QString &source, const QString &destination,
                                const SyncOptions &options);

} // namespace dynamight
