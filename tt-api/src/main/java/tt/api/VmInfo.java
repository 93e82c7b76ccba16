package tt.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.Map;

/**
 * One VM as the API shows it. {@code ports} maps each forwarded guest port (22 included) to its
 * port on {@code address}. {@code boot} says how it started: {@code snapshot} (restored from a
 * snapshot of its image, then given its own identity) or {@code cold}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VmInfo(String id, String name, String image, VmState state, int cpu, int memMib, int diskMib,
                     String address, Map<Integer, Integer> ports, String accel, Instant createdAt,
                     Instant readyAt, String error, Map<String, String> tags, String boot) {

    public Integer sshPort() {
        return ports == null ? null : ports.get(22);
    }
}
