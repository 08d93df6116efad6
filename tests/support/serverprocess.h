#pragma once

#include <QProcess>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>

// The real dynamight binary (path from DYNAMIGHT_BINARY, set by CTest) serving on an ephemeral
// 127.0.0.1 port with its own data dir, for tests that speak to it over HTTP and WebSocket.
class ServerProcess
{
public:
    // Uses dataDir when given (to restart on the same data), else a fresh temporary one.
    explicit ServerProcess(const QString &dataDir = {});
    ~ServerProcess();

    // Starts the server and waits until it prints the port it listens on.
    bool start(const QStringList &extraArguments = {}, const QProcessEnvironment &environment = {});
    // Sends SIGTERM and waits for a clean exit; returns the exit code, or -1 if it had to be killed.
    int stop();
    // Sends SIGKILL, as a crash would, and waits for the process to be gone.
    void kill();

    quint16 port() const { return m_port; }
    QUrl baseUrl() const;
    qint64 processId() const { return m_processId; }
    QString dataDir() const { return m_dataDir; }
    QByteArray standardError();

    static QString binary();

private:
    std::unique_ptr<QTemporaryDir> m_temporaryDir;
    QString m_dataDir;
    QProcess m_process;
    QByteArray m_errorOutput;
    quint16 m_port = 0;
    qint64 m_processId = 0;
};
