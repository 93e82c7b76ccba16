package tt.host.vm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class NoCloudSeedTest {

    private static final List<String> KEYS = List.of("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG1 alice \"the\" admin",
            "ecdsa-sha2-nistp256 AAAAE2VjZHNh tt-host");

    @Test
    void userDataGivesRootAndTheDefaultUserTheKeysAndGrowsTheDisk() throws Exception {
        String userData = NoCloudSeed.userData("TEST-debian-12-x86_64", KEYS);
        assertTrue(userData.startsWith("#cloud-config\n"), userData);
        assertTrue(userData.contains("hostname: \"TEST-debian-12-x86_64\"\n"), userData);
        assertTrue(userData.contains("disable_root: false\n"), userData);
        assertTrue(userData.contains("  - name: root\n    ssh_authorized_keys:\n"
                + "      - \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG1 alice \\\"the\\\" admin\"\n"
                + "      - \"ecdsa-sha2-nistp256 AAAAE2VjZHNh tt-host\"\n"), "quotes in a key comment are escaped: "
                + userData);
        assertTrue(userData.contains("ssh_authorized_keys:\n  - \"ssh-ed25519"), "the image's default user too: " + userData);
        assertTrue(userData.contains("growpart:\n  mode: auto\n") && userData.contains("resize_rootfs: true"), userData);
        assertEquals("instance-id: \"vm-1a2b3c4d\"\nlocal-hostname: \"TEST-1\"\n",
                NoCloudSeed.metaData("vm-1a2b3c4d", "TEST-1"));
    }

    @Test
    void theSeedIsAnIso9660DiskLabelledCidata(@TempDir Path dir) throws Exception {
        assumeTrue(new ProcessBuilder("sh", "-c", "command -v genisoimage && command -v isoinfo").start().waitFor() == 0,
                "genisoimage is not installed: run images/setup-deps.sh");
        Path iso = NoCloudSeed.write(dir, "vm-1", "TEST-1", KEYS);
        Process info = new ProcessBuilder("isoinfo", "-d", "-i", iso.toString()).start();
        String volume = new String(info.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(volume.contains("Volume id: cidata"), volume);
        Process list = new ProcessBuilder("isoinfo", "-R", "-f", "-i", iso.toString()).start();
        List<String> files = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().sorted().toList();
        assertEquals(List.of("/meta-data", "/tt", "/tt/authorized_keys", "/tt/hostname", "/user-data"), files);
        assertEquals("TEST-1\n", Files.readString(dir.resolve("seed/tt/hostname")));
    }
}
