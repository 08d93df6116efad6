#include "testtree.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QStringList>
#include <QtDebug>

#include <utility>

namespace {

QByteArray readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

QStringList compareFiles(const QString &expectedRoot, const QString &actualRoot,
                         const QStringList &paths)
{
    QStringList differences;
    for (const QString &path : paths) {
        if (path.endsWith(u'/'))
            continue;
        if (readFile(expectedRoot + u'/' + path) != readFile(actualRoot + u'/' + path))
            differences << QStringLiteral("content differs: ") + path;
    }
    return differences;
}

} // namespace

TestTree::TestTree(QString root)
    : m_root(std::move(root))
{ }

QList<TestTree::File> TestTree::awkwardFiles()
{
    return {
        {QStringLiteral("plain.txt"), 10},
        {QStringLiteral("empty.txt"), 0},
        {QStringLiteral("folder with spaces/file name.txt"), 2000},
        {QStringLiteral("Grüße/日本.txt"), 300},
        {QStringLiteral("-rf.txt"), 5},
        {QStringLiteral("line\nbreak.txt"), 7},
        {QStringLiteral("nested/deeper/data.bin"), 70000},
    };
}

QString TestTree::absolutePath(const QString &relativePath) const
{
    return m_root + u'/' + relativePath;
}

bool TestTree::addFile(const QString &relativePath, qint64 size)
{
    const QString path = absolutePath(relativePath);
    if (!QDir().mkpath(QFileInfo(path).absolutePath())) {
        qWarning() << "TestTree: failed to create the folder for" << path;
        return false;
    }

    QFile file(path);
    const QByteArray content = contentFor(relativePath, size);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
        || file.write(content) != content.size()) {
        qWarning() << "TestTree: failed to write" << path << ":" << file.errorString();
        return false;
    }
    return true;
}

bool TestTree::addFiles(const QList<File> &files)
{
    for (const File &file : files) {
        if (!addFile(file.relativePath, file.size))
            return false;
    }
    return true;
}

bool TestTree::removeFile(const QString &relativePath)
{
    return QFile::remove(absolutePath(relativePath));
}

QByteArray TestTree::contentFor(const QString &relativePath, qint64 size)
{
    const QByteArray seed = relativePath.toUtf8() + '\n';
    QByteArray content;
    content.reserve(size);
    while (content.size() < size)
        content.append(seed);
    content.truncate(size);
    return content;
}

QStringList listTree(const QString &root)
{
    QStringList paths;
    const QDir rootDir(root);
    QDirIterator it(root, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        const QString relative = rootDir.relativeFilePath(it.filePath());
        paths << (it.fileInfo().isDir() ? relative + u'/' : relative);
    }
    paths.sort();
    return paths;
}

QString compareTrees(const QString &expectedRoot, const QString &actualRoot)
{
    const QStringList expected = listTree(expectedRoot);
    const QStringList actual = listTree(actualRoot);

    QStringList differences;
    for (const QString &path : expected) {
        if (!actual.contains(path))
            differences << QStringLiteral("missing: ") + path;
    }
    for (const QString &path : actual) {
        if (!expected.contains(path))
            differences << QStringLiteral("unexpected: ") + path;
    }
    if (differences.isEmpty())
        differences = compareFiles(expectedRoot, actualRoot, expected);

    return differences.join(u'\n');
}
