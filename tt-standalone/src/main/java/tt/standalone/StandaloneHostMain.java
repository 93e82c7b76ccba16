package tt.standalone;

import tt.host.HostMain;
import tt.server.ServerMain;

/** The {@code tt-host} command as {@code bin/tt-host} runs it: the VM API, and the client API over this host alone. */
public final class StandaloneHostMain {

    private StandaloneHostMain() {
    }

    public static void main(String[] args) {
        ServerMain.run(new HostMain(SingleHostClientApi::start), "tt-host", args);
    }
}
