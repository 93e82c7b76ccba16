package tt.api;

/**
 * The hostname a VM's guest gets from its name. VM names may hold '_' (TT names an ENV's VMs
 * ENV-os-arch, so every x86_64 VM has one), which RFC 1123 hostnames may not: cloud-init,
 * hostname(1) and hostnamectl refuse such a name and leave the image's own. Each '_' becomes '-',
 * and a trailing '-' is dropped.
 */
public final class GuestHostname {

    private GuestHostname() {
    }

    /** The hostname for the VM named {@code vmName} (a name {@link Validation#name} accepts). */
    public static String of(String vmName) {
        return vmName.replace('_', '-').replaceAll("-+$", "");
    }
}
