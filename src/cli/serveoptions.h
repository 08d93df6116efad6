#pragma once

#include "core.h"
#include "result.h"
#include "serverconfig.h"

#include <QCommandLineParser>
#include <QProcessEnvironment>

namespace dynamight {

// The settings of `dynamight serve`, each from its flag, else its DYNAMIGHT_* environment
// variable, else its default.
struct ServeOptions
{
    ServerConfig server;
    CoreConfig core;
    QString logLevel = QStringLiteral("info");
};

// Adds the serve flags, generated from the same table that resolves them, to parser.
void addServeOptions(QCommandLineParser &parser);
Result<ServeOptions> resolveServeOptions(const QCommandLineParser &parser,
                                         const QProcessEnvironment &environment);
// Describes the environment variables for --help.
QString serveEnvironmentHelp();
QString defaultDataDir(const QProcessEnvironment &environment);

} // namespace dynamight
