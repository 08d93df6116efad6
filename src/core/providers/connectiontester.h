#pragma once

#include "models/job.h"
#include "runs/runnerfactory.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <chrono>

namespace dynamight {

class RcloneRemote;

// The body of a POST /providers/test response.
struct ConnectionTestResult
{
    bool success = false;
    QString message;
    // An object on success, and on a host key failure (with the server's fingerprint); else null.
    QJsonValue details;

    QJsonObject toJson() const;
};

// Checks that a destination is reachable with a credential by listing its target path with
// rclone (for local destinations: that the folder exists and is writable). The check blocks the
// calling thread, because a QHttpServer 6.4 handler must respond before it returns. Every step
// has a timeout, and the whole check ends after maxDuration() at most.
class ConnectionTester
{
public:
    explicit ConnectionTester(RunnerPrograms programs = {});

    static std::chrono::seconds maxDuration() { return std::chrono::seconds(15); }

    // destinationConfig is validated (parseDestinationConfig); credentialData is the decrypted
    // or inline data of a credential of the same provider type.
    ConnectionTestResult test(DestinationType type, const QJsonObject &destinationConfig,
                              const QJsonObject &credentialData) const;

private:
    ConnectionTestResult testRemote(DestinationType type, const QJsonObject &destinationConfig,
                                    RcloneRemote &remote) const;

    RunnerPrograms m_programs;
};

} // namespace dynamight
