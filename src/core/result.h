#pragma once

#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace dynamight {

// The failure of a core operation: what kind of failure it is, for the web layer to map to a
// status code, and a message written for the user.
class Error
{
public:
    enum class Kind {
        InvalidInput,
        NotFound,
        Conflict,
        Unauthorized,
        Forbidden,
        Unavailable,
        Storage,
        Internal,
    };

    Error(Kind kind, QString message)
        : m_kind(kind)
        , m_message(std::move(message))
    {
    }

    static Error invalid(QString message) { return {Kind::InvalidInput, std::move(message)}; }
    static Error notFound(QString message) { return {Kind::NotFound, std::move(message)}; }
    static Error conflict(QString message) { return {Kind::Conflict, std::move(message)}; }
    static Error unauthorized(QString message) { return {Kind::Unauthorized, std::move(message)}; }
    static Error forbidden(QString message) { return {Kind::Forbidden, std::move(message)}; }
    static Error storage(QString message) { return {Kind::Storage, std::move(message)}; }
    static Error internal(QString message) { return {Kind::Internal, std::move(message)}; }

    Kind kind() const { return m_kind; }
    const QString &message() const { return m_message; }

private:
    Kind m_kind;
    QString m_message;
};

// A value or an Error, in the spirit of C++23 std::expected.
template<typename T>
class Result
{
public:
    Result(T value)
        : m_state(std::move(value))
    {
    }
    Result(Error error)
        : m_state(std::move(error))
    {
    }

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }

    const T &value() const & { return std::get<T>(m_state); }
    T &value() & { return std::get<T>(m_state); }
    T &&value() && { return std::get<T>(std::move(m_state)); }
    const T &operator*() const & { return value(); }
    T &operator*() & { return value(); }
    const T *operator->() const { return &value(); }
    T *operator->() { return &value(); }

    const Error &error() const { return std::get<Error>(m_state); }

private:
    std::variant<T, Error> m_state;
};

// The result of an operation that returns nothing on success.
template<>
class Result<void>
{
public:
    Result() = default;
    Result(Error error)
        : m_error(std::move(error))
    {
    }

    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return *m_error; }

private:
    std::optional<Error> m_error;
};

using Status = Result<void>;

} // namespace dynamight
