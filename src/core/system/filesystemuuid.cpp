#include "system/filesystemuuid.h"

#include <QRegularExpression>

namespace dynamight {

bool isFilesystemUuid(const QString &text)
{
    // anchoredPattern, because "$" would also match before a trailing newline.
    static const QRegularExpression pattern(QRegularExpression::anchoredPattern(QStringLiteral(
        "[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}"
        "|[0-9A-Fa-f]{16}"
        "|[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")));
    return pattern.match(text).hasMatch();
}

bool sameFilesystemUuid(const QString &first, const QString &second)
{
    return !first.isEmpty() && first.compare(second, Qt::CaseInsensitive) == 0;
}

} // namespace dynamight
