package tt.jenkins;

import tt.api.EnvCreateRequest;
import tt.api.EnvInfo;
import tt.api.EnvState;
import tt.api.EnvVm;
import tt.api.ImageName;
import tt.api.ImageSelection;
import tt.client.ApiException;
import tt.client.BackendClient;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The TT side of a Jenkins agent's life: one ENV of one VM per agent, made with the agent's
 * public key, awaited until SSH is forwarded, listed for the orphan sweep, and deleted.
 */
public final class AgentVms {

    /**
     * What an agent VM is made of: an exact image, or an image whose OS matches the prefix (of
     * that CPU architecture if one is given).
     */
    public record Spec(String osPrefix, String image, String arch, Integer cpu, Integer memMib, Integer diskMib,
                       int lifetimeMinutes) {
        public Spec {
            if ((osPrefix == null || osPrefix.isBlank()) == (image == null || image.isBlank())) {
                throw new IllegalArgumentException("an agent VM needs either an OS prefix or an image, not both");
            }
        }
    }

    /** A VM that is up, with where its SSH server is forwarded to. */
    public record ReadyVm(String envName, String vmName, String image, String host, AgentBootstrap.Target ssh) {
    }

    /**
     * How agents' ENVs are tied to their controller: tagged {@code jenkins=<owner>}, and deleted
     * by the backend unless renewed ({@link #renewAll}) within {@code seconds}.
     */
    public record Lease(String owner, int seconds) {
    }

    private final BackendClient backend;
    private final Lease lease;

    /** Agent VMs without a lease: they live until deleted or until their lifetime ends. */
    public AgentVms(BackendClient backend) {
        this(backend, null);
    }

    public AgentVms(BackendClient backend, Lease lease) {
        this.backend = Objects.requireNonNull(backend);
        this.lease = lease;
    }

    /**
     * The image for an agent: the named one, or the first (by name) of the pool's images whose OS
     * matches the prefix, of the architecture asked for, else preferably of {@code preferredArch};
     * so every agent of a label gets the same image.
     */
    public static String chooseImage(Spec spec, Collection<String> poolImages, String preferredArch) {
        if (spec.image() != null && !spec.image().isBlank()) {
            if (!poolImages.contains(spec.image())) {
                throw new IllegalArgumentException("no online TT host has the image '" + spec.image()
                        + "'; the pool has: " + String.join(", ", poolImages));
            }
            return spec.image();
        }
        String arch = spec.arch() == null ? preferredArch : spec.arch();
        return ImageSelection.matching(poolImages, spec.osPrefix()).stream()
                .filter(i -> spec.arch() == null || ImageName.parse(i).arch().equals(spec.arch()))
                .min(Comparator.comparing((String i) -> !ImageName.parse(i).arch().equals(arch)))
                .orElseThrow(() -> new IllegalArgumentException("no image in the TT pool matches the OS prefix '"
                        + spec.osPrefix() + "'" + (spec.arch() == null ? "" : " for " + spec.arch())
                        + "; the pool has: " + String.join(", ", poolImages)));
    }

    /** Asks TT for the agent's VM (the backend answers at once and boots it in the background). */
    public String create(String envName, Spec spec, String publicKey) throws IOException {
        String image = chooseImage(spec, backend.status().images(), ImageName.hostArch());
        backend.createEnv(EnvCreateRequest.builder(envName).images(image).cpu(spec.cpu()).memMib(spec.memMib())
                .diskMib(spec.diskMib()).sshKeys(List.of(publicKey)).lifetimeMinutes(spec.lifetimeMinutes())
                .leaseSeconds(lease == null ? null : lease.seconds())
                .tags(lease == null ? null : Map.of("jenkins", lease.owner())).build());
        return image;
    }

    /** Waits until the VM is ready and its SSH port forwarded; fails with the VM's own error otherwise. */
    public ReadyVm awaitReady(String envName, Duration timeout) throws IOException, InterruptedException {
        EnvInfo env = backend.awaitSettled(envName, timeout);
        if (env.state() == EnvState.READY) {
            EnvVm vm = env.vms().get(0);
            Integer port = vm.ports() == null ? null : vm.ports().get(22);
            if (port == null) {
                throw new IOException("ENV " + envName + ": VM " + vm.name() + " is ready but has no SSH port");
            }
            return new ReadyVm(envName, vm.name(), vm.image(), vm.host(),
                    new AgentBootstrap.Target(vm.address(), port, "root"));
        }
        if (env.state() == EnvState.CREATING) {
            throw new IOException("ENV " + envName + " was not ready within " + timeout.toSeconds() + " s (still "
                    + env.state() + ")");
        }
        throw new IOException("ENV " + envName + " is " + env.state() + ": " + env.vms().stream()
                .map(EnvVm::summary)
                .collect(Collectors.joining(", ")));
    }

    /** Deletes the ENV; true if it was deleted, false if it was already gone. */
    public boolean delete(String envName) throws IOException {
        try {
            backend.deleteEnv(envName);
            return true;
        } catch (ApiException e) {
            if (e.status() != 404) {
                throw e;
            }
            return false;
        }
    }

    /** The ENVs this token sees whose name starts with the prefix, with when each was made. */
    public Map<String, Instant> envs(String prefix) throws IOException {
        Map<String, Instant> found = new TreeMap<>();
        backend.envs().stream().filter(e -> e.name().startsWith(prefix)).forEach(e -> found.put(e.name(), e.createdAt()));
        return found;
    }

    /**
     * Renews the leases of the agents' ENVs (their controller is alive), going on past one that
     * fails; returns the failures (ENV name to why). An ENV already gone is no failure.
     */
    public Map<String, String> renewAll(Collection<String> envNames) {
        Map<String, String> failures = new TreeMap<>();
        for (String env : envNames) {
            try {
                backend.renewEnv(env);
            } catch (ApiException e) {
                if (e.status() != 404) {
                    failures.put(env, e.getMessage());
                }
            } catch (IOException | RuntimeException e) {
                failures.put(env, String.valueOf(e.getMessage()));
            }
        }
        return failures;
    }

    /**
     * Deletes each ENV, going on past one that cannot be deleted; returns the failures (ENV name to
     * why), empty when every one is gone.
     */
    public Map<String, String> deleteAll(Collection<String> envNames) {
        Map<String, String> failures = new TreeMap<>();
        for (String env : envNames) {
            try {
                delete(env);
            } catch (IOException | RuntimeException e) {
                failures.put(env, String.valueOf(e.getMessage()));
            }
        }
        return failures;
    }
}
