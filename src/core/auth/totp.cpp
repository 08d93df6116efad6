#include "auth/totp.h"

#include "auth/passwordhasher.h"

#include <QMessageAuthenticationCode>
#include <QUrl>
#include <QUrlQuery>

#include <algorithm>

#include <sodium.h>

namespace dynamight {

namespace {

constexpr char base32Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int base32Value(QChar c)
{
    const char16_t code = c.toUpper().unicode();
    if (code >= u'A' && code <= u'Z')
        return code - u'A';
    if (code >= u'2' && code <= u'7')
        return code - u'2' + 26;
    return -1;
}

bool isSeparator(QChar c) { return c == QLatin1Char(' ') || c == QLatin1Char('-'); }

// Compares in time independent of where the texts differ, so that a timing attack learns
// nothing about the expected code.
bool equalInConstantTime(const QByteArray &left, const QByteArray &right)
{
    if (left.size() != right.size())
        return false;
    return sodium_memcmp(left.constData(), right.constData(), static_cast<size_t>(left.size()))
        == 0;
}

} // namespace

QByteArray Totp::generateSecret()
{
    if (!initializeSodium().ok())
        return {};
    QByteArray secret(secretLength, Qt::Uninitialized);
    randombytes_buf(secret.data(), static_cast<size_t>(secret.size()));
    return secret;
}

QString Totp::base32Encode(const QByteArray &data)
{
    QString text;
    text.reserve((data.size() * 8 + 4) / 5);
    quint32 buffer = 0;
    int bits = 0;
    for (const char byte : data) {
        buffer = (buffer << 8) | static_cast<quint8>(byte);
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            text.append(QLatin1Char(base32Alphabet[(buffer >> bits) & 0x1f]));
        }
    }
    if (bits > 0)
        text.append(QLatin1Char(base32Alphabet[(buffer << (5 - bits)) & 0x1f]));
    return text;
}

std::optional<QByteArray> Totp::base32Decode(const QString &text)
{
    QString trimmed = text;
    trimmed.removeIf(isSeparator);
    while (trimmed.endsWith(QLatin1Char('=')))
        trimmed.chop(1);

    QByteArray data;
    quint32 buffer = 0;
    int bits = 0;
    for (const QChar c : std::as_const(trimmed)) {
        const int value = base32Value(c);
        if (value < 0)
            return std::nullopt;
        buffer = (buffer << 5) | static_cast<quint32>(value);
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            data.append(static_cast<char>((buffer >> bits) & 0xff));
        }
    }
    // RFC 4648 section 3.5: the bits after the last whole byte are zero in a canonical encoding.
    if (bits >= 5 || (buffer & ((1u << bits) - 1)) != 0)
        return std::nullopt;
    return data;
}

qint64 Totp::timeStep(const QDateTime &time)
{
    const qint64 seconds = time.toSecsSinceEpoch();
    // Floor division, so that times before the epoch do not share step 0.
    return seconds >= 0 ? seconds / period : (seconds - period + 1) / period;
}

QString Totp::code(const QByteArray &secret, qint64 step, int codeDigits)
{
    Q_ASSERT(codeDigits >= 1 && codeDigits <= 9);
    QByteArray counter(8, Qt::Uninitialized);
    for (int i = 7; i >= 0; --i) {
        counter[i] = static_cast<char>(step & 0xff);
        step >>= 8;
    }
    const QByteArray mac =
        QMessageAuthenticationCode::hash(counter, secret, QCryptographicHash::Sha1);

    // RFC 4226 section 5.3, dynamic truncation: the low nibble of the last byte picks 4 bytes,
    // whose top bit is dropped.
    const int offset = mac.at(mac.size() - 1) & 0x0f;
    const quint32 binary = (static_cast<quint32>(mac.at(offset) & 0x7f) << 24)
        | (static_cast<quint32>(static_cast<quint8>(mac.at(offset + 1))) << 16)
        | (static_cast<quint32>(static_cast<quint8>(mac.at(offset + 2))) << 8)
        | static_cast<quint32>(static_cast<quint8>(mac.at(offset + 3)));
    quint32 modulus = 1;
    for (int i = 0; i < codeDigits; ++i)
        modulus *= 10;
    return QStringLiteral("%1").arg(binary % modulus, codeDigits, 10, QLatin1Char('0'));
}

QString Totp::codeAt(const QByteArray &secret, const QDateTime &time, int codeDigits)
{
    return code(secret, timeStep(time), codeDigits);
}

std::optional<qint64> Totp::verify(const QByteArray &secret, const QString &code,
                                   const QDateTime &now)
{
    QString presented = code;
    presented.remove(QLatin1Char(' '));
    const bool wellFormed = presented.size() == digits
        && std::all_of(presented.cbegin(), presented.cend(),
                       [](QChar c) { return c >= QLatin1Char('0') && c <= QLatin1Char('9'); });
    if (!wellFormed || secret.isEmpty())
        return std::nullopt;

    const QByteArray presentedBytes = presented.toLatin1();
    const qint64 current = timeStep(now);
    std::optional<qint64> matched;
    // Every step in the window is computed, so the time taken does not tell which one matched.
    for (qint64 step = current - allowedDrift; step <= current + allowedDrift; ++step) {
        if (equalInConstantTime(Totp::code(secret, step).toLatin1(), presentedBytes) && !matched)
            matched = step;
    }
    return matched;
}

QString Totp::otpauthUrl(const QString &issuer, const QString &account, const QByteArray &secret)
{
    QUrl url;
    url.setScheme(QStringLiteral("otpauth"));
    url.setHost(QStringLiteral("totp"));
    url.setPath(QLatin1Char('/') + issuer + QLatin1Char(':') + account);
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("secret"), base32Encode(secret));
    query.addQueryItem(QStringLiteral("issuer"), issuer);
    url.setQuery(query);
    return url.toString(QUrl::FullyEncoded);
}

} // namespace dynamight
