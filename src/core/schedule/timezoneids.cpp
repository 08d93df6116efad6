#include "schedule/timezoneids.h"

#include <QFile>
#include <QSet>
#include <QTimeZone>

namespace dynamight {

namespace {

QString zoneInfoDirectory()
{
    const QByteArray configured = qgetenv("TZDIR");
    return configured.isEmpty() ? QStringLiteral("/usr/share/zoneinfo") : QString::fromLocal8Bit(configured);
}

// Reads the names of the zone ("Z name ...") and link ("L target name") lines of tzdata.zi.
QSet<QByteArray> readTzdataNames()
{
    QSet<QByteArray> names;
    QFile file(zoneInfoDirectory() + QStringLiteral("/tzdata.zi"));
    if (!file.open(QIODevice::ReadOnly))
        return names;
    while (!file.atEnd()) {
        const QList<QByteArray> words = file.readLine().simplified().split(' ');
        if (words.size() >= 2 && words.first() == "Z")
            names.insert(words.at(1));
        else if (words.size() >= 3 && words.first() == "L")
            names.insert(words.at(2));
    }
    return names;
}

const QSet<QByteArray> &tzdataNames()
{
    static const QSet<QByteArray> names = readTzdataNames();
    return names;
}

// Qt's offset ids such as "UTC+01:00" are not IANA names.
bool isQtOffsetId(const QByteArray &id)
{
    return id.startsWith("UTC+") || id.startsWith("UTC-");
}

} // namespace

bool isKnownTimeZoneId(const QByteArray &id)
{
    if (id.isEmpty() || isQtOffsetId(id))
        return false;
    if (!QTimeZone::isTimeZoneIdAvailable(id) && !tzdataNames().contains(id))
        return false;
    return QTimeZone(id).isValid();
}

QByteArray defaultTimeZoneId()
{
    const QByteArray system = QTimeZone::systemTimeZoneId();
    return isKnownTimeZoneId(system) ? system : QByteArrayLiteral("UTC");
}

} // namespace dynamight
