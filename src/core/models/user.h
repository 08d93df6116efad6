#pragma once

#include <QString>

namespace dynamight {

// An account that can log in to the web UI and the API. The password hash stays in the store.
struct User
{
    qint64 id = 0;
    QString username;
    bool totpEnabled = false;
};

} // namespace dynamight
