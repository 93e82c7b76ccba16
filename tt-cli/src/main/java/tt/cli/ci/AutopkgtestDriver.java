package tt.cli.ci;

import tt.api.EnvCreateRequest;
import tt.api.EnvInfo;
import tt.api.EnvState;
import tt.api.EnvVm;
import tt.local.FileTrees;
import tt.api.Validation;
import tt.client.ApiException;
import tt.client.BackendClient;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Debian's autopkgtest on TT: the commands of an {@code autopkgtest-virt-ssh} setup script. A
 * testbed is an ENV of one fresh VM (root login with a key of its own); {@code revert} replaces it
 * by a new one, so the testbed offers {@code revert} and {@code revert-full-system}. The ENV has a
 * lease that a keeper process renews while autopkgtest runs and that ends with it: a killed
 * autopkgtest leaves no VM behind.
 */
public final class AutopkgtestDriver {

    /** The ENV tag that marks a testbed. */
    static final String TAG = "autopkgtest";
    private static final Duration BOOT_WAIT = Duration.ofMinutes(15);
    private static final int ROOM_WAIT_SECONDS = 600;

    /** What the testbed is made of, from the setup script's arguments. */
    public record Testbed(String osPrefix, Integer cpu, Integer memMib, Integer diskMib, int leaseSeconds) {
    }

    private final BackendClient backend;
    private final Path stateRoot;
    private final PrintStream out;
    private final PrintStream err;

    public AutopkgtestDriver(BackendClient backend, Path stateRoot, PrintStream out, PrintStream err) {
        this.backend = backend;
        this.stateRoot = stateRoot.resolve("autopkgtest");
        this.out = out;
        this.err = err;
    }

    /**
     * {@code open}: makes a testbed, waits until its VM is ready and prints its SSH settings as
     * key=value lines. Returns the ENV's name, or empty when it failed (said on stderr).
     */
    public Optional<String> open(Testbed testbed) throws IOException, InterruptedException {
        String name = Validation.name("ENV name", "apt-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(5)));
        Path keyDir = stateRoot.resolve(name);
        String publicKey = SshKeyPair.make(keyDir, name);
        EnvCreateRequest request = EnvCreateRequest.builder(name).osPrefix(testbed.osPrefix()).cpu(testbed.cpu())
                .memMib(testbed.memMib()).diskMib(testbed.diskMib()).sshKeys(List.of(publicKey))
                .leaseSeconds(testbed.leaseSeconds()).tags(Map.of(TAG, "1")).build();
        err.println("tt: making testbed " + name + " (OS " + testbed.osPrefix() + ")");
        try {
            backend.createEnv(request, ROOM_WAIT_SECONDS);
        } catch (IOException e) {
            FileTrees.delete(keyDir);
            throw e;
        }
        EnvInfo env = backend.awaitSettled(name, BOOT_WAIT);
        if (env.state() != EnvState.READY) {
            err.println("tt: testbed " + name + " did not come up: " + env.summary());
            delete(name);
            return Optional.empty();
        }
        EnvVm vm = env.vms().get(0);
        err.println("tt: testbed " + name + " is " + vm.name() + " (" + vm.image() + ") on " + vm.host());
        out.println("login=root");
        out.println("hostname=" + vm.address());
        out.println("port=" + vm.ports().get(22));
        out.println("identity=" + keyDir.resolve("id_ed25519"));
        out.println("options=-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR");
        out.println("capabilities=isolation-machine,revert,revert-full-system");
        out.println("extraopts=--env " + name);
        return Optional.of(name);
    }

    /** {@code cleanup}: deletes the testbed's ENV and key, whatever state they are in. */
    public void cleanup(String name) throws IOException {
        delete(Validation.name("ENV name", name));
    }

    /** {@code debug-failure}: what the pool knows about the testbed, for autopkgtest's log. */
    public void debugFailure(String name) throws IOException {
        try {
            out.println("tt: testbed " + name + ": " + backend.env(Validation.name("ENV name", name), 0).summary());
        } catch (ApiException e) {
            out.println("tt: testbed " + name + ": " + e.getMessage());
        }
    }

    /**
     * Renews the testbed's lease while the process {@code pid} (autopkgtest-virt-ssh) lives, and
     * deletes the testbed when it has ended; returns when the testbed is gone.
     */
    public void keep(String name, long pid, int leaseSeconds) throws IOException, InterruptedException {
        long every = Math.max(5, leaseSeconds / 3);
        Optional<ProcessHandle> autopkgtest = ProcessHandle.of(pid);
        while (autopkgtest.map(ProcessHandle::isAlive).orElse(false)) {
            try {
                backend.renewEnv(name);
            } catch (ApiException e) {
                if (e.status() == 404) {
                    return;
                }
                err.println("tt: renewing testbed " + name + " failed: " + e.getMessage());
            } catch (IOException e) {
                err.println("tt: renewing testbed " + name + " failed: " + e.getMessage() + "; trying again");
            }
            try {
                autopkgtest.get().onExit().get(every, TimeUnit.SECONDS);
            } catch (TimeoutException stillRunning) {
                // renew again
            } catch (ExecutionException cannotHappen) {
                throw new IllegalStateException(cannotHappen);
            }
        }
        err.println("tt: autopkgtest (process " + pid + ") ended: deleting testbed " + name);
        delete(name);
    }

    private void delete(String name) throws IOException {
        try {
            backend.deleteEnv(name);
            err.println("tt: deleted testbed " + name);
        } catch (ApiException e) {
            if (e.status() != 404) {
                throw e;
            }
        }
        FileTrees.delete(stateRoot.resolve(name));
    }
}
