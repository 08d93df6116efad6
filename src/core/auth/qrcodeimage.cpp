#include "auth/qrcodeimage.h"

#include "logging.h"

#include <QBuffer>
#include <QImage>
#include <qrcodegen.hpp>

#include <algorithm>
#include <optional>
#include <stdexcept>

namespace dynamight {

namespace {

constexpr int quietZoneModules = 4;

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
    QImage image(modules * pixelsPerModule, modules * pixelsPerModule, QImage::Format_Grayscale8);
    image.fill(Qt::white);
    for (int y = 0; y < code->getSize(); ++y) {
        for (int x = 0; x < code->getSize(); ++x) {
            if (!code->getModule(x, y))
                continue;
            for (int dy = 0; dy < pixelsPerModule; ++dy) {
                uchar *line = image.scanLine((y + quietZoneModules) * pixelsPerModule + dy);
                std::fill_n(line + (x + quietZoneModules) * pixelsPerModule, pixelsPerModule, 0);
            }
        }
    }

    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    if (!image.save(&buffer, "PNG")) {
        qCWarning(lcAuth) << "Failed to encode a QR code as PNG";
        return {};
    }
    return png;
}

QString pngDataUrl(const QByteArray &png)
{
    return QStringLiteral("data:image/png;base64,") + QString::fromLatin1(png.toBase64());
}

} // namespace dynamight
