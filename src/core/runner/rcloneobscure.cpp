#include "runner/rcloneobscure.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

namespace dynamight {

namespace {

// The key of fs/config/obscure/obscure.go in rclone 1.60.1; tst_rcloneremote checks the
// encoding against `rclone reveal` and `rclone obscure`.
constexpr unsigned char kRcloneKey[32] = {
    0x9c, 0x93, 0x5b, 0x48, 0x73, 0x0a, 0x55, 0x4d, 0x6b, 0xfd, 0x7c, 0x63, 0xc8, 0x86, 0xa9, 0x2b,
    0xd3, 0x90, 0x19, 0x8e, 0xb8, 0x12, 0x8a, 0xfb, 0xf4, 0xde, 0x16, 0x2b, 0x8b, 0x95, 0xf6, 0x38,
};
constexpr int kIvBytes = 16;

struct CipherContextDeleter
{
    void operator()(EVP_CIPHER_CTX *context) const { EVP_CIPHER_CTX_free(context); }
};

// Applies the AES-256-CTR key stream that starts at iv. CTR mode encrypts and decrypts alike.
Result<QByteArray> applyKeyStream(const unsigned char *iv, QByteArrayView input)
{
    std::unique_ptr<EVP_CIPHER_CTX, CipherContextDeleter> context(EVP_CIPHER_CTX_new());
    if (!context || EVP_EncryptInit_ex(context.get(), EVP_aes_256_ctr(), nullptr, kRcloneKey, iv) != 1)
        return Error::internal(QStringLiteral("Failed to set up AES-256-CTR for the rclone config"));

    QByteArray output(input.size(), Qt::Uninitialized);
    int written = 0;
    const auto *in = reinterpret_cast<const unsigned char *>(input.data());
    auto *out = reinterpret_cast<unsigned char *>(output.data());
    if (EVP_EncryptUpdate(context.get(), out, &written, in, int(input.size())) != 1 || written != input.size())
        return Error::internal(QStringLiteral("Failed to obscure a value for the rclone config"));
    return output;
}

constexpr auto kBase64Options = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

} // namespace

Result<QString> obscureForRclone(const QByteArray &plainText)
{
    unsigned char iv[kIvBytes];
    if (RAND_bytes(iv, kIvBytes) != 1)
        return Error::internal(QStringLiteral("Failed to get random bytes for an rclone config IV"));

    const auto cipherText = applyKeyStream(iv, plainText);
    if (!cipherText)
        return cipherText.error();

    const QByteArray encoded = QByteArray(reinterpret_cast<const char *>(iv), kIvBytes) + *cipherText;
    return QString::fromLatin1(encoded.toBase64(kBase64Options));
}

Result<QByteArray> revealRcloneObscured(const QString &obscured)
{
    const auto decoded = QByteArray::fromBase64Encoding(obscured.toLatin1(),
                                                        kBase64Options | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.size() < kIvBytes)
        return Error::invalid(QStringLiteral("Not an rclone obscured value: it must be base64url of at "
                                             "least 16 bytes"));

    const auto *iv = reinterpret_cast<const unsigned char *>(decoded.decoded.constData());
    return applyKeyStream(iv, QByteArrayView(decoded.decoded).sliced(kIvBytes));
}

} // namespace dynamight
