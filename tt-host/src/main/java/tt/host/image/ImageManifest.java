package tt.host.image;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The {@code image.json} of an image folder. File names are relative to the folder;
 * {@code cmdline} goes to the guest kernel verbatim; {@code machine} and {@code cpu} are the
 * QEMU machine type and CPU model (optional).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ImageManifest(String name, String arch, String kernel, String initrd, String disk, String cmdline,
                            String sshUser, int minMemMib, String machine, String cpu) {
}
