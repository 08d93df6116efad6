#pragma once

#include <QList>
#include <QString>

// Returns the ids of living (not zombie) processes named command whose command line contains
// text. rsync forks its receiver and generator without exec, so they carry the same command
// line. Zombies are skipped because PID 1 in these containers does not reap orphans.
QList<qint64> processesWith(const QByteArray &command, const QString &text);

inline QList<qint64> rsyncProcessesWith(const QString &text)
{
    return processesWith("rsync", text);
}
