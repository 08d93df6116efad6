#include "logging.h"

Q_LOGGING_CATEGORY(lcStorage, "dynamight.core.storage")
Q_LOGGING_CATEGORY(lcRunner, "dynamight.core.runner")
Q_LOGGING_CATEGORY(lcRuns, "dynamight.core.runs")
Q_LOGGING_CATEGORY(lcAuth, "dynamight.core.auth")
Q_LOGGING_CATEGORY(lcJobs, "dynamight.core.jobs")
Q_LOGGING_CATEGORY(lcCredentials, "dynamight.core.credentials")
Q_LOGGING_CATEGORY(lcScheduler, "dynamight.core.scheduler")
Q_LOGGING_CATEGORY(lcSystem, "dynamight.core.system")
