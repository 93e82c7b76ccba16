package tt.host.engine;

import tt.host.image.Image;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything an engine needs to start one VM: its folder (console and engine logs), its control
 * socket (in a short runtime folder: a UNIX socket path has at most 107 bytes), disk, sizes, port
 * forwards (guest port to host port, bound on {@code bindAddress}), the file of SSH keys to put in
 * at boot, the NoCloud seed disk (null for images that take their keys from fw_cfg), the
 * cgroup.procs files the process must join before it runs, how it uses a snapshot (null: none),
 * and the socket of the guest's agent for a guest that takes its identity from the agent (a VM
 * made for or from a snapshot, or kept warm) rather than at boot (null).
 */
public record VmLaunch(String vmId, String hostname, Image image, int cpus, int memMib, Path dir, Path controlSocket,
                       Path overlay, String bindAddress, Map<Integer, Integer> forwards, Path authorizedKeys,
                       Path seedImage, List<Path> cgroupProcs, SnapshotRole snapshot, Path agentSocket) {

    public Path consoleLog() {
        return dir.resolve("console.log");
    }

    public Path engineLog() {
        return dir.resolve("engine.log");
    }

    /** The VM's own copy of its UEFI variables (for images booted through UEFI). */
    public Path firmwareVars() {
        return dir.resolve("efivars.fd");
    }
}
