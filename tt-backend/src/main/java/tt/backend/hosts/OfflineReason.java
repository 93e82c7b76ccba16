package tt.backend.hosts;

import tt.client.ApiException;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;

/** Why a host does not answer the backend's poll, said from the backend's side, with what to do. */
final class OfflineReason {

    private OfflineReason() {
    }

    static String of(Throwable e, URI host) {
        if (e instanceof ApiException api) {
            return api.status() == 401
                    ? "the host refuses the backend's host token (HTTP 401): start tt-backend with the token this"
                    + " host serves with (--host-token-file FILE); on one machine both use"
                    + " ~/.local/state/tt/pool-token unless given other tokens"
                    : "the host answered HTTP " + api.status() + ": " + api.getMessage();
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "nothing answers at " + host + " (connection refused): start tt-host there, or correct the"
                        + " address (tt host del, then tt host add ADDR:PORT)";
            }
            if (t instanceof SocketTimeoutException) {
                return "no answer from " + host + " in time (" + t.getMessage() + "): is the host overloaded or"
                        + " a firewall dropping the port?";
            }
            if (t instanceof UnknownHostException) {
                return "unknown host name " + host.getHost() + ": correct the address (tt host del, then tt host add)";
            }
        }
        return String.valueOf(e.getMessage());
    }
}
