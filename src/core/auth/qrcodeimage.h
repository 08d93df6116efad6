#pragma once

#include <QByteArray>
#include <QString>

namespace dynamight {

// Draws text as a QR code (qrcodegen, error correction level M) into a black-on-white PNG
// with a white border of 4 modules, which QR readers need to find the code. Returns an empty
// array when the text does not fit in a QR code.
QByteArray qrCodePng(const QString &text, int pixelsPerModule = 6);

// Returns the PNG as a "data:image/png;base64,..." URL, which an <img> element shows as it is.
QString pngDataUrl(const QByteArray &png);

} // namespace dynamight
