package tt.backend.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import tt.api.ImageInfo;

import java.util.List;
import java.util.function.Supplier;

/** {@code GET /api/v1/images}: the union of the online hosts' images, in tt-host's own shape. */
@Path("/api/v1/images")
@Produces(MediaType.APPLICATION_JSON)
public final class PoolImagesResource {

    private final Supplier<List<ImageInfo>> images;

    public PoolImagesResource(Supplier<List<ImageInfo>> images) {
        this.images = images;
    }

    @GET
    public List<ImageInfo> images() {
        return images.get();
    }
}
