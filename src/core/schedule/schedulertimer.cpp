#include "schedule/schedulertimer.h"

namespace dynamight {

QtSchedulerTimer::QtSchedulerTimer(QObject *parent)
    : SchedulerTimer(parent)
{
    // A coarse timer may fire up to 5% of its interval late, 3 s of a 60 s wait.
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &SchedulerTimer::timeout);
    m_monotonic.start();
}

void QtSchedulerTimer::start(std::chrono::milliseconds interval)
{
    m_timer.start(interval);
}

void QtSchedulerTimer::stop()
{
    m_timer.stop();
}

qint64 QtSchedulerTimer::monotonicMs() const
{
    return m_monotonic.elapsed();
}

} // namespace dynamight
