package tt.local;

import java.util.concurrent.ThreadFactory;

/** Threads for a daemon's background work: named for thread dumps and logs, never keeping the JVM alive. */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    /** A factory of daemon threads, each named {@code name}. */
    public static ThreadFactory named(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
