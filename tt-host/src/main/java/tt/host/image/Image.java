package tt.host.image;

import tt.api.ImageInfo;
import tt.api.ImageName;

import java.nio.file.Path;

/**
 * One bootable image: a folder named after the image holding a kernel, an initrd and a qcow2 disk
 * (see images/README.md), described by its {@code image.json}.
 */
public record Image(ImageName name, Path dir, ImageManifest manifest, long diskKib) {

    public Path kernel() {
        return dir.resolve(manifest.kernel());
    }

    public Path initrd() {
        return manifest.initrd() == null ? null : dir.resolve(manifest.initrd());
    }

    public Path disk() {
        return dir.resolve(manifest.disk());
    }

    public ImageInfo info() {
        return new ImageInfo(name.toString(), name.engine(), name.os(), manifest.arch(), diskKib,
                manifest.minMemMib());
    }
}
