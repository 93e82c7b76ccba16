package tt.api;

/** What a command run in a guest gave back; {@code exitCode} is -1 when it timed out. */
public record ExecResult(int exitCode, String stdout, String stderr, long millis, boolean timedOut) {
}
