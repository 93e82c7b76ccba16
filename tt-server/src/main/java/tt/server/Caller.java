package tt.server;

import java.security.Principal;

/**
 * Who made a request: a token's owner; the admin sees and may do everything. A user's token may
 * be narrowed to a {@link Scope} and hold a {@link Quota}.
 */
public record Caller(String name, boolean admin, Scope scope, Quota quota) implements Principal {

    public static final Caller ADMIN = new Caller("admin", true, Scope.FULL, Quota.NONE);

    /** What a token may do. */
    public enum Scope {
        /** Everything its owner may. */
        FULL,
        /** Read only: GET calls. */
        READ_ONLY,
        /** ENVs (make, run on, delete its own) and reading the pool; nothing else. */
        ENVS
    }

    /** At most this many VMs, this much memory over all its ENVs, and this lifetime per ENV (null: no limit). */
    public record Quota(Integer maxVms, Integer maxMemMib, Integer maxLifetimeMinutes) {
        public static final Quota NONE = new Quota(null, null, null);
    }

    /** A user with a full-scope token and no quota. */
    public static Caller user(String name) {
        return new Caller(name, false, Scope.FULL, Quota.NONE);
    }

    @Override
    public String getName() {
        return name;
    }
}
