package tt.jenkins;

/**
 * Where a cloud's lines go: the controller's log for provisioning, the task's log for a periodic
 * sweep or renewal. The lines do not name the cloud; the log that prints them does.
 */
public interface CloudLog {

    void info(String line);

    /** Something failed that the cloud goes on past (it tries again later). */
    void warning(String line);
}
