#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <chrono>

namespace dynamight {

// The single-shot timer and the monotonic clock that the Scheduler waits with. It is an interface,
// so that tests fire the timer and move the monotonic clock by hand instead of sleeping.
class SchedulerTimer : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;

    // Starts the single-shot timer, replacing any wait that is armed.
    virtual void start(std::chrono::milliseconds interval) = 0;
    virtual void stop() = 0;
    // Returns milliseconds since an arbitrary start on a clock that setting the wall clock does
    // not change. On Linux it is CLOCK_MONOTONIC, which also does not advance while the machine
    // is suspended, so comparing it with the wall clock reveals a suspend.
    virtual qint64 monotonicMs() const = 0;

Q_SIGNALS:
    void timeout();
};

// The SchedulerTimer of a running service: a precise single-shot QTimer and a QElapsedTimer,
// both on CLOCK_MONOTONIC.
class QtSchedulerTimer final : public SchedulerTimer
{
    Q_OBJECT

public:
    explicit QtSchedulerTimer(QObject *parent = nullptr);

    void start(std::chrono::milliseconds interval) override;
    void stop() override;
    qint64 monotonicMs() const override;

private:
    QTimer m_timer;
    QElapsedTimer m_monotonic;
};

} // namespace dynamight
