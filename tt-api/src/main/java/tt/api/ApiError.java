package tt.api;

/** The body of every error answer: one sentence saying what went wrong and what to do. */
public record ApiError(String error) {
}
