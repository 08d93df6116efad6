#include "auth/jsonwebtoken.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QMessageAuthenticationCode>

#include <limits>
#include <optional>

#include <sodium.h>

namespace dynamight {

namespace {

constexpr auto base64UrlOptions = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

// The encoded header of every token that sign() makes: {"alg":"HS256","typ":"JWT"}.
const QByteArray &encodedHeader()
{
    static const QByteArray header
        = QJsonDocument(QJsonObject{{QStringLiteral("alg"), QStringLiteral("HS256")},
                                    {QStringLiteral("typ"), QStringLiteral("JWT")}})
              .toJson(QJsonDocument::Compact)
              .toBase64(base64UrlOptions);
    return header;
}

Error malformed(const QString &reason)
{
    return Error::unauthorized(QStringLiteral("The token is malformed: %1").arg(reason));
}

bool isBase64UrlCharacter(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
        || c == '_';
}

// Decodes one part strictly: the base64url alphabet only, no padding, no whitespace.
Result<QByteArray> decodePart(const QByteArray &part)
{
    // A length of 4n + 1 cannot come from any input, because one character carries only 6 bits.
    if (part.isEmpty() || part.size() % 4 == 1)
        return malformed(QStringLiteral("a part has an invalid base64url length"));
    for (const char c : part) {
        if (!isBase64UrlCharacter(c))
            return malformed(QStringLiteral("a part is not base64url without padding"));
    }

    const auto options = base64UrlOptions | QByteArray::AbortOnBase64DecodingErrors;
    auto decoded = QByteArray::fromBase64Encoding(part, options);
    if (!decoded)
        return malformed(QStringLiteral("a part is not base64url without padding"));
    return decoded.decoded;
}

Result<QJsonObject> decodeObject(const QByteArray &part, const QString &name)
{
    const auto bytes = decodePart(part);
    if (!bytes)
        return bytes.error();

    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(*bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return malformed(QStringLiteral("the %1 is not a JSON object").arg(name));
    return document.object();
}

Status checkHeader(const QJsonObject &header)
{
    const QJsonValue algorithm = header.value(QLatin1String("alg"));
    if (algorithm != QJsonValue(QStringLiteral("HS256"))) {
        return Error::unauthorized(
            QStringLiteral("The token's algorithm is not supported: only HS256 is accepted"));
    }
    // RFC 7515 section 4.1.11: a recipient that does not understand every extension listed in
    // "crit" must reject the token, and this one understands none.
    if (header.contains(QLatin1String("crit"))) {
        return Error::unauthorized(
            QStringLiteral("The token's critical header extensions are not supported"));
    }
    return {};
}

Error missingClaim(const char *name, const char *type)
{
    return Error::unauthorized(
        QStringLiteral("The token's claim '%1' is missing or is not %2")
            .arg(QLatin1String(name), QLatin1String(type)));
}

std::optional<QString> stringClaim(const QJsonObject &payload, const char *name)
{
    const QString value = payload.value(QLatin1String(name)).toString();
    if (value.isEmpty())
        return std::nullopt;
    return value;
}

std::optional<qint64> integerClaim(const QJsonObject &payload, const char *name)
{
    constexpr qint64 invalid = std::numeric_limits<qint64>::min();
    const QJsonValue value = payload.value(QLatin1String(name));
    const qint64 number = value.toInteger(invalid);
    if (!value.isDouble() || number == invalid)
        return std::nullopt;
    return number;
}

Result<TokenClaims> parseClaims(const QJsonObject &payload)
{
    const auto subject = stringClaim(payload, "sub");
    if (!subject)
        return missingClaim("sub", "a non-empty string");
    const auto sessionId = stringClaim(payload, "sid");
    if (!sessionId)
        return missingClaim("sid", "a non-empty string");
    const auto issuedAt = integerClaim(payload, "iat");
    if (!issuedAt)
        return missingClaim("iat", "an integer");
    const auto expiresAt = integerClaim(payload, "exp");
    if (!expiresAt)
        return missingClaim("exp", "an integer");

    return TokenClaims{*subject, *sessionId, QDateTime::fromSecsSinceEpoch(*issuedAt, Qt::UTC),
                       QDateTime::fromSecsSinceEpoch(*expiresAt, Qt::UTC)};
}

Status checkTimes(const TokenClaims &claims, const QDateTime &now)
{
    const qint64 nowSeconds = now.toSecsSinceEpoch();
    if (claims.expiresAt.toSecsSinceEpoch() <= nowSeconds)
        return Error::unauthorized(QStringLiteral("The token has expired: log in again"));

    const qint64 latestIssue = nowSeconds + JsonWebToken::allowedClockSkew.count();
    if (claims.issuedAt.toSecsSinceEpoch() > latestIssue) {
        return Error::unauthorized(
            QStringLiteral("The token's issue time is in the future: check the server's clock"));
    }
    return {};
}

} // namespace

JsonWebToken::JsonWebToken(QByteArray key)
    : m_key(std::move(key))
{
}

QString JsonWebToken::sign(const TokenClaims &claims) const
{
    const QJsonObject payload{
        {QStringLiteral("sub"), claims.subject},
        {QStringLiteral("sid"), claims.sessionId},
        {QStringLiteral("iat"), claims.issuedAt.toSecsSinceEpoch()},
        {QStringLiteral("exp"), claims.expiresAt.toSecsSinceEpoch()},
    };
    const QByteArray signingInput = encodedHeader() + '.'
        + QJsonDocument(payload).toJson(QJsonDocument::Compact).toBase64(base64UrlOptions);
    return QString::fromLatin1(signingInput + '.' + encodedSignature(signingInput));
}

Result<TokenClaims> JsonWebToken::verify(const QString &token, const QDateTime &now) const
{
    if (token.size() > maxTokenLength)
        return malformed(QStringLiteral("it is longer than %1 characters").arg(maxTokenLength));
    const QList<QByteArray> parts = token.toLatin1().split('.');
    if (parts.size() != 3)
        return malformed(QStringLiteral("it must have 3 parts separated by '.', not %1")
                             .arg(parts.size()));

    const auto header = decodeObject(parts[0], QStringLiteral("header"));
    if (!header)
        return header.error();
    if (const Status status = checkHeader(*header); !status)
        return status.error();
    if (const Status status = checkSignature(parts[0] + '.' + parts[1], parts[2]); !status)
        return status.error();

    const auto payload = decodeObject(parts[1], QStringLiteral("payload"));
    if (!payload)
        return payload.error();
    auto claims = parseClaims(*payload);
    if (!claims)
        return claims.error();
    if (const Status status = checkTimes(*claims, now); !status)
        return status.error();
    return claims;
}

Status JsonWebToken::checkSignature(const QByteArray &signingInput,
                                    const QByteArray &signature) const
{
    if (m_key.size() < minKeyLength) {
        return Error::internal(QStringLiteral("The token signing key is shorter than %1 bytes")
                                   .arg(minKeyLength));
    }

    // Comparing the encoded forms rejects a second spelling of the same bytes (nonzero unused
    // bits in the last character), and sodium_memcmp takes the same time wherever they differ.
    const QByteArray expected = encodedSignature(signingInput);
    if (signature.size() != expected.size()
        || sodium_memcmp(signature.constData(), expected.constData(),
                         static_cast<size_t>(expected.size()))
            != 0) {
        return Error::unauthorized(
            QStringLiteral("The token's signature is invalid: log in again"));
    }
    return {};
}

QByteArray JsonWebToken::encodedSignature(const QByteArray &signingInput) const
{
    return QMessageAuthenticationCode::hash(signingInput, m_key, QCryptographicHash::Sha256)
        .toBase64(base64UrlOptions);
}

} // namespace dynamight
