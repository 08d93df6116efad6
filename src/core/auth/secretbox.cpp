#include "auth/secretbox.h"

#include "auth/passwordhasher.h"

#include <utility>

#include <sodium.h>

namespace dynamight {

namespace {

constexpr int nonceLength = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr int tagLength = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr int headerLength = 1 + nonceLength;

static_assert(SecretBox::keyLength == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);

const unsigned char *bytes(const QByteArray &array)
{
    return reinterpret_cast<const unsigned char *>(array.constData());
}

unsigned char *bytes(QByteArray &array) { return reinterpret_cast<unsigned char *>(array.data()); }

} // namespace

SecretBox::SecretBox(QByteArray key)
    : m_key(std::move(key))
{ }

QByteArray SecretBox::seal(const QByteArray &plaintext, const QByteArray &associatedData) const
{
    if (m_key.size() != keyLength || !initializeSodium().ok())
        return {};

    QByteArray sealed(headerLength + plaintext.size() + tagLength, Qt::Uninitialized);
    sealed[0] = version;
    unsigned char *nonce = bytes(sealed) + 1;
    randombytes_buf(nonce, nonceLength);

    unsigned long long cipherLength = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        nonce + nonceLength, &cipherLength, bytes(plaintext),
        static_cast<unsigned long long>(plaintext.size()), bytes(associatedData),
        static_cast<unsigned long long>(associatedData.size()), nullptr, nonce, bytes(m_key));
    sealed.truncate(headerLength + static_cast<qsizetype>(cipherLength));
    return sealed;
}

Result<QByteArray> SecretBox::open(const QByteArray &sealed, const QByteArray &associatedData) const
{
    if (m_key.size() != keyLength)
        return Error::internal(QStringLiteral("SecretBox key is not %1 bytes long").arg(keyLength));
    if (const Status ready = initializeSodium(); !ready)
        return ready.error();
    if (sealed.size() < headerLength + tagLength)
        return Error::storage(QStringLiteral("Encrypted secret is too short, so it is damaged"));
    if (sealed.at(0) != version) {
        return Error::storage(QStringLiteral("Encrypted secret has unknown format version %1")
                                  .arg(static_cast<unsigned char>(sealed.at(0))));
    }

    const unsigned char *nonce = bytes(sealed) + 1;
    const qsizetype cipherLength = sealed.size() - headerLength;
    QByteArray plaintext(cipherLength - tagLength, Qt::Uninitialized);
    unsigned long long plainLength = 0;
    const int status = crypto_aead_xchacha20poly1305_ietf_decrypt(
        bytes(plaintext), &plainLength, nullptr, nonce + nonceLength,
        static_cast<unsigned long long>(cipherLength), bytes(associatedData),
        static_cast<unsigned long long>(associatedData.size()), nonce, bytes(m_key));
    if (status != 0) {
        return Error::storage(QStringLiteral(
            "Failed to decrypt a stored secret: it was encrypted under another key, so the "
            "server secret changed since it was stored (restore the original secret.key or "
            "DYNAMIGHT_SECRET), or the stored value was altered"));
    }
    plaintext.truncate(static_cast<qsizetype>(plainLength));
    return plaintext;
}

} // namespace dynamight
