package tt.api;

import java.util.List;
import java.util.Map;

/**
 * A request for one VM. Sizes left out take the host's defaults; {@code ports} are guest ports to
 * forward besides 22; {@code tags} are free labels (e.g. the owning ENV) kept with the VM. A
 * {@code warm} VM waits, booted, for its identity ({@code POST /vms/ID/identity}).
 */
public record VmCreateRequest(String name, String image, Integer cpu, Integer memMib, Integer diskMib,
                              List<String> sshKeys, List<Integer> ports, Map<String, String> tags, Boolean warm) {

    /** A VM that boots to ready with the identity given here. */
    public VmCreateRequest(String name, String image, Integer cpu, Integer memMib, Integer diskMib,
                           List<String> sshKeys, List<Integer> ports, Map<String, String> tags) {
        this(name, image, cpu, memMib, diskMib, sshKeys, ports, tags, null);
    }
}
