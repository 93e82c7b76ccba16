package tt.api;

import java.util.List;
import java.util.Map;

/** What a warm VM is given to become someone's: its name (also its hostname), the SSH keys it lets in, its tags. */
public record VmIdentity(String name, List<String> sshKeys, Map<String, String> tags) {
}
