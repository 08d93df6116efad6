#include "storage/migrations.h"

#include "logging.h"
#include "storage/sqlerror.h"

#include <QSqlQuery>

#include <vector>

namespace dynamight {

namespace {

struct Migration
{
    int version;
    const char *description;
    std::vector<const char *> statements;
};

// Ordered lists: a migration, once released, is never edited; a change to the schema is a new
// entry with the next version number. Times are stored as ISO 8601 UTC text, which sorts.
const std::vector<Migration> &mainMigrations()
{
    static const std::vector<Migration> migrations{
        {1,
         "users, sessions, jobs, schedules, runs and settings",
         {
             "CREATE TABLE users ("
             " id INTEGER PRIMARY KEY AUTOINCREMENT,"
             " username TEXT NOT NULL UNIQUE COLLATE NOCASE,"
             " password_hash TEXT NOT NULL,"
             " created_at TEXT NOT NULL,"
             " updated_at TEXT NOT NULL)",
             "CREATE TABLE sessions ("
             " id TEXT PRIMARY KEY,"
             " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
             " created_at TEXT NOT NULL,"
             " expires_at TEXT NOT NULL,"
             " revoked_at TEXT)",
             "CREATE INDEX sessions_user ON sessions(user_id)",
             "CREATE TABLE jobs ("
             " id INTEGER PRIMARY KEY AUTOINCREMENT,"
             " name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
             " description TEXT NOT NULL DEFAULT '',"
             " enabled INTEGER NOT NULL DEFAULT 1,"
             " source_dirs TEXT NOT NULL,"
             " destination_type TEXT NOT NULL,"
             " destination_config TEXT NOT NULL,"
             " sync_options TEXT NOT NULL,"
             " credential_id INTEGER,"
             " created_at TEXT NOT NULL,"
             " updated_at TEXT NOT NULL)",
             "CREATE TABLE schedules ("
             " id INTEGER PRIMARY KEY AUTOINCREMENT,"
             " job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,"
             " enabled INTEGER NOT NULL DEFAULT 1,"
             " schedule_type TEXT NOT NULL,"
             " hour INTEGER,"
             " minute INTEGER,"
             " day_of_week INTEGER,"
             " day_of_month INTEGER,"
             " cron_expression TEXT,"
             " timezone TEXT,"
             " next_run TEXT,"
             " created_at TEXT NOT NULL,"
             " updated_at TEXT NOT NULL)",
             "CREATE INDEX schedules_job ON schedules(job_id)",
             "CREATE TABLE runs ("
             " id INTEGER PRIMARY KEY AUTOINCREMENT,"
             " job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,"
             " job_name TEXT NOT NULL,"
             " status TEXT NOT NULL,"
             " trigger TEXT NOT NULL,"
             " schedule_id INTEGER,"
             " queued_at TEXT NOT NULL,"
             " started_at TEXT,"
             " completed_at TEXT,"
             " files_transferred INTEGER NOT NULL DEFAULT 0,"
             " bytes_transferred INTEGER NOT NULL DEFAULT 0,"
             " files_deleted INTEGER NOT NULL DEFAULT 0,"
             " exit_code INTEGER,"
             " error_message TEXT,"
             " commands TEXT NOT NULL DEFAULT '[]',"
             " process_id INTEGER)",
             "CREATE INDEX runs_job ON runs(job_id, id)",
             "CREATE INDEX runs_status ON runs(status)",
             "CREATE TABLE settings ("
             " key TEXT PRIMARY KEY,"
             " value TEXT NOT NULL)",
         }},
        // totp_secret and totp_pending_secret are SecretBox-sealed. Two-factor authentication is
        // on while totp_secret is set. totp_last_step is the newest accepted time step, so that
        // each code works once. Recovery codes and login challenge tokens are stored hashed.
        {2,
         "two-factor authentication: TOTP secrets, recovery codes and login challenges",
         {
             "ALTER TABLE users ADD COLUMN totp_secret BLOB",
             "ALTER TABLE users ADD COLUMN totp_pending_secret BLOB",
             "ALTER TABLE users ADD COLUMN totp_last_step INTEGER",
             "CREATE TABLE recovery_codes ("
             " id INTEGER PRIMARY KEY AUTOINCREMENT,"
             " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
             " code_hash TEXT NOT NULL,"
             " used_at TEXT)",
             "CREATE INDEX recovery_codes_user ON recovery_codes(user_id, code_hash)",
             "CREATE TABLE login_challenges ("
             " token_hash TEXT PRIMARY KEY,"
             " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
             " created_at TEXT NOT NULL,"
             " expires_at TEXT NOT NULL,"
             " failed_attempts INTEGER NOT NULL DEFAULT 0,"
             " used_at TEXT)",
         }},
        // data is the SecretBox-sealed JSON object of the provider's secret fields; name and
        // provider_type stay in clear, so credentials can be listed without the server secret.
        // name_key is the case-folded name that uniqueness is checked on.
        {3,
         "credentials",
         {
             "CREATE TABLE credentials ("
             " id INTEGER PRIMARY KEY AUTOINCREMENT,"
             " name TEXT NOT NULL,"
             " name_key TEXT NOT NULL UNIQUE,"
             " provider_type TEXT NOT NULL,"
             " data BLOB NOT NULL,"
             " created_at TEXT NOT NULL,"
             " updated_at TEXT NOT NULL)",
             "CREATE INDEX jobs_credential ON jobs(credential_id)",
         }},
    };
    return migrations;
}

const std::vector<Migration> &logsMigrations()
{
    static const std::vector<Migration> migrations{
        {1,
         "log entries",
         {
             "CREATE TABLE log_entries ("
             " id INTEGER PRIMARY KEY AUTOINCREMENT,"
             " run_id INTEGER NOT NULL,"
             " timestamp TEXT NOT NULL,"
             " level TEXT NOT NULL,"
             " message TEXT NOT NULL)",
             "CREATE INDEX log_entries_run ON log_entries(run_id, id)",
         }},
    };
    return migrations;
}

const std::vector<Migration> &migrationsOf(Database::Schema schema)
{
    return schema == Database::Schema::Main ? mainMigrations() : logsMigrations();
}

Result<int> readVersion(const QSqlDatabase &db)
{
    auto query = execute(db, QStringLiteral("PRAGMA user_version"));
    if (!query)
        return query.error();
    return query->next() ? query->value(0).toInt() : 0;
}

Status applyMigrations(const QSqlDatabase &db, const std::vector<Migration> &migrations, int from)
{
    for (const Migration &migration : migrations) {
        if (migration.version <= from)
            continue;
        for (const char *statement : migration.statements) {
            auto query = execute(db, QLatin1String(statement));
            if (!query)
                return query.error();
        }
        // PRAGMA takes no bound values; the version is a number from the table above.
        auto query = execute(db, QStringLiteral("PRAGMA user_version = %1").arg(migration.version));
        if (!query)
            return query.error();
        qCInfo(lcStorage).noquote() << "Storage: applied migration" << migration.version << "to"
                                    << db.databaseName() << "(" << migration.description << ")";
    }
    return {};
}

} // namespace

int latestSchemaVersion(Database::Schema schema)
{
    return migrationsOf(schema).back().version;
}

Status runMigrations(QSqlDatabase db, Database::Schema schema)
{
    const auto version = readVersion(db);
    if (!version)
        return version.error();

    const int latest = latestSchemaVersion(schema);
    if (*version > latest) {
        return Error::storage(
            QStringLiteral("The database %1 has schema version %2, newer than version %3 that "
                           "this build of Dynamight supports: run a newer build")
                .arg(db.databaseName())
                .arg(*version)
                .arg(latest));
    }
    if (*version == latest)
        return {};

    return inTransaction(db, [&] { return applyMigrations(db, migrationsOf(schema), *version); });
}

} // namespace dynamight
