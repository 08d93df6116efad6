#include "providers/connectiontester.h"

#include "logging.h"
#include "runner/rclonearguments.h"
#include "runner/rcloneoutput.h"
#include "runner/rcloneremote.h"
#include "runner/rcloneworkspace.h"
#include "runner/sshhostkeys.h"

#include <QDeadlineTimer>
#include <QFileInfo>
#include <QProcess>
#include <QTcpSocket>

namespace dynamight {

namespace {

// The TCP probe and ssh-keyscan each get this long; rclone gets what is left of maxDuration().
constexpr int kProbeTimeoutMs = 5000;
constexpr int kKeyscanTimeoutSeconds = 5;

ConnectionTestResult failure(const QString &message, const QJsonValue &details = QJsonValue::Null)
{
    return {false, message, details};
}

QString text(const QJsonObject &object, const char *key)
{
    return object.value(QLatin1String(key)).toString();
}

QJsonObject successDetails(DestinationType type, const QJsonObject &config)
{
    QJsonObject details;
    const auto copy = [&](const char *key) {
        const QJsonValue value = config.value(QLatin1String(key));
        if (!value.isNull() && !value.isUndefined())
            details.insert(QLatin1String(key), value);
    };
    switch (type) {
    case DestinationType::Local:
        copy("mount_point");
        break;
    case DestinationType::S3:
        copy("bucket");
        copy("region");
        copy("endpoint");
        break;
    case DestinationType::GoogleDrive:
        copy("folder_id");
        copy("shared_drive_id");
        break;
    case DestinationType::OneDrive:
        copy("folder_path");
        copy("drive_id");
        break;
    case DestinationType::Sftp:
        copy("host");
        copy("port");
        copy("remote_path");
        break;
    case DestinationType::WebDav:
        copy("url");
        copy("remote_path");
        break;
    }
    return details;
}

ConnectionTestResult testLocal(const QJsonObject &config)
{
    const QString mountPoint = text(config, "mount_point");
    const QFileInfo info(mountPoint);
    if (!info.isDir())
        return failure(QStringLiteral("Path not found: %1 is not a folder; create it or mount the drive").arg(mountPoint));
    if (!info.isWritable())
        return failure(QStringLiteral("Access denied: the service cannot write to %1").arg(mountPoint));
    return {true, QStringLiteral("Connection successful"), successDetails(DestinationType::Local, config)};
}

// Tells a refused connection, an unknown host and a timeout apart before ssh-keyscan, which
// prints nothing in all three cases.
std::optional<QString> probeTcp(const QString &host, int port)
{
    QTcpSocket socket;
    socket.connectToHost(host, quint16(port));
    if (socket.waitForConnected(kProbeTimeoutMs)) {
        socket.abort();
        return std::nullopt;
    }
    const QString server = QStringLiteral("%1:%2").arg(host).arg(port);
    switch (socket.error()) {
    case QAbstractSocket::ConnectionRefusedError:
        return QStringLiteral("Connection refused: nothing listens on %1. Check the host, the port and that the "
                              "server is running")
            .arg(server);
    case QAbstractSocket::HostNotFoundError:
        return QStringLiteral("Host not found: %1 does not resolve; check the host name").arg(host);
    case QAbstractSocket::SocketTimeoutError:
        return QStringLiteral("Connection timed out: %1 did not answer within %2 s; check the host, the port and "
                              "the firewall")
            .arg(server)
            .arg(kProbeTimeoutMs / 1000);
    default:
        return QStringLiteral("Failed to connect to %1: %2").arg(server, socket.errorString());
    }
}

// Reads the server's host keys and checks them against the trusted fingerprint. On success,
// writes known_hosts; details receive the fingerprint of the key that rclone checks.
std::optional<ConnectionTestResult> checkHostKey(const QString &keyscanProgram, const SshEndpoint &ssh,
                                                 const RcloneWorkspace &workspace, RcloneRemote &remote,
                                                 QJsonObject &details)
{
    if (const auto problem = probeTcp(ssh.host, ssh.port))
        return failure(*problem);

    QProcess keyscan;
    keyscan.setProcessEnvironment(rcloneEnvironment());
    keyscan.setStandardInputFile(QProcess::nullDevice());
    keyscan.start(keyscanProgram, {QStringLiteral("-T"), QString::number(kKeyscanTimeoutSeconds), QStringLiteral("-p"),
                                   QString::number(ssh.port), ssh.host});
    if (!keyscan.waitForFinished((kKeyscanTimeoutSeconds + 2) * 1000)) {
        keyscan.kill();
        keyscan.waitForFinished(1000);
        return failure(QStringLiteral("Failed to read the SSH host key of %1:%2: %3").arg(ssh.host).arg(ssh.port).arg(
            keyscan.error() == QProcess::FailedToStart ? keyscan.errorString() : QStringLiteral("ssh-keyscan timed out")));
    }

    const QList<SshHostKey> keys = parseSshKeyscanOutput(keyscan.readAllStandardOutput());
    const SshHostKeyCheck check = checkSshHostKeys(keys, ssh.host, ssh.port, ssh.trustedFingerprint);
    if (const auto negotiated = keyNegotiatedByRclone(keys)) {
        details.insert(QStringLiteral("host_key_fingerprint"), negotiated->fingerprint());
        details.insert(QStringLiteral("host_key_type"), negotiated->type);
    }
    if (!check.trustedKey)
        return failure(check.errorMessage, details.isEmpty() ? QJsonValue() : QJsonValue(details));

    const Status written = workspace.writeKnownHosts(check.trustedKey->knownHostsLine(ssh.host, ssh.port), remote);
    if (!written)
        return failure(written.error().message());
    return std::nullopt;
}

QString firstError(const QByteArray &standardError)
{
    QString first;
    for (const QByteArray &line : standardError.split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        const auto record = parseRcloneLogLine(line);
        if (!record) {
            // rclone's last words ("Failed to lsf: ...") repeat the first error more briefly.
            if (first.isEmpty())
                first = QString::fromUtf8(line.trimmed());
            continue;
        }
        if (record->level == LogLevel::Error)
            return record->text();
    }
    return first;
}

QString describeFailure(DestinationType type, const QString &error, int exitCode)
{
    if (type == DestinationType::S3 && error.contains(QLatin1String("directory not found")))
        return QStringLiteral("Bucket not found: create the bucket or correct destination_config.bucket");
    if (const auto explanation = explainRcloneError(error))
        return *explanation;
    const QString detail = error.isEmpty() ? describeRcloneExit(exitCode).reason : error;
    return QStringLiteral("Connection test failed: %1").arg(detail);
}

} // namespace

QJsonObject ConnectionTestResult::toJson() const
{
    return {
        {QStringLiteral("success"), success},
        {QStringLiteral("message"), message},
        {QStringLiteral("details"), details},
    };
}

ConnectionTester::ConnectionTester(RunnerPrograms programs)
    : m_programs(std::move(programs))
{
}

ConnectionTestResult ConnectionTester::test(DestinationType type, const QJsonObject &destinationConfig,
                                            const QJsonObject &credentialData) const
{
    if (type == DestinationType::Local)
        return testLocal(destinationConfig);

    auto remote = buildRcloneRemote(type, destinationConfig, credentialData);
    if (!remote)
        return failure(remote.error().message());
    return testRemote(type, destinationConfig, *remote);
}

ConnectionTestResult ConnectionTester::testRemote(DestinationType type, const QJsonObject &destinationConfig,
                                                  RcloneRemote &remote) const
{
    const QDeadlineTimer deadline(maxDuration());
    auto workspace = RcloneWorkspace::create();
    if (!workspace)
        return failure(workspace.error().message());

    QJsonObject details = successDetails(type, destinationConfig);
    if (const auto &ssh = remote.sshEndpoint()) {
        if (auto problem = checkHostKey(m_programs.sshKeyscan, *ssh, **workspace, remote, details))
            return *problem;
    }
    const Status written = (*workspace)->writeConfig(remote);
    if (!written)
        return failure(written.error().message());

    QProcess rclone;
    rclone.setProcessEnvironment(rcloneEnvironment());
    rclone.setStandardInputFile(QProcess::nullDevice());
    rclone.start(m_programs.rclone, buildRcloneCheckArguments((*workspace)->configPath(), remote.rootTarget()));
    if (!rclone.waitForFinished(int(qMax<qint64>(deadline.remainingTime(), 1000)))) {
        const bool started = rclone.error() != QProcess::FailedToStart;
        rclone.kill();
        rclone.waitForFinished(1000);
        if (!started)
            return failure(QStringLiteral("Failed to start rclone: %1").arg(rclone.errorString()));
        return failure(QStringLiteral("Connection timed out: the server did not answer within %1 s")
                           .arg(maxDuration().count()));
    }

    if (rclone.exitStatus() == QProcess::NormalExit && rclone.exitCode() == 0)
        return {true, QStringLiteral("Connection successful"), details};

    const QString error = firstError(rclone.readAllStandardError());
    qCInfo(lcRunner).noquote() << "Connection test of a" << destinationTypeName(type) << "destination failed with exit code"
                               << rclone.exitCode() << ":" << error;
    return failure(describeFailure(type, error, rclone.exitCode()));
}

} // namespace dynamight
