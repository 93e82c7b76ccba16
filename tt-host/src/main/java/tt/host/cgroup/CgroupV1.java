package tt.host.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * cgroup v1 (the hybrid layout): one group in the cpu hierarchy (CFS quota) and one in the
 * memory hierarchy (limit) per VM, both under {@code <parent>}.
 */
final class CgroupV1 implements Cgroups {

    private final Path cpuParent;
    private final Path memParent;

    CgroupV1(Path root, String parentName) {
        this.cpuParent = root.resolve("cpu").resolve(parentName);
        this.memParent = root.resolve("memory").resolve(parentName);
    }

    @Override
    public VmCgroup create(String vmId, int cpus, long memBytes) throws IOException {
        Files.createDirectories(cpuParent);
        Files.createDirectories(memParent);
        Path cpu = cpuParent.resolve(vmId);
        Path mem = memParent.resolve(vmId);
        Files.createDirectory(cpu);
        Files.createDirectory(mem);
        CgroupFiles.write(cpu.resolve("cpu.cfs_period_us"), Long.toString(CgroupV2.PERIOD_US));
        CgroupFiles.write(cpu.resolve("cpu.cfs_quota_us"), Long.toString(cpus * CgroupV2.PERIOD_US));
        CgroupFiles.write(mem.resolve("memory.limit_in_bytes"), Long.toString(memBytes));
        return new VmCgroup() {
            @Override
            public List<Path> procsFiles() {
                return List.of(cpu.resolve("cgroup.procs"), mem.resolve("cgroup.procs"));
            }

            @Override
            public void remove() throws IOException {
                CgroupFiles.killProcs(mem.resolve("cgroup.procs"));
                CgroupFiles.removeTree(cpu);
                CgroupFiles.removeTree(mem);
            }
        };
    }

    @Override
    public void removeAll() throws IOException {
        List<Path> groups = new ArrayList<>();
        if (Files.isDirectory(memParent)) {
            try (var list = Files.list(memParent)) {
                groups.addAll(list.filter(Files::isDirectory).toList());
            }
        }
        for (Path g : groups) {
            CgroupFiles.killProcs(g.resolve("cgroup.procs"));
        }
        CgroupFiles.removeTree(cpuParent);
        CgroupFiles.removeTree(memParent);
    }

    @Override
    public String describe() {
        return "cgroup v1 at " + cpuParent + " and " + memParent;
    }
}
