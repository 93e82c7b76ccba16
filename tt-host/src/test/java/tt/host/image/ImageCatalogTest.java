package tt.host.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageCatalogTest {

    static void writeImage(Path root, String name, String arch, String diskFile) throws IOException {
        Path dir = Files.createDirectories(root.resolve(name));
        Files.writeString(dir.resolve("vmlinuz"), "kernel");
        Files.writeString(dir.resolve("initrd.img"), "initrd");
        ByteBuffer header = ByteBuffer.allocate(64).putInt(0x514649fb).putInt(3);
        header.putLong(24, 300L << 20);
        Files.write(dir.resolve("disk.qcow2"), header.array());
        Files.writeString(dir.resolve("image.json"), """
                {"name":"%s","arch":"%s","kernel":"vmlinuz","initrd":"initrd.img","disk":"%s",
                 "cmdline":"console=ttyS0","sshUser":"root","minMemMib":256,"future":"ignored"}
                """.formatted(name, arch, diskFile));
    }

    private static Set<String> names(ImageCatalog c) {
        return c.all().stream().map(i -> i.name().toString()).collect(Collectors.toSet());
    }

    @Test
    void loadsGoodImagesAndSkipsBrokenOnes(@TempDir Path root) throws IOException {
        writeImage(root, "qemu:tiny-1.0:6.1.x86_64", "x86_64", "disk.qcow2");
        writeImage(root, "qemu:escape-1.0:6.1.x86_64", "x86_64", "../../etc/passwd");
        writeImage(root, "qemu:wrongarch-1.0:6.1.x86_64", "aarch64", "disk.qcow2");
        Files.createDirectories(root.resolve("not-an-image"));
        ImageCatalog c = new ImageCatalog(root);
        c.rescan();
        assertEquals(Set.of("qemu:tiny-1.0:6.1.x86_64"), names(c));
        Image tiny = c.find("qemu:tiny-1.0:6.1.x86_64").orElseThrow();
        assertEquals(300 * 1024, tiny.diskKib());
        assertEquals("x86_64", tiny.info(null).arch());
    }

    @Test
    void seesImagesArriveAndLeaveWhileRunning(@TempDir Path root) throws Exception {
        try (ImageCatalog c = new ImageCatalog(root)) {
            c.start();
            assertEquals(Set.of(), names(c));
            Path staging = Files.createDirectories(root.resolve(".staging"));
            writeImage(staging, "qemu:late-2.0:6.1.x86_64", "x86_64", "disk.qcow2");
            Files.move(staging.resolve("qemu:late-2.0:6.1.x86_64"), root.resolve("qemu:late-2.0:6.1.x86_64"));
            waitFor(() -> names(c).contains("qemu:late-2.0:6.1.x86_64"));
            Path gone = root.resolve("qemu:late-2.0:6.1.x86_64");
            Files.move(gone, staging.resolve("away"));
            waitFor(() -> names(c).isEmpty());
        }
    }

    @Test
    void refusesImagePathsUnderTmpOrMissing() throws IOException {
        Path tmp = Files.createTempDirectory(Path.of("/tmp"), "tt-images");
        try {
            IOException e = assertThrows(IOException.class, () -> ImageCatalog.checkRoot(tmp));
            assertTrue(e.getMessage().contains("under /tmp: tt-host runs with a private /tmp"), e.getMessage());
        } finally {
            Files.delete(tmp);
        }
        IOException hidden = assertThrows(IOException.class,
                () -> ImageCatalog.checkRoot(Path.of("/tmp/tt-images-the-daemon-cannot-see")));
        assertTrue(hidden.getMessage().contains("under /tmp: tt-host runs with a private /tmp"),
                "a folder under /tmp that the daemon's private /tmp hides is not called missing: " + hidden.getMessage());
        IOException missing = assertThrows(IOException.class,
                () -> ImageCatalog.checkRoot(Path.of("target/no-such-images").toAbsolutePath()));
        assertTrue(missing.getMessage().contains("is not a folder"), missing.getMessage());
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within 10 s");
            }
            Thread.sleep(20);
        }
    }
}
