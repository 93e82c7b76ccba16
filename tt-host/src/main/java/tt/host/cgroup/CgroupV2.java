package tt.host.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** cgroup v2: {@code <root>/<parent>/<vm>} with cpu.max, memory.max and cgroup.kill. */
final class CgroupV2 implements Cgroups {

    static final long PERIOD_US = 100_000;
    private final Path root;
    private final Path parent;

    CgroupV2(Path root, String parentName) {
        this.root = root;
        this.parent = root.resolve(parentName);
    }

    @Override
    public VmCgroup create(String vmId, int cpus, long memBytes) throws IOException {
        if (!Files.isDirectory(parent)) {
            Files.createDirectory(parent);
            CgroupFiles.write(root.resolve("cgroup.subtree_control"), "+cpu +memory");
            CgroupFiles.write(parent.resolve("cgroup.subtree_control"), "+cpu +memory");
        }
        Path group = parent.resolve(vmId);
        Files.createDirectory(group);
        CgroupFiles.write(group.resolve("cpu.max"), (cpus * PERIOD_US) + " " + PERIOD_US);
        CgroupFiles.write(group.resolve("memory.max"), Long.toString(memBytes));
        return new VmCgroup() {
            @Override
            public List<Path> procsFiles() {
                return List.of(group.resolve("cgroup.procs"));
            }

            @Override
            public void remove() throws IOException {
                kill(group);
                CgroupFiles.removeTree(group);
            }
        };
    }

    private static void kill(Path group) throws IOException {
        Path killFile = group.resolve("cgroup.kill");
        if (Files.isRegularFile(killFile)) {
            CgroupFiles.write(killFile, "1");
        } else {
            CgroupFiles.killProcs(group.resolve("cgroup.procs"));
        }
    }

    @Override
    public void removeAll() throws IOException {
        if (Files.isDirectory(parent)) {
            try (var groups = Files.list(parent)) {
                for (Path g : groups.filter(Files::isDirectory).toList()) {
                    kill(g);
                }
            }
            CgroupFiles.removeTree(parent);
        }
    }

    @Override
    public String describe() {
        return "cgroup v2 at " + parent;
    }
}
