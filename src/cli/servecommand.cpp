#include "servecommand.h"

#include "apiserver.h"
#include "auth/authservice.h"
#include "jobs/jobstore.h"
#include "runs/runmanager.h"
#include "schedule/scheduler.h"
#include "serverlogging.h"
#include "signalwatcher.h"

#include <QCoreApplication>
#include <QLoggingCategory>

#include <cstdio>

namespace dynamight {

void configureLogging(const QString &level)
{
    qSetMessagePattern(QStringLiteral("%{time yyyy-MM-ddThh:mm:ss.zzz} %{if-debug}debug%{endif}%{if-info}info%{endif}"
                                      "%{if-warning}warning%{endif}%{if-critical}error%{endif} "
                                      "%{category}: %{message}"));
    QString rules = QStringLiteral("dynamight.*.debug=false\n");
    if (level == QLatin1String("debug"))
        rules = QStringLiteral("dynamight.*.debug=true\n");
    else if (level == QLatin1String("warning"))
        rules += QStringLiteral("dynamight.*.info=false\n");
    else if (level == QLatin1String("error"))
        rules += QStringLiteral("dynamight.*.info=false\ndynamight.*.warning=false\n");
    QLoggingCategory::setFilterRules(rules);
}

int runServer(const ServeOptions &options)
{
    configureLogging(options.logLevel);
    auto core = Core::open(options.core);
    if (!core) {
        qCCritical(lcServer).noquote() << "Failed to start:" << core.error().message();
        return 1;
    }

    const ServerContext context{options.server,       (*core)->auth(),      (*core)->jobs(),
                                (*core)->runs(),      (*core)->logs(),      (*core)->runManager(),
                                (*core)->settings(),  (*core)->clock(),     (*core)->credentials(),
                                (*core)->schedules(), (*core)->scheduler()};
    ApiServer server(context);
    // Installed before the port is printed, so that a SIGTERM right after start still stops
    // the service cleanly.
    SignalWatcher watcher;
    QObject::connect(&watcher, &SignalWatcher::stopRequested, qApp, [](int signalNumber) {
        qCInfo(lcServer) << "Stopping on signal" << signalNumber;
        QCoreApplication::quit();
    });

    const auto port = server.start();
    if (!port) {
        qCCritical(lcServer).noquote() << port.error().message();
        return 1;
    }

    const QString address = options.server.host.protocol() == QAbstractSocket::IPv6Protocol
                                ? QStringLiteral("[%1]").arg(options.server.host.toString())
                                : options.server.host.toString();
    qCInfo(lcServer).noquote() << "Dynamight" << QStringLiteral(DYNAMIGHT_VERSION) << "using data dir"
                               << options.core.dataDir;
    // Scripts and tests read the bound port from this line on standard output.
    std::printf("Dynamight listening on http://%s:%u\n", qPrintable(address), unsigned(*port));
    std::fflush(stdout);

    // Started once the server listens, so that a server that cannot start starts no runs.
    (*core)->scheduler().start();
    const int code = QCoreApplication::exec();
    (*core)->scheduler().stop();
    (*core)->runManager().shutdown();
    qCInfo(lcServer) << "Stopped";
    return code;
}

} // namespace dynamight
