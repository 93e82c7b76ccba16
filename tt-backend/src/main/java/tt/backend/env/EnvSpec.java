package tt.backend.env;

import tt.api.EnvCreateRequest;
import tt.api.ImageName;
import tt.api.ImageSelection;
import tt.api.Validation;
import tt.backend.hosts.HostPool;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A create request, checked and worked out against the pool's images: the ENV's VMs with their
 * images and sizes, its users' keys, guest ports, lifetime, lease and tags. Everything wrong with
 * the request is found here, before anything is placed.
 */
record EnvSpec(String name, List<VmSpec> vms, List<String> keys, List<Integer> ports, int lifetimeMinutes,
               Integer leaseSeconds, Map<String, String> tags) {

    /** One VM of the ENV. */
    record VmSpec(String name, String image, int cpu, int memMib, int diskMib) {
    }

    static final int MAX_VMS = 2000;
    static final int MIN_LEASE_SECONDS = 30;
    static final int MAX_LEASE_SECONDS = 24 * 3600;

    static EnvSpec of(EnvCreateRequest req, EnvService.Limits limits, HostPool pool) {
        if (req == null) {
            throw new IllegalArgumentException("request body is missing: send JSON with \"name\" and \"osPrefix\"");
        }
        String name = Validation.name("ENV name", req.name());
        int replicas = (int) Validation.range("replicas", req.replicas() == null ? 1 : req.replicas(), 1, 1000, "");
        int lifetime = (int) Validation.range("lifetime", req.lifetimeMinutes() == null
                ? limits.defaultLifetimeMinutes() : req.lifetimeMinutes(), 1, limits.maxLifetimeMinutes(), "minutes");
        Integer lease = req.leaseSeconds() == null ? null
                : (int) Validation.range("leaseSeconds", req.leaseSeconds(), MIN_LEASE_SECONDS, MAX_LEASE_SECONDS, "s");
        int cpu = (int) Validation.range("cpu", req.cpu() == null ? 1 : req.cpu(), 1, 256, "vCPUs");
        int memMib = (int) Validation.range("memory", req.memMib() == null ? limits.defaultMemMib() : req.memMib(),
                64, 1024 * 1024, "MiB");
        if (req.diskMib() != null) {
            Validation.range("disk", req.diskMib(), 1, 1024 * 1024, "MiB");
        }
        List<String> keys = Validation.sshKeys(req.sshKeys());
        List<Integer> ports = Validation.guestPorts(req.ports());
        Map<String, String> tags = Validation.tags(req.tags());
        List<String> images = ImageSelection.select(pool.images(), req.osPrefix(), req.images());
        for (String image : images) {
            int least = pool.imageMinMemMib(image);
            if (memMib < least) {
                throw new IllegalArgumentException("image " + image + " needs at least " + least + " MiB of memory;"
                        + " asked for " + memMib + " MiB");
            }
        }
        if (images.size() * replicas > MAX_VMS) {
            throw new IllegalArgumentException("an ENV has at most " + MAX_VMS + " VMs; this one would have "
                    + images.size() * replicas);
        }
        List<VmSpec> vms = new ArrayList<>();
        for (String image : images) {
            int diskMib = Math.max(pool.imageDiskMib(image), req.diskMib() == null ? 0 : req.diskMib());
            for (int r = 1; r <= replicas; r++) {
                vms.add(new VmSpec(vmName(name, image, replicas > 1 ? r : 0), image, cpu, memMib, diskMib));
            }
        }
        return new EnvSpec(name, List.copyOf(vms), keys, ports, lifetime, lease, tags);
    }

    static String vmName(String env, String image, int replica) {
        ImageName n = ImageName.parse(image);
        String base = (env + "-" + n.os() + "-" + n.arch()).replaceAll("[^A-Za-z0-9_-]", "-");
        String suffix = replica > 0 ? "-" + replica : "";
        return base.substring(0, Math.min(base.length(), 63 - suffix.length())) + suffix;
    }
}
