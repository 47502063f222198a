using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace SocialLearning.AspNetCore.Endpoints;

/// <summary>Maps exceptions from the SDK and from request parsing to RFC 9457 problem details.</summary>
internal static class Problems
{
    private const string TypeBase = "https://sociallearning.dev/problems/";

    /// <summary>Set on a request whose version came from <c>If-Match</c>, so a conflict answers 412 rather than 409.</summary>
    public static readonly object PreconditionKey = new();

    public static IResult? FromException(Exception exception, HttpContext httpContext)
    {
        switch (exception)
        {
            case ArgumentException e:
                var field = FieldName(ParamOf(e));
                return TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [Message(e)] })
                {
                    Status = StatusCodes.Status400BadRequest,
                    Title = "The request is not valid.",
                    Detail = Message(e),
                    Type = TypeBase + "invalid-input",
                    Extensions = { ["code"] = "invalid_input", ["field"] = field },
                });
            case EntityNotFoundException e:
                return Problem(StatusCodes.Status404NotFound, "Not found.", e.Message, e.ErrorCode, e.Field is null ? null : FieldName(e.Field));
            case VersionConflictException e:
                var precondition = httpContext.Items.ContainsKey(PreconditionKey);
                return Problem(
                    precondition ? StatusCodes.Status412PreconditionFailed : StatusCodes.Status409Conflict,
                    "The record changed since it was read.",
                    e.Message,
                    e.ErrorCode,
                    precondition ? "If-Match" : null,
                    ("currentVersion", e.ActualVersion));
            case SocialLearningForbiddenException e:
                return Problem(StatusCodes.Status403Forbidden, "Not allowed.", e.Message, e.ErrorCode, null);
            case DuplicateEntityException e:
                return Problem(StatusCodes.Status409Conflict, "Already exists.", e.Message, e.ErrorCode, null);
            case SkillGraphCycleException e:
                return Problem(StatusCodes.Status409Conflict, "That would create a prerequisite cycle.", e.Message, e.ErrorCode, null);
            case SocialLearningStorageException e:
                return Problem(StatusCodes.Status503ServiceUnavailable, "Storage is unavailable.", "The store failed; try again later.", e.ErrorCode, null);
            case SocialLearningException e:
                return Problem(StatusCodes.Status422UnprocessableEntity, "The request cannot be processed.", e.Message, e.ErrorCode, null);
            case Identity.CallerUnknownException e:
                return Problem(StatusCodes.Status401Unauthorized, "Sign in first.", e.Message, "unauthenticated", null);
            case RateLimitedException e:
                httpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(e.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return Problem(StatusCodes.Status429TooManyRequests, "Too many requests.", e.Message, "rate_limited", null, ("retryAfterSeconds", Math.Max(1, (int)Math.Ceiling(e.RetryAfter.TotalSeconds))));
            case RequestProblemException e:
                return Problem(e.Status, e.Title, e.Message, e.Code, e.Field);
            default:
                return null;
        }
    }

    public static ProblemHttpResult Problem(int status, string title, string detail, string code, string? field, params (string Key, object Value)[] extra)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = detail,
            Type = TypeBase + code.Replace('_', '-'),
        };
        problem.Extensions["code"] = code;
        if (field is not null)
        {
            problem.Extensions["field"] = field;
        }

        foreach (var (key, value) in extra)
        {
            problem.Extensions[key] = value;
        }

        return TypedResults.Problem(problem);
    }

    /// <summary>
    /// The name of the input field behind an argument name: <c>request.ContextKeys[0]</c> becomes <c>contextKeys[0]</c>,
    /// <c>reason</c> stays <c>reason</c>.
    /// </summary>
    public static string FieldName(string? paramName)
    {
        if (string.IsNullOrEmpty(paramName))
        {
            return "request";
        }

        if (paramName.Contains('-', StringComparison.Ordinal))
        {
            return paramName; // a header name such as If-Match or Idempotency-Key
        }

        var name = paramName.StartsWith("request.", StringComparison.Ordinal) ? paramName["request.".Length..] : paramName;
        var builder = new StringBuilder(name.Length);
        var startOfSegment = true;
        foreach (var c in name)
        {
            builder.Append(startOfSegment ? char.ToLowerInvariant(c) : c);
            startOfSegment = c == '.';
        }

        return builder.ToString();
    }

    private static string Message(ArgumentException e)
    {
        // ArgumentException appends " (Parameter 'x')" (and "Actual value was ...") to Message; the field is reported separately.
        var message = e.Message;
        var cut = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    private static string ParamOf(ArgumentException e)
    {
        // The services name nested fields in the message when the parameter is the whole request ("request.Kind is ...").
        if (e.ParamName == "request" && e.Message.StartsWith("request.", StringComparison.Ordinal))
        {
            var end = e.Message.IndexOfAny([' ', ':', ',']);
            return end > 0 ? e.Message[..end] : e.ParamName;
        }

        return e.ParamName ?? "request";
    }
}

/// <summary>A request-level problem found while reading the request (media type, size, preconditions).</summary>
internal sealed class RequestProblemException(int status, string title, string message, string code, string? field) : Exception(message)
{
    public int Status { get; } = status;

    public string Title { get; } = title;

    public string Code { get; } = code;

    public string? Field { get; } = field;
}
