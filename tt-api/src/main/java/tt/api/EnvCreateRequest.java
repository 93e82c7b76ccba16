package tt.api;

import java.util.List;
import java.util.Map;

/**
 * A request for an ENV: one VM per image whose OS part matches one of {@code osPrefix}
 * (case-insensitive, separators ignored), plus the {@code images} named exactly, each
 * {@code replicas} times; sizes apply to every VM. With {@code leaseSeconds}, the ENV lives only
 * while its client renews the lease; {@code tags} mark it for its client (e.g. the runner's id),
 * which can list its own ENVs by them.
 */
public record EnvCreateRequest(String name, List<String> osPrefix, List<String> images, Integer cpu, Integer memMib,
                               Integer diskMib, List<Integer> ports, List<String> sshKeys, Integer lifetimeMinutes,
                               Integer replicas, Integer leaseSeconds, Map<String, String> tags) {

    /** A request with no lease and no tags. */
    public EnvCreateRequest(String name, List<String> osPrefix, List<String> images, Integer cpu, Integer memMib,
                            Integer diskMib, List<Integer> ports, List<String> sshKeys, Integer lifetimeMinutes,
                            Integer replicas) {
        this(name, osPrefix, images, cpu, memMib, diskMib, ports, sshKeys, lifetimeMinutes, replicas, null, null);
    }
}
