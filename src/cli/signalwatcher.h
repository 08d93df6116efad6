#pragma once

#include <QObject>

class QSocketNotifier;

namespace dynamight {

// Turns SIGINT and SIGTERM into a Qt signal on the event loop (self-pipe), so the service can
// stop its children and record its runs before it exits.
class SignalWatcher : public QObject
{
    Q_OBJECT

public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

Q_SIGNALS:
    void stopRequested(int signalNumber);

private:
    static void handle(int signalNumber);
    void readSignal();

    QSocketNotifier *m_notifier = nullptr;
};

} // namespace dynamight
