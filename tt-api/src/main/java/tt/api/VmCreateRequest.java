package tt.api;

import java.util.List;
import java.util.Map;

/**
 * A request for one VM. Sizes left out take the host's defaults; {@code ports} are guest ports to
 * forward besides 22; {@code tags} are free labels (e.g. the owning ENV) kept with the VM.
 */
public record VmCreateRequest(String name, String image, Integer cpu, Integer memMib, Integer diskMib,
                              List<String> sshKeys, List<Integer> ports, Map<String, String> tags) {
}
