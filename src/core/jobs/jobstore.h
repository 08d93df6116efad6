#pragma once

#include "models/job.h"
#include "models/schedule.h"
#include "result.h"

#include <QList>

#include <memory>

namespace dynamight {

class Database;

// The jobs table. Names are unique regardless of case; storing a second job of the same name is
// a Conflict.
class JobStore
{
public:
    explicit JobStore(std::shared_ptr<Database> database);

    Result<QList<Job>> list() const;
    Result<Job> find(qint64 id) const;
    Result<Job> create(Job job, const QDateTime &now);
    Result<Job> update(qint64 id, Job job, const QDateTime &now);
    // Deletes the job with its schedules and runs; the caller deletes the runs' log entries.
    Status remove(qint64 id);
    // Returns the first free name of the form "<name> (Copy)", "<name> (Copy 2)", ...
    Result<QString> copyName(const QString &name) const;
    // Returns the job's schedules as ScheduleStore::listForJob() does, for the job's JSON.
    Result<QList<Schedule>> schedules(qint64 jobId) const;

private:
    Result<bool> nameTaken(const QString &name, qint64 exceptId) const;
    Status checkNameFree(const QString &name, qint64 exceptId) const;

    std::shared_ptr<Database> m_database;
};

} // namespace dynamight
