#include "processes.h"

#include <QDir>
#include <QFile>

namespace {

QByteArray readProcFile(const QString &pid, const char *name)
{
    QFile file(QStringLiteral("/proc/") + pid + QLatin1Char('/') + QLatin1String(name));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

QList<qint64> processesWith(const QByteArray &command, const QString &text)
{
    QList<qint64> pids;
    const QByteArray needle = text.toUtf8();
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool numeric = false;
        const qint64 pid = entry.toLongLong(&numeric);
        if (!numeric || readProcFile(entry, "comm").trimmed() != command)
            continue;
        const QByteArray stat = readProcFile(entry, "stat");
        const QByteArray state = stat.mid(stat.lastIndexOf(')') + 2, 1);
        if (state != "Z" && readProcFile(entry, "cmdline").contains(needle))
            pids << pid;
    }
    return pids;
}
