package tt.backend.hosts;

import tt.api.JoinRequest;
import tt.api.JoinToken;
import tt.local.LocalDaemons;
import tt.api.ServerAddress;
import tt.backend.db.PoolStore;
import tt.client.HostClient;
import tt.client.ServerTrust;

import javax.net.ssl.KeyManager;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * How the backend reaches its hosts: over HTTPS, trusting each host by the fingerprint learnt when
 * it was joined and presenting the backend's own certificate (mutual TLS), with the pool's host
 * token; or over plain HTTP to a host added as {@code http://} (one started with --insecure-http).
 *
 * @param hostToken the API token the hosts serve with
 * @param identity  the backend's certificate and key, presented to the hosts
 * @param env       the environment, where the hosts of this machine publish their join tokens
 */
public record HostConnector(String hostToken, KeyManager[] identity, Map<String, String> env) {

    /** The client of a host: pinned to its certificate once joined; unjoined, a client that refuses any certificate. */
    HostClient client(PoolStore.Host row) {
        if (row.plainHttp()) {
            return new HostClient(base(row), hostToken);
        }
        return new HostClient(base(row), hostToken, row.fingerprint() == null ? null
                : ServerTrust.pinned(row.fingerprint()).presenting(identity));
    }

    /** The join token a tt-host of this machine published for the backends of this machine, if the host is local. */
    Optional<JoinToken> localJoinToken(PoolStore.Host row) {
        if (!LocalDaemons.isThisMachine(row.address())) {
            return Optional.empty();
        }
        return LocalDaemons.read(env, row.port(), LocalDaemons.JOIN_TOKEN).flatMap(text -> {
            try {
                return Optional.of(JoinToken.parse(text));
            } catch (IllegalArgumentException malformed) {
                return Optional.empty();
            }
        });
    }

    /** Joins the host with its join token, first checking that it presents the certificate the token names. */
    void join(PoolStore.Host row, JoinToken token) throws IOException {
        new HostClient(base(row), null, ServerTrust.pinned(token.hostFingerprint()).presenting(identity))
                .join(new JoinRequest(token.secret()));
    }

    static URI base(PoolStore.Host row) {
        return new ServerAddress(row.plainHttp(), row.address(), row.port()).uri();
    }
}
