package tt.api;

/** CREATING while any VM boots, READY when all are, FAILED if any failed or was lost. */
public enum EnvState {
    CREATING, READY, FAILED
}
