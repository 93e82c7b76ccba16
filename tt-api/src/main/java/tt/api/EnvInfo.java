package tt.api;

import java.time.Instant;
import java.util.List;

/**
 * An ENV: a named group of VMs, owned by the token that made it, deleted when it expires.
 * {@code sshKeys} are the fingerprints of the users' keys its VMs hold.
 */
public record EnvInfo(String id, String name, String owner, EnvState state, Instant createdAt, Instant expiresAt,
                      List<String> sshKeys, List<EnvVm> vms) {
}
