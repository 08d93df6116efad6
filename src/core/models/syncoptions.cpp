#include "syncoptions.h"

namespace dynamight {

QString verbosityName(Verbosity verbosity)
{
    switch (verbosity) {
    case Verbosity::Quiet:
        return QStringLiteral("quiet");
    case Verbosity::Normal:
        return QStringLiteral("normal");
    case Verbosity::Verbose:
        return QStringLiteral("verbose");
    }
    return QStringLiteral("normal");
}

std::optional<Verbosity> verbosityFromName(const QString &name)
{
    for (auto verbosity : {Verbosity::Quiet, Verbosity::Normal, Verbosity::Verbose}) {
        if (verbosityName(verbosity) == name)
            return verbosity;
    }
    return std::nullopt;
}

} // namespace dynamight
