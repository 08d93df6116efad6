#pragma once

#include "serveoptions.h"

namespace dynamight {

// Runs the headless server until SIGINT or SIGTERM and returns the process exit code: 0 after a
// clean stop, 1 when the data dir, the secret or the port cannot be used.
int runServer(const ServeOptions &options);

// Sets the message pattern and the level filter of the dynamight.* logging categories.
void configureLogging(const QString &level);

} // namespace dynamight
