package tt.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/** One VM of an ENV: where it runs and how to reach it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EnvVm(String name, String image, String host, String hostVmId, VmState state, String address,
                    Map<Integer, Integer> ports, String error) {

    /** Its name and state, and the error if it has one: "vm1 FAILED (why)". */
    public String summary() {
        return name + " " + state + (error == null ? "" : " (" + error + ")");
    }
}
