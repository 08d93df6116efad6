#pragma once

#include "result.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include <chrono>

namespace dynamight {

// The claims of a session token. Times are whole seconds, as JWT NumericDate values are.
struct TokenClaims
{
    // "sub": the user id, as a decimal string.
    QString subject;
    // "sid": the id of the server-side session row, which logout revokes.
    QString sessionId;
    // "iat"
    QDateTime issuedAt;
    // "exp": the token is rejected from this second on.
    QDateTime expiresAt;
};

// JSON Web Tokens (RFC 7519) signed with HMAC-SHA256 in the JWS compact serialization
// (RFC 7515): base64url(header) "." base64url(payload) "." base64url(signature), without padding.
// Only "alg": "HS256" is accepted, so a token that claims "none" or another algorithm is rejected
// before its signature is looked at.
class JsonWebToken
{
public:
    // RFC 7518 section 3.2 requires an HS256 key of at least 256 bits.
    static constexpr int minKeyLength = 32;
    // Tokens longer than this are rejected unread. The ones sign() makes are about 200 characters.
    static constexpr int maxTokenLength = 4096;
    // How far "iat" may lie in the future, for clocks that differ slightly.
    static constexpr std::chrono::seconds allowedClockSkew{60};

    // verify() rejects every token unless key is at least minKeyLength bytes long.
    explicit JsonWebToken(QByteArray key);

    QString sign(const TokenClaims &claims) const;

    // Checks, in order: the form, the header's algorithm, the signature (in constant time), the
    // presence and types of sub, sid, iat and exp, then exp > now and iat <= now + skew. Every
    // failure is an Unauthorized error whose message names the reason.
    Result<TokenClaims> verify(const QString &token, const QDateTime &now) const;

private:
    Status checkSignature(const QByteArray &signingInput, const QByteArray &signature) const;
    QByteArray encodedSignature(const QByteArray &signingInput) const;

    QByteArray m_key;
};

} // namespace dynamight
