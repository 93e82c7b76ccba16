package tt.api;

/** A host as the backend sees it: reachable or not, and what it holds. */
public record HostStatus(String id, String address, int port, boolean online, String accel, Capacity total,
                         Capacity used, int vmCount, String error) {
}
