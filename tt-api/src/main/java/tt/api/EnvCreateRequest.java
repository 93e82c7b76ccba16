package tt.api;

import java.util.List;

/**
 * A request for an ENV: one VM per image whose OS part matches one of {@code osPrefix}
 * (case-insensitive, separators ignored), plus the {@code images} named exactly, each
 * {@code replicas} times; sizes apply to every VM.
 */
public record EnvCreateRequest(String name, List<String> osPrefix, List<String> images, Integer cpu, Integer memMib,
                               Integer diskMib, List<Integer> ports, List<String> sshKeys, Integer lifetimeMinutes,
                               Integer replicas) {
}
