package tt.api;

/**
 * A VM's life: scheduled (placed by the backend, not yet accepted by its host), booting until
 * its SSH server answers, then ready; stopped is paused; failed says why in the VM's error.
 */
public enum VmState {
    SCHEDULED, BOOTING, READY, STOPPED, FAILED
}
