#pragma once

#include "result.h"

#include <QString>

namespace dynamight {

// Initializes libsodium on the first call, safely from any thread, and returns an Internal error
// while it is unusable. Call it before the libsodium functions that need it (random bytes,
// Argon2id).
Status initializeSodium();

// Argon2id password hashing with libsodium's INTERACTIVE limits (2 passes over 64 MiB). Each hash
// or verify costs tens of milliseconds of CPU, so call it only where that cost is expected
// (setup, login, password change). Hashes are libsodium's self-describing
// "$argon2id$v=19$m=...,t=...,p=...$..." strings, so a hash made under older limits still
// verifies after the limits change.
class PasswordHasher
{
public:
    static constexpr int minLength = 8;
    static constexpr int maxLength = 1024;

    // Checks the password policy: minLength to maxLength characters (Unicode code points).
    static Status checkPolicy(const QString &password);

    // Hashes password with a fresh random salt. Fails only when libsodium cannot start or the
    // 64 MiB working memory cannot be allocated.
    static Result<QString> hash(const QString &password);

    // Returns whether password matches hash. A malformed hash never matches.
    static bool verify(const QString &password, const QString &hash);

    // Returns whether hash was made with other limits than the current ones (or is malformed),
    // so the caller should store a new hash after the next successful login.
    static bool needsRehash(const QString &hash);
};

} // namespace dynamight
