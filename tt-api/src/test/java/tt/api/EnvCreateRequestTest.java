package tt.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EnvCreateRequestTest {

    private static final ObjectMapper JSON = Json.mapper();

    @Test
    void aBuilderLeftAloneGivesTheNameAndNullsTheServerFillsIn() {
        assertEquals(new EnvCreateRequest("E", null, null, null, null, null, null, null, null, null, null, null),
                EnvCreateRequest.builder("E").build());
    }

    @Test
    void eachSetterSetsItsOwnField() {
        EnvCreateRequest built = EnvCreateRequest.builder("E").osPrefix("cent", "ubuntu2004")
                .images("qemu:debian-12:x86_64").cpu(2).memMib(2048).diskMib(10240).ports(List.of(8080))
                .sshKeys(List.of("ssh-ed25519 AAAA")).lifetimeMinutes(30).replicas(3).leaseSeconds(60)
                .tags(Map.of("runner", "r1")).build();
        assertEquals(new EnvCreateRequest("E", List.of("cent", "ubuntu2004"), List.of("qemu:debian-12:x86_64"), 2,
                2048, 10240, List.of(8080), List.of("ssh-ed25519 AAAA"), 30, 3, 60, Map.of("runner", "r1")), built);
    }

    @Test
    void settingNullOrAListLeavesTheFieldAsGiven() {
        assertEquals(EnvCreateRequest.builder("E").build(),
                EnvCreateRequest.builder("E").osPrefix((List<String>) null).images((List<String>) null).cpu(null)
                        .build());
        assertEquals(List.of("a", "b"), EnvCreateRequest.builder("E").osPrefix(List.of("a", "b")).build().osPrefix());
    }

    @Test
    void theJsonBodyHasTheRecordsFieldsOnlyAndReadsBackEqual() throws Exception {
        EnvCreateRequest built = EnvCreateRequest.builder("E").osPrefix("cent").cpu(1).memMib(256).replicas(2)
                .leaseSeconds(60).tags(Map.of("job", "7")).build();
        String json = JSON.writeValueAsString(built);
        assertEquals("{\"name\":\"E\",\"osPrefix\":[\"cent\"],\"images\":null,\"cpu\":1,\"memMib\":256,"
                + "\"diskMib\":null,\"ports\":null,\"sshKeys\":null,\"lifetimeMinutes\":null,\"replicas\":2,"
                + "\"leaseSeconds\":60,\"tags\":{\"job\":\"7\"}}", json);
        assertEquals(built, JSON.readValue(json, EnvCreateRequest.class));
        assertEquals(EnvCreateRequest.builder("TEST").osPrefix("cent", "ubuntu2004").build(),
                JSON.readValue("{\"name\":\"TEST\",\"osPrefix\":[\"cent\",\"ubuntu2004\"]}", EnvCreateRequest.class));
    }
}
