package tt.backend.env;

import tt.api.EnvInfo;
import tt.api.EnvState;
import tt.api.VmState;
import tt.backend.db.PoolStore;

import java.util.List;

/** What the API shows of an ENV: its record and VMs, and its state worked out from theirs. */
final class EnvView {

    private EnvView() {
    }

    static EnvInfo of(PoolStore.Env env, List<PoolStore.Vm> vms) {
        EnvState state = vms.stream().anyMatch(v -> v.state() == VmState.FAILED) ? EnvState.FAILED
                : vms.stream().anyMatch(v -> v.state() == VmState.SCHEDULED || v.state() == VmState.BOOTING)
                ? EnvState.CREATING
                : !vms.isEmpty() && vms.stream().allMatch(v -> v.state() == VmState.STOPPED) ? EnvState.STOPPED
                : EnvState.READY;
        return new EnvInfo(env.id(), env.name(), env.owner(), state, env.createdAt(), env.expiresAt(),
                env.leaseSeconds(), env.leaseExpiresAt(), env.tags(), env.sshKeys(),
                vms.stream().map(PoolStore.Vm::view).toList());
    }
}
