package tt.api;

/** What the command gave on one VM of an ENV; exitCode -1 with error set when it could not run. */
public record RunResult(String vm, int exitCode, String stdout, String stderr, long millis, String error) {
}
