package tt.jenkins;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CloudChoiceTest {

    @Test
    void aNamedCloudIsFoundOrTheConfiguredOnesAreListed() {
        assertEquals(1, CloudChoice.choose("arm", List.of("tt", "arm")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CloudChoice.choose("x86", List.of("tt", "arm")));
        assertEquals("no TT cloud named 'x86'; configured: tt, arm", e.getMessage());
    }

    @Test
    void withoutANameTheOnlyCloudIsUsed() {
        assertEquals(0, CloudChoice.choose(null, List.of("tt")));
        assertEquals(0, CloudChoice.choose(" ", List.of("tt")));
        assertEquals("no TT cloud is configured: add one in Manage Jenkins > Clouds",
                assertThrows(IllegalArgumentException.class, () -> CloudChoice.choose(null, List.of())).getMessage());
        assertEquals("several TT clouds are configured: say which with cloud: '<name>'",
                assertThrows(IllegalArgumentException.class, () -> CloudChoice.choose("", List.of("tt", "arm")))
                        .getMessage());
    }
}
