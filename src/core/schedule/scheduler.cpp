#include "schedule/scheduler.h"

#include "clock.h"
#include "jobs/jobstore.h"
#include "logging.h"
#include "models/job.h"
#include "runs/runmanager.h"
#include "schedule/schedulecalendar.h"
#include "schedule/schedulerule.h"
#include "schedule/schedulestore.h"
#include "schedule/schedulertimer.h"
#include "settings/settingsstore.h"

#include <QMap>

#include <algorithm>
#include <cstdlib>

namespace dynamight {

namespace {

// Missed due times are counted up to this many. Beyond it, a catch-up run's note reads "more than".
constexpr int maxCountedDueTimes = 1000;
constexpr int dueTimesPerBatch = 100;
constexpr int maxWalkedDueTimes = 10000;

// Formats a duration for log lines, in its two largest units: "3 d 2 h", "5 h 12 min", "42 s".
QString formatDuration(qint64 milliseconds)
{
    const qint64 seconds = milliseconds / 1000;
    const qint64 days = seconds / 86400;
    const qint64 hours = seconds % 86400 / 3600;
    const qint64 minutes = seconds % 3600 / 60;
    if (days > 0)
        return QStringLiteral("%1 d %2 h").arg(days).arg(hours);
    if (hours > 0)
        return QStringLiteral("%1 h %2 min").arg(hours).arg(minutes);
    if (minutes > 0 && seconds % 60 == 0)
        return QStringLiteral("%1 min").arg(minutes);
    if (minutes > 0)
        return QStringLiteral("%1 min %2 s").arg(minutes).arg(seconds % 60);
    return QStringLiteral("%1 s").arg(seconds);
}

// The due times of a calendar after one instant and up to another.
struct Walk
{
    QDateTime last;
    int count = 0;
    // False when the walk stopped at its limit before reaching the end.
    bool complete = true;
};

Walk walkDueTimes(const ScheduleCalendar &calendar, QDateTime after, const QDateTime &until, int limit)
{
    Walk walk;
    while (walk.count < limit) {
        const auto runs = calendar.nextRuns(after, std::min(dueTimesPerBatch, limit - walk.count));
        if (!runs || runs->isEmpty())
            return walk;
        for (const QDateTime &run : *runs) {
            if (run > until)
                return walk;
            walk.last = run;
            ++walk.count;
        }
        after = runs->last();
    }
    walk.complete = false;
    return walk;
}

struct DueTimes
{
    QDateTime latest;
    int count = 1;
    bool countCapped = false;
};

// Counts the due times from first, which is one, up to now, and finds the latest of them.
DueTimes dueTimesUntil(const ScheduleCalendar &calendar, const QDateTime &first, const QDateTime &now)
{
    const Walk counted = walkDueTimes(calendar, first, now, maxCountedDueTimes - 1);
    DueTimes times{counted.last.isValid() ? counted.last : first, 1 + counted.count, !counted.complete};
    if (!times.countCapped)
        return times;

    // Too many to walk: look for the latest in a window before now that grows until it has one.
    for (const int days : {1, 32, 400, 3660}) {
        const QDateTime windowStart = std::max(times.latest, now.addDays(-days));
        const Walk recent = walkDueTimes(calendar, windowStart, now, maxWalkedDueTimes);
        if (recent.last.isValid()) {
            times.latest = recent.last;
            break;
        }
    }
    return times;
}

// Describes a catch-up run for its first log line: the due time it makes up for, how late it
// starts and why, and how many due times were missed since firstDueAt.
QString catchUpNote(qint64 scheduleId, const QDateTime &firstDueAt, const QDateTime &latestDueAt,
                    int missedCount, bool countCapped, const QDateTime &now, const QString &cause)
{
    QString note = QStringLiteral("Catch-up run for schedule %1: it makes up for the run due at %2, "
                                  "which starts %3 late because %4.")
                       .arg(scheduleId)
                       .arg(toApiTime(latestDueAt), formatDuration(latestDueAt.msecsTo(now)), cause);
    if (countCapped) {
        note += QStringLiteral(" More than %1 due times were missed, the first at %2.")
                    .arg(missedCount)
                    .arg(toApiTime(firstDueAt));
    } else if (missedCount > 1) {
        note += QStringLiteral(" %1 due times were missed, the first at %2.")
                    .arg(missedCount)
                    .arg(toApiTime(firstDueAt));
    }
    return note;
}

} // namespace

Scheduler::Scheduler(Stores stores, RunManager &runManager, const Clock &clock, SchedulerTimer &timer,
                     SchedulerOptions options, QObject *parent)
    : QObject(parent)
    , m_stores(stores)
    , m_runManager(runManager)
    , m_clock(clock)
    , m_timer(timer)
    , m_options(options)
{
    connect(&m_timer, &SchedulerTimer::timeout, this, [this] {
        if (m_running)
            check(CheckReason::Timer);
    });
}

Scheduler::~Scheduler()
{
    stop();
}

void Scheduler::start()
{
    if (m_running)
        return;
    m_running = true;
    m_lastCheckWall = QDateTime();
    qCInfo(lcScheduler).noquote() << QStringLiteral("Scheduler: started, re-checking every schedule at least every %1")
                                         .arg(formatDuration(m_options.maxWait.count()));
    check(CheckReason::Start);
}

void Scheduler::stop()
{
    if (!m_running)
        return;
    m_running = false;
    m_timer.stop();
    m_nextWakeUp = QDateTime();
    qCInfo(lcScheduler) << "Scheduler: stopped";
}

void Scheduler::replan()
{
    if (m_running)
        check(CheckReason::Change);
}

void Scheduler::check(CheckReason reason)
{
    const QDateTime now = m_clock.now();
    const qint64 monotonic = m_timer.monotonicMs();
    const bool jumpedForward = detectClockJump(now, monotonic);
    m_lastCheckWall = now;
    m_lastCheckMonotonic = monotonic;

    const auto jobs = m_stores.jobs.list();
    const auto schedules = m_stores.schedules.list();
    if (!jobs || !schedules) {
        const QString message = !jobs ? jobs.error().message() : schedules.error().message();
        qCWarning(lcScheduler).noquote()
            << QStringLiteral("Scheduler: failed to read the jobs and schedules, retrying in %1: %2")
                   .arg(formatDuration(m_options.maxWait.count()), message);
        arm(now, QDateTime());
        return;
    }
    QHash<qint64, Job> jobById;
    for (const Job &job : *jobs)
        jobById.insert(job.id, job);

    const Plan planned = planAll(*schedules, jobById, now);

    // Runs start before next_run moves on, so that a crash in between repeats a run rather than
    // losing it.
    const bool runMissed = m_stores.settings.runMissedSchedules();
    const QString cause = missedCause(reason, jumpedForward);
    for (auto it = planned.dueByJob.cbegin(); it != planned.dueByJob.cend(); ++it) {
        if (!it->isEmpty())
            fireJob(jobById.value(it.key()), *it, now, runMissed, cause);
    }
    for (const auto &[schedule, nextRun] : planned.nextRuns)
        storeNextRun(schedule, nextRun);
    arm(now, planned.soonest);
}

Scheduler::Plan Scheduler::planAll(const QList<Schedule> &schedules, const QHash<qint64, Job> &jobById,
                                   const QDateTime &now)
{
    Plan planned;
    for (const Schedule &schedule : schedules) {
        const auto job = jobById.constFind(schedule.jobId);
        if (job == jobById.constEnd() || !schedule.enabled || !job->enabled) {
            planned.nextRuns.append({schedule, QDateTime()});
            continue;
        }
        const auto rule = scheduleRule(schedule);
        const auto calendar = calendarOf(schedule);
        if (!rule || !calendar) {
            warnBrokenSchedule(schedule, !rule ? rule.error().message() : calendar.error().message());
            planned.nextRuns.append({schedule, QDateTime()});
            continue;
        }

        const auto next = plan(schedule, *calendar, rule->hasFixedTimes(), now, planned.dueByJob[schedule.jobId]);
        planned.nextRuns.append({schedule, next.value_or(QDateTime())});
        if (next && (!planned.soonest.isValid() || *next < planned.soonest))
            planned.soonest = *next;
    }
    return planned;
}

QString Scheduler::missedCause(CheckReason reason, bool jumpedForward)
{
    if (reason == CheckReason::Start)
        return QStringLiteral("the service was not running at that time");
    if (jumpedForward)
        return QStringLiteral("the machine was suspended or the clock was set forward");
    return QStringLiteral("the scheduler was delayed");
}

bool Scheduler::detectClockJump(const QDateTime &now, qint64 monotonic)
{
    if (!m_lastCheckWall.isValid())
        return false;
    const qint64 drift = m_lastCheckWall.msecsTo(now) - (monotonic - m_lastCheckMonotonic);
    if (std::abs(drift) <= m_options.clockJumpThreshold.count())
        return false;

    if (drift > 0) {
        qCInfo(lcScheduler).noquote()
            << QStringLiteral("Scheduler: the wall clock advanced %1 more than the monotonic clock since "
                              "the previous check, after a suspend or because the clock was set forward; "
                              "re-planning every schedule")
                   .arg(formatDuration(drift));
    } else {
        qCInfo(lcScheduler).noquote()
            << QStringLiteral("Scheduler: the wall clock was set back by %1 since the previous check; "
                              "re-planning every schedule")
                   .arg(formatDuration(-drift));
    }
    return drift > 0;
}

std::optional<QDateTime> Scheduler::plan(const Schedule &schedule, const ScheduleCalendar &calendar,
                                         bool fixedTimes, const QDateTime &now, QList<DueSchedule> &due)
{
    if (schedule.nextRun.isValid() && schedule.nextRun > now)
        return replanAfterClockSetBack(schedule, calendar, fixedTimes, now);

    if (schedule.nextRun.isValid()) {
        const DueTimes times = dueTimesUntil(calendar, schedule.nextRun, now);
        due.append(DueSchedule{schedule, times.latest, times.count, times.countCapped});
    }
    const auto next = calendar.nextRun(now);
    if (!next) {
        warnBrokenSchedule(schedule, next.error().message());
        return std::nullopt;
    }
    m_brokenSchedules.remove(schedule.id);
    if (!schedule.nextRun.isValid()) {
        qCInfo(lcScheduler).noquote() << QStringLiteral("Scheduler: next run of job %1 at %2 for schedule %3")
                                             .arg(schedule.jobId)
                                             .arg(toApiTime(*next))
                                             .arg(schedule.id);
    }
    return *next;
}

QDateTime Scheduler::replanAfterClockSetBack(const Schedule &schedule, const ScheduleCalendar &calendar,
                                             bool fixedTimes, const QDateTime &now)
{
    const auto first = calendar.nextRun(now);
    if (!first || *first >= schedule.nextRun)
        return schedule.nextRun;
    const auto second = calendar.nextRun(*first);
    const bool beyondSecond = !second || schedule.nextRun > *second;
    // Only `first` lies between now and next_run, and it ran before the clock went back.
    if (fixedTimes && !beyondSecond)
        return schedule.nextRun;

    qCInfo(lcScheduler).noquote()
        << QStringLiteral("Scheduler: next run of job %1 at %2 for schedule %3, re-planned from %4 because "
                          "the clock was set back")
               .arg(schedule.jobId)
               .arg(toApiTime(*first))
               .arg(schedule.id)
               .arg(toApiTime(schedule.nextRun));
    return *first;
}

void Scheduler::fireJob(const Job &job, const QList<DueSchedule> &due, const QDateTime &now, bool runMissed,
                        const QString &missedCause)
{
    const qint64 missedAfter = m_options.missedAfter.count();
    for (const DueSchedule &entry : due) {
        if (entry.latestDueAt.msecsTo(now) <= missedAfter) {
            startRun(job, entry,
                     QStringLiteral("Scheduled run for schedule %1, due at %2")
                         .arg(entry.schedule.id)
                         .arg(toApiTime(entry.latestDueAt)));
            return;
        }
    }

    // Every due time of this job was missed: one catch-up run for all, for the latest of them.
    int missedCount = 0;
    bool countCapped = false;
    const DueSchedule *latest = &due.first();
    for (const DueSchedule &entry : due) {
        missedCount += entry.dueCount;
        countCapped = countCapped || entry.countCapped;
        if (entry.latestDueAt > latest->latestDueAt)
            latest = &entry;
    }
    if (!runMissed) {
        qCInfo(lcScheduler).noquote()
            << QStringLiteral("Scheduler: no catch-up run of job %1 (%2) for %3 missed due time(s), the "
                              "latest at %4, because the setting run_missed_schedules is off")
                   .arg(job.id)
                   .arg(job.name)
                   .arg(missedCount)
                   .arg(toApiTime(latest->latestDueAt));
        return;
    }
    QDateTime firstDueAt = latest->schedule.nextRun;
    for (const DueSchedule &entry : due)
        firstDueAt = std::min(firstDueAt, entry.schedule.nextRun);
    startRun(job, *latest,
             catchUpNote(latest->schedule.id, firstDueAt, latest->latestDueAt, missedCount, countCapped,
                         now, missedCause));
}

void Scheduler::startRun(const Job &job, const DueSchedule &due, const QString &note)
{
    const qint64 scheduleId = due.schedule.id;
    const QString dueAt = toApiTime(due.latestDueAt);
    const auto run = m_runManager.start(job.id, RunTrigger::Scheduled, scheduleId, note);
    if (!run && run.error().kind() == Error::Kind::Conflict) {
        const auto active = m_runManager.activeRunOfJob(job.id);
        qCInfo(lcScheduler).noquote()
            << QStringLiteral("Scheduler: skipped the run of job %1 (%2) due at %3 for schedule %4 because "
                              "run %5 of the job is still active")
                   .arg(job.id)
                   .arg(job.name, dueAt)
                   .arg(scheduleId)
                   .arg(active.value_or(0));
        return;
    }
    if (!run) {
        qCWarning(lcScheduler).noquote()
            << QStringLiteral("Scheduler: failed to start the run of job %1 due at %2 for schedule %3: %4")
                   .arg(job.id)
                   .arg(dueAt)
                   .arg(scheduleId)
                   .arg(run.error().message());
        return;
    }
    qCInfo(lcScheduler).noquote() << QStringLiteral("Scheduler: started run %1 of job %2 (%3). %4")
                                         .arg(run->id)
                                         .arg(job.id)
                                         .arg(job.name, note);
    Q_EMIT runTriggered(scheduleId, run->id);
}

void Scheduler::storeNextRun(const Schedule &schedule, const QDateTime &nextRun)
{
    if (schedule.nextRun == nextRun)
        return;
    const Status stored = m_stores.schedules.setNextRun(schedule.id, nextRun);
    if (!stored) {
        qCWarning(lcScheduler).noquote() << QStringLiteral("Scheduler: failed to store the next run of schedule %1: %2")
                                                .arg(schedule.id)
                                                .arg(stored.error().message());
    }
}

void Scheduler::warnBrokenSchedule(const Schedule &schedule, const QString &message)
{
    if (m_brokenSchedules.contains(schedule.id))
        return;
    m_brokenSchedules.insert(schedule.id);
    qCWarning(lcScheduler).noquote()
        << QStringLiteral("Scheduler: schedule %1 of job %2 has no next run and does not fire until it is "
                          "changed: %3")
               .arg(schedule.id)
               .arg(schedule.jobId)
               .arg(message);
}

void Scheduler::arm(const QDateTime &now, const QDateTime &soonest)
{
    qint64 wait = m_options.maxWait.count();
    if (soonest.isValid())
        wait = std::clamp(now.msecsTo(soonest), qint64(0), wait);
    m_timer.start(std::chrono::milliseconds(wait));
    m_nextWakeUp = now.addMSecs(wait);
}

} // namespace dynamight
