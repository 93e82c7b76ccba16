package tt.api;

/** A VM's life: booting until its SSH server answers, then ready; stopped is paused. */
public enum VmState {
    BOOTING, READY, STOPPED, FAILED
}
