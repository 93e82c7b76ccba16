package tt.host.image;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The {@code image.json} of an image folder. File names are relative to the folder. An image
 * boots its {@code kernel} directly ({@code initrd} and {@code cmdline} optional), or, with no
 * kernel, through {@code firmware} ({@code bios} or {@code uefi}) from its disk, as a cloud image
 * does. {@code machine} and {@code cpu} are the QEMU machine type and CPU model (optional).
 * {@code seed} is {@code nocloud} for images personalised by a cloud-init NoCloud seed disk;
 * without it, the image reads its hostname and keys from QEMU's fw_cfg (the tiny images).
 * {@code agent} is {@code tt} for images whose guest runs TT's agent
 * (docs/protocols/guest-agent.md), which lets their VMs start from snapshots.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ImageManifest(String name, String arch, String kernel, String initrd, String disk, String cmdline,
                            String sshUser, int minMemMib, String machine, String cpu, String seed, String firmware,
                            String agent) {

    public static final String SEED_NOCLOUD = "nocloud";

    public boolean nocloudSeed() {
        return SEED_NOCLOUD.equals(seed);
    }
}
