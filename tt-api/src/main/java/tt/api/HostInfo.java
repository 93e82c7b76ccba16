package tt.api;

import java.util.List;

/** What a tt-host says about itself: identity, accelerator, totals and what is in use. */
public record HostInfo(String hostId, String version, String address, int port, String accel,
                       Capacity total, Capacity used, int vmCount, List<String> engines) {
}
