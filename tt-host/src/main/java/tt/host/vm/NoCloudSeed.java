package tt.host.vm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import tt.local.ExternalCommand;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The cloud-init NoCloud seed of a VM: a small ISO 9660 disk labelled {@code cidata} with
 * {@code meta-data} (instance id, hostname) and {@code user-data} (#cloud-config: hostname, the
 * keys for root and the image's default user, root login allowed, the root file system grown to the
 * disk), the way clouds personalise any cloud image. Beside them, {@code tt/hostname} and
 * {@code tt/authorized_keys} as plain files, for images that read the seed without cloud-init.
 */
public final class NoCloudSeed {

    private static final ObjectMapper JSON = new ObjectMapper();

    private NoCloudSeed() {
    }

    /** Writes the seed's files into {@code dir}/seed and makes {@code dir}/seed.iso of them; returns the ISO. */
    public static Path write(Path dir, String instanceId, String hostname, List<String> keys) throws IOException {
        Path files = Files.createDirectories(dir.resolve("seed"));
        Files.writeString(files.resolve("meta-data"), metaData(instanceId, hostname), StandardCharsets.UTF_8);
        Files.writeString(files.resolve("user-data"), userData(hostname, keys), StandardCharsets.UTF_8);
        Path tt = Files.createDirectories(files.resolve("tt"));
        Files.writeString(tt.resolve("hostname"), hostname + "\n", StandardCharsets.US_ASCII);
        Files.writeString(tt.resolve("authorized_keys"), String.join("\n", keys) + "\n", StandardCharsets.US_ASCII);
        Path iso = dir.resolve("seed.iso");
        ExternalCommand.run(List.of("genisoimage", "-quiet", "-output", iso.toString(), "-volid", "cidata", "-joliet",
                "-rock", files.toString()), Duration.ofSeconds(30));
        return iso;
    }

    static String metaData(String instanceId, String hostname) throws JsonProcessingException {
        return "instance-id: " + JSON.writeValueAsString(instanceId) + "\nlocal-hostname: "
                + JSON.writeValueAsString(hostname) + "\n";
    }

    /** YAML with every value a JSON string (JSON strings are YAML double-quoted scalars): nothing to escape by hand. */
    static String userData(String hostname, List<String> keys) throws JsonProcessingException {
        return "#cloud-config\n"
                + "hostname: " + JSON.writeValueAsString(hostname) + "\n"
                + "preserve_hostname: false\n"
                + "disable_root: false\n"
                + "ssh_pwauth: false\n"
                + "users:\n"
                + "  - default\n"
                + "  - name: root\n"
                + "    ssh_authorized_keys:\n" + yamlList("      ", keys)
                + "ssh_authorized_keys:\n" + yamlList("  ", keys)
                + "growpart:\n"
                + "  mode: auto\n"
                + "  devices: [\"/\"]\n"
                + "resize_rootfs: true\n";
    }

    private static String yamlList(String indent, List<String> values) throws JsonProcessingException {
        StringBuilder list = new StringBuilder();
        for (String v : values) {
            list.append(indent).append("- ").append(JSON.writeValueAsString(v)).append('\n');
        }
        return list.toString();
    }
}
