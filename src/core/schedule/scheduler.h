#pragma once

#include "models/schedule.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QMap>
#include <QObject>
#include <QSet>

#include <chrono>
#include <optional>
#include <utility>

namespace dynamight {

class Clock;
class JobStore;
class RunManager;
class ScheduleCalendar;
class ScheduleStore;
class SchedulerTimer;
class SettingsStore;
struct Job;

struct SchedulerOptions
{
    // The maximum single wait of the timer. Every wake-up re-plans every schedule, so this is
    // also the interval of the coarse re-check that catches suspends and clock changes.
    std::chrono::milliseconds maxWait{60000};
    // How far the wall clock may move apart from the monotonic clock between two checks before
    // the scheduler logs a clock jump or a suspend.
    std::chrono::milliseconds clockJumpThreshold{10000};
    // A due time that the scheduler handles later than this counts as missed: its run is a
    // catch-up run, which the setting run_missed_schedules can turn off.
    std::chrono::milliseconds missedAfter{60000};
};

// Starts the scheduled runs of jobs at their due times.
//
// Each schedule's next due time is stored in its next_run, in UTC. One single-shot timer waits
// for the soonest of them, but never longer than maxWait, and every wake-up re-reads every job
// and schedule. So a schedule changed in the database, a clock set forward or back and a resume
// from suspend are all handled at the latest maxWait later, even though a QTimer counts
// monotonic time and ignores the wall clock.
//
// At a wake-up, a schedule whose next_run has come starts a run with trigger "scheduled". A due
// time handled more than missedAfter late (the service was stopped, the machine slept, or the
// clock jumped forward) is missed. Each job with missed due times gets one catch-up run, however
// many it missed, when run_missed_schedules is on. A job with an active run skips the
// trigger, and disabled jobs and schedules never fire. Then the schedule's next_run moves to its
// first due time after now.
//
// A next_run that lies beyond the schedule's first two due times after now means that the clock
// was set back, and the schedule is re-planned from now so that it does not stall. When only
// the first due time after now is earlier than next_run, that one already ran before the clock
// went back: fixed-time schedules (daily, weekly, monthly, and cron with fixed hours) keep
// next_run so that it does not run twice, and the others are re-planned from now. ISC cron's
// cron(8) page describes the same split for a clock set back by less than three hours: it takes
// care not to run fixed-time jobs twice and schedules more frequent jobs normally.
class Scheduler : public QObject
{
    Q_OBJECT

public:
    struct Stores
    {
        ScheduleStore &schedules;
        JobStore &jobs;
        SettingsStore &settings;
    };

    Scheduler(Stores stores, RunManager &runManager, const Clock &clock, SchedulerTimer &timer,
              SchedulerOptions options = {}, QObject *parent = nullptr);
    ~Scheduler() override;

    // Plans every schedule, starts the catch-up runs of due times missed while the service was
    // stopped, and arms the timer.
    void start();
    void stop();
    bool isRunning() const { return m_running; }
    // Re-reads every job and schedule now and re-arms the timer. Call it after changing a job or
    // a schedule, so that next_run is up to date when the change is returned. Before start() and
    // after stop() it does nothing.
    void replan();
    // Returns the instant the timer is armed for, invalid while stopped.
    QDateTime nextWakeUp() const { return m_nextWakeUp; }

Q_SIGNALS:
    // A scheduled run was started (or queued) for the schedule.
    void runTriggered(qint64 scheduleId, qint64 runId);

private:
    enum class CheckReason {
        Start,
        Timer,
        Change,
    };

    // A schedule whose next_run has come.
    struct DueSchedule
    {
        Schedule schedule;
        // The latest due time at or before now. It is schedule.nextRun unless some were missed.
        QDateTime latestDueAt;
        // How many due times lie from schedule.nextRun to now, counted up to a cap.
        int dueCount = 1;
        // Whether more due times lie from schedule.nextRun to now than dueCount.
        bool countCapped = false;
    };

    // The outcome of planning every schedule at one instant.
    struct Plan
    {
        QMap<qint64, QList<DueSchedule>> dueByJob;
        // Each schedule with the next_run to store, invalid for none.
        QList<std::pair<Schedule, QDateTime>> nextRuns;
        QDateTime soonest;
    };

    void check(CheckReason reason);
    Plan planAll(const QList<Schedule> &schedules, const QHash<qint64, Job> &jobById, const QDateTime &now);
    // Returns why a due time was missed, for the catch-up run's note.
    static QString missedCause(CheckReason reason, bool jumpedForward);
    bool detectClockJump(const QDateTime &now, qint64 monotonic);
    // Returns the schedule's next due time after handling it at now, and adds it to due when its
    // next_run has come.
    std::optional<QDateTime> plan(const Schedule &schedule, const ScheduleCalendar &calendar,
                                  bool fixedTimes, const QDateTime &now, QList<DueSchedule> &due);
    QDateTime replanAfterClockSetBack(const Schedule &schedule, const ScheduleCalendar &calendar,
                                      bool fixedTimes, const QDateTime &now);
    void fireJob(const Job &job, const QList<DueSchedule> &due, const QDateTime &now, bool runMissed,
                 const QString &missedCause);
    void startRun(const Job &job, const DueSchedule &due, const QString &note);
    void storeNextRun(const Schedule &schedule, const QDateTime &nextRun);
    void warnBrokenSchedule(const Schedule &schedule, const QString &message);
    void arm(const QDateTime &now, const QDateTime &soonest);

    Stores m_stores;
    RunManager &m_runManager;
    const Clock &m_clock;
    SchedulerTimer &m_timer;
    SchedulerOptions m_options;
    bool m_running = false;
    QDateTime m_nextWakeUp;
    // The wall and monotonic clocks at the previous check, to detect jumps between checks.
    QDateTime m_lastCheckWall;
    qint64 m_lastCheckMonotonic = 0;
    // Schedules that cannot be planned, so that each is warned about once until it is fixed.
    QSet<qint64> m_brokenSchedules;
};

} // namespace dynamight
