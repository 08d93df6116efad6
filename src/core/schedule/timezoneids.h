#pragma once

#include <QByteArray>

namespace dynamight {

// Whether id names an IANA time zone that this system's tz database has, links such as
// US/Eastern and Etc/UTC included.
//
// Qt 6.4's QTimeZone::isTimeZoneIdAvailable() lists only the canonical zones of zone.tab plus
// Qt's own "UTC+01:00" style ids on Linux, so it rejects links and Etc zones (Debian 12's own
// default zone Etc/UTC among them). So ids are also looked up in tzdata.zi, the tz database's
// list of every zone and link, under $TZDIR or /usr/share/zoneinfo.
bool isKnownTimeZoneId(const QByteArray &id);

// Returns the server's zone as an IANA id, or "UTC" when the system zone has no known id.
QByteArray defaultTimeZoneId();

} // namespace dynamight
