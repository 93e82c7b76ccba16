package tt.api;

import java.util.List;

/** The whole pool: every host and the union of their images. */
public record PoolStatus(String version, List<HostStatus> hosts, List<String> images) {
}
