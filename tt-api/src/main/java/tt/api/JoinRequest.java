package tt.api;

/** The body of a tt-host's {@code POST /api/v1/join}: the secret of its current join token. */
public record JoinRequest(String secret) {
}
