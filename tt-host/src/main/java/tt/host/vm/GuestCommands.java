package tt.host.vm;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tt.api.ExecRequest;
import tt.api.ExecResult;
import tt.api.Validation;
import tt.api.VmState;
import tt.host.image.ImageSpeeds;
import tt.host.ssh.GuestExec;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Runs commands in a ready VM's guest over SSH: a user's exec, and the measurement of its image's slowdown. */
final class GuestCommands {

    private static final Logger LOG = LoggerFactory.getLogger(GuestCommands.class);

    private final String address;
    private final GuestExec guestExec;
    private final ImageSpeeds speeds;
    private final Set<String> speedsMeasuring = ConcurrentHashMap.newKeySet();

    GuestCommands(String address, GuestExec guestExec, ImageSpeeds speeds) {
        this.address = address;
        this.guestExec = guestExec;
        this.speeds = speeds;
    }

    /** Runs a user's command in the VM, which must be ready. */
    ExecResult exec(Vm vm, ExecRequest req) throws IOException {
        if (req == null) {
            throw new IllegalArgumentException("request body is missing: send JSON {\"cmd\": \"...\"}");
        }
        String cmd = Validation.command(req.cmd());
        int timeout = (int) Validation.range("timeoutSeconds", req.timeoutSeconds() == null ? 60 : req.timeoutSeconds(),
                1, 3600, "s");
        vm.requireState(VmState.READY, "exec in");
        ExecResult r = run(vm, cmd, timeout);
        LOG.info("vm {}: exec finished with {} in {} ms", vm.id, r.timedOut() ? "timeout" : "exit " + r.exitCode(),
                r.millis());
        return r;
    }

    /** The first ready VM of an image whose slowdown is not known measures it (see {@link ImageSpeeds}). */
    void measureSpeedOnce(Vm vm) {
        String image = vm.image.name().toString();
        if (speeds.factor(vm.image).isPresent() || !speedsMeasuring.add(image)) {
            return;
        }
        LOG.info("vm {}: measuring the slowdown of image {}", vm.id, image);
        try {
            ExecResult r = run(vm, ImageSpeeds.GUEST_COMMAND, 300);
            if (r.exitCode() != 0) {
                throw new IOException("the speed loop exited with " + r.exitCode() + ": " + r.stderr().strip());
            }
            speeds.record(vm.image, r.stdout());
        } catch (IOException | RuntimeException e) {
            LOG.warn("vm {}: the slowdown of image {} could not be measured: {}", vm.id, image, e.getMessage());
        } finally {
            speedsMeasuring.remove(image);
        }
    }

    private ExecResult run(Vm vm, String cmd, int timeoutSeconds) throws IOException {
        return guestExec.run(address, vm.ports.get(22), vm.image.manifest().sshUser(), cmd, timeoutSeconds);
    }
}
