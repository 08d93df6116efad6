#include "jobs/pathrules.h"

#include <QDir>
#include <QFileInfo>
#include <QSet>

namespace dynamight {

namespace {

bool hasControlCharacter(const QString &text)
{
    for (QChar c : text) {
        if (c.category() == QChar::Other_Control)
            return true;
    }
    return false;
}

Status checkCommonRules(const QString &field, const QString &path)
{
    if (path.startsWith(QLatin1Char('-')))
        return Error::invalid(QStringLiteral("Field '%1' must not start with '-'").arg(field));
    if (hasControlCharacter(path)) {
        return Error::invalid(
            QStringLiteral("Field '%1' must not contain a newline or other control character").arg(field));
    }
    const QStringList components = path.split(QLatin1Char('/'));
    if (components.contains(QStringLiteral(".."))) {
        return Error::invalid(QStringLiteral("Field '%1' must not contain '..' components").arg(field));
    }
    return {};
}

// Resolves symlinks where the path exists, so that two spellings of one folder compare equal.
QString resolved(const QString &path)
{
    const QString canonical = QFileInfo(path).canonicalFilePath();
    return canonical.isEmpty() ? path : canonical;
}

} // namespace

Result<QString> checkAbsolutePath(const QString &field, const QString &path)
{
    if (path.trimmed().isEmpty())
        return Error::invalid(QStringLiteral("Field '%1' must not be empty").arg(field));
    const Status common = checkCommonRules(field, path);
    if (!common)
        return common.error();
    if (!path.startsWith(QLatin1Char('/'))) {
        return Error::invalid(
            QStringLiteral("Field '%1' must be an absolute path starting with '/', got '%2'").arg(field, path));
    }

    const QString cleaned = QDir::cleanPath(path);
    if (cleaned == QLatin1String("/"))
        return Error::invalid(QStringLiteral("Field '%1' must not be the root folder '/'").arg(field));
    return cleaned;
}

Result<QString> checkRelativePath(const QString &field, const QString &path)
{
    if (path.isEmpty())
        return path;
    const Status common = checkCommonRules(field, path);
    if (!common)
        return common.error();
    if (path.startsWith(QLatin1Char('/'))) {
        return Error::invalid(
            QStringLiteral("Field '%1' must be a relative path, without a leading '/'").arg(field));
    }
    const QString cleaned = QDir::cleanPath(path);
    return cleaned == QLatin1String(".") ? QString() : cleaned;
}

bool pathsOverlap(const QString &first, const QString &second)
{
    const auto contains = [](const QString &outer, const QString &inner) {
        return inner == outer || inner.startsWith(outer + QLatin1Char('/'));
    };
    return contains(first, second) || contains(second, first);
}

Status checkNoOverlap(const QStringList &sources, const QString &destinationRoot)
{
    QSet<QString> basenames;
    for (qsizetype i = 0; i < sources.size(); ++i) {
        const QString &source = sources.at(i);
        const QString basename = QFileInfo(source).fileName();
        if (basenames.contains(basename)) {
            return Error::invalid(QStringLiteral("Field 'source_dirs' lists two folders named '%1'; "
                                                 "each source is copied into a folder of its own "
                                                 "name, so the names must differ")
                                      .arg(basename));
        }
        basenames.insert(basename);

        for (qsizetype j = 0; j < i; ++j) {
            const QString &other = sources.at(j);
            if (pathsOverlap(source, other) || pathsOverlap(resolved(source), resolved(other))) {
                return Error::invalid(
                    QStringLiteral("Field 'source_dirs': '%1' and '%2' overlap").arg(other, source));
            }
        }
        if (!destinationRoot.isEmpty()
            && (pathsOverlap(source, destinationRoot)
                || pathsOverlap(resolved(source), resolved(destinationRoot)))) {
            return Error::invalid(QStringLiteral("Source folder '%1' and destination '%2' overlap: a "
                                                 "backup must not be written into its own source "
                                                 "or contain it")
                                      .arg(source, destinationRoot));
        }
    }
    return {};
}

} // namespace dynamight
