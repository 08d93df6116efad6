#include "auth/passwordreset.h"

#include "auth/passwordhasher.h"
#include "auth/sessionstore.h"
#include "auth/userstore.h"

namespace dynamight {

Result<QStringList> replacePassword(UserStore &users, SessionStore &sessions, qint64 userId,
                                    const QString &newPassword)
{
    if (const Status valid = PasswordHasher::checkPolicy(newPassword); !valid)
        return valid.error();
    const auto hash = PasswordHasher::hash(newPassword);
    if (!hash)
        return hash.error();

    if (const Status updated = users.updatePasswordHash(userId, *hash); !updated)
        return updated.error();
    return sessions.revokeAllExcept(userId, QString());
}

} // namespace dynamight
