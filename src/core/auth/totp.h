#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include <optional>

namespace dynamight {

// Time-based one-time passwords (RFC 6238) over HOTP (RFC 4226) with HMAC-SHA-1, the variant
// that authenticator apps implement: 30-second time steps counted from the Unix epoch, and
// 6-digit codes unless the caller passes another length (the RFC 6238 test vectors use 8).
// Secrets travel as RFC 4648 base32.
class Totp
{
public:
    static constexpr int period = 30;
    static constexpr int digits = 6;
    // How many steps before and after the current one verify() accepts, for clock drift and
    // for the seconds a user takes to type the code.
    static constexpr int allowedDrift = 1;
    // 160 bits, the HMAC-SHA-1 output length that RFC 4226 section 4 recommends.
    static constexpr int secretLength = 20;

    // Returns 20 random bytes from libsodium, or an empty array when libsodium cannot start.
    static QByteArray generateSecret();

    // Encodes without '=' padding, as otpauth URLs carry secrets.
    static QString base32Encode(const QByteArray &data);
    // Decodes upper or lower case and ignores spaces, dashes and trailing '=' padding. Returns
    // std::nullopt for any other character or for leftover bits that are not zero.
    static std::optional<QByteArray> base32Decode(const QString &text);

    // Returns the number of whole periods between the Unix epoch and time.
    static qint64 timeStep(const QDateTime &time);
    // Returns the HOTP code of secret for the counter step, zero-padded to codeDigits (1 to 9).
    static QString code(const QByteArray &secret, qint64 step, int codeDigits = digits);
    static QString codeAt(const QByteArray &secret, const QDateTime &time, int codeDigits = digits);

    // Returns the time step whose code equals code, trying the steps within allowedDrift of
    // now, or std::nullopt when none matches. Spaces in code are ignored, and a code of anything
    // other than exactly `digits` ASCII digits matches nothing.
    static std::optional<qint64> verify(const QByteArray &secret, const QString &code,
                                        const QDateTime &now);

    // Returns the otpauth:// URL (the Key Uri Format of Google Authenticator) that authenticator
    // apps read from a QR code.
    static QString otpauthUrl(const QString &issuer, const QString &account,
                              const QByteArray &secret);
};

} // namespace dynamight
