#include "usercommand.h"

#include "auth/passwordreset.h"
#include "auth/sessionstore.h"
#include "auth/userstore.h"
#include "servecommand.h"
#include "serveoptions.h"
#include "storage/database.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>

#include <cstdio>
#include <iostream>
#include <optional>
#include <string>

#include <termios.h>
#include <unistd.h>

namespace dynamight {

namespace {

const QString resetPasswordAction = QStringLiteral("reset-password");

void fail(const QString &message)
{
    std::fprintf(stderr, "dynamight user: %s\n", qPrintable(message));
}

// Resolves the data dir as `dynamight serve` does: the flag, else DYNAMIGHT_DATA_DIR, else the
// default under $XDG_DATA_HOME.
QString resolveDataDir(const QCommandLineParser &parser, const QProcessEnvironment &environment)
{
    const QString variable = QStringLiteral("DYNAMIGHT_DATA_DIR");
    QString dataDir = parser.value(QStringLiteral("data-dir"));
    if (dataDir.isEmpty() && environment.contains(variable))
        dataDir = environment.value(variable);
    if (dataDir.isEmpty())
        return defaultDataDir(environment);
    return QDir::cleanPath(QDir::current().absoluteFilePath(dataDir));
}

// Reads one line of standard input without its line ending. On a terminal the prompt goes to
// standard error and echo is off while the user types.
std::optional<QString> readLine(const char *prompt)
{
    const bool terminal = isatty(STDIN_FILENO) == 1;
    termios saved{};
    if (terminal) {
        std::fputs(prompt, stderr);
        std::fflush(stderr);
        tcgetattr(STDIN_FILENO, &saved);
        termios silent = saved;
        silent.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent);
    }

    std::string line;
    const bool read = static_cast<bool>(std::getline(std::cin, line));
    if (terminal) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        std::fputs("\n", stderr);
    }
    if (!read && line.empty())
        return std::nullopt;
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    const QString text = QString::fromStdString(line);
    std::fill(line.begin(), line.end(), '\0');
    return text;
}

// Reads the new password: once from a pipe or file, twice on a terminal to catch a typo.
std::optional<QString> readNewPassword()
{
    const auto password = readLine("New password: ");
    if (!password) {
        fail(QStringLiteral("no password on standard input: type it at the prompt or pipe it in"));
        return std::nullopt;
    }
    if (isatty(STDIN_FILENO) == 1) {
        const auto repeated = readLine("Repeat the new password: ");
        if (!repeated || *repeated != *password) {
            fail(QStringLiteral("the passwords do not match; the password was not changed"));
            return std::nullopt;
        }
    }
    return password;
}

int resetPassword(const QString &dataDir, const QString &username)
{
    SystemClock clock;
    const QString databasePath = QDir(dataDir).filePath(QStringLiteral("dynamight.db"));
    if (!QFileInfo::exists(databasePath)) {
        fail(QStringLiteral("%1 does not exist: set --data-dir or DYNAMIGHT_DATA_DIR to the data "
                            "dir of the server")
                 .arg(databasePath));
        return 1;
    }
    const auto database = Database::open(dataDir);
    if (!database) {
        fail(database.error().message());
        return 1;
    }
    UserStore users(*database, clock);
    SessionStore sessions(*database, clock);
    const auto user = users.findByName(username);
    if (!user) {
        fail(user.error().kind() == Error::Kind::NotFound
                 ? QStringLiteral("no user named '%1' in %2").arg(username, dataDir)
                 : user.error().message());
        return 1;
    }

    const auto password = readNewPassword();
    if (!password)
        return 1;
    const auto revoked = replacePassword(users, sessions, user->user.id, *password);
    if (!revoked) {
        fail(revoked.error().message());
        return 1;
    }
    std::printf("Changed the password of user %s and revoked %lld session(s).\n",
                qPrintable(user->user.username), static_cast<long long>(revoked->size()));
    return 0;
}

} // namespace

int runUserCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Manage user accounts in the data dir directly, also while the server "
                       "runs.\n\n"
                       "reset-password USERNAME sets a new password, read from standard input "
                       "(never from the command line), and revokes all of the user's sessions. "
                       "On a terminal it prompts twice without echo; otherwise it reads one line. "
                       "Open WebSockets of a running server stay open until they reconnect."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("action"), QStringLiteral("reset-password"));
    parser.addPositionalArgument(QStringLiteral("username"), QStringLiteral("The account name."));
    parser.addOption(QCommandLineOption(
        QStringLiteral("data-dir"),
        QStringLiteral("Folder with the databases (default $XDG_DATA_HOME/dynamight) "
                       "[DYNAMIGHT_DATA_DIR]."),
        QStringLiteral("path")));
    parser.process(arguments);

    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 2 || positional.at(0) != resetPasswordAction) {
        fail(QStringLiteral("expected 'reset-password USERNAME'; see --help"));
        return 2;
    }
    configureLogging(QStringLiteral("warning"));
    const QString dataDir = resolveDataDir(parser, QProcessEnvironment::systemEnvironment());
    return resetPassword(dataDir, positional.at(1));
}

} // namespace dynamight
