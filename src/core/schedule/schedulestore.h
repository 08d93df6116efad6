#pragma once

#include "models/schedule.h"
#include "result.h"

#include <QList>

#include <memory>

namespace dynamight {

class Database;

// The schedules table. Deleting a job deletes its schedules through the foreign key. The store
// only stores next_run; the Scheduler computes it.
class ScheduleStore
{
public:
    explicit ScheduleStore(std::shared_ptr<Database> database);

    Result<QList<Schedule>> list() const;
    Result<QList<Schedule>> listForJob(qint64 jobId) const;
    Result<Schedule> find(qint64 id) const;
    // Stores a new schedule of schedule.jobId with no next_run yet. Returns NotFound when the job
    // does not exist.
    Result<Schedule> create(Schedule schedule, const QDateTime &now);
    // Replaces the settings of a schedule and clears its next_run, so that the scheduler plans it
    // afresh. The job and created_at stay.
    Result<Schedule> update(qint64 id, Schedule schedule, const QDateTime &now);
    Status remove(qint64 id);
    // Stores the next due time. An invalid time stores null.
    Status setNextRun(qint64 id, const QDateTime &nextRun);

private:
    Result<QList<Schedule>> select(const QString &condition, const QVariantList &values) const;

    std::shared_ptr<Database> m_database;
};

} // namespace dynamight
