package tt.host.cgroup;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The cgroup v1 driver on this machine's real cgroup file system (needs root). */
class CgroupsIT {

    @Test
    void realV1GroupsAreMadeAndRemovedWhenAvailable() throws IOException {
        Path fs = Path.of("/sys/fs/cgroup");
        assumeTrue(Files.isWritable(fs.resolve("memory")),
                "no writable cgroup v1 memory hierarchy here (needs root and the hybrid layout)");
        Cgroups cg = Cgroups.detect(fs, "tt-host-cgroups-it");
        Cgroups.VmCgroup vm = cg.create("vm-test", 1, 64L << 20);
        assertTrue(vm.procsFiles().stream().allMatch(Files::isRegularFile));
        vm.remove();
        cg.removeAll();
        assertFalse(Files.exists(fs.resolve("memory/tt-host-cgroups-it")));
    }
}
