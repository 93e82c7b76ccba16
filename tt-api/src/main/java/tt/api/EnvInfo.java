package tt.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An ENV: a named group of VMs, owned by the token that made it, deleted when it expires or, if it
 * has a lease ({@code leaseSeconds}), when the lease ends unrenewed ({@code leaseExpiresAt}).
 * {@code sshKeys} are the fingerprints of the users' keys its VMs hold; {@code tags} its client's marks.
 */
public record EnvInfo(String id, String name, String owner, EnvState state, Instant createdAt, Instant expiresAt,
                      Integer leaseSeconds, Instant leaseExpiresAt, Map<String, String> tags, List<String> sshKeys,
                      List<EnvVm> vms) {

    /** Its state and its VMs' summaries: "FAILED; vm1 FAILED (why)". */
    public String summary() {
        StringBuilder sb = new StringBuilder(String.valueOf(state));
        vms.forEach(v -> sb.append("; ").append(v.summary()));
        return sb.toString();
    }
}
