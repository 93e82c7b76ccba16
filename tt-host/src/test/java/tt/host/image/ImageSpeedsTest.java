package tt.host.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageSpeedsTest {

    /** The shells a guest may log in with that this machine has: dash (/bin/sh), bash, busybox ash. */
    private static List<List<String>> shells() {
        List<List<String>> shells = new ArrayList<>();
        shells.add(List.of("/bin/sh", "-c"));
        for (String bin : List.of("/bin/bash", "/bin/busybox")) {
            if (Files.isExecutable(Path.of(bin))) {
                shells.add(bin.endsWith("busybox") ? List.of(bin, "sh", "-c") : List.of(bin, "-c"));
            }
        }
        return shells;
    }

    private static String run(List<String> shell, String command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(shell);
        cmd.add(command);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), shell + " failed: " + out);
        return out;
    }

    @Test
    void readsTheShellsOwnCpuTimeAsEachShellPrintsIt() throws IOException {
        assertEquals(1170, ImageSpeeds.cpuMillis("0m1.150s 0m0.020s\n0m0.000s 0m0.000s\n"), 0.001);
        assertEquals(70, ImageSpeeds.cpuMillis("0m0.070000s 0m0.000000s\n0m0.000000s 0m0.000000s\n"), 0.001);
        assertEquals(63_000, ImageSpeeds.cpuMillis("1m2.5s 0m0.5s\n0m9.0s 0m9.0s"), 0.001);
        assertThrows(IOException.class, () -> ImageSpeeds.cpuMillis("12.31 14.52"));
        assertThrows(IOException.class, () -> ImageSpeeds.cpuMillis(""));
        assertThrows(IOException.class, () -> ImageSpeeds.cpuMillis("0m1.150s\n0m0.020s"));
    }

    @Test
    void theGuestCommandRunsTheLoopAtTheLowestPriorityInEveryShell() throws Exception {
        for (List<String> shell : shells()) {
            // the shell's niceness (field 19 of its stat) once the command ran in it
            String out = run(shell, ImageSpeeds.GUEST_COMMAND + "; cut -d' ' -f19 /proc/$$/stat");
            List<String> lines = out.strip().lines().toList();
            assertEquals("19", lines.get(lines.size() - 1), shell + ": " + out);
            assertTrue(ImageSpeeds.cpuMillis(out) > 0, shell + ": " + out);
        }
    }

    @Test
    void recordsAFactorAgainstTheHostsLoopAndKeepsIt(@TempDir Path dir) throws Exception {
        ImageCatalogTest.writeImage(dir, "qemu:tiny-1.0:6.1.x86_64", "x86_64", "disk.qcow2");
        ImageCatalog catalog = new ImageCatalog(dir);
        catalog.rescan();
        Image image = catalog.find("qemu:tiny-1.0:6.1.x86_64").orElseThrow();
        Path file = dir.resolve("image-speeds.json");
        ImageSpeeds speeds = new ImageSpeeds(file);
        assertFalse(speeds.factor(image).isPresent());

        double factor = speeds.record(image, "10m0.000s 0m0.000s\n0m0.000s 0m0.000s\n");

        assertTrue(factor > 1.0, "600 s of CPU for the loop is slower than this host: " + factor);
        assertEquals(factor, new ImageSpeeds(file).factor(image).orElseThrow());
    }
}
