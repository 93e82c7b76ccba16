package tt.api;

/**
 * A VM's life: scheduled (placed by the backend, not yet accepted by its host), booting until
 * its SSH server answers, then ready; stopped is paused; failed says why in the VM's error. A VM
 * kept warm is booted (or restored) and waits, with no identity and no SSH server yet, until it is
 * given one; it then boots on to ready in a moment.
 */
public enum VmState {
    SCHEDULED, BOOTING, WARM, READY, STOPPED, FAILED
}
