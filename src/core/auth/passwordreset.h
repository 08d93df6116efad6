#pragma once

#include "result.h"

#include <QString>
#include <QStringList>

namespace dynamight {

class SessionStore;
class UserStore;

// Checks newPassword against the password policy, stores its hash for the user and revokes
// every session of the user. Returns the ids of the revoked sessions, so the caller can close
// their WebSockets. Shared by a password change over the API and `dynamight user
// reset-password`.
Result<QStringList> replacePassword(UserStore &users, SessionStore &sessions, qint64 userId,
                                    const QString &newPassword);

} // namespace dynamight
