package tt.api;

/** A shell command to run in a guest, with a timeout in seconds (default 60). */
public record ExecRequest(String cmd, Integer timeoutSeconds) {
}
