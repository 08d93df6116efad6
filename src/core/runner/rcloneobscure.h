#pragma once

#include "result.h"

#include <QByteArray>
#include <QString>

namespace dynamight {

// rclone's "obscure" encoding, which its config file requires for passwords and passphrases:
// AES-256-CTR under a fixed key published in rclone's source (fs/config/obscure), with a random
// 16-byte IV in front of the ciphertext, all encoded as unpadded base64url. Anyone can reverse
// it, so it only hides a password from a glance at the file. The file's mode 0600 and its
// private folder are the real protection. Encoding in-process keeps the password off any
// command line, and `rclone obscure -` could not be used instead because rclone 1.60 reads only
// the first line of its standard input, which would cut a password that contains a newline.
Result<QString> obscureForRclone(const QByteArray &plainText);

// Reverses obscureForRclone(), and the output of `rclone obscure`.
Result<QByteArray> revealRcloneObscured(const QString &obscured);

} // namespace dynamight
