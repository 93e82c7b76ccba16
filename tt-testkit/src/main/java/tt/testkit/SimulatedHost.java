package tt.testkit;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import tt.api.Capacity;
import tt.api.ExecRequest;
import tt.api.ExecResult;
import tt.api.HostInfo;
import tt.api.ImageInfo;
import tt.api.VmCreateRequest;
import tt.api.VmIdentity;
import tt.api.VmInfo;
import tt.api.VmState;
import tt.server.ApiServer;
import tt.server.Authenticator;
import tt.server.InsufficientResourcesException;
import tt.server.NotFoundException;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A host that answers tt-host's API from memory, with VMs that are ready at once: for scale tests
 * and benchmarks of the scheduler only, where hundreds of real VMs cannot run. Never a stand-in
 * for tt-host anywhere else.
 */
public final class SimulatedHost implements AutoCloseable {

    private final int port;
    private final ApiServer server;
    private final Api api;

    private SimulatedHost(int port, ApiServer server, Api api) {
        this.port = port;
        this.server = server;
        this.api = api;
    }

    public static SimulatedHost start(String token, Capacity total, String image) throws Exception {
        Api api = new Api(total, image);
        ApiServer server = ApiServer.start("127.0.0.1", 0, Authenticator.single(token), api);
        api.port = server.port();
        return new SimulatedHost(server.port(), server, api);
    }

    public int port() {
        return port;
    }

    public int vmCount() {
        return api.vms.size();
    }

    /** How many VM creates this host has answered. */
    public int createsAnswered() {
        return api.createsAnswered.get();
    }

    /** From now on each create answers only after this long, as a host starting a slow VM does. */
    public void delayCreates(Duration delay) {
        api.createDelay = delay;
    }

    @Override
    public void close() {
        server.close();
    }

    /** The host API, in memory. */
    @Path("/api/v1")
    @Produces(MediaType.APPLICATION_JSON)
    @Consumes(MediaType.APPLICATION_JSON)
    public static final class Api {
        /** The port the host listens on, known once it does (it picks one). */
        private volatile int port;
        private final String image;
        private final Capacity total;
        private final Map<String, VmInfo> vms = new ConcurrentHashMap<>();
        /** What each VM holds of {@link #total}; a create that does not fit is refused as tt-host refuses it. */
        private final Map<String, Capacity> held = new ConcurrentHashMap<>();
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger nextPort = new AtomicInteger(40000);
        private volatile Duration createDelay = Duration.ZERO;
        private final AtomicInteger createsAnswered = new AtomicInteger();

        Api(Capacity total, String image) {
            this.image = image;
            this.total = total;
        }

        @GET
        @Path("host")
        public HostInfo host() {
            return new HostInfo("sim:" + port, "sim", "127.0.0.1", port, "sim", total, used(), vms.size(),
                    List.of("qemu"));
        }

        @GET
        @Path("images")
        public List<ImageInfo> images() {
            return List.of(new ImageInfo(image, "qemu", "sim-1.0", "x86_64", 100 * 1024, 64, null));
        }

        @GET
        @Path("vms")
        public List<VmInfo> list() {
            return List.copyOf(vms.values());
        }

        @POST
        @Path("vms")
        public Response create(VmCreateRequest r) throws InterruptedException {
            Thread.sleep(createDelay.toMillis());
            Capacity need = new Capacity(r.cpu(), r.memMib() * 1024L, r.diskMib() * 1024L);
            String vmId;
            synchronized (this) {
                if (!total.minus(used()).fits(need)) {
                    throw new InsufficientResourcesException("not enough resources on this simulated host: delete"
                            + " VMs or ask for less");
                }
                vmId = "sim-" + next.incrementAndGet();
                held.put(vmId, need);
            }
            VmState state = Boolean.TRUE.equals(r.warm()) ? VmState.WARM : VmState.READY;
            VmInfo vm = new VmInfo(vmId, r.name(), r.image(), state, r.cpu(), r.memMib(), r.diskMib(),
                    "127.0.0.1", Map.of(22, nextPort.incrementAndGet()), "sim", Instant.now(), Instant.now(), null,
                    r.tags(), "cold");
            vms.put(vmId, vm);
            createsAnswered.incrementAndGet();
            return Response.status(201).entity(vm).build();
        }

        @DELETE
        @Path("vms/{id}")
        public Response delete(@PathParam("id") String vmId) {
            VmInfo vm = vms.remove(vmId);
            if (vm == null) {
                throw new NotFoundException("no VM " + vmId);
            }
            held.remove(vmId);
            return Response.noContent().build();
        }

        @POST
        @Path("vms/{id}/identity")
        public VmInfo identity(@PathParam("id") String vmId, VmIdentity identity) {
            VmInfo warm = vms.get(vmId);
            if (warm == null || warm.state() != VmState.WARM) {
                throw new NotFoundException("no warm VM " + vmId);
            }
            VmInfo ready = new VmInfo(vmId, identity.name(), warm.image(), VmState.READY, warm.cpu(), warm.memMib(),
                    warm.diskMib(), warm.address(), warm.ports(), warm.accel(), warm.createdAt(), Instant.now(), null,
                    identity.tags(), warm.boot());
            vms.put(vmId, ready);
            return ready;
        }

        private Capacity used() {
            return held.values().stream().reduce(Capacity.ZERO, Capacity::plus);
        }

        @POST
        @Path("vms/{id}/exec")
        public ExecResult exec(@PathParam("id") String vmId, ExecRequest r) {
            if (!vms.containsKey(vmId)) {
                throw new NotFoundException("no VM " + vmId);
            }
            return new ExecResult(0, vms.get(vmId).name() + "\n", "", 1, false);
        }
    }
}
