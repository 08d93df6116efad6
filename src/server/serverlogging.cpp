#include "serverlogging.h"

Q_LOGGING_CATEGORY(lcHttp, "dynamight.server.http")
Q_LOGGING_CATEGORY(lcWebSocket, "dynamight.server.ws")
Q_LOGGING_CATEGORY(lcServer, "dynamight.server")
