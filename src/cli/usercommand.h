#pragma once

#include <QStringList>

namespace dynamight {

// Runs `dynamight user <action>`, which works on the data dir directly, so it also helps when
// no user can log in. arguments[0] is the program name for the usage line. Returns the process
// exit code: 0 on success, 1 when the action failed, 2 for a usage error.
int runUserCommand(const QStringList &arguments);

} // namespace dynamight
