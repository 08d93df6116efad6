#include "controllers/jobpreviewcontroller.h"

#include "jobs/jobstore.h"
#include "json/systemrepresentation.h"
#include "runner/jobpreview.h"

namespace dynamight {

using Method = QHttpServerRequest::Method;

QList<Route> JobPreviewController::routes()
{
    return {
        {Method::Post, QStringLiteral("/api/jobs/:id/preview"), Access::Authenticated,
         bind(&JobPreviewController::preview)},
    };
}

ApiResponse JobPreviewController::preview(const ApiRequest &request)
{
    const auto id = request.id(QStringLiteral("id"), QStringLiteral("job"));
    if (!id)
        return ApiResponse::fromError(id.error());
    const auto job = m_context.jobs.find(*id);
    if (!job)
        return ApiResponse::fromError(job.error());

    const auto preview = previewLocalJob(*job, SystemTools(), kTimeout);
    if (!preview)
        return ApiResponse::fromError(preview.error());
    return ApiResponse::json(previewToJson(*id, *preview));
}

} // namespace dynamight
