package tt.api;

/**
 * CREATING while any VM is scheduled or booting, READY when all are, STOPPED when all are paused,
 * FAILED if any failed or was lost.
 */
public enum EnvState {
    CREATING, READY, STOPPED, FAILED
}
