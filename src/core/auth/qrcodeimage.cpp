#include "auth/qrcodeimage.h"

#include "logging.h"

#include <qrcodegen.hpp>

#include <algorithm>
#include <array>
#include <optional>
#include <stdexcept>

namespace dynamight {

namespace {

constexpr int quietZoneModules = 4;

// CRC-32 as PNG chunks use it (ISO 3309, polynomial 0xEDB88320, reflected).
quint32 crc32(const QByteArray &data)
{
    static const std::array<quint32, 256> table = [] {
        std::array<quint32, 256> entries{};
        for (quint32 n = 0; n < 256; ++n) {
            quint32 c = n;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            entries[n] = c;
        }
        return entries;
    }();
    quint32 crc = 0xFFFFFFFFu;
    for (const char byte : data)
        crc = table[(crc ^ static_cast<quint8>(byte)) & 0xFF] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFu;
}

void appendBigEndian(QByteArray &out, quint32 value)
{
    for (int shift = 24; shift >= 0; shift -= 8)
        out.append(static_cast<char>((value >> shift) & 0xFF));
}

void appendChunk(QByteArray &png, const char type[4], const QByteArray &data)
{
    const QByteArray typed = QByteArray(type, 4) + data;
    appendBigEndian(png, static_cast<quint32>(data.size()));
    png.append(typed);
    appendBigEndian(png, crc32(typed));
}

// Encodes a square 8-bit grayscale image (PNG colour type 0) whose rows, each led by its filter
// byte, are in rows. A small encoder of our own keeps Qt's GUI module out of the server.
QByteArray encodeGrayPng(int side, const QByteArray &rows)
{
    QByteArray header;
    appendBigEndian(header, static_cast<quint32>(side));
    appendBigEndian(header, static_cast<quint32>(side));
    header.append(char(8)); // bit depth
    header.append(char(0)); // colour type: grayscale
    header.append(char(0)); // compression: deflate
    header.append(char(0)); // filter method 0
    header.append(char(0)); // no interlace

    // qCompress returns a 4-byte length and then a zlib stream, which is what IDAT holds.
    const QByteArray compressed = qCompress(rows, 9).mid(4);
    QByteArray png("\x89PNG\r\n\x1a\n", 8);
    appendChunk(png, "IHDR", header);
    appendChunk(png, "IDAT", compressed);
    appendChunk(png, "IEND", {});
    return png;
}

} // namespace

QByteArray qrCodePng(const QString &text, int pixelsPerModule)
{
    const QByteArray utf8 = text.toUtf8();
    std::optional<qrcodegen::QrCode> code;
    try {
        code = qrcodegen::QrCode::encodeText(utf8.constData(), qrcodegen::QrCode::Ecc::MEDIUM);
    } catch (const std::length_error &error) {
        qCWarning(lcAuth) << "Failed to draw a QR code of" << utf8.size()
                          << "bytes:" << error.what();
        return {};
    }

    const int modules = code->getSize() + 2 * quietZoneModules;
    const int side = modules * pixelsPerModule;
    // One filter-type byte (0, no filter) then one 8-bit gray sample per pixel, per row.
    QByteArray rows(static_cast<qsizetype>(side) * (side + 1), char(0xff));
    for (int row = 0; row < side; ++row)
        rows[static_cast<qsizetype>(row) * (side + 1)] = 0;
    for (int y = 0; y < code->getSize(); ++y) {
        for (int x = 0; x < code->getSize(); ++x) {
            if (!code->getModule(x, y))
                continue;
            for (int dy = 0; dy < pixelsPerModule; ++dy) {
                const qsizetype line = static_cast<qsizetype>((y + quietZoneModules) * pixelsPerModule + dy) * (side + 1) + 1;
                std::fill_n(rows.data() + line + (x + quietZoneModules) * pixelsPerModule, pixelsPerModule, char(0));
            }
        }
    }
    return encodeGrayPng(side, rows);
}

QString pngDataUrl(const QByteArray &png)
{
    return QStringLiteral("data:image/png;base64,") + QString::fromLatin1(png.toBase64());
}

} // namespace dynamight
