package tt.host.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import tt.api.HostInfo;
import tt.api.ImageInfo;
import tt.host.image.Image;
import tt.host.image.ImageCatalog;
import tt.host.image.ImageSpeeds;

import java.util.List;
import java.util.function.Supplier;

/** {@code GET /api/v1/host} (identity and resources) and {@code GET /api/v1/images}. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public final class HostResource {

    private final Supplier<HostInfo> hostInfo;
    private final ImageCatalog images;
    private final ImageSpeeds speeds;

    public HostResource(Supplier<HostInfo> hostInfo, ImageCatalog images, ImageSpeeds speeds) {
        this.hostInfo = hostInfo;
        this.images = images;
        this.speeds = speeds;
    }

    @GET
    @Path("host")
    public HostInfo host() {
        return hostInfo.get();
    }

    @GET
    @Path("images")
    public List<ImageInfo> images() {
        return images.all().stream().map(i -> i.info(speeds.factor(i).orElse(null))).toList();
    }
}
