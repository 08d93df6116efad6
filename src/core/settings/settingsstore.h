#pragma once

#include "result.h"

#include <QJsonObject>

#include <memory>

namespace dynamight {

class Database;

// Application settings that users change at run time, stored as JSON values by key. Every key
// has a definition (type, range or allowed values, default); unknown keys are rejected.
class SettingsStore
{
public:
    explicit SettingsStore(std::shared_ptr<Database> database);

    // Returns every setting, stored values over defaults.
    QJsonObject all() const;
    // Validates every key of changes first and stores them only if all are valid.
    Result<QJsonObject> update(const QJsonObject &changes);

    int maxRunsPerJob() const;
    int maxLogLinesPerRun() const;
    bool runMissedSchedules() const;

private:
    QJsonValue value(const QString &key) const;

    std::shared_ptr<Database> m_database;
};

} // namespace dynamight
