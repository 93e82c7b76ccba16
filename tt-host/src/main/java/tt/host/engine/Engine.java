package tt.host.engine;

import tt.host.image.Image;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A way to run VMs (QEMU now; Firecracker and Bhyve fit the same shape): it tells which images
 * it can boot, makes the VM's copy-on-write disk and starts the VM process.
 */
public interface Engine {

    /** The engine part of the image names this engine boots, e.g. {@code qemu}. */
    String name();

    /** Makes a copy-on-write disk of {@code sizeBytes} over a disk (an image's, or a snapshot's). */
    void createOverlay(Path backingDisk, Path overlay, long sizeBytes) throws IOException;

    /** Starts the VM; returns once the process runs and its control channel answers. */
    VmProcess start(VmLaunch launch) throws IOException;

    /** The accelerator for the image's guests, e.g. {@code kvm} or {@code tcg}; decided on first use. */
    String accelFor(Image image);

    /** The accelerators decided so far, e.g. {@code x86_64=tcg}. */
    String accelSummary();
}
