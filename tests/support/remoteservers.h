#pragma once

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>

#include <memory>

// Servers on 127.0.0.1 that the remote destination tests start and stop themselves, each by
// its own process id. Each start() returns false with the reason in skipReason() when the
// program is not installed, so a test can skip with that message.

// Returns a TCP port on 127.0.0.1 that was free a moment ago.
quint16 freeLoopbackPort();
// Waits until something accepts connections on 127.0.0.1:port.
bool waitForPort(quint16 port, int timeoutMs);

class ChildServer
{
public:
    virtual ~ChildServer();
    void stop();
    quint16 port() const { return m_port; }
    qint64 processId() const { return m_process.processId(); }
    QString skipReason() const { return m_skipReason; }

protected:
    bool startProcess(const QString &program, const QStringList &arguments, const QProcessEnvironment &environment);

    QProcess m_process;
    quint16 m_port = 0;
    QString m_skipReason;
};

// `rclone serve webdav` on a folder, with basic auth. The password goes to rclone through the
// RCLONE_PASS environment variable, never on its command line.
class WebDavServer : public ChildServer
{
public:
    bool start(const QString &root, const QString &user, const QString &password);
    QString url() const;
};

// s3rver 3.7.1 from npm, run with node directly. It accepts any access key and secret.
class S3Server : public ChildServer
{
public:
    // The folder that npm installed s3rver into, from DYNAMIGHT_TEST_NODE_DIR.
    static QString nodeDirectory();
    bool start(const QString &bucket);
    QString endpoint() const;
    // Returns the keys of the objects in bucket, read from the server's data folder.
    QStringList objectKeys(const QString &bucket) const;

private:
    QTemporaryDir m_dataDir;
};

// OpenSSH's sshd with its own config and host key, and a user created for the test and
// removed with its home folder by the destructor. Needs root.
class SshServer : public ChildServer
{
public:
    ~SshServer() override;
    bool start();
    // Restarts on the same port with a new host key, as after a server reinstall.
    bool restartWithNewHostKey();

    QString user() const { return m_user; }
    QString home() const { return m_home; }
    QByteArray privateKey() const { return m_privateKey; }
    QString passphrase() const { return QStringLiteral("key passphrase"); }
    // Sets the user's password through crypt(3), so any byte string works.
    bool setPassword(const QByteArray &password);
    // The SHA256 fingerprint of the host key, from ssh-keygen -l.
    QString hostKeyFingerprint() const { return m_fingerprint; }

private:
    bool createHostKey();
    bool createUser();
    bool launch();

    QTemporaryDir m_dir;
    QString m_user;
    QString m_home;
    QByteArray m_privateKey;
    QString m_fingerprint;
    int m_hostKeyGeneration = 0;
};

// Runs a program and returns its exit code, or -1 when it could not run; output is collected.
int runProgram(const QString &program, const QStringList &arguments, QByteArray *output = nullptr,
               const QByteArray &input = {});
