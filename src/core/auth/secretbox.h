#pragma once

#include "result.h"

#include <QByteArray>

namespace dynamight {

// Authenticated encryption of small secrets at rest (TOTP secrets, stored credentials) with
// libsodium's XChaCha20-Poly1305 (IETF). A sealed value is
//     version byte (1) | 24-byte random nonce | ciphertext | 16-byte tag
// so that a later format can be recognized by its first byte. associatedData is authenticated
// but not stored. Pass the same bytes (for example a row id and a purpose) to open(), so that a
// sealed value copied into another row does not open there.
class SecretBox
{
public:
    static constexpr int keyLength = 32;
    static constexpr char version = 1;

    // key must be keyLength bytes long, for example from deriveKey(). With another length seal()
    // returns an empty array and open() an Internal error.
    explicit SecretBox(QByteArray key);

    // Encrypts plaintext under a fresh random nonce. Returns an empty array only when the key
    // has the wrong length or libsodium cannot start.
    QByteArray seal(const QByteArray &plaintext, const QByteArray &associatedData = {}) const;

    // Decrypts a value from seal(). A value that is too short or has an unknown version byte is
    // a Storage error. A value that fails authentication, because it was sealed under another
    // key (the server secret changed) or was altered, is a Storage error whose message names
    // both causes.
    Result<QByteArray> open(const QByteArray &sealed, const QByteArray &associatedData = {}) const;

private:
    QByteArray m_key;
};

} // namespace dynamight
