#pragma once

#include "auth/keychain.h"

#include <chrono>

namespace dynamight {

// The OS keychain through QtKeychain: the Secret Service (GNOME Keyring, KWallet) over D-Bus
// on Linux. QtKeychain jobs are asynchronous, so each call runs a local event loop until the job
// finishes or the timeout ends; a QCoreApplication must exist. Without a D-Bus session bus,
// QtKeychain 0.13 fails within milliseconds, which read() reports as Unavailable.
class SystemKeychain final : public Keychain
{
public:
    static constexpr const char *service = "dynamight";

    explicit SystemKeychain(std::chrono::milliseconds timeout = std::chrono::seconds(3));

    Lookup read(const QString &key) override;
    Status write(const QString &key, const QByteArray &value) override;
    QString describe(const QString &key) const override;

private:
    std::chrono::milliseconds m_timeout;
};

} // namespace dynamight
