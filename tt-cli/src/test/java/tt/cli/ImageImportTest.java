package tt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ImageImportTest {

    private static ImageImport.Request request(Path file, String os, String arch, String firmware, Path imagePath) {
        return new ImageImport.Request(file, os, arch, firmware, null, 512, imagePath);
    }

    @Test
    void aRawCloudImageBecomesAnImageFolderBootedThroughItsFirmwareWithANoCloudSeed() throws Exception {
        assumeTrue(new ProcessBuilder("sh", "-c", "command -v qemu-img").start().waitFor() == 0,
                "qemu-img is not installed: run images/setup-deps.sh");
        Path work = Files.createDirectories(Path.of("target/image-import-" + System.nanoTime()).toAbsolutePath());
        Path raw = work.resolve("vendor-cloud.img");
        assertEquals(0, new ProcessBuilder("qemu-img", "create", "-q", "-f", "raw", raw.toString(), "2G").start().waitFor());
        Path images = work.resolve("images");
        Path folder = ImageImport.run(request(raw, "ubuntu-22.04", "x86_64", null, images));
        assertEquals(images.resolve("qemu:ubuntu-22.04:cloud.x86_64"), folder);
        JsonNode manifest = new ObjectMapper().readTree(folder.resolve("image.json").toFile());
        assertEquals("bios", manifest.get("firmware").asText());
        assertEquals("nocloud", manifest.get("seed").asText());
        assertEquals("root", manifest.get("sshUser").asText());
        assertFalse(manifest.has("kernel"));
        Process info = new ProcessBuilder("qemu-img", "info", "--output=json", folder.resolve("disk.qcow2").toString()).start();
        JsonNode disk = new ObjectMapper().readTree(new String(info.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals("qcow2", disk.get("format").asText());
        assertEquals(ImageImport.MIN_VIRTUAL_BYTES, disk.get("virtual-size").asLong(), "grown to room for real work");
        try (var left = Files.list(images)) {
            assertEquals(List.of(folder), left.toList(), "no staging folder is left");
        }
        IllegalArgumentException again = assertThrows(IllegalArgumentException.class,
                () -> ImageImport.run(request(raw, "ubuntu-22.04", "x86_64", null, images)));
        assertTrue(again.getMessage().contains("exists"), again.getMessage());
    }

    @Test
    void badRequestsAreRefusedBeforeAnythingIsWritten() throws Exception {
        Path file = Files.createTempFile("cloud", ".img");
        Path images = Path.of("target/never-written");
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ImageImport.check(request(file, "ubuntu", "x86_64", null, images))).getMessage()
                .contains("--os must be NAME-VERSION"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ImageImport.check(request(file, "ubuntu-22.04", "riscv64", null, images))).getMessage()
                .contains("--arch must be one of [aarch64, x86_64]"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ImageImport.check(request(file, "ubuntu-22.04", "aarch64", "bios", images))).getMessage()
                .contains("--firmware must be uefi for aarch64"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ImageImport.check(request(file, "ubuntu-22.04", "x86_64", null, Path.of("/tmp/images"))))
                .getMessage().contains("under /tmp"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ImageImport.check(request(Path.of("nope.img"), "ubuntu-22.04", "x86_64", null, images)))
                .getMessage().contains("no readable image file"));
        assertEquals("uefi", ImageImport.check(request(file, "debian-12", "aarch64", null, images)));
        assertFalse(Files.exists(images));
        Files.delete(file);
    }
}
