#include "remoteservers.h"

#include <QDeadlineTimer>
#include <QDebug>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

#include <crypt.h>
#include <csignal>
#include <unistd.h>

namespace {

constexpr int kStartTimeoutMs = 15000;

QString findProgram(const QString &name, const QStringList &extraPaths = {})
{
    const QString found = QStandardPaths::findExecutable(name);
    if (!found.isEmpty())
        return found;
    return QStandardPaths::findExecutable(name, extraPaths);
}

} // namespace

quint16 freeLoopbackPort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    return server.serverPort();
}

bool waitForPort(quint16 port, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port);
        if (socket.waitForConnected(200))
            return true;
        QThread::msleep(50);
    }
    return false;
}

int runProgram(const QString &program, const QStringList &arguments, QByteArray *output, const QByteArray &input)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(program, arguments);
    if (!process.waitForStarted(5000))
        return -1;
    if (!input.isEmpty())
        process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(30000)) {
        process.kill();
        process.waitForFinished(1000);
        return -1;
    }
    if (output)
        *output = process.readAll();
    return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
}

ChildServer::~ChildServer() { stop(); }

void ChildServer::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    const auto pid = pid_t(m_process.processId());
    ::kill(pid, SIGTERM);
    if (!m_process.waitForFinished(5000)) {
        ::kill(pid, SIGKILL);
        m_process.waitForFinished(5000);
    }
}

bool ChildServer::startProcess(const QString &program, const QStringList &arguments,
                               const QProcessEnvironment &environment)
{
    m_process.setProcessEnvironment(environment);
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.setStandardInputFile(QProcess::nullDevice());
    m_process.start(program, arguments);
    if (!m_process.waitForStarted(5000)) {
        m_skipReason = QStringLiteral("Failed to start %1: %2").arg(program, m_process.errorString());
        return false;
    }
    if (!waitForPort(m_port, kStartTimeoutMs)) {
        m_skipReason = QStringLiteral("%1 did not listen on port %2: %3")
                           .arg(program)
                           .arg(m_port)
                           .arg(QString::fromUtf8(m_process.readAll()));
        stop();
        return false;
    }
    return true;
}

bool WebDavServer::start(const QString &root, const QString &user, const QString &password)
{
    const QString rclone = findProgram(QStringLiteral("rclone"));
    if (rclone.isEmpty()) {
        m_skipReason = QStringLiteral("rclone is not installed");
        return false;
    }
    m_port = freeLoopbackPort();
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("RCLONE_USER"), user);
    environment.insert(QStringLiteral("RCLONE_PASS"), password);
    return startProcess(rclone,
                        {QStringLiteral("serve"), QStringLiteral("webdav"), QStringLiteral("--config="),
                         QStringLiteral("--addr=127.0.0.1:%1").arg(m_port), root},
                        environment);
}

QString WebDavServer::url() const { return QStringLiteral("http://127.0.0.1:%1/").arg(m_port); }

QString S3Server::nodeDirectory() { return qEnvironmentVariable("DYNAMIGHT_TEST_NODE_DIR"); }

bool S3Server::start(const QString &bucket)
{
    const QString node = findProgram(QStringLiteral("node"));
    const QString script = nodeDirectory() + QStringLiteral("/node_modules/s3rver/bin/s3rver.js");
    if (node.isEmpty() || nodeDirectory().isEmpty() || !QFile::exists(script)) {
        m_skipReason = QStringLiteral("s3rver is not installed in %1 (the setup_s3rver test installs it with npm)")
                           .arg(nodeDirectory());
        return false;
    }
    m_port = freeLoopbackPort();
    return startProcess(node,
                        {script, QStringLiteral("-d"), m_dataDir.path(), QStringLiteral("-a"), QStringLiteral("127.0.0.1"),
                         QStringLiteral("-p"), QString::number(m_port), QStringLiteral("--configure-bucket"), bucket},
                        QProcessEnvironment::systemEnvironment());
}

QString S3Server::endpoint() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }

// s3rver 3.7 keeps each object as <key>._S3rver_object next to ._S3rver_metadata.json.
QStringList S3Server::objectKeys(const QString &bucket) const
{
    const QString root = m_dataDir.filePath(bucket);
    const QString suffix = QStringLiteral("._S3rver_object");
    QStringList keys;
    QDirIterator it(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (path.endsWith(suffix))
            keys << QDir(root).relativeFilePath(path).chopped(suffix.size());
    }
    keys.sort();
    return keys;
}

SshServer::~SshServer()
{
    stop();
    if (!m_user.isEmpty())
        runProgram(QStringLiteral("userdel"), {QStringLiteral("-r"), m_user});
}

