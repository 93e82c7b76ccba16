package tt.server;

import java.security.Principal;

/** Who made a request: a token's owner; the admin sees and may do everything. */
public record Caller(String name, boolean admin) implements Principal {

    public static final Caller ADMIN = new Caller("admin", true);

    @Override
    public String getName() {
        return name;
    }
}
