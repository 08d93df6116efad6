#include "serveoptions.h"

#include <QDir>
#include <QFile>
#include <QHostAddress>

#include <functional>
#include <vector>

namespace dynamight {

namespace {

using Apply = std::function<Status(ServeOptions &, const QString &)>;

// One setting of `dynamight serve`: its flag (empty for environment-only settings such as the
// secret, which must never be on a command line), its variable, and how to apply a value.
struct OptionDefinition
{
    const char *flag;
    const char *variable;
    const char *valueName;
    const char *description;
    Apply apply;
};

Result<int> parseInteger(const QString &name, const QString &text, int minimum, int maximum)
{
    bool ok = false;
    const int value = text.toInt(&ok);
    if (!ok || value < minimum || value > maximum) {
        return Error::invalid(QStringLiteral("%1 must be an integer from %2 to %3, got '%4'")
                                  .arg(name)
                                  .arg(minimum)
                                  .arg(maximum)
                                  .arg(text));
    }
    return value;
}

Status applyHost(ServeOptions &options, const QString &text)
{
    const QHostAddress address(text == QLatin1String("localhost") ? QStringLiteral("127.0.0.1") : text);
    if (address.isNull())
        return Error::invalid(QStringLiteral("--host must be an IP address such as 127.0.0.1, got '%1'").arg(text));
    options.server.host = address;
    return {};
}

Status applyPort(ServeOptions &options, const QString &text)
{
    auto port = parseInteger(QStringLiteral("--port"), text, 0, 65535);
    if (!port)
        return port.error();
    options.server.port = static_cast<quint16>(*port);
    return {};
}

QStringList splitList(const QString &text)
{
    QStringList items;
    for (const QString &item : text.split(QLatin1Char(','), Qt::SkipEmptyParts))
        items.append(item.trimmed());
    return items;
}

Status applyBrowsePaths(ServeOptions &options, const QString &text)
{
    options.server.allowedBrowsePaths.clear();
    for (const QString &path : splitList(text)) {
        if (!QDir::isAbsolutePath(path))
            return Error::invalid(QStringLiteral("Allowed browse paths must be absolute, got '%1'").arg(path));
        options.server.allowedBrowsePaths.append(QDir::cleanPath(path));
    }
    return {};
}

Status applySecretFile(ServeOptions &options, const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error::invalid(QStringLiteral("Failed to read the secret file %1: %2").arg(path, file.errorString()));
    const QString secret = QString::fromUtf8(file.readAll()).trimmed();
    options.core.environment.insert(QStringLiteral("DYNAMIGHT_SECRET"), secret);
    return {};
}

Status applyBoolean(bool &target, const QString &name, const QString &text)
{
    const QString value = text.toLower();
    if (value == QLatin1String("1") || value == QLatin1String("true") || value == QLatin1String("yes")) {
        target = true;
        return {};
    }
    if (value == QLatin1String("0") || value == QLatin1String("false") || value == QLatin1String("no")) {
        target = false;
        return {};
    }
    return Error::invalid(QStringLiteral("%1 must be true or false, got '%2'").arg(name, text));
}

Status applyKeychain(ServeOptions &options, const QString &text)
{
    const QString value = text.toLower();
    if (value == QLatin1String("on") || value == QLatin1String("off")) {
        options.core.useKeychain = value == QLatin1String("on");
        return {};
    }
    if (!applyBoolean(options.core.useKeychain, QStringLiteral("--keychain"), text))
        return Error::invalid(QStringLiteral("--keychain must be on or off, got '%1'").arg(text));
    return {};
}

Status applyTrustedProxies(ServeOptions &options, const QString &text)
{
    options.server.trustedProxies.clear();
    for (const QString &item : splitList(text)) {
        QPair<QHostAddress, int> subnet = QHostAddress::parseSubnet(item);
        if (!item.contains(QLatin1Char('/'))) {
            const QHostAddress address(item);
            subnet = {address, address.protocol() == QAbstractSocket::IPv6Protocol ? 128 : 32};
        }
        if (subnet.first.isNull()) {
            return Error::invalid(QStringLiteral("Trusted proxies must be IP addresses or subnets "
                                                 "such as 10.0.0.0/8, got '%1'")
                                      .arg(item));
        }
        options.server.trustedProxies.append(subnet);
    }
    return {};
}

// Returns how to apply a number of seconds, from 1 to maximum, to one field of the rate limit.
Apply rateLimitSeconds(const char *flag, std::chrono::seconds RateLimitPolicy::*field, int maximum)
{
    return [flag, field, maximum](ServeOptions &options, const QString &text) -> Status {
        auto seconds = parseInteger(QStringLiteral("--") + QLatin1String(flag), text, 1, maximum);
        if (!seconds)
            return seconds.error();
        options.server.rateLimit.*field = std::chrono::seconds(*seconds);
        return {};
    };
}

const std::vector<OptionDefinition> &definitions()
{
    static const std::vector<OptionDefinition> table{
        {"host", "DYNAMIGHT_HOST", "address", "IP address to listen on (default 127.0.0.1).", applyHost},
        {"port", "DYNAMIGHT_PORT", "port", "TCP port to listen on, 0 for any free port (default 8080).", applyPort},
        {"data-dir", "DYNAMIGHT_DATA_DIR", "path",
         "Folder for the databases and the secret file (default $XDG_DATA_HOME/dynamight).",
         [](ServeOptions &options, const QString &text) -> Status {
             options.core.dataDir = QDir::cleanPath(QDir::current().absoluteFilePath(text));
             return {};
         }},
        {"allowed-browse-paths", "DYNAMIGHT_ALLOWED_BROWSE_PATHS", "paths",
         "Comma-separated folders the file browser may show (default /mnt,/media,/home).", applyBrowsePaths},
        {"allowed-hosts", "DYNAMIGHT_ALLOWED_HOSTS", "names",
         "Comma-separated host names accepted in the Host header beside localhost and IP addresses.",
         [](ServeOptions &options, const QString &text) -> Status {
             options.server.allowedHosts = splitList(text);
             return {};
         }},
        {"secure-cookies", "DYNAMIGHT_SECURE_COOKIES", "bool",
         "Mark the session cookie Secure, for a server behind an HTTPS proxy (default false).",
         [](ServeOptions &options, const QString &text) {
             return applyBoolean(options.server.secureCookies, QStringLiteral("--secure-cookies"), text);
         }},
        {"max-concurrent-runs", "DYNAMIGHT_MAX_CONCURRENT_RUNS", "count",
         "Runs of different jobs that may run at once; others wait (default 2).",
         [](ServeOptions &options, const QString &text) -> Status {
             auto count = parseInteger(QStringLiteral("--max-concurrent-runs"), text, 1, 64);
             if (!count)
                 return count.error();
             options.core.maxConcurrentRuns = *count;
             return {};
         }},
        {"cancel-grace-seconds", "DYNAMIGHT_CANCEL_GRACE_SECS", "seconds",
         "Seconds a cancelled child has after SIGTERM before SIGKILL (default 10).",
         [](ServeOptions &options, const QString &text) -> Status {
             auto seconds = parseInteger(QStringLiteral("--cancel-grace-seconds"), text, 0, 3600);
             if (!seconds)
                 return seconds.error();
             options.core.cancelGracePeriod = std::chrono::seconds(*seconds);
             return {};
         }},
        {"log-level", "DYNAMIGHT_LOG_LEVEL", "level", "One of debug, info, warning, error (default info).",
         [](ServeOptions &options, const QString &text) -> Status {
             static const QStringList levels{QStringLiteral("debug"), QStringLiteral("info"),
                                             QStringLiteral("warning"), QStringLiteral("error")};
             if (!levels.contains(text.toLower()))
                 return Error::invalid(QStringLiteral("--log-level must be one of debug, info, warning, error, got '%1'").arg(text));
             options.logLevel = text.toLower();
             return {};
         }},
        {"trusted-proxies", "DYNAMIGHT_TRUSTED_PROXIES", "addresses",
         "Comma-separated IP addresses or subnets of reverse proxies whose X-Forwarded-For header "
         "names the client for the login rate limit (default none).",
         applyTrustedProxies},
        {"rate-limit-max-attempts", "DYNAMIGHT_RATE_LIMIT_MAX_ATTEMPTS", "count",
         "Failed logins of one client address within the window that start a lockout (default 5).",
         [](ServeOptions &options, const QString &text) -> Status {
             auto count = parseInteger(QStringLiteral("--rate-limit-max-attempts"), text, 1, 1000000);
             if (!count)
                 return count.error();
             options.server.rateLimit.maxAttempts = *count;
             return {};
         }},
        {"rate-limit-window", "DYNAMIGHT_RATE_LIMIT_WINDOW_SECS", "seconds",
         "Seconds that a failed login counts toward the limit (default 60).",
         rateLimitSeconds("rate-limit-window", &RateLimitPolicy::window, 86400)},
        {"rate-limit-lockout", "DYNAMIGHT_RATE_LIMIT_LOCKOUT_SECS", "seconds",
         "Seconds of the first lockout; each further lockout doubles it (default 60).",
         rateLimitSeconds("rate-limit-lockout", &RateLimitPolicy::lockout, 86400)},
        {"rate-limit-max-lockout", "DYNAMIGHT_RATE_LIMIT_MAX_LOCKOUT_SECS", "seconds",
         "Seconds of the longest lockout. The doubling starts over once this long has passed "
         "since a client's last lockout ended (default 3600).",
         rateLimitSeconds("rate-limit-max-lockout", &RateLimitPolicy::maxLockout, 604800)},
        {"secret-file", "DYNAMIGHT_SECRET_FILE", "path",
         "File holding the signing and encryption secret, instead of DYNAMIGHT_SECRET.", applySecretFile},
        {"keychain", "DYNAMIGHT_KEYCHAIN", "on|off",
         "Keep a newly generated secret in the OS keychain when one is reachable (on, the default), "
         "or always in secret.key in the data dir (off).",
         applyKeychain},
    };
    return table;
}

} // namespace

QString defaultDataDir(const QProcessEnvironment &environment)
{
    QString base = environment.value(QStringLiteral("XDG_DATA_HOME"));
    if (base.isEmpty())
        base = QDir::homePath() + QStringLiteral("/.local/share");
    return QDir::cleanPath(base + QStringLiteral("/dynamight"));
}

void addServeOptions(QCommandLineParser &parser)
{
    for (const OptionDefinition &definition : definitions()) {
        parser.addOption(QCommandLineOption(QLatin1String(definition.flag),
                                            QStringLiteral("%1 [%2]").arg(QLatin1String(definition.description),
                                                                          QLatin1String(definition.variable)),
                                            QLatin1String(definition.valueName)));
    }
}

Result<ServeOptions> resolveServeOptions(const QCommandLineParser &parser, const QProcessEnvironment &environment)
{
    ServeOptions options;
    options.core.environment = environment;
    options.core.dataDir = defaultDataDir(environment);
    options.server.allowedBrowsePaths = {QStringLiteral("/mnt"), QStringLiteral("/media"), QStringLiteral("/home")};

    for (const OptionDefinition &definition : definitions()) {
        const QString flag = QLatin1String(definition.flag);
        const QString variable = QLatin1String(definition.variable);
        std::optional<QString> value;
        if (parser.isSet(flag))
            value = parser.value(flag);
        else if (environment.contains(variable))
            value = environment.value(variable);
        if (!value)
            continue;
        const Status applied = definition.apply(options, *value);
        if (!applied)
            return applied.error();
    }
    return options;
}

QString serveEnvironmentHelp()
{
    return QStringLiteral(
        "Each option can also be set with the environment variable in brackets; a flag wins over\n"
        "its variable. DYNAMIGHT_SECRET sets the secret that signs sessions and encrypts stored\n"
        "credentials (at least 32 characters); it has no flag, so that it never appears in a\n"
        "process list. Without it, the secret is generated once and kept in the OS keychain when\n"
        "one is reachable (service dynamight, unless DYNAMIGHT_KEYCHAIN=off), else in secret.key\n"
        "in the data dir with mode 0600; an existing secret.key is always kept. Losing the secret\n"
        "makes stored credentials unreadable.\n");
}

} // namespace dynamight
