package tt.host.engine.qemu;

import java.nio.file.Path;

/**
 * The UEFI firmware that images booting through UEFI get, from Debian's packages: ovmf for x86_64
 * guests, qemu-efi-aarch64 for aarch64 guests. Each VM gets its own copy of the variable store.
 */
final class Firmware {

    private Firmware() {
    }

    static Path uefiCode(String arch) {
        return switch (arch) {
            case "x86_64" -> Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd");
            case "aarch64" -> Path.of("/usr/share/AAVMF/AAVMF_CODE.fd");
            default -> throw new IllegalArgumentException("no UEFI firmware known for " + arch + " guests");
        };
    }

    static Path uefiVars(String arch) {
        return switch (arch) {
            case "x86_64" -> Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd");
            case "aarch64" -> Path.of("/usr/share/AAVMF/AAVMF_VARS.fd");
            default -> throw new IllegalArgumentException("no UEFI firmware known for " + arch + " guests");
        };
    }
}
