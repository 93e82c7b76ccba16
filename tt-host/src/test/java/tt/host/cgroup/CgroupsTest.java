package tt.host.cgroup;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The drivers against a plain folder standing in for the cgroup file system (files only). */
class CgroupsTest {

    @Test
    void v2WritesCpuMaxAndMemoryMax(@TempDir Path fs) throws IOException {
        Files.writeString(fs.resolve("cgroup.controllers"), "cpuset cpu io memory pids");
        Files.writeString(fs.resolve("cgroup.subtree_control"), "");
        Cgroups cg = Cgroups.detect(fs, "tt-host-1");
        assertTrue(cg.describe().startsWith("cgroup v2"));
        Cgroups.VmCgroup vm = cg.create("vm-a", 2, 1 << 30);
        Path group = fs.resolve("tt-host-1/vm-a");
        assertEquals("200000 100000", Files.readString(group.resolve("cpu.max")));
        assertEquals(Long.toString(1 << 30), Files.readString(group.resolve("memory.max")));
        assertEquals("+cpu +memory", Files.readString(fs.resolve("tt-host-1/cgroup.subtree_control")));
        assertEquals(group.resolve("cgroup.procs"), vm.procsFiles().get(0));
    }

    @Test
    void v1UsesTheCpuAndMemoryHierarchies(@TempDir Path fs) throws IOException {
        Files.createDirectories(fs.resolve("cpu"));
        Files.createDirectories(fs.resolve("memory"));
        Cgroups cg = Cgroups.detect(fs, "tt-host-2");
        assertTrue(cg.describe().startsWith("cgroup v1"));
        Cgroups.VmCgroup vm = cg.create("vm-b", 1, 512L << 20);
        assertEquals("100000", Files.readString(fs.resolve("cpu/tt-host-2/vm-b/cpu.cfs_quota_us")));
        assertEquals(Long.toString(512L << 20), Files.readString(fs.resolve("memory/tt-host-2/vm-b/memory.limit_in_bytes")));
        assertEquals(2, vm.procsFiles().size());
    }

    @Test
    void v2IsNotChosenWithoutCpuAndMemoryControllers(@TempDir Path fs) throws IOException {
        Files.writeString(fs.resolve("cgroup.controllers"), "hugetlb");
        IOException e = assertThrows(IOException.class, () -> Cgroups.detect(fs, "x"));
        assertTrue(e.getMessage().contains("no usable cgroup hierarchy"));
        Files.createDirectories(fs.resolve("cpu"));
        Files.createDirectories(fs.resolve("memory"));
        assertTrue(Cgroups.detect(fs, "x").describe().startsWith("cgroup v1"));
    }
}
