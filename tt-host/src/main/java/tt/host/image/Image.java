package tt.host.image;

import tt.api.ImageInfo;
import tt.api.ImageName;

import java.nio.file.Path;

/**
 * One bootable image: a folder named after the image holding a kernel, an initrd and a qcow2 disk
 * (see images/README.md), described by its {@code image.json}.
 */
public record Image(ImageName name, Path dir, ImageManifest manifest, long diskKib) {

    /** The kernel to boot directly, or null for an image that boots through its firmware. */
    public Path kernel() {
        return manifest.kernel() == null ? null : dir.resolve(manifest.kernel());
    }

    public Path initrd() {
        return manifest.initrd() == null ? null : dir.resolve(manifest.initrd());
    }

    public Path disk() {
        return dir.resolve(manifest.disk());
    }

    /** What clients see of the image, with its measured slowdown if there is one. */
    public ImageInfo info(Double slowdown) {
        return new ImageInfo(name.toString(), name.engine(), name.os(), manifest.arch(), diskKib,
                manifest.minMemMib(), slowdown);
    }
}
