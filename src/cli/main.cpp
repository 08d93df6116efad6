#include "servecommand.h"
#include "serveoptions.h"
#include "usercommand.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <cstdio>

namespace {

const char *const usage = "Usage: dynamight <command> [options]\n"
                          "\n"
                          "Commands:\n"
                          "  serve    Start the headless server (REST API and WebSockets)\n"
                          "  user     Manage user accounts, e.g. 'user reset-password USERNAME'\n"
                          "\n"
                          "Run 'dynamight <command> --help' for the options of a command.\n";

int serve(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Start the Dynamight headless server.\n\n")
                                     + dynamight::serveEnvironmentHelp());
    parser.addHelpOption();
    parser.addVersionOption();
    dynamight::addServeOptions(parser);
    parser.process(arguments);

    const auto options = dynamight::resolveServeOptions(parser, QProcessEnvironment::systemEnvironment());
    if (!options) {
        std::fprintf(stderr, "dynamight serve: %s\n", qPrintable(options.error().message()));
        return 2;
    }
    return dynamight::runServer(*options);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("dynamight"));
    QCoreApplication::setApplicationVersion(QStringLiteral(DYNAMIGHT_VERSION));

    QStringList arguments = QCoreApplication::arguments();
    const QString command = arguments.value(1);
    if (command == QLatin1String("--version") || command == QLatin1String("-v")) {
        std::printf("dynamight %s\n", DYNAMIGHT_VERSION);
        return 0;
    }
    if (command.isEmpty() || command == QLatin1String("--help") || command == QLatin1String("-h")
        || command == QLatin1String("help")) {
        std::fputs(usage, command.isEmpty() ? stderr : stdout);
        return command.isEmpty() ? 2 : 0;
    }
    if (command == QLatin1String("serve")) {
        arguments.removeAt(1);
        // QCommandLineParser prints arguments[0] in its usage line.
        arguments[0] = QStringLiteral("dynamight serve");
        return serve(arguments);
    }
    if (command == QLatin1String("user")) {
        arguments.removeAt(1);
        arguments[0] = QStringLiteral("dynamight user");
        return dynamight::runUserCommand(arguments);
    }
    std::fprintf(stderr, "dynamight: unknown command '%s'\n\n%s", qPrintable(command), usage);
    return 2;
}