bool SshServer::start()
{
    // sshd reads AuthorizedKeysFile as the user, so the folder must be readable by others.
    QFile::setPermissions(m_dir.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
                                            | QFileDevice::ReadGroup | QFileDevice::ExeGroup | QFileDevice::ReadOther
                                            | QFileDevice::ExeOther);
    if (geteuid() != 0) {
        m_skipReason = QStringLiteral("the sshd tests create a user, which needs root");
        return false;
    }
    if (!QFile::exists(QStringLiteral("/usr/sbin/sshd"))) {
        m_skipReason = QStringLiteral("/usr/sbin/sshd is not installed (Debian package openssh-server)");
        return false;
    }
    if (!createHostKey() || !createUser())
        return false;
    // sshd refuses to start without its privilege separation folder.
    QDir().mkpath(QStringLiteral("/run/sshd"));
    m_port = freeLoopbackPort();
    return launch();
}

bool SshServer::restartWithNewHostKey()
{
    stop();
    return createHostKey() && launch();
}

bool SshServer::createHostKey()
{
    const QString keyPath = m_dir.filePath(QStringLiteral("host_key"));
    QFile::remove(keyPath);
    QFile::remove(keyPath + QStringLiteral(".pub"));
    ++m_hostKeyGeneration;
    QByteArray output;
    if (runProgram(QStringLiteral("ssh-keygen"), {QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"),
                                                  QStringLiteral("-N"), QString(), QStringLiteral("-f"), keyPath},
                   &output)
        != 0) {
        m_skipReason = QStringLiteral("ssh-keygen failed: ") + QString::fromUtf8(output);
        return false;
    }
    runProgram(QStringLiteral("ssh-keygen"), {QStringLiteral("-l"), QStringLiteral("-f"), keyPath + QStringLiteral(".pub")},
               &output);
    m_fingerprint = QString::fromUtf8(output).section(u' ', 1, 1);
    return true;
}

bool SshServer::createUser()
{
    m_user = QStringLiteral("dmtest%1").arg(getpid());
    m_home = QStringLiteral("/home/") + m_user;
    QByteArray output;
    if (runProgram(QStringLiteral("useradd"), {QStringLiteral("-m"), QStringLiteral("-d"), m_home, QStringLiteral("-s"),
                                               QStringLiteral("/bin/sh"), m_user},
                   &output)
        != 0) {
        m_skipReason = QStringLiteral("useradd failed: ") + QString::fromUtf8(output);
        m_user.clear();
        return false;
    }
    // useradd locks the account with "!", and sshd refuses locked accounts even for keys.
    runProgram(QStringLiteral("usermod"), {QStringLiteral("-p"), QStringLiteral("*"), m_user});

    const QString userKey = m_dir.filePath(QStringLiteral("user_key"));
    runProgram(QStringLiteral("ssh-keygen"), {QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"),
                                              QStringLiteral("-N"), passphrase(), QStringLiteral("-f"), userKey});
    QFile key(userKey);
    QFile publicKey(userKey + QStringLiteral(".pub"));
    if (!key.open(QIODevice::ReadOnly) || !publicKey.open(QIODevice::ReadOnly)) {
        m_skipReason = QStringLiteral("ssh-keygen did not create the user's key");
        return false;
    }
    m_privateKey = key.readAll();
    QFile authorized(m_dir.filePath(QStringLiteral("authorized_keys")));
    authorized.open(QIODevice::WriteOnly);
    authorized.write(publicKey.readAll());
    return true;
}

bool SshServer::setPassword(const QByteArray &password)
{
    struct crypt_data data = {};
    const char *hash = crypt_r(password.constData(), "$6$dynamighttest$", &data);
    if (!hash || hash[0] == '*')
        return false;
    return runProgram(QStringLiteral("usermod"), {QStringLiteral("-p"), QString::fromLatin1(hash), m_user}) == 0;
}

bool SshServer::launch()
{
    const QString config = m_dir.filePath(QStringLiteral("sshd_config"));
    QFile file(config);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    file.write(QStringLiteral("ListenAddress 127.0.0.1\n"
                              "Port %1\n"
                              "HostKey %2\n"
                              "PidFile none\n"
                              "UsePAM no\n"
                              "PasswordAuthentication yes\n"
                              "KbdInteractiveAuthentication no\n"
                              "AuthorizedKeysFile %3\n"
                              "StrictModes no\n"
                              "Subsystem sftp internal-sftp\n"
                              "AllowUsers %4\n")
                   .arg(m_port)
                   .arg(m_dir.filePath(QStringLiteral("host_key")), m_dir.filePath(QStringLiteral("authorized_keys")), m_user)
                   .toUtf8());
    file.close();
    return startProcess(QStringLiteral("/usr/sbin/sshd"), {QStringLiteral("-D"), QStringLiteral("-e"), QStringLiteral("-f"), config},
                        QProcessEnvironment::systemEnvironment());
}
