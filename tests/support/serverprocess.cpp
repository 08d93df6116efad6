#include "serverprocess.h"

#include <QDebug>
#include <QDeadlineTimer>
#include <QRegularExpression>
#include <QThread>

#include <csignal>
#include <sys/prctl.h>

ServerProcess::ServerProcess(const QString &dataDir)
{
    if (dataDir.isEmpty()) {
        m_temporaryDir = std::make_unique<QTemporaryDir>();
        m_dataDir = m_temporaryDir->filePath(QStringLiteral("data"));
    } else {
        m_dataDir = dataDir;
    }
}

ServerProcess::~ServerProcess()
{
    if (m_process.state() != QProcess::NotRunning)
        stop();
}

QString ServerProcess::binary()
{
    return qEnvironmentVariable("DYNAMIGHT_BINARY", QStringLiteral("dynamight"));
}

bool ServerProcess::start(const QStringList &extraArguments, const QProcessEnvironment &environment)
{
    QProcessEnvironment processEnvironment = environment.isEmpty() ? QProcessEnvironment::systemEnvironment()
                                                                   : environment;
    processEnvironment.remove(QStringLiteral("DYNAMIGHT_SECRET"));
    m_process.setProcessEnvironment(processEnvironment);
    // The server dies with the test, so a test that crashes leaves no server behind.
    m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    m_process.setProgram(binary());
    m_process.setArguments(QStringList{QStringLiteral("serve"), QStringLiteral("--port"), QStringLiteral("0"),
                                       QStringLiteral("--data-dir"), m_dataDir}
                           + extraArguments);
    m_process.start();
    if (!m_process.waitForStarted(10000)) {
        qWarning().noquote() << "Failed to start" << binary() << ":" << m_process.errorString()
                             << "(run the tests through ctest, which sets DYNAMIGHT_BINARY)";
        return false;
    }
    m_processId = m_process.processId();

    static const QRegularExpression listening(QStringLiteral("listening on http://[^:]+:(\\d+)"));
    QByteArray output;
    const QDeadlineTimer deadline(20000);
    while (!deadline.hasExpired() && m_process.state() == QProcess::Running) {
        m_process.waitForReadyRead(100);
        output += m_process.readAllStandardOutput();
        m_errorOutput += m_process.readAllStandardError();
        const auto match = listening.match(QString::fromUtf8(output));
        if (match.hasMatch()) {
            m_port = static_cast<quint16>(match.captured(1).toUInt());
            return true;
        }
    }
    m_errorOutput += m_process.readAllStandardError();
    qWarning().noquote() << "The server did not report its port; its standard error:\n"
                         << QString::fromUtf8(m_errorOutput);
    return false;
}

int ServerProcess::stop()
{
    if (m_processId == 0)
        return 0;
    if (m_process.state() == QProcess::NotRunning)
        return m_process.exitCode();
    ::kill(static_cast<pid_t>(m_processId), SIGTERM);
    if (m_process.waitForFinished(20000)) {
        m_errorOutput += m_process.readAllStandardError();
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    }
    kill();
    return -1;
}

void ServerProcess::kill()
{
    ::kill(static_cast<pid_t>(m_processId), SIGKILL);
    m_process.waitForFinished(10000);
    m_errorOutput += m_process.readAllStandardError();
}

QUrl ServerProcess::baseUrl() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port));
}

QByteArray ServerProcess::standardError()
{
    m_errorOutput += m_process.readAllStandardError();
    return m_errorOutput;
}
