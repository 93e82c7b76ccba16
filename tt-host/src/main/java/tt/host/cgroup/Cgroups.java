package tt.host.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One cgroup per VM under a parent group that belongs to this daemon. Works on a pure cgroup v2
 * system and on the hybrid v1 layout (cpu and memory controllers on v1 hierarchies).
 */
public interface Cgroups {

    /** Creates the VM's group with a CPU quota of {@code cpus} whole CPUs and a memory limit. */
    VmCgroup create(String vmId, int cpus, long memBytes) throws IOException;

    /** Removes the daemon's parent group and every VM group left in it (after a crash). */
    void removeAll() throws IOException;

    String describe();

    /** A VM's group: the files a process writes its pid to in order to join it. */
    interface VmCgroup {
        List<Path> procsFiles();

        /** Kills every process still in the group, then removes the group. */
        void remove() throws IOException;
    }

    /** Picks v2 when the root is a unified hierarchy with cpu and memory, else v1. */
    static Cgroups detect(Path fsRoot, String parentName) throws IOException {
        Path controllers = fsRoot.resolve("cgroup.controllers");
        if (Files.isRegularFile(controllers)) {
            String available = Files.readString(controllers);
            if (available.contains("cpu") && available.contains("memory")) {
                return new CgroupV2(fsRoot, parentName);
            }
        }
        if (Files.isDirectory(fsRoot.resolve("cpu")) && Files.isDirectory(fsRoot.resolve("memory"))) {
            return new CgroupV1(fsRoot, parentName);
        }
        throw new IOException("no usable cgroup hierarchy with cpu and memory controllers under " + fsRoot
                + ": tt-host needs cgroups (v2, or v1 cpu+memory) and root rights to limit VMs");
    }
}
