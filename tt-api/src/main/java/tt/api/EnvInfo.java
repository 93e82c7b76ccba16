package tt.api;

import java.time.Instant;
import java.util.List;

/** An ENV: a named group of VMs, owned by the token that made it, deleted when it expires. */
public record EnvInfo(String id, String name, String owner, EnvState state, Instant createdAt, Instant expiresAt,
                      List<EnvVm> vms) {
}
