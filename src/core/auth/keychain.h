#pragma once

#include "result.h"

#include <QByteArray>
#include <QString>

namespace dynamight {

// A store for secrets outside the data dir, such as the OS keychain. ServerSecret keeps the
// server secret of a new installation there; tests substitute a fake.
class Keychain
{
public:
    enum class LookupStatus {
        Found,
        NotFound,
        // The keychain could not be reached or did not respond before the timeout.
        Unavailable,
    };

    struct Lookup
    {
        LookupStatus status = LookupStatus::Unavailable;
        QByteArray value;
        // The reason the keychain is unavailable, for the log; empty otherwise.
        QString error;
    };

    virtual ~Keychain() = default;

    virtual Lookup read(const QString &key) = 0;
    virtual Status write(const QString &key, const QByteArray &value) = 0;
    // Names the keychain and the entry for key in log lines and errors, e.g.
    // "the OS keychain (service dynamight, key ...)".
    virtual QString describe(const QString &key) const = 0;
};

} // namespace dynamight
