#pragma once

#include <QList>
#include <QString>

// A folder of files for tests that copy trees, filled with deterministic content.
class TestTree
{
public:
    struct File
    {
        QString relativePath;
        qint64 size = 0;
    };

    // `root` must exist already, typically a QTemporaryDir's path.
    explicit TestTree(QString root);

    // Names that trip up shells and line-based parsers: spaces, non-ASCII, a leading dash and an
    // embedded newline, plus an empty file and a nested one.
    static QList<File> awkwardFiles();

    const QString &root() const { return m_root; }
    QString absolutePath(const QString &relativePath) const;

    // Creates the file with `size` bytes and any missing parent folders. Returns false and warns
    // through qWarning() when it cannot.
    bool addFile(const QString &relativePath, qint64 size);
    bool addFiles(const QList<File> &files);
    bool removeFile(const QString &relativePath);

    // Returns the content addFile() writes, which depends on the path so files differ.
    static QByteArray contentFor(const QString &relativePath, qint64 size);

private:
    QString m_root;
};

// Returns the relative paths of every file and folder under `root`, folders ending with '/',
// sorted.
QStringList listTree(const QString &root);

// Compares two trees by relative path and file content. Returns an empty string when they are
// equal, or else a description of each difference.
QString compareTrees(const QString &expectedRoot, const QString &actualRoot);
