package tt.api;

/** A command to run on every VM of an ENV, with a timeout in seconds per VM (default 60). */
public record RunRequest(String cmd, Integer timeoutSeconds) {
}
