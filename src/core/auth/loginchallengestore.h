#pragma once

#include "clock.h"
#include "result.h"

#include <QString>

#include <chrono>
#include <memory>

namespace dynamight {

class Database;

// The login_challenges table: a login that passed the password check and waits for the second
// factor. Its token goes to the client once. Only the BLAKE2b hash of the token is stored, so
// a copy of the database cannot finish anyone's login.
class LoginChallengeStore
{
public:
    // Wrong codes after which a challenge stops working. The rate limit per client address
    // applies as well, but this cap also holds when the guesses come from many addresses.
    static constexpr int maxFailedAttempts = 5;

    LoginChallengeStore(std::shared_ptr<Database> database, const Clock &clock);

    // Creates a challenge of userId that expires lifetime from now and returns its token:
    // 64 hex digits (256 random bits). Deletes the expired challenges first.
    Result<QString> create(qint64 userId, std::chrono::seconds lifetime);
    // Returns the user of the challenge if it is unused, unexpired and under
    // maxFailedAttempts, else an Unauthorized error.
    Result<qint64> findValid(const QString &token) const;
    // Counts a wrong code against the challenge.
    Status recordFailure(const QString &token);
    // Marks the challenge used. A challenge that another request used first, or that is no
    // longer valid, is an Unauthorized error.
    Status consume(const QString &token);

private:
    std::shared_ptr<Database> m_database;
    const Clock &m_clock;
};

} // namespace dynamight
