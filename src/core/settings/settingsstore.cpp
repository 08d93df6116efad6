#include "settings/settingsstore.h"

#include "storage/database.h"
#include "storage/sqlerror.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <limits>
#include <vector>

namespace dynamight {

namespace {

struct SettingDefinition
{
    const char *key;
    QJsonValue defaultValue;
    QJsonValue::Type type;
    qint64 minimum = 0;
    qint64 maximum = 0;
    QStringList allowed = {};
};

const std::vector<SettingDefinition> &definitions()
{
    static const std::vector<SettingDefinition> table{
        {"max_runs_per_job", 10, QJsonValue::Double, 1, 100000},
        {"max_log_lines_per_run", 100000, QJsonValue::Double, 100, 10000000},
        {"run_missed_schedules", true, QJsonValue::Bool},
        {"theme",
         QStringLiteral("system"),
         QJsonValue::String,
         0,
         0,
         {QStringLiteral("system"), QStringLiteral("light"), QStringLiteral("dark")}},
    };
    return table;
}

const SettingDefinition *findDefinition(const QString &key)
{
    for (const SettingDefinition &definition : definitions()) {
        if (key == QLatin1String(definition.key))
            return &definition;
    }
    return nullptr;
}

QString typeName(QJsonValue::Type type)
{
    switch (type) {
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Double:
        return QStringLiteral("an integer");
    default:
        return QStringLiteral("a string");
    }
}

Status validate(const SettingDefinition &definition, const QJsonValue &value)
{
    const QString key = QLatin1String(definition.key);
    if (value.type() != definition.type)
        return Error::invalid(QStringLiteral("Field '%1' must be %2").arg(key, typeName(definition.type)));

    if (definition.type == QJsonValue::Double) {
        const double number = value.toDouble();
        if (number != static_cast<double>(static_cast<qint64>(number)) || number < definition.minimum
            || number > definition.maximum) {
            return Error::invalid(QStringLiteral("Field '%1' must be an integer from %2 to %3")
                                      .arg(key)
                                      .arg(definition.minimum)
                                      .arg(definition.maximum));
        }
    }
    if (!definition.allowed.isEmpty() && !definition.allowed.contains(value.toString())) {
        return Error::invalid(QStringLiteral("Field '%1' must be one of: %2")
                                  .arg(key, definition.allowed.join(QStringLiteral(", "))));
    }
    return {};
}

} // namespace

SettingsStore::SettingsStore(std::shared_ptr<Database> database)
    : m_database(std::move(database))
{
}

QJsonObject SettingsStore::all() const
{
    QJsonObject settings;
    for (const SettingDefinition &definition : definitions())
        settings.insert(QLatin1String(definition.key), definition.defaultValue);

    const auto db = m_database->connection(Database::Schema::Main);
    auto query = execute(db, QStringLiteral("SELECT key, value FROM settings"));
    if (!query)
        return settings;
    while (query->next()) {
        const QString key = query->value(0).toString();
        const auto document = QJsonDocument::fromJson(query->value(1).toString().toUtf8());
        const QJsonValue value = document.array().first();
        if (const auto *definition = findDefinition(key); definition && validate(*definition, value))
            settings.insert(key, value);
    }
    return settings;
}

Result<QJsonObject> SettingsStore::update(const QJsonObject &changes)
{
    for (auto it = changes.begin(); it != changes.end(); ++it) {
        const SettingDefinition *definition = findDefinition(it.key());
        if (!definition)
            return Error::invalid(QStringLiteral("Unknown setting '%1'").arg(it.key()));
        const Status valid = validate(*definition, it.value());
        if (!valid)
            return valid.error();
    }

    const auto db = m_database->connection(Database::Schema::Main);
    const Status stored = inTransaction(db, [&]() -> Status {
        for (auto it = changes.begin(); it != changes.end(); ++it) {
            // A one-element array, because QJsonDocument cannot hold a bare scalar.
            const QByteArray json = QJsonDocument(QJsonArray{it.value()}).toJson(QJsonDocument::Compact);
            auto query = execute(db,
                                 QStringLiteral("INSERT INTO settings (key, value) VALUES (?, ?) "
                                                "ON CONFLICT(key) DO UPDATE SET value = excluded.value"),
                                 {it.key(), QString::fromUtf8(json)});
            if (!query)
                return query.error();
        }
        return {};
    });
    if (!stored)
        return stored.error();
    return all();
}

QJsonValue SettingsStore::value(const QString &key) const
{
    return all().value(key);
}

int SettingsStore::maxRunsPerJob() const
{
    return value(QStringLiteral("max_runs_per_job")).toInt();
}

int SettingsStore::maxLogLinesPerRun() const
{
    return value(QStringLiteral("max_log_lines_per_run")).toInt();
}

bool SettingsStore::runMissedSchedules() const
{
    return value(QStringLiteral("run_missed_schedules")).toBool();
}

} // namespace dynamight
