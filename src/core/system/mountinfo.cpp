#include "system/mountinfo.h"

#include <QFile>
#include <QSet>

namespace dynamight {

namespace {

bool isOctalDigit(char c) { return c >= '0' && c <= '7'; }

} // namespace

QString decodeMountInfoEscapes(QByteArrayView field)
{
    QByteArray decoded;
    decoded.reserve(field.size());
    for (qsizetype i = 0; i < field.size(); ++i) {
        const bool escape = field[i] == '\\' && i + 3 < field.size() && isOctalDigit(field[i + 1])
            && isOctalDigit(field[i + 2]) && isOctalDigit(field[i + 3]);
        if (!escape) {
            decoded.append(field[i]);
            continue;
        }
        const int value =
            (field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 + (field[i + 3] - '0');
        decoded.append(char(value & 0xff));
        i += 3;
    }
    return QString::fromUtf8(decoded);
}

// The format is "id parent major:minor root mountpoint options [optional...] - fstype source
// superoptions"; the optional fields end at a lone "-".
std::optional<MountEntry> parseMountInfoLine(QByteArrayView line)
{
    const QList<QByteArray> fields = line.toByteArray().trimmed().split(' ');
    const qsizetype separator = fields.indexOf(QByteArray("-"), 6);
    if (fields.size() < 10 || separator < 6 || separator + 2 >= fields.size())
        return std::nullopt;

    bool idOk = false;
    bool parentOk = false;
    MountEntry entry;
    entry.mountId = fields.at(0).toInt(&idOk);
    entry.parentId = fields.at(1).toInt(&parentOk);
    if (!idOk || !parentOk)
        return std::nullopt;

    entry.majorMinor = QString::fromLatin1(fields.at(2));
    entry.root = decodeMountInfoEscapes(fields.at(3));
    entry.mountPoint = decodeMountInfoEscapes(fields.at(4));
    entry.options = QString::fromLatin1(fields.at(5));
    entry.fstype = decodeMountInfoEscapes(fields.at(separator + 1));
    entry.device = decodeMountInfoEscapes(fields.at(separator + 2));
    return entry;
}

QList<MountEntry> parseMountInfo(QByteArrayView text)
{
    QList<MountEntry> entries;
    for (const QByteArray &line : text.toByteArray().split('\n')) {
        if (auto entry = parseMountInfoLine(line))
            entries.append(std::move(*entry));
    }
    return entries;
}

bool isPseudoFilesystem(const QString &fstype)
{
    static const QSet<QString> pseudo{
        QStringLiteral("autofs"),      QStringLiteral("binfmt_misc"),
        QStringLiteral("bpf"),         QStringLiteral("cgroup"),
        QStringLiteral("cgroup2"),     QStringLiteral("configfs"),
        QStringLiteral("debugfs"),     QStringLiteral("devpts"),
        QStringLiteral("devtmpfs"),    QStringLiteral("efivarfs"),
        QStringLiteral("fusectl"),     QStringLiteral("hugetlbfs"),
        QStringLiteral("mqueue"),      QStringLiteral("nsfs"),
        QStringLiteral("proc"),        QStringLiteral("pstore"),
        QStringLiteral("ramfs"),       QStringLiteral("rpc_pipefs"),
        QStringLiteral("securityfs"),  QStringLiteral("selinuxfs"),
        QStringLiteral("sysfs"),       QStringLiteral("tmpfs"),
        QStringLiteral("tracefs"),     QStringLiteral("fuse.gvfsd-fuse"),
        QStringLiteral("fuse.portal"),
    };
    return pseudo.contains(fstype);
}

Result<QList<MountEntry>> readMountInfo(const QString &path)
{
    // The file is generated on read, so size() is 0 and only readAll() returns its content.
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return Error(
            Error::Kind::Unavailable,
            QStringLiteral("Failed to read the mount table %1: %2").arg(path, file.errorString()));
    }
    return parseMountInfo(file.readAll());
}

std::optional<MountEntry> mountAt(const QList<MountEntry> &mounts, const QString &mountPoint)
{
    // Later lines are mounted later, so the last match is the one on top.
    for (auto it = mounts.crbegin(); it != mounts.crend(); ++it) {
        if (it->mountPoint == mountPoint)
            return *it;
    }
    return std::nullopt;
}

QList<MountEntry> mountsBelow(const QList<MountEntry> &mounts, const QString &mountPoint)
{
    const QString prefix = mountPoint.endsWith(u'/') ? mountPoint : mountPoint + u'/';
    QList<MountEntry> below;
    for (const MountEntry &entry : mounts) {
        if (entry.mountPoint.startsWith(prefix))
            below.append(entry);
    }
    return below;
}

} // namespace dynamight
