package tt.host.api;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import tt.api.ExecRequest;
import tt.api.ExecResult;
import tt.api.VmCreateRequest;
import tt.api.VmIdentity;
import tt.api.VmInfo;
import tt.host.vm.VmManager;

import java.io.IOException;
import java.net.URI;
import java.util.List;

/** The VMs of this host: create, list, show, stop (pause), start (resume), delete, exec, console. */
@Path("/api/v1/vms")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class VmResource {

    private final VmManager vms;

    public VmResource(VmManager vms) {
        this.vms = vms;
    }

    @GET
    public List<VmInfo> list() {
        return vms.list();
    }

    @POST
    public Response create(VmCreateRequest request) throws IOException {
        VmInfo vm = vms.create(request);
        return Response.created(URI.create("/api/v1/vms/" + vm.id())).entity(vm).build();
    }

    @GET
    @Path("{id}")
    public VmInfo show(@PathParam("id") String id) {
        return vms.get(id);
    }

    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") String id) {
        vms.delete(id);
        return Response.noContent().build();
    }

    /** Gives a warm VM its name, keys and tags; it boots on to ready. */
    @POST
    @Path("{id}/identity")
    public VmInfo identity(@PathParam("id") String id, VmIdentity identity) throws IOException {
        return vms.giveIdentity(id, identity);
    }

    @POST
    @Path("{id}/stop")
    public VmInfo stop(@PathParam("id") String id) throws IOException {
        return vms.stop(id);
    }

    @POST
    @Path("{id}/start")
    public VmInfo start(@PathParam("id") String id) throws IOException {
        return vms.start(id);
    }

    @POST
    @Path("{id}/exec")
    public ExecResult exec(@PathParam("id") String id, ExecRequest request) throws IOException {
        return vms.exec(id, request);
    }

    @GET
    @Path("{id}/console")
    @Produces(MediaType.TEXT_PLAIN)
    public String console(@PathParam("id") String id, @QueryParam("bytes") @DefaultValue("65536") int bytes)
            throws IOException {
        if (bytes < 1 || bytes > 16 << 20) {
            throw new IllegalArgumentException("bytes must be 1 to " + (16 << 20));
        }
        return vms.console(id, bytes);
    }
}
